import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/db.ts';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import { DomainError } from '../../lib/errors.ts';
import { systemCtx } from '../access/context.ts';
import { confirmReview } from '../address/match/review.ts';
import { AREAS, roomId, seedMatchLibrary } from '../address/match/testing.ts';
import { listImportProblems } from '../imports/queries.ts';
import { collectFindings } from '../quality/findings.ts';
import { dateInFileName, ingestFeed } from './ingest.ts';
import type { SourceMapping } from './mapping.ts';
import { decideLinkReview, listLinkReviews } from './reviews.ts';
import {
  ELDERLY_HEADER,
  ELDERLY_MAPPING,
  HOUSEHOLD_HEADER,
  HOUSEHOLD_MAPPING,
  residentId,
  tempDir,
  writeCsv,
  writeMapping,
} from './testing.ts';

const ZHANG = residentId('1950-01-02', 1);
const LI = residentId('1952-03-04', 2, 'F');
const WANG = residentId('1948-07-08', 3);
const NF_B = '益田路3013号南方国际广场B座2301';
const SX_5 = '石厦北二街5号201';

const household = (rows: string[][]) => [HOUSEHOLD_HEADER, ...rows];
const elderly = (rows: string[][]) => [ELDERLY_HEADER, ...rows];

const BASE_HOUSEHOLD = [
  ['H1', ZHANG, '张三', '男', '19500102', '户主', NF_B, '13800138000'],
  ['H1', LI, '李四', '女', '19520304', '配偶', NF_B, ''],
  ['H2', WANG, '王五', '男', '19480708', '户主', SX_5, '13900139000'],
];

describe(`ingesting feeds on ${testEngine}`, () => {
  let t: TestDb;
  let db: Db;
  let dir: string;
  let ps: SourceMapping;
  let ca: SourceMapping;
  const ctx = () => systemCtx(db);
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM (${sql}) x`, params))[0]!.n);
  /** A person's registry row, with the sources that know them (from their records). */
  const person = async (id: string) =>
    (
      await db.query<Record<string, unknown>>(
        `SELECT to_jsonb(p) || jsonb_build_object('sources',
                  (SELECT jsonb_agg(DISTINCT r.source ORDER BY r.source) FROM source_records r
                    WHERE r.entity_kind = 'person' AND r.entity_id = p.id AND r.retired_by_feed IS NULL)) AS p
           FROM people p WHERE id_number = $1`,
        [id],
      )
    )[0]?.p as Record<string, unknown> | undefined;

  beforeEach(async () => {
    t = await createTestDb();
    db = t.db;
    await seedMatchLibrary(db);
    dir = tempDir();
    ps = writeMapping(dir, 'ps_household', HOUSEHOLD_MAPPING);
    ca = writeMapping(dir, 'ca_elderly', ELDERLY_MAPPING);
  });
  afterEach(() => t.destroy());

  it('fills the registries: people with their household, room and grid, households, provenance per field', async () => {
    const file = writeCsv(dir, 'household_20260930.csv', household(BASE_HOUSEHOLD));
    const s = await ingestFeed(ctx(), ps, file);
    expect(s).toMatchObject({
      status: 'succeeded',
      total: 3,
      inserted: 3,
      rejected: 0,
      deliveredAt: '2026-09-29T16:00:00.000Z',
      records: { new: 5, duplicate: 1 },
      links: { new: 5, exact: 1 },
      addresses: { matched: 6, unmatched: 0 },
      registry: { inserted: 5 },
    });
    expect(s.problems).toEqual([]);
    const zhang = (await person(ZHANG))!;
    expect(zhang).toMatchObject({
      name: '张三',
      sex: 'M',
      birth_date: '1950-01-02',
      residency: 'registered',
      household_relation: 'head',
      residence_address_id: roomId('NF-B', '2301'),
      grid_id: AREAS.mingyueGrid,
      sources: ['ps_household'],
    });
    const [h1] = await db.query<{ id: string; address_id: string; grid_id: string }>(
      "SELECT id::text, address_id, grid_id FROM households WHERE household_no = 'H1'",
    );
    expect(String(zhang.household_id)).toBe(h1!.id);
    expect(h1).toMatchObject({ address_id: roomId('NF-B', '2301'), grid_id: AREAS.mingyueGrid });
    // Every field points at the source record it came from: the feed and the row.
    const sources = zhang.field_sources as Record<string, number>;
    const [record] = await db.query<{ feed_id: string; row_number: number }>(
      'SELECT feed_id::text, row_number FROM source_records WHERE id = $1',
      [sources.name],
    );
    expect(record).toEqual({ feed_id: s.importId, row_number: 1 });
    expect(await count('SELECT 1 FROM feeds WHERE id = $1', [s.importId])).toBe(1);
  });

  it('rejects bad rows with their reasons and keeps them in the import log; warns about bad optional values', async () => {
    const badId = `${ZHANG.slice(0, 17)}${ZHANG[17] === '1' ? '2' : '1'}`;
    const file = writeCsv(
      dir,
      'household.csv',
      household([
        ['H1', badId, '张三', '男', '19500102', '户主', NF_B, ''],
        ['H1', LI, '', '女', '19520304', '配偶', NF_B, ''],
        ['H2', WANG, '王五', '男', '19480230', '户主', SX_5, '12345'],
        ['H3', residentId('1990-01-01', 9), '赵六', '男', '19900101', '户主'],
      ]),
    );
    const s = await ingestFeed(ctx(), ps, file);
    expect(s).toMatchObject({ total: 4, rejected: 3, inserted: 1 });
    const problems = await listImportProblems(ctx(), s.importId);
    expect(problems.map((p) => [p.severity, p.row, p.field])).toEqual([
      ['error', 1, '公民身份号码'],
      ['error', 2, '姓名'],
      ['warning', 3, '出生日期'],
      ['warning', 3, '联系电话'],
      ['error', 4, null],
    ]);
    expect(problems[0]!.reason).toMatch(/GB 11643/);
    expect(problems[0]!.raw).toMatchObject({ 公民身份号码: badId, 姓名: '张三' });
    expect(problems[2]!.reason).toMatch(/not a real date/);
    expect(problems[4]!.reason).toMatch(/has 6 fields, the header has 8/);
    // The row with a bad optional value is kept without it.
    expect(await person(WANG)).toMatchObject({ birth_date: null, phone: null, name: '王五' });
  });

  it('reads GBK files', async () => {
    const file = writeCsv(dir, 'household_gbk.csv', household(BASE_HOUSEHOLD), 'gbk');
    const s = await ingestFeed(ctx(), ps, file);
    expect(s).toMatchObject({ encoding: 'gb18030', inserted: 3, rejected: 0 });
    expect(await person(ZHANG)).toMatchObject({ name: '张三', residence_address_id: roomId('NF-B', '2301') });
  });

  it('changes nothing when the same file comes again', async () => {
    const file = writeCsv(dir, 'household.csv', household(BASE_HOUSEHOLD));
    const first = await ingestFeed(ctx(), ps, file);
    const snapshot = async () => ({
      people: await db.query('SELECT to_jsonb(p) AS p FROM people p ORDER BY id'),
      households: await db.query('SELECT to_jsonb(h) AS h FROM households h ORDER BY id'),
      records: await db.query('SELECT to_jsonb(r) AS r FROM source_records r ORDER BY id'),
      history: await count('SELECT 1 FROM source_record_history'),
      conflicts: await count('SELECT 1 FROM registry_conflicts'),
    });
    const before = await snapshot();
    const again = await ingestFeed(ctx(), ps, file);
    expect(again).toMatchObject({ alreadyIngested: first.importId, inserted: 0, updated: 0, unchanged: 3 });
    const forced = await ingestFeed(ctx(), ps, file, { force: true });
    expect(forced).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: 3,
      records: { new: 0, changed: 0, unchanged: 5 },
    });
    expect(forced.registry).toEqual({
      inserted: 0,
      updated: 0,
      deleted: 0,
      conflictsOpened: 0,
      conflictsClosed: 0,
      resolvedWhileReading: 0,
    });
    expect(await snapshot()).toEqual(before);
  });

  it('knows a delivery sent again after a newer one', async () => {
    const file = writeCsv(dir, 'household_20260930.csv', household(BASE_HOUSEHOLD));
    const first = await ingestFeed(ctx(), ps, file);
    const newer = [
      ...BASE_HOUSEHOLD.slice(0, 2),
      ['H2', WANG, '王五', '男', '19480708', '户主', SX_5, '13100131000'],
    ];
    await ingestFeed(ctx(), ps, writeCsv(dir, 'household_20261031.csv', household(newer)));
    expect(await ingestFeed(ctx(), ps, file)).toMatchObject({ alreadyIngested: first.importId });
    expect(await person(WANG)).toMatchObject({ phone: '13100131000' });
  });

  it('takes a newer delivery, keeps the replaced version as history, and keeps an older one as history only', async () => {
    await ingestFeed(ctx(), ps, writeCsv(dir, 'household_20260930.csv', household(BASE_HOUSEHOLD)));
    const moved = BASE_HOUSEHOLD.map((r) => (r[1] === WANG ? [...r.slice(0, 6), NF_B, '13700137000'] : r));
    const newer = await ingestFeed(ctx(), ps, writeCsv(dir, 'household_20261031.csv', household(moved)));
    // Wang's row moves him and his household.
    expect(newer).toMatchObject({
      updated: 1,
      unchanged: 2,
      records: { changed: 2 },
      registry: { updated: 2 },
    });
    expect(await person(WANG)).toMatchObject({
      phone: '13700137000',
      residence_address_id: roomId('NF-B', '2301'),
    });
    const [history] = await db.query<{ fields: Record<string, unknown>; superseded_by_feed: string }>(
      "SELECT fields, superseded_by_feed::text FROM source_record_history WHERE fields ? 'phone'",
    );
    expect(history).toMatchObject({ fields: { phone: '13900139000' }, superseded_by_feed: newer.importId });

    const older = BASE_HOUSEHOLD.map((r) => (r[1] === WANG ? [...r.slice(0, 7), '13600136000'] : r));
    const late = await ingestFeed(ctx(), ps, writeCsv(dir, 'household_20260915.csv', household(older)));
    expect(late.records).toMatchObject({ stale: 5, changed: 0, new: 0 });
    expect(late.problems.filter((p) => /older than the version already held/.test(p.reason))).toHaveLength(5);
    expect(await person(WANG)).toMatchObject({ phone: '13700137000' });
    expect(await count('SELECT 1 FROM source_record_history WHERE superseded_by_feed IS NULL')).toBe(5);
  });

  it('points a record delivered again without its ID at the latest row, the earlier delivery kept as history', async () => {
    const sep = [
      ['E1', ZHANG, '张三', '男', '1950年1月2日', NF_B, '', '200', '2026年9月1日'],
      ['E2', '', '王五', '男', '1948年7月8日', SX_5, '', '300', '2026年9月1日'],
    ];
    const first = await ingestFeed(ctx(), ca, writeCsv(dir, 'elderly_20260930.csv', elderly(sep)));
    const oct = [['E3', LI, '李四', '女', '1952年3月4日', NF_B, '', '200', '2026年10月1日'], ...sep];
    const second = await ingestFeed(ctx(), ca, writeCsv(dir, 'elderly_20261031.csv', elderly(oct)));
    expect(second.records).toMatchObject({ new: 1, changed: 0, unchanged: 2 });
    expect(second.registry).toMatchObject({ updated: 0 });
    // Zhang's record, with its ID, keeps the row that delivered it first.
    expect(
      await db.query('SELECT record_key, feed_id::text, row_number FROM source_records ORDER BY record_key'),
    ).toEqual([
      { record_key: 'E1', feed_id: first.importId, row_number: 1 },
      { record_key: 'E2', feed_id: second.importId, row_number: 3 },
      { record_key: 'E3', feed_id: second.importId, row_number: 1 },
    ]);
    expect(
      await db.query('SELECT feed_id::text, row_number, superseded_by_feed::text FROM source_record_history'),
    ).toEqual([{ feed_id: first.importId, row_number: 2, superseded_by_feed: second.importId }]);
    // The same bytes forced in again move nothing.
    const pointers = () => db.query('SELECT id, feed_id, row_number FROM source_records ORDER BY id');
    const before = await pointers();
    await ingestFeed(ctx(), ca, writeCsv(dir, 'elderly_20261031.csv', elderly(oct)), { force: true });
    expect(await pointers()).toEqual(before);
    expect(await count('SELECT 1 FROM source_record_history')).toBe(1);
    const incomplete = await db.transaction(async (tx) => {
      await collectFindings(tx, ['ca_elderly']);
      return tx.query(
        `SELECT f.file_name, q.row_number FROM quality_findings q JOIN feeds f ON f.id = q.feed_id
          WHERE q.check_name = 'completeness.identifier' ORDER BY f.delivered_at`,
      );
    });
    expect(incomplete).toEqual([
      { file_name: expect.stringMatching(/elderly_20260930\.csv$/), row_number: 2 },
      { file_name: expect.stringMatching(/elderly_20261031\.csv$/), row_number: 3 },
    ]);
  });

  it('resolves each field by source priority, then recency, and keeps the conflict until sources agree', async () => {
    await ingestFeed(ctx(), ps, writeCsv(dir, 'household.csv', household(BASE_HOUSEHOLD)));
    // Civil affairs knows Zhang with another phone (its phone priority 70 beats 40) and another birth
    // date (its 60 loses to 90), and gives an attribute of its own.
    const ca1 = await ingestFeed(
      ctx(),
      ca,
      writeCsv(
        dir,
        'elderly_1.csv',
        elderly([['E1', ZHANG, '张三', '男', '1950年1月3日', NF_B, '13500135000', '200', '2026年9月1日']]),
      ),
    );
    expect(ca1.links).toMatchObject({ exact: 1 });
    // A plain exact link stores nothing (link_status says it); a new entity's record says why it is new.
    expect(
      await db.query(
        `SELECT link_status, count(*)::int AS n, count(link)::int AS stored FROM source_records GROUP BY 1 ORDER BY 1`,
      ),
    ).toEqual([
      { link_status: 'exact', n: 1, stored: 0 },
      { link_status: 'new', n: 5, stored: 5 },
    ]);
    const zhang = (await person(ZHANG))!;
    expect(zhang).toMatchObject({
      phone: '13500135000',
      birth_date: '1950-01-02',
      attributes: { allowance_yuan: 200 },
      sources: ['ca_elderly', 'ps_household'],
    });
    expect(ca1.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        reason: expect.stringMatching(/contradicts the ID's 1950-01-02/),
      }),
    ]);
    const conflicts = await db.query<{
      field: string;
      claims: { source: string; value: unknown }[];
      resolved_at: unknown;
    }>('SELECT field, claims, resolved_at FROM registry_conflicts ORDER BY field');
    expect(conflicts.map((c) => [c.field, c.claims.map((x) => [x.source, x.value])])).toEqual([
      [
        'birth_date',
        [
          ['ps_household', '1950-01-02'],
          ['ca_elderly', '1950-01-03'],
        ],
      ],
      [
        'phone',
        [
          ['ca_elderly', '13500135000'],
          ['ps_household', '13800138000'],
        ],
      ],
    ]);

    // A newer civil-affairs row (by its own date) corrects the birth date: that conflict is settled.
    const ca2 = await ingestFeed(
      ctx(),
      ca,
      writeCsv(
        dir,
        'elderly_2.csv',
        elderly([['E1', ZHANG, '张三', '男', '1950年1月2日', NF_B, '13500135000', '200', '2026年10月1日']]),
      ),
    );
    expect(ca2.registry).toMatchObject({ conflictsClosed: 1 });
    const settled = await db.query<{ field: string; resolved_at: unknown }>(
      'SELECT field, resolved_at FROM registry_conflicts ORDER BY field',
    );
    expect(settled.map((c) => [c.field, c.resolved_at !== null])).toEqual([
      ['birth_date', true],
      ['phone', false],
    ]);
  });

  it('compares link-only evidence (the room an owner owns) with where people live, and stores none of it', async () => {
    await ingestFeed(ctx(), ps, writeCsv(dir, 'household.csv', household(BASE_HOUSEHOLD)));
    const owners = writeMapping(
      dir,
      'owners',
      `source: owners
title: 不动产登记
priority: 90
targets:
  owner:
    entity: person
    key: [[证件号码], [权利人, 坐落]]
    fields:
      id_number: 证件号码
      name: { column: 权利人, required: true }
      residence_address_id: { column: 坐落, link_only: true }
`,
    );
    const s = await ingestFeed(
      ctx(),
      owners,
      writeCsv(dir, 'owners.csv', [
        ['权利人', '证件号码', '坐落'],
        // Zhang owns the room he lives in; Wang owns one he does not live in: his name alone decides nothing.
        ['张三', '', NF_B],
        ['王五', '', NF_B],
      ]),
    );
    expect(s.links).toMatchObject({ probable: 1, review: 1 });
    expect(s.addresses).toEqual({ matched: 0, review: 0, unmatched: 0 });
    const records = await db.query<{
      name: string;
      link_status: string;
      entity_id: string | null;
      fields: object;
      texts: object | null;
    }>(
      "SELECT fields->>'name' AS name, link_status, entity_id::text, fields, texts FROM source_records WHERE source = 'owners' ORDER BY row_number",
    );
    expect(records.map((r) => [r.name, r.link_status])).toEqual([
      ['张三', 'probable'],
      ['王五', 'review'],
    ]);
    expect(records.map((r) => [r.fields, r.texts])).toEqual([
      [{ name: '张三' }, null],
      [{ name: '王五' }, null],
    ]);
    const [link] = await db.query<{ link: { comparisons: { field: string; level: string }[] } }>(
      "SELECT link FROM source_records WHERE source = 'owners' AND row_number = 1",
    );
    expect(link!.link.comparisons.map((c) => `${c.field}:${c.level}`)).toEqual([
      'name:exact',
      'residence_address_id:same_room',
    ]);
    expect(await person(ZHANG)).toMatchObject({
      residence_address_id: roomId('NF-B', '2301'),
      sources: ['owners', 'ps_household'],
    });
  });

  it('links rows without an ID by weights, creating people it cannot place, with the weights stored', async () => {
    await ingestFeed(ctx(), ps, writeCsv(dir, 'household.csv', household(BASE_HOUSEHOLD)));
    const s = await ingestFeed(
      ctx(),
      ca,
      writeCsv(
        dir,
        'elderly.csv',
        elderly([
          ['E1', '', '张三', '男', '1950年1月2日', '南方国际B座2301', '', '200', '2026年9月1日'],
          ['E2', '', '张三', '男', '1944年5月5日', SX_5, '', '300', '2026年9月1日'],
          ['E3', '', '孙七', '女', '1940年2月2日', '', '', '300', '2026年9月1日'],
        ]),
      ),
    );
    expect(s.links).toMatchObject({ probable: 1, new: 2 });
    expect(await person(ZHANG)).toMatchObject({
      sources: ['ca_elderly', 'ps_household'],
      attributes: { allowance_yuan: 200 },
    });
    expect(await count("SELECT 1 FROM people WHERE name = '张三'")).toBe(2);
    const [link] = await db.query<{
      link: { method: string; comparisons: { field: string; level: string; weight: number }[] };
    }>("SELECT link FROM source_records WHERE source = 'ca_elderly' AND record_key = 'E1'");
    expect(link!.link.method).toBe('probabilistic');
    expect(link!.link.comparisons.map((c) => c.field)).toEqual([
      'name',
      'birth_date',
      'sex',
      'residence_address_id',
    ]);
    // Delivered again, the ID-less records keep their entities.
    const again = await ingestFeed(ctx(), ca, writeCsv(dir, 'elderly.csv', [ELDERLY_HEADER]), {
      force: true,
    });
    expect(again.total).toBe(0);
  });

  it('sends a weak match to clerical review; the decision stays through later deliveries', async () => {
    await ingestFeed(ctx(), ps, writeCsv(dir, 'household.csv', household(BASE_HOUSEHOLD)));
    const rows = elderly([['E9', '', '王五', '男', '', '', '', '100', '2026年9月1日']]);
    const s = await ingestFeed(ctx(), ca, writeCsv(dir, 'elderly.csv', rows));
    expect(s.links).toMatchObject({ review: 1 });
    const [review] = await listLinkReviews(ctx());
    expect(review).toMatchObject({ source: 'ca_elderly', kind: 'person', fields: { name: '王*' } });
    const wang = await db.query<{ id: string }>('SELECT id::text FROM people WHERE id_number = $1', [WANG]);
    await decideLinkReview(ctx(), review!.recordId, { entityId: wang[0]!.id });
    expect(await person(WANG)).toMatchObject({
      sources: ['ca_elderly', 'ps_household'],
      attributes: { allowance_yuan: 100 },
    });
    const changed = elderly([['E9', '', '王五', '男', '', '', '', '150', '2026年10月1日']]);
    await ingestFeed(ctx(), ca, writeCsv(dir, 'elderly_2.csv', changed));
    expect(await person(WANG)).toMatchObject({ attributes: { allowance_yuan: 150 } });
    const [record] = await db.query<{ link_status: string }>(
      "SELECT link_status FROM source_records WHERE record_key = 'E9'",
    );
    expect(record!.link_status).toBe('confirmed');
  });

  it('merges repeated rows of a key; a repeat that says otherwise is a warning naming the fields', async () => {
    const s = await ingestFeed(
      ctx(),
      ps,
      writeCsv(
        dir,
        'household.csv',
        household([...BASE_HOUSEHOLD, ['H2', WANG, '王五', '男', '19480708', '户主', SX_5, '13100131000']]),
      ),
    );
    expect(s.records.duplicate).toBe(3);
    expect(s.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        row: 3,
        field: 'phone',
        reason: expect.stringMatching(/row 4 .* is kept/),
      }),
    ]);
    expect(await person(WANG)).toMatchObject({ phone: '13100131000' });
  });

  it('reports a row the export lists twice, and ingests it once', async () => {
    const rows = household(BASE_HOUSEHOLD);
    const s = await ingestFeed(ctx(), ps, writeCsv(dir, 'household.csv', [...rows, rows[2]!]));
    const repeatedRow = rows.length; // data rows are numbered from 1, after the header
    expect(s.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        row: repeatedRow,
        reason: 'repeats row 2: the same records',
      }),
    ]);
    expect(s.warnings).toBe(1);
    expect(await count('SELECT 1 FROM people')).toBe(BASE_HOUSEHOLD.length);
  });

  it('reports a row that says again what an earlier one said, written differently', async () => {
    const again = [...BASE_HOUSEHOLD[0]!.slice(0, 7), '138-0013-8000'];
    const s = await ingestFeed(
      ctx(),
      ps,
      writeCsv(dir, 'household.csv', household([...BASE_HOUSEHOLD, again])),
    );
    expect(s.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        row: BASE_HOUSEHOLD.length + 1,
        reason: 'repeats row 1: the same records',
      }),
    ]);
    expect(await person(ZHANG)).toMatchObject({ phone: '13800138000' });
  });

  it('retires what a snapshot no longer lists, and takes it back when listed again', async () => {
    const snapshot = writeMapping(
      dir,
      'ps_household',
      HOUSEHOLD_MAPPING.replace('priority: 90', 'priority: 90\ndelivery: snapshot'),
    );
    await ingestFeed(ctx(), snapshot, writeCsv(dir, 'household_20260930.csv', household(BASE_HOUSEHOLD)));
    const gone = await ingestFeed(
      ctx(),
      snapshot,
      writeCsv(dir, 'household_20261031.csv', household(BASE_HOUSEHOLD.slice(0, 2))),
    );
    expect(gone.records).toMatchObject({ retired: 2 });
    expect(gone.registry).toMatchObject({ deleted: 2 });
    expect(await person(WANG)).toBeUndefined();
    expect(await count("SELECT 1 FROM households WHERE household_no = 'H2'")).toBe(0);
    const back = await ingestFeed(
      ctx(),
      snapshot,
      writeCsv(dir, 'household_20261130.csv', household(BASE_HOUSEHOLD)),
    );
    expect(back.records).toMatchObject({ changed: 2 });
    expect(await person(WANG)).toMatchObject({ name: '王五' });
  });

  it('queues uncertain addresses for review and keeps the text as written', async () => {
    const rows = [
      ['H4', residentId('1990-01-01', 9), '赵六', '男', '19900101', '户主', '益田路3013号2301', ''],
    ];
    const s = await ingestFeed(ctx(), ps, writeCsv(dir, 'household.csv', household(rows)));
    expect(s.addresses).toMatchObject({ matched: 0, unmatched: 2, review: 2 });
    const queue = await db.query<{ input: string; source: string; match_status: string }>(
      'SELECT input, source, match_status FROM address_review',
    );
    expect(queue).toEqual([
      { input: '益田路3013号2301', source: 'feed:ps_household', match_status: 'ambiguous' },
    ]);
    const [record] = await db.query<{ fields: Record<string, unknown>; texts: Record<string, string> }>(
      "SELECT fields, texts FROM source_records WHERE target = 'person'",
    );
    expect(record!.fields.residence_address_id).toBeUndefined();
    expect(record!.texts).toEqual({ residence_address_id: '益田路3013号2301' });
    // The household has no address: it waits unlinked for the review, its record kept.
    expect(
      await count("SELECT 1 FROM source_records WHERE target = 'household' AND link_status = 'new'"),
    ).toBe(1);

    // Confirmed in review: the records holding the text take the room at once, and so does the registry.
    const [item] = await db.query<{ id: string }>('SELECT id::text FROM address_review');
    const room = roomId('NF-B', '2301');
    await confirmReview(ctx(), item!.id, { addressId: room });
    expect(await person(rows[0]![1]!)).toMatchObject({
      residence_address_id: room,
      grid_id: expect.any(String),
    });
    expect(await count('SELECT 1 FROM households WHERE address_id = $1', [room])).toBe(1);
    expect(await count('SELECT 1 FROM source_record_pending_addresses')).toBe(0);
  });

  it('refuses a file whose header lacks mapped columns, naming every one, and logs the failed run', async () => {
    const file = writeCsv(dir, 'household.csv', [
      HOUSEHOLD_HEADER.filter((h) => h !== '姓名' && h !== '户号'),
    ]);
    const error = await ingestFeed(ctx(), ps, file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).problems.map((p) => p.field).sort()).toEqual(['姓名', '户号'].sort());
    const [run] = await db.query<{ status: string }>('SELECT status FROM imports');
    expect(run!.status).toBe('failed');
    expect(await count('SELECT 1 FROM feeds')).toBe(0);
  });
});

describe('delivery dates in file names', () => {
  it('reads a trailing _YYYYMMDD as midnight in Shenzhen', () => {
    expect(dateInFileName('/x/police_household_20261031.csv')?.toISOString()).toBe(
      '2026-10-30T16:00:00.000Z',
    );
    expect(dateInFileName('rental-20260230.csv')).toBeUndefined();
    expect(dateInFileName('rental.csv')).toBeUndefined();
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidCreditCode, isValidResidentId } from '../../foundation/registry/checksums.ts';
import { buildDemoDistrict } from '../model.ts';
import { FEED_TRUTH, type FeedsManifest, feedFileName, generateFeeds, SOURCES } from './generate.ts';
import { ERROR_KINDS } from './sink.ts';

const SCALE = 0.02;
let root: string;
let manifest: FeedsManifest;
const dir = (name: string) => join(root, name);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'citybrain-feeds-'));
  for (const [name, seed] of [
    ['a', 5],
    ['b', 5],
    ['c', 6],
  ] as const) {
    const district = buildDemoDistrict({ seed, scale: SCALE });
    const m = await generateFeeds({ seed, scale: SCALE, outDir: dir(name), district });
    if (name === 'a') manifest = m;
  }
}, 120_000);
afterAll(() => rm(root, { recursive: true, force: true }));

type Table = { header: string[]; rows: string[][] };

const feeds = new Map<string, Promise<{ bytes: Buffer; table: Table }>>();

/** Each feed of the first run is read and parsed once. */
function readFeed(file: string): Promise<{ bytes: Buffer; table: Table }> {
  if (!feeds.has(file)) feeds.set(file, parseFeed(file));
  return feeds.get(file)!;
}

async function parseFeed(file: string): Promise<{ bytes: Buffer; table: Table }> {
  const bytes = await readFile(join(dir('a'), 'feeds', file));
  const encoding = manifest.files.find((f) => f.file === file)!.encoding;
  const text =
    encoding === 'gbk' ? iconv.decode(bytes, 'gbk') : bytes.toString('utf8').replace(/^\uFEFF/, '');
  const [header, ...rows] = parse(text, { relax_column_count: false }) as string[][];
  return { bytes, table: { header: header!, rows } };
}

interface TruthRow {
  row: number;
  entity: string;
  address: string;
  related: string;
  errors: string[];
}

async function readTruth(file: string): Promise<TruthRow[]> {
  const [, ...rows] = parse(await readFile(join(dir('a'), FEED_TRUTH.dir, file), 'utf8')) as string[][];
  return rows.map(([row, entity, address, related, errors]) => ({
    row: Number(row),
    entity: entity!,
    address: address!,
    related: related!,
    errors: errors ? errors.split('|') : [],
  }));
}

async function readCsv(path: string): Promise<Record<string, string>[]> {
  return parse(await readFile(join(dir('a'), path), 'utf8'), { columns: true }) as Record<string, string>[];
}

interface ErrorRow {
  file: string;
  source: string;
  row: string;
  kind: string;
  field: string;
  detail: string;
}

/** Columns that hold resident IDs or credit codes, by source. */
const ID_COLUMNS: Record<string, string[]> = {
  police_household: ['公民身份号码'],
  police_floating: ['证件号码'],
  civil_elderly: ['身份证号'],
  civil_subsidy: ['身份证号'],
  housing_rental: ['出租人证件号码', '承租人证件号码'],
  housing_ownership: ['证件号码'],
  market_registration: ['统一社会信用代码', '法定代表人证件号码'],
  egov_licence: ['持证主体代码'],
  tax_revenue: ['纳税人识别号'],
  social_insurance_employer: ['统一社会信用代码'],
  social_insurance_person: ['公民身份号码'],
  health_birth: ['母亲身份证号', '父亲身份证号'],
  education_school: ['统一社会信用代码'],
  education_enrolment: [],
  urban_component: [],
  urban_illegal_construction: ['当事人证件号码'],
};

const validId = (value: string) => isValidResidentId(value) || isValidCreditCode(value);

describe('generateFeeds', () => {
  it('writes the same bytes for the same seed and other bytes for another', async () => {
    const files = [
      ...manifest.files.map((f) => join('feeds', f.file)),
      ...manifest.files.map((f) => join(FEED_TRUTH.dir, f.file)),
      FEED_TRUTH.errors,
      FEED_TRUTH.people,
      FEED_TRUTH.households,
      FEED_TRUTH.entities,
      FEED_TRUTH.stories,
    ];
    for (const file of files) {
      const [a, b] = await Promise.all([readFile(join(dir('a'), file)), readFile(join(dir('b'), file))]);
      expect(a.equals(b), file).toBe(true);
    }
    const [a, c] = await Promise.all(
      ['a', 'c'].map((name) => readFile(join(dir(name), 'feeds', manifest.files[0]!.file))),
    );
    expect(a!.equals(c!)).toBe(false);
  });

  it('writes every source in its encoding, line endings and header', async () => {
    for (const spec of SOURCES) {
      for (const delivery of spec.deliveries) {
        const file = feedFileName(spec.source, delivery);
        const { bytes, table } = await readFeed(file);
        expect(table.header).toEqual(spec.columns.map((c) => c.header));
        const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
        expect(bom, file).toBe(spec.encoding === 'utf8-bom');
        const firstLine = bytes.subarray(0, bytes.indexOf(0x0a) + 1);
        expect(firstLine.at(-2) === 0x0d, file).toBe(spec.encoding === 'gbk');
        if (spec.encoding === 'gbk') {
          // Valid GBK that is not valid UTF-8: the Chinese header decodes only one way.
          expect(bytes.toString('utf8')).toContain('\uFFFD');
          expect(iconv.decode(bytes, 'gbk')).not.toContain('\uFFFD');
        }
        expect(manifest.files.find((f) => f.file === file)!.rows).toBe(table.rows.length);
      }
    }
    expect(new Set(SOURCES.map((s) => s.encoding))).toEqual(new Set(['gbk', 'utf8-bom', 'utf8']));
  });

  it('writes each date style somewhere', async () => {
    const styles = {
      slash: /^\d{4}\/\d{1,2}\/\d{1,2}$/,
      compact: /^\d{8}$/,
      chinese: /^\d{4}年\d{1,2}月\d{1,2}日$/,
      iso: /^\d{4}-\d{2}-\d{2}$/,
    };
    const seen = new Set<string>();
    for (const spec of SOURCES) {
      const { table } = await readFeed(feedFileName(spec.source, spec.deliveries[0]!));
      const cells = table.rows.slice(0, 50).flat();
      for (const [style, pattern] of Object.entries(styles))
        if (cells.some((c) => pattern.test(c))) seen.add(style);
      expect(
        cells.some((c) => styles[spec.dates].test(c)),
        spec.source,
      ).toBe(true);
    }
    expect(seen).toEqual(new Set(Object.keys(styles)));
  });

  it('lists every injected error, and every ID is valid unless its bad checksum is listed', async () => {
    const errors = (await readCsv(FEED_TRUTH.errors)) as unknown as ErrorRow[];
    const byRow = new Map<string, ErrorRow[]>();
    for (const e of errors) byRow.set(`${e.file}#${e.row}`, [...(byRow.get(`${e.file}#${e.row}`) ?? []), e]);
    const kinds = new Set<string>();
    for (const f of manifest.files) {
      const { table } = await readFeed(f.file);
      const truth = await readTruth(f.file);
      expect(truth.map((t) => t.row)).toEqual(table.rows.map((_, i) => i + 1));
      const idColumns = ID_COLUMNS[f.source]!.map((c) => table.header.indexOf(c));
      truth.forEach((t, i) => {
        const listed = byRow.get(`${f.file}#${t.row}`) ?? [];
        expect(listed.map((e) => e.kind).sort(), `${f.file} row ${t.row}`).toEqual([...t.errors].sort());
        for (const e of listed) kinds.add(e.kind);
        const values = table.rows[i]!;
        for (const at of idColumns) {
          const value = values[at]!;
          const column = table.header[at]!;
          const bad = listed.some((e) => e.kind === 'bad-checksum' && e.field === column);
          if (bad) expect(validId(value), `${f.file} row ${t.row} ${column}`).toBe(false);
          else if (value && value.length === 18)
            expect(validId(value), `${f.file} row ${t.row} ${column} ${value}`).toBe(true);
          if (listed.some((e) => e.kind === 'missing-id' && e.field === column)) expect(value).toBe('');
        }
        for (const e of listed) {
          const other = Number(/^row (\d+)$/.exec(e.detail)?.[1]);
          if (e.kind === 'duplicate-row') expect(table.rows[other - 1]).toEqual(values);
          if (e.kind === 'duplicate-entity') expect(truth[other - 1]!.entity).toBe(t.entity);
          if (e.kind === 'impossible-date') {
            const cell = values[table.header.indexOf(e.field)]!;
            const [y, m, d] = cell.match(/\d+/g)!.map(Number);
            const real = new Date(Date.UTC(y!, m! - 1, d!));
            expect(real.getUTCMonth() + 1 === m && real.getUTCDate() === d, `${f.file} ${cell}`).toBe(false);
          }
        }
      });
    }
    expect(kinds).toEqual(new Set(ERROR_KINDS));
    for (const [source, counts] of Object.entries(manifest.errors)) {
      const spec = SOURCES.find((s) => s.source === source)!;
      for (const kind of Object.keys(counts)) expect(Object.keys(spec.errors), source).toContain(kind);
    }
  });

  it('links rows without an ID number to people in the population truth', async () => {
    const people = new Map((await readCsv(FEED_TRUTH.people)).map((p) => [p.person_id!, p]));
    const rental = await readFeed(feedFileName('housing_rental', SOURCES[4]!.deliveries[0]!));
    const truth = await readTruth(feedFileName('housing_rental', SOURCES[4]!.deliveries[0]!));
    const at = (name: string) => rental.table.header.indexOf(name);
    let persons = 0;
    rental.table.rows.forEach((values, i) => {
      if (values[at('承租人类型')] !== '个人') return;
      persons++;
      expect(values[at('承租人证件号码')]).toBe('');
      const person = people.get(truth[i]!.entity)!;
      expect(person.name).toBe(values[at('承租人')]);
      expect(person.birth_date).toBe(values[at('承租人出生日期')]);
    });
    expect(persons).toBeGreaterThan(100);

    const births = await readFeed(feedFileName('health_birth', SOURCES[11]!.deliveries[0]!));
    const birthTruth = await readTruth(feedFileName('health_birth', SOURCES[11]!.deliveries[0]!));
    birthTruth.forEach((t, i) => {
      const child = people.get(t.entity)!;
      expect(child).toBeDefined();
      const mother = /mother=([^|]+)/.exec(t.related)![1]!;
      const values = births.table.rows[i]!;
      if (!t.errors.includes('bad-checksum') && !t.errors.includes('missing-id'))
        expect(values[births.table.header.indexOf('母亲身份证号')]).toBe(mother);
    });

    const floating = await readTruth(feedFileName('police_floating', SOURCES[1]!.deliveries[0]!));
    const missing = floating.filter((t) => t.errors.includes('missing-id'));
    expect(missing.length).toBeGreaterThan(0);
    for (const t of missing) expect(people.get(t.entity)?.residency).toBe('floating');
  });

  it('delivers a month later with people moved, born, gone and leases changed', async () => {
    const [first, second] = SOURCES[0]!.deliveries.map((d) => feedFileName('police_household', d));
    const before = new Map((await readTruth(first!)).map((t) => [t.entity, t.address]));
    const after = await readTruth(second!);
    const { table } = await readFeed(second!);
    const status = table.header.indexOf('人口状态');
    const moved = after.filter((t) => before.has(t.entity) && before.get(t.entity) !== t.address);
    const fresh = after.filter((t) => !before.has(t.entity));
    expect(moved.length).toBeGreaterThan(0);
    expect(fresh.length).toBeGreaterThan(0);
    expect(table.rows.some((r) => r[status] === '迁出' || r[status] === '死亡')).toBe(true);
    const changes = await readFeed(feedFileName('housing_rental', SOURCES[4]!.deliveries[1]!));
    const state = changes.table.header.indexOf('合同状态');
    expect(changes.table.rows.some((r) => r[state] === '已解除')).toBe(true);
    expect(changes.table.rows.some((r) => r[state] === '有效')).toBe(true);
  });

  it('plants Mr Zhang: father turning 70, a company over 50 million, a lease in October, a rooftop case', async () => {
    const story = JSON.parse(await readFile(join(dir('a'), FEED_TRUTH.stories), 'utf8')).mrZhang;
    const turns = Date.parse(story.father.turns70) - Date.parse(manifest.deliveries[0]!);
    expect(turns / 86_400_000).toBeGreaterThan(0);
    expect(turns / 86_400_000).toBeLessThanOrEqual(30);
    expect(story.company.revenueYuan).toBeGreaterThan(50_000_000);
    const lease = await readTruth(story.lease.file);
    expect(lease.some((t) => t.related === `landlord=${story.person.id}`)).toBe(true);
    const entities = await readCsv(FEED_TRUTH.entities);
    expect(entities.find((e) => e.credit_code === story.company.code)?.rep_id).toBe(story.person.id);
  });

  it('is documented column by column in SOURCES.md', async () => {
    const doc = await readFile(new URL('./SOURCES.md', import.meta.url), 'utf8');
    for (const spec of SOURCES) {
      const start = doc.indexOf(`### ${spec.source}\n`);
      expect(start, spec.source).toBeGreaterThan(0);
      const end = doc.indexOf('\n### ', start + 1);
      const section = doc.slice(start, end < 0 ? undefined : end);
      const table = spec.columns.map((c) => `| \`${c.header}\` | ${c.meaning} |`).join('\n');
      expect(section, spec.source).toContain(table);
      for (const kind of Object.keys(spec.errors)) expect(section).toContain(`- \`${kind}\` (`);
      for (const d of spec.deliveries) expect(section).toContain(`\`${feedFileName(spec.source, d)}\``);
    }
  });

  it('scales: about 1.55 million residents, 300,000 entities and 5 million rows at scale 1', () => {
    const perScale = (n: number) => n / SCALE;
    expect(perScale(manifest.counts.residents)).toBeGreaterThan(1.4e6);
    expect(perScale(manifest.counts.residents)).toBeLessThan(1.7e6);
    expect(perScale(manifest.counts.entities)).toBeGreaterThan(0.29e6);
    expect(perScale(manifest.counts.entities)).toBeLessThan(0.31e6);
    expect(perScale(manifest.rows)).toBeGreaterThan(4.3e6);
    expect(perScale(manifest.rows)).toBeLessThan(5.7e6);
  });
});

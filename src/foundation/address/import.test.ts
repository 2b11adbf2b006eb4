import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataVersion } from '../../db/data-versions.ts';
import type { Db } from '../../db/db.ts';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import { type Ctx, systemCtx } from '../access/context.ts';
import { importAddresses } from './import.ts';
import {
  addressCsv,
  buildingRow,
  FUBAO,
  FUBAO_GRID,
  FUTIAN,
  MINGYUE,
  MINGYUE_GRID_1,
  MINGYUE_GRID_2,
  NANSHAN_GRID,
  roomRow,
  seedAreas,
  writeTestFile,
  XINSHA_GRID,
} from './testing.ts';

describe(`address import on ${testEngine}`, () => {
  let t: TestDb;
  let db: Db;
  let ctx: Ctx;
  beforeAll(async () => {
    t = await createTestDb();
    db = t.db;
    ctx = systemCtx(db);
    await seedAreas(db);
  });
  afterAll(() => t.destroy());

  const stored = (id: string) =>
    db
      .query<Record<string, unknown>>('SELECT * FROM addresses WHERE address_id = $1', [id])
      .then((rows) => rows[0]);

  it('imports buildings and rooms, placing a row without grid_id by its point', async () => {
    const b1 = buildingRow('IMP-B1', MINGYUE_GRID_1);
    const b2 = buildingRow('IMP-B2', MINGYUE_GRID_2, { grid_id: '', aliases: ' 华强 | 华强广场大厦|华强 ' });
    const path = writeTestFile(
      addressCsv([b1, roomRow('IMP-R1', b1, '23', '2301'), b2, roomRow('IMP-R2', b2, '3', '301')]),
    );
    const versionBefore = await dataVersion(db, 'addresses');
    const seen: number[] = [];
    const summary = await importAddresses(ctx, path, { onProgress: (rows) => seen.push(rows) });
    expect(summary).toMatchObject({ status: 'succeeded', total: 4, inserted: 4, updated: 0, rejected: 0 });
    expect(summary.problems).toEqual([]);
    expect(seen.at(-1)).toBe(4);
    expect(await dataVersion(db, 'addresses')).not.toBe(versionBefore);
    expect(await stored('IMP-B2')).toMatchObject({
      district_id: FUTIAN,
      subdistrict_id: FUBAO,
      community_id: MINGYUE,
      grid_id: MINGYUE_GRID_2,
      aliases: ['华强', '华强广场大厦'],
      lng: 114.015,
      lat: 22.51,
    });
    expect(await stored('IMP-R1')).toMatchObject({
      level: 'room',
      parent_id: 'IMP-B1',
      floor: '23',
      room: '2301',
    });
    const [run] = await db.query('SELECT status, rows_inserted, encoding FROM imports WHERE id = $1', [
      summary.importId,
    ]);
    expect(run).toEqual({ status: 'succeeded', rows_inserted: 4, encoding: 'utf-8' });
    const audits = await db.query("SELECT entity_id FROM audit_log WHERE action = 'addresses.import'");
    expect(audits).toContainEqual({ entity_id: summary.importId });
  });

  it('re-importing the same file changes nothing; a changed row counts as one update', async () => {
    const b = buildingRow('IDEM-B1', FUBAO_GRID);
    const rows = [b, roomRow('IDEM-R1', b, '1', '101'), roomRow('IDEM-R2', b, '1', '102')];
    const first = await importAddresses(ctx, writeTestFile(addressCsv(rows)));
    expect(first).toMatchObject({ inserted: 3, updated: 0, unchanged: 0 });
    const before = await stored('IDEM-R1');
    const version = await dataVersion(db, 'addresses');

    const again = await importAddresses(ctx, writeTestFile(addressCsv(rows)));
    expect(again).toMatchObject({ total: 3, inserted: 0, updated: 0, unchanged: 3, rejected: 0 });
    expect(await stored('IDEM-R1')).toEqual(before);
    expect(await dataVersion(db, 'addresses')).toBe(version);

    rows[1] = { ...rows[1], room: '101A' };
    const changed = await importAddresses(ctx, writeTestFile(addressCsv(rows)));
    expect(changed).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 });
    const updated = await stored('IDEM-R1');
    expect(updated).toMatchObject({ room: '101A' });
    expect(String(updated?.import_id)).toBe(changed.importId);
  });

  it('rejects each bad row with its row, field and reason, and imports the rest', async () => {
    // Stored under another district before the file claims it for Futian.
    await importAddresses(ctx, writeTestFile(addressCsv([buildingRow('REJ-ELSEWHERE', NANSHAN_GRID)])));
    const good = buildingRow('REJ-GOOD', MINGYUE_GRID_1);
    const room = roomRow('REJ-ROOM', good, '2', '201');
    const rows = [
      good, // 1
      { ...good, address_id: '' }, // 2
      { ...good, estate: 'second' }, // 3 duplicate of row 1
      buildingRow('REJ-LEVEL', MINGYUE_GRID_1, { level: 'house' }), // 4
      { ...room, address_id: 'REJ-NOPARENT', parent_id: '' }, // 5
      { ...room, address_id: 'REJ-ORPHAN', parent_id: 'NO-SUCH-BUILDING' }, // 6
      { ...room, address_id: 'REJ-ROOMPARENT', parent_id: 'REJ-ROOM' }, // 7
      room, // 8
      buildingRow('REJ-SUB', MINGYUE_GRID_1, { subdistrict: '不存在街道' }), // 9
      buildingRow('REJ-COMM', MINGYUE_GRID_1, { community: '不存在社区' }), // 10
      buildingRow('REJ-NOTIN', MINGYUE_GRID_1, { subdistrict: '沙头街道' }), // 11: 明月社区 is in 福保街道
      buildingRow('REJ-LNG', MINGYUE_GRID_1, { lng: 'east' }), // 12
      buildingRow('REJ-LAT', MINGYUE_GRID_1, { lat: '95' }), // 13
      buildingRow('REJ-GRID', MINGYUE_GRID_1, { grid_id: '44030499999999' }), // 14
      buildingRow('REJ-OUTSIDE', MINGYUE_GRID_1, { grid_id: '', lng: '100.5', lat: '30.1' }), // 15
      buildingRow('REJ-ELSEWHERE', MINGYUE_GRID_1), // 16
      buildingRow('REJ-NOTGRID', MINGYUE_GRID_1, { grid_id: MINGYUE }), // 17
      { ...room, address_id: 'REJ-PARENT-REJECTED', parent_id: 'REJ-LEVEL' }, // 18
    ];
    const path = writeTestFile(addressCsv(rows));
    const summary = await importAddresses(ctx, path);
    expect(summary).toMatchObject({ total: 18, inserted: 2, rejected: 16, status: 'succeeded' });
    const errors = summary.problems.filter((p) => p.severity === 'error');
    const expected: [number, string, RegExp][] = [
      [2, 'address_id', /missing/],
      [3, 'address_id', /duplicate of row 1/],
      [4, 'level', /"house" is not building or room/],
      [5, 'parent_id', /a room needs its building/],
      [6, 'parent_id', /no address NO-SUCH-BUILDING/],
      [7, 'parent_id', /REJ-ROOM is a room, not a building/],
      [9, 'subdistrict', /unknown subdistrict 不存在街道/],
      [10, 'community', /unknown community 不存在社区/],
      [11, 'community', /明月社区 is not in 沙头街道/],
      [12, 'lng', /"east" is not a number/],
      [13, 'lat', /out of range/],
      [14, 'grid_id', /unknown grid 44030499999999/],
      [15, 'grid_id', /outside every grid/],
      [16, 'address_id', /exists already in district 440305/],
      [17, 'grid_id', /is a community, not a grid/],
      [18, 'parent_id', /its building REJ-LEVEL \(row 4\) was rejected/],
    ];
    for (const [row, field, reason] of expected) {
      expect(errors, `row ${row}`).toContainEqual(
        expect.objectContaining({ file: path, row, field, reason: expect.stringMatching(reason) }),
      );
    }
    expect(new Set(errors.map((p) => p.row)).size).toBe(16);
    expect(await stored('REJ-GOOD')).toMatchObject({ estate: '南方国际广场' });
    expect(await stored('REJ-ROOM')).toMatchObject({ parent_id: 'REJ-GOOD' });
    expect(await stored('REJ-ELSEWHERE')).toMatchObject({ district_id: '440305' });

    const kept = await db.query<{ row_number: number; field: string; raw: Record<string, string> }>(
      "SELECT row_number, field, raw FROM import_problems WHERE import_id = $1 AND severity = 'error' ORDER BY seq",
      [summary.importId],
    );
    expect(kept).toHaveLength(16);
    expect(kept.find((p) => p.row_number === 4)?.raw).toMatchObject({
      address_id: 'REJ-LEVEL',
      level: 'house',
    });
    // Rejected after staging: the raw row is read back from the file.
    expect(kept.find((p) => p.row_number === 16)?.raw).toMatchObject({ address_id: 'REJ-ELSEWHERE' });
    expect(kept.find((p) => p.row_number === 6)?.raw).toMatchObject({ parent_id: 'NO-SUCH-BUILDING' });
  });

  it('rejects a room whose building lies in another district, in the file or in the library', async () => {
    await importAddresses(ctx, writeTestFile(addressCsv([buildingRow('DIST-STORED', NANSHAN_GRID)])));
    const rows = [
      buildingRow('DIST-FILE', NANSHAN_GRID), // 1
      roomRow('DIST-R1', buildingRow('DIST-FILE', MINGYUE_GRID_1), '1', '101'), // 2
      buildingRow('DIST-STORED', MINGYUE_GRID_1), // 3: stored under Nanshan
      roomRow('DIST-R2', buildingRow('DIST-STORED', MINGYUE_GRID_1), '1', '102'), // 4
    ];
    const summary = await importAddresses(ctx, writeTestFile(addressCsv(rows)));
    expect(summary).toMatchObject({ total: 4, inserted: 1, rejected: 3 });
    expect(summary.problems.map(({ row, field, reason }) => ({ row, field, reason }))).toEqual([
      { row: 2, field: 'parent_id', reason: 'its building DIST-FILE is in district 440305, not 440304' },
      { row: 3, field: 'address_id', reason: 'DIST-STORED exists already in district 440305' },
      { row: 4, field: 'parent_id', reason: 'its building DIST-STORED is in district 440305, not 440304' },
    ]);
  });

  it('rejects a row whose field count differs from the header', async () => {
    const text = `${addressCsv([buildingRow('COUNT-OK', MINGYUE_GRID_1)])}COUNT-BAD,building\n`;
    const summary = await importAddresses(ctx, writeTestFile(text));
    expect(summary).toMatchObject({ inserted: 1, rejected: 1 });
    expect(summary.problems[0]).toMatchObject({ row: 2, reason: 'has 2 fields, the header has 16' });
  });

  it('warns when the stated community disagrees with the grid, keeping the grid chain', async () => {
    const row = buildingRow('WARN-B1', MINGYUE_GRID_1, { subdistrict: '沙头街道', community: '新沙社区' });
    const summary = await importAddresses(ctx, writeTestFile(addressCsv([row])));
    expect(summary).toMatchObject({ inserted: 1, rejected: 0, warnings: 1 });
    expect(summary.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        row: 1,
        field: 'community',
        reason: expect.stringContaining('grid 44030401000101 lies in 明月社区'),
      }),
    ]);
    expect(await stored('WARN-B1')).toMatchObject({ subdistrict_id: FUBAO, community_id: MINGYUE });
    const [problem] = await db.query('SELECT severity FROM import_problems WHERE import_id = $1', [
      summary.importId,
    ]);
    expect(problem).toEqual({ severity: 'warning' });
  });

  it('accepts a room before its building, and a room whose building is already in the library', async () => {
    const b = buildingRow('ORDER-B1', XINSHA_GRID);
    const first = await importAddresses(
      ctx,
      writeTestFile(addressCsv([roomRow('ORDER-R1', b, '5', '501'), b])),
    );
    expect(first).toMatchObject({ inserted: 2, rejected: 0 });
    const later = await importAddresses(ctx, writeTestFile(addressCsv([roomRow('ORDER-R2', b, '5', '502')])));
    expect(later).toMatchObject({ inserted: 1, rejected: 0 });
  });

  it('reads GBK and UTF-8 with a BOM', async () => {
    const gbk = await importAddresses(
      ctx,
      writeTestFile(addressCsv([buildingRow('ENC-GBK', MINGYUE_GRID_2, { estate: '福田星河世纪' })]), {
        encoding: 'gbk',
      }),
    );
    expect(gbk).toMatchObject({ encoding: 'gb18030', inserted: 1, rejected: 0 });
    expect(await stored('ENC-GBK')).toMatchObject({ estate: '福田星河世纪', community_id: MINGYUE });
    const bom = await importAddresses(
      ctx,
      writeTestFile(addressCsv([buildingRow('ENC-BOM', MINGYUE_GRID_2)]), { bom: true }),
    );
    expect(bom).toMatchObject({ encoding: 'utf-8', inserted: 1, rejected: 0 });
  });

  it('rejects rows outside the scope of a scoped importer', async () => {
    const scoped: Ctx = {
      db,
      actor: { username: 'grid-worker', role: 'grid_worker', scope: { kind: 'community', id: MINGYUE } },
    };
    const summary = await importAddresses(
      scoped,
      writeTestFile(
        addressCsv([buildingRow('SCOPE-IN', MINGYUE_GRID_1), buildingRow('SCOPE-OUT', XINSHA_GRID)]),
      ),
    );
    expect(summary).toMatchObject({ inserted: 1, rejected: 1 });
    expect(summary.problems[0]).toMatchObject({
      row: 2,
      field: 'grid_id',
      reason: expect.stringContaining('scope'),
    });
    const analyst: Ctx = { db, actor: { ...scoped.actor, role: 'analyst' } };
    await expect(importAddresses(analyst, writeTestFile(addressCsv([])))).rejects.toThrow(/addresses:write/);
  });

  it('leaves nothing behind when the merge fails half-way', async () => {
    const count = async () =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM addresses'))[0]!.n;
    const before = await count();
    const version = await dataVersion(db, 'addresses');
    await db.exec("ALTER TABLE addresses ADD CONSTRAINT test_no_boom CHECK (estate IS DISTINCT FROM 'BOOM')");
    try {
      const rows = [
        buildingRow('HALF-1', FUBAO_GRID),
        buildingRow('HALF-2', FUBAO_GRID, { estate: 'BOOM' }),
        buildingRow('HALF-3', FUBAO_GRID),
      ];
      await expect(importAddresses(ctx, writeTestFile(addressCsv(rows)))).rejects.toThrow(/test_no_boom/);
    } finally {
      await db.exec('ALTER TABLE addresses DROP CONSTRAINT test_no_boom');
    }
    expect(await count()).toBe(before);
    expect(await dataVersion(db, 'addresses')).toBe(version);
    const [run] = await db.query<{ status: string; error: string }>(
      "SELECT status, error FROM imports WHERE kind = 'addresses' ORDER BY id DESC LIMIT 1",
    );
    expect(run).toMatchObject({ status: 'failed', error: expect.stringContaining('test_no_boom') });
  });

  it('refuses to import before there is an area tree', async () => {
    const empty = await createTestDb();
    try {
      const file = writeTestFile(addressCsv([buildingRow('NOTREE-1', FUBAO_GRID)]));
      await expect(importAddresses(systemCtx(empty.db), file)).rejects.toThrow(/import the areas first/);
    } finally {
      await empty.destroy();
    }
  });

  it('fails whole for a file it cannot read, recording where', async () => {
    await expect(importAddresses(ctx, '/nonexistent/addresses.csv')).rejects.toThrow(/no such file/);
    await expect(importAddresses(ctx, writeTestFile('id,name\n1,x\n'))).rejects.toMatchObject({
      problems: [
        expect.objectContaining({ field: 'address_id', reason: 'missing column in the header row' }),
        expect.objectContaining({ field: 'level', reason: 'missing column in the header row' }),
      ],
    });
    const broken = `${addressCsv([buildingRow('BROKEN-1', FUBAO_GRID)])}"BROKEN-2,building\n`;
    await expect(importAddresses(ctx, writeTestFile(broken))).rejects.toThrow(/not a readable CSV file/);
    expect(await stored('BROKEN-1')).toBeUndefined();
    const [run] = await db.query<{ id: string; status: string }>(
      "SELECT id::text AS id, status FROM imports WHERE kind = 'addresses' ORDER BY imports.id DESC LIMIT 1",
    );
    expect(run?.status).toBe('failed');
    const problems = await db.query('SELECT row_number FROM import_problems WHERE import_id = $1', [run!.id]);
    expect(problems).toEqual([{ row_number: 2 }]);
  });
});

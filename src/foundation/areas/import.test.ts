import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataVersion } from '../../db/data-versions.ts';
import type { Db } from '../../db/db.ts';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import { type Ctx, systemCtx } from '../access/context.ts';
import { exportAreas, formatFeatureCollection } from './export.ts';
import { importAreas } from './import.ts';
import { collection, feature, IDS, rect, STEP, tiling, writeFixture, X0, Y0 } from './testing.ts';

/** GBK bytes for a string, from the platform's own GB18030 decoder run backwards over all two-byte codes. */
function encodeGbk(text: string): Uint8Array {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('gb18030');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      table.set(decoder.decode(new Uint8Array([lead, trail])), [lead, trail]);
    }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else bytes.push(...table.get(ch)!);
  }
  return new Uint8Array(bytes);
}

describe(`importAreas on ${testEngine}`, () => {
  let t: TestDb;
  let db: Db;
  let ctx: Ctx;

  beforeAll(async () => {
    t = await createTestDb();
    db = t.db;
    ctx = systemCtx(db);
  });
  beforeEach(() => db.exec('TRUNCATE areas, imports, import_problems, audit_log CASCADE'));
  afterAll(() => t.destroy());

  const areaRows = () =>
    db.query<Record<string, unknown>>(
      'SELECT id, name, level, parent_id, path, geometry, bbox, area_m2, import_id, updated_at FROM areas ORDER BY id',
    );

  it('imports a tiling: paths, bounding boxes, areas, run, audit and data version', async () => {
    const versionBefore = await dataVersion(db, 'areas');
    const summary = await importAreas(ctx, writeFixture('futian.geojson', tiling()));
    expect(summary).toMatchObject({
      status: 'succeeded',
      file: 'futian.geojson',
      encoding: 'utf-8',
      total: 8,
      inserted: 8,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      warnings: 0,
      problems: [],
    });
    const [grid] = await db.query<{ path: string[]; bbox: number[]; area_m2: number; import_id: string }>(
      'SELECT path, bbox, area_m2, import_id::text FROM areas WHERE id = $1',
      [IDS.eastNorth],
    );
    expect(grid!.path).toEqual([IDS.district, IDS.subdistrict, IDS.east, IDS.eastNorth]);
    expect(grid!.bbox).toEqual([X0 + STEP, Y0 + STEP, X0 + 2 * STEP, Y0 + 2 * STEP]);
    expect(grid!.area_m2).toBeGreaterThan(4.5e6);
    expect(grid!.import_id).toBe(summary.importId);
    expect(await dataVersion(db, 'areas')).not.toBe(versionBefore);
    const [run] = await db.query(
      'SELECT kind, status, rows_total, rows_inserted FROM imports WHERE id = $1',
      [summary.importId],
    );
    expect(run).toEqual({ kind: 'areas', status: 'succeeded', rows_total: 8, rows_inserted: 8 });
    const audits = await db.query<{ actor: string; entity_id: string }>(
      "SELECT actor, entity_id FROM audit_log WHERE action = 'areas.import'",
    );
    expect(audits).toEqual([{ actor: 'system', entity_id: summary.importId }]);
  });

  it('re-imports the same file as all unchanged, changing nothing', async () => {
    const path = writeFixture('futian.geojson', tiling());
    await importAreas(ctx, path);
    const before = await areaRows();
    const version = await dataVersion(db, 'areas');
    const again = await importAreas(ctx, path);
    expect(again).toMatchObject({ status: 'succeeded', total: 8, inserted: 0, updated: 0, unchanged: 8 });
    expect(await areaRows()).toEqual(before);
    expect(await dataVersion(db, 'areas')).toBe(version);
    expect(await db.query("SELECT id FROM audit_log WHERE action = 'areas.import'")).toHaveLength(1);
  });

  it('counts a renamed area as the one update', async () => {
    await importAreas(ctx, writeFixture('futian.geojson', tiling()));
    const renamed = tiling();
    renamed.features[2]!.properties.name = '明月社区（新）';
    const summary = await importAreas(ctx, writeFixture('renamed.geojson', renamed));
    expect(summary).toMatchObject({ status: 'succeeded', inserted: 0, updated: 1, unchanged: 7 });
    const [row] = await db.query<{ name: string; import_id: string }>(
      'SELECT name, import_id::text FROM areas WHERE id = $1',
      [IDS.west],
    );
    expect(row).toEqual({ name: '明月社区（新）', import_id: summary.importId });
  });

  it('rejects a bad file whole: nothing changes, the run and its problems are recorded', async () => {
    await importAreas(ctx, writeFixture('futian.geojson', tiling()));
    const before = await areaRows();
    const version = await dataVersion(db, 'areas');
    const bad = tiling();
    bad.features[2]!.properties.name = '改名不应生效';
    bad.features.push(
      feature('44030401000103', '新网格', 'grid', 'nowhere', rect(X0, Y0, X0 + 0.001, Y0 + 0.001)),
    );
    const summary = await importAreas(ctx, writeFixture('bad.geojson', bad));
    expect(summary).toMatchObject({ status: 'failed', total: 9, inserted: 0, updated: 0, rejected: 1 });
    expect(summary.problems).toEqual([
      {
        severity: 'error',
        file: 'bad.geojson',
        row: 9,
        field: 'parent_id',
        reason: 'unknown parent nowhere (neither in the file nor in the database)',
        raw: { id: '44030401000103', name: '新网格', level: 'grid', parent_id: 'nowhere' },
      },
    ]);
    expect(await areaRows()).toEqual(before);
    expect(await dataVersion(db, 'areas')).toBe(version);
    const [run] = await db.query('SELECT status, rows_rejected, error FROM imports WHERE id = $1', [
      summary.importId,
    ]);
    expect(run).toEqual({ status: 'failed', rows_rejected: 1, error: '1 errors; nothing imported' });
    const problems = await db.query(
      'SELECT severity, file, row_number, field, raw FROM import_problems WHERE import_id = $1',
      [summary.importId],
    );
    expect(problems).toEqual([
      {
        severity: 'error',
        file: 'bad.geojson',
        row_number: 9,
        field: 'parent_id',
        raw: { id: '44030401000103', name: '新网格', level: 'grid', parent_id: 'nowhere' },
      },
    ]);
  });

  it('records a whole-file problem for text that is not JSON', async () => {
    const summary = await importAreas(ctx, writeFixture('broken.geojson', '{"type": "FeatureCollection"'));
    expect(summary.status).toBe('failed');
    expect(summary.problems).toMatchObject([
      { severity: 'error', row: undefined, reason: expect.stringMatching(/^not valid JSON/) },
    ]);
    expect(await db.query('SELECT count(*)::int AS n FROM areas')).toEqual([{ n: 0 }]);
  });

  it('imports with warnings for overlapping siblings and stores them', async () => {
    const fc = tiling();
    fc.features[5]!.geometry = rect(X0, Y0 + STEP - 0.001, X0 + STEP, Y0 + 2 * STEP);
    const summary = await importAreas(ctx, writeFixture('overlap.geojson', fc));
    expect(summary).toMatchObject({ status: 'succeeded', inserted: 8, warnings: 1 });
    const problems = await db.query<{ severity: string; row_number: number; reason: string }>(
      'SELECT severity, row_number, reason FROM import_problems WHERE import_id = $1',
      [summary.importId],
    );
    expect(problems).toEqual([
      {
        severity: 'warning',
        row_number: 6,
        reason: expect.stringMatching(/^overlaps sibling 44030401000101 .* by [\d,]+ m²$/),
      },
    ]);
  });

  it('reads GBK text and a UTF-8 byte-order mark', async () => {
    const gbk = await importAreas(ctx, writeFixture('gbk.geojson', encodeGbk(JSON.stringify(tiling()))));
    expect(gbk).toMatchObject({ status: 'succeeded', encoding: 'gb18030', inserted: 8 });
    const [row] = await db.query<{ name: string }>('SELECT name FROM areas WHERE id = $1', [IDS.westSouth]);
    expect(row!.name).toBe('明月社区第01网格');
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(JSON.stringify(tiling()))]);
    expect(await importAreas(ctx, writeFixture('bom.geojson', bom))).toMatchObject({
      status: 'succeeded',
      encoding: 'utf-8',
      unchanged: 8,
    });
  });

  it('takes parents from the database, and re-paths stored grids when their community moves', async () => {
    const upper = collection(tiling().features.slice(0, 4));
    const grids = collection(tiling().features.slice(4));
    await importAreas(ctx, writeFixture('upper.geojson', upper));
    expect(await importAreas(ctx, writeFixture('grids.geojson', grids))).toMatchObject({
      status: 'succeeded',
      inserted: 4,
    });

    // Split the subdistrict in two and move the east community (and so its grids) under the new one.
    const x1 = X0 + STEP;
    const moved = collection([
      feature(IDS.subdistrict, '福保街道', 'subdistrict', IDS.district, rect(X0, Y0, x1, Y0 + 2 * STEP)),
      feature(
        '440304011',
        '沙头街道',
        'subdistrict',
        IDS.district,
        rect(x1, Y0, X0 + 2 * STEP, Y0 + 2 * STEP),
      ),
      feature(IDS.east, '福保社区', 'community', '440304011', rect(x1, Y0, X0 + 2 * STEP, Y0 + 2 * STEP)),
    ]);
    const summary = await importAreas(ctx, writeFixture('moved.geojson', moved));
    expect(summary).toMatchObject({ status: 'succeeded', inserted: 1, updated: 2, warnings: 0 });
    const paths = await db.query<{ id: string; path: string[] }>(
      "SELECT id, path FROM areas WHERE level = 'grid' ORDER BY id",
    );
    expect(paths).toEqual([
      { id: IDS.westSouth, path: [IDS.district, IDS.subdistrict, IDS.west, IDS.westSouth] },
      { id: IDS.westNorth, path: [IDS.district, IDS.subdistrict, IDS.west, IDS.westNorth] },
      { id: IDS.eastSouth, path: [IDS.district, '440304011', IDS.east, IDS.eastSouth] },
      { id: IDS.eastNorth, path: [IDS.district, '440304011', IDS.east, IDS.eastNorth] },
    ]);
  });

  it('rejects shrinking a community so that its stored grids stick out', async () => {
    await importAreas(ctx, writeFixture('futian.geojson', tiling()));
    const shrunk = collection([
      feature(IDS.west, '明月社区', 'community', IDS.subdistrict, rect(X0, Y0, X0 + STEP, Y0 + STEP)),
    ]);
    const summary = await importAreas(ctx, writeFixture('shrunk.geojson', shrunk));
    expect(summary.status).toBe('failed');
    expect(summary.problems).toMatchObject([
      {
        row: 1,
        field: 'geometry',
        reason: expect.stringMatching(
          new RegExp(`^stored grid ${IDS.westNorth} would lie .* \\(100\\.00%\\) outside this area$`),
        ),
      },
    ]);
  });

  it('requires areas:write', async () => {
    const analyst: Ctx = {
      db,
      actor: { username: 'a', role: 'analyst', scope: { kind: 'district', id: '*' } },
    };
    await expect(importAreas(analyst, writeFixture('futian.geojson', tiling()))).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(await db.query('SELECT count(*)::int AS n FROM imports')).toEqual([{ n: 0 }]);
  });

  it('refuses areas outside a scoped writer’s scope, recording the failed run', async () => {
    await importAreas(ctx, writeFixture('futian.geojson', tiling()));
    const scopedAdmin: Ctx = {
      db,
      actor: { username: 'e', role: 'admin', scope: { kind: 'community', id: IDS.east } },
    };
    const renamed = tiling();
    renamed.features[1]!.properties.name = '福保街道（新）';
    await expect(importAreas(scopedAdmin, writeFixture('renamed.geojson', renamed))).rejects.toMatchObject({
      code: 'forbidden',
      message: `area ${IDS.district} is outside your scope community ${IDS.east}`,
    });
    const [row] = await db.query<{ name: string }>('SELECT name FROM areas WHERE id = $1', [IDS.subdistrict]);
    expect(row!.name).toBe('福保街道');
    const runs = await db.query<{ status: string }>('SELECT status FROM imports ORDER BY id');
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'failed']);
    const own = collection(tiling().features.filter((f) => f.properties.id.startsWith(IDS.east)));
    expect(await importAreas(scopedAdmin, writeFixture('east.geojson', own))).toMatchObject({ unchanged: 3 });
  });

  it('exports the same format, which re-imports as all unchanged', async () => {
    await importAreas(ctx, writeFixture('futian.geojson', tiling()));
    const exported = await exportAreas(ctx);
    expect(exported.features.map((f) => f.properties.id)).toEqual(
      tiling().features.map((f) => f.properties.id),
    );
    expect(exported).toEqual(tiling());
    const text = formatFeatureCollection(exported);
    expect(JSON.parse(text)).toEqual(exported);
    const again = await importAreas(ctx, writeFixture('export.geojson', text));
    expect(again).toMatchObject({ status: 'succeeded', total: 8, unchanged: 8, inserted: 0, updated: 0 });

    const grids = await exportAreas(ctx, { level: 'grid' });
    expect(grids.features.map((f) => f.properties.id)).toEqual([
      IDS.westSouth,
      IDS.westNorth,
      IDS.eastSouth,
      IDS.eastNorth,
    ]);
  });

  it('exports only what a scoped actor reads in full', async () => {
    await importAreas(ctx, writeFixture('futian.geojson', tiling()));
    const scoped: Ctx = {
      db,
      actor: { username: 'w', role: 'grid_worker', scope: { kind: 'community', id: IDS.east } },
    };
    const exported = await exportAreas(scoped);
    expect(exported.features.map((f) => f.properties.id)).toEqual([IDS.east, IDS.eastSouth, IDS.eastNorth]);
  });
});

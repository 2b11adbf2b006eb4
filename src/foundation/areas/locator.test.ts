import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import { systemCtx } from '../access/context.ts';
import { importAreas } from './import.ts';
import { AreaLocator, cachedLocator, type LocatorArea, loadLocator } from './locator.ts';
import { IDS, rect, rectRing, STEP, tiling, writeFixture, X0, Y0 } from './testing.ts';

const fromFixture = (): LocatorArea[] =>
  tiling().features.map(({ properties: p, geometry }) => ({
    id: p.id,
    name: p.name,
    level: p.level,
    parentId: p.parent_id,
    geometry,
  }));

const [X1, Y1] = [X0 + STEP, Y0 + STEP];

describe('AreaLocator', () => {
  const locator = new AreaLocator(fromFixture());

  it('finds the grid of a point and its whole chain', () => {
    expect(locator.locate(X0 + 0.005, Y0 + 0.005)).toEqual({
      district: { id: IDS.district, name: '福田区', level: 'district' },
      subdistrict: { id: IDS.subdistrict, name: '福保街道', level: 'subdistrict' },
      community: { id: IDS.west, name: '明月社区', level: 'community' },
      grid: { id: IDS.westSouth, name: '明月社区第01网格', level: 'grid' },
    });
    expect(locator.locateArea(X1 + 0.001, Y1 + 0.019)?.id).toBe(IDS.eastNorth);
    expect(locator.locateArea(X0 + 0.001, Y1 + 0.001)?.id).toBe(IDS.westNorth);
    expect(locator.pathOf(IDS.eastSouth)).toEqual([IDS.district, IDS.subdistrict, IDS.east, IDS.eastSouth]);
  });

  it('puts a point on a shared boundary in exactly one grid: the one to its east, or north', () => {
    expect(locator.locateArea(X1, Y0 + 0.005)?.id).toBe(IDS.eastSouth);
    expect(locator.locateArea(X0 + 0.005, Y1)?.id).toBe(IDS.westNorth);
    // The corner shared by all four grids.
    expect(locator.locateArea(X1, Y1)?.id).toBe(IDS.eastNorth);
  });

  it('returns undefined outside every area', () => {
    expect(locator.locate(X0 - 0.001, Y0 + 0.01)).toBeUndefined();
    expect(locator.locate(113.9, 22.4)).toBeUndefined();
    expect(new AreaLocator([]).locate(X0, Y0)).toBeUndefined();
  });

  it('handles MultiPolygon grids and holes', () => {
    // Grid A: a square with a hole; grid B: the island in the hole plus a detached square to the east.
    const outer = rectRing(X0, Y0, X0 + 0.03, Y0 + 0.03);
    const hole = rectRing(X0 + 0.01, Y0 + 0.01, X0 + 0.02, Y0 + 0.02).reverse();
    const areas: LocatorArea[] = [
      {
        id: 'c',
        name: '社区',
        level: 'community',
        parentId: null,
        geometry: rect(X0, Y0, X0 + 0.05, Y0 + 0.03),
      },
      {
        id: 'a',
        name: '甲',
        level: 'grid',
        parentId: 'c',
        geometry: { type: 'Polygon', coordinates: [outer, hole] },
      },
      {
        id: 'b',
        name: '乙',
        level: 'grid',
        parentId: 'c',
        geometry: {
          type: 'MultiPolygon',
          coordinates: [
            [rectRing(X0 + 0.01, Y0 + 0.01, X0 + 0.02, Y0 + 0.02)],
            [rectRing(X0 + 0.04, Y0, X0 + 0.05, Y0 + 0.03)],
          ],
        },
      },
    ];
    const l = new AreaLocator(areas);
    expect(l.locateArea(X0 + 0.005, Y0 + 0.005)?.id).toBe('a');
    expect(l.locateArea(X0 + 0.015, Y0 + 0.015)?.id).toBe('b');
    expect(l.locateArea(X0 + 0.045, Y0 + 0.015)?.id).toBe('b');
    // Between the two: inside the community but in no grid.
    expect(l.locateArea(X0 + 0.035, Y0 + 0.015)).toBeUndefined();
    expect(l.chainOf('b')).toEqual({
      community: { id: 'c', name: '社区', level: 'community' },
      grid: { id: 'b', name: '乙', level: 'grid' },
    });
  });
});

describe(`locator from the database on ${testEngine}`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.destroy());

  it('loads the imported tree and rebuilds when the areas change', async () => {
    const ctx = systemCtx(t.db);
    const current = cachedLocator(t.db, 0);
    expect((await current()).size).toBe(0);
    await importAreas(ctx, writeFixture('futian.geojson', tiling()));
    const locator = await loadLocator(t.db);
    expect(locator.size).toBe(8);
    expect(locator.locateArea(X1 + 0.005, Y0 + 0.005)?.id).toBe(IDS.eastSouth);
    const refreshed = await current();
    expect(refreshed.size).toBe(8);
    // Unchanged data version: the same instance is kept.
    expect(await current()).toBe(refreshed);
  });
});

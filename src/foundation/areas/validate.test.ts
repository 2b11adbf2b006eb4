import { describe, expect, it } from 'vitest';
import { areaM2 } from './geometry.ts';
import { collection, feature, IDS, rect, rectRing, STEP, tiling, X0, Y0 } from './testing.ts';
import { type AreaFileCheck, checkAreaFile, type StoredArea, selfIntersection } from './validate.ts';

const check = (content: unknown, stored?: Map<string, StoredArea>) =>
  checkAreaFile(typeof content === 'string' ? content : JSON.stringify(content), 'areas.geojson', stored);

const errors = (result: AreaFileCheck) =>
  result.problems
    .filter((p) => p.severity === 'error')
    .map((p) => ({ row: p.row, field: p.field, reason: p.reason }));

/** The tiling with feature `row` (1-based) replaced. */
function withFeature(row: number, replace: (f: ReturnType<typeof tiling>['features'][number]) => unknown) {
  const fc = tiling();
  return { ...fc, features: fc.features.map((f, i) => (i === row - 1 ? replace(f) : f)) };
}

const [X1, X2, Y1, Y2] = [X0 + STEP, X0 + 2 * STEP, Y0 + STEP, Y0 + 2 * STEP];

describe('checkAreaFile', () => {
  it('accepts the 2×2 tiling and derives paths, bounding boxes and areas', () => {
    const result = check(tiling());
    expect(result.problems).toEqual([]);
    expect(result.total).toBe(8);
    const grid = result.areas.find((a) => a.id === IDS.eastNorth)!;
    expect(grid.path).toEqual([IDS.district, IDS.subdistrict, IDS.east, IDS.eastNorth]);
    expect(grid.bbox).toEqual([X1, Y1, X2, Y2]);
    // 0.02° × 0.02° at 22.5° N ≈ 2.06 km × 2.22 km.
    expect(grid.areaM2).toBeGreaterThan(4.5e6);
    expect(grid.areaM2).toBeLessThan(4.65e6);
    expect(result.areas.find((a) => a.id === IDS.district)!.path).toEqual([IDS.district]);
  });

  it('rejects text that is not JSON, and JSON that is not a FeatureCollection', () => {
    expect(errors(check('{"type": "FeatureCollection", '))).toEqual([
      { row: undefined, field: undefined, reason: expect.stringMatching(/^not valid JSON/) },
    ]);
    expect(errors(check({ type: 'Feature', properties: {} }))).toEqual([
      { row: undefined, field: undefined, reason: expect.stringMatching(/not a GeoJSON FeatureCollection/) },
    ]);
  });

  it('reports missing and bad properties by row and field', () => {
    const fc = tiling();
    const features: unknown[] = [...fc.features];
    features[1] = { type: 'Feature', geometry: fc.features[1]!.geometry };
    features[2] = { ...fc.features[2], properties: { ...fc.features[2]!.properties, id: undefined } };
    features[3] = {
      ...fc.features[3],
      properties: { ...fc.features[3]!.properties, level: 'street', name: '  ' },
    };
    features[4] = 'not a feature';
    expect(errors(check({ ...fc, features }))).toEqual([
      { row: 2, field: 'properties', reason: 'missing (expected id, name, level, parent_id)' },
      { row: 3, field: 'id', reason: 'is missing' },
      { row: 4, field: 'name', reason: 'is empty' },
      { row: 4, field: 'level', reason: 'must be one of district, subdistrict, community, grid' },
      { row: 5, field: undefined, reason: 'not a GeoJSON Feature' },
      // Row 3 lost its id, so its grid's parent is unknown.
      {
        row: 6,
        field: 'parent_id',
        reason: `unknown parent ${IDS.west} (neither in the file nor in the database)`,
      },
    ]);
  });

  it('reads numeric codes as text and an empty parent_id as none', () => {
    const fc = collection([
      {
        ...feature('x', '福田区', 'district', null, rect(X0, Y0, X2, Y2)),
        properties: { id: 440304, name: '福田区', level: 'district', parent_id: '' },
      } as never,
      feature('440304010', '福保街道', 'subdistrict', '440304', rect(X0, Y0, X2, Y2)),
    ]);
    const result = check(fc);
    expect(result.problems).toEqual([]);
    expect(result.areas.map((a) => [a.id, a.parentId])).toEqual([
      ['440304', null],
      ['440304010', '440304'],
    ]);
  });

  it('rejects a duplicate id, naming the first row', () => {
    const fc = tiling();
    fc.features.push(feature(IDS.westSouth, '重复', 'grid', IDS.west, rect(X0, Y0, X1, Y1)));
    expect(errors(check(fc))).toEqual([
      { row: 9, field: 'id', reason: `duplicate id ${IDS.westSouth} (first at row 5)` },
    ]);
  });

  it('rejects unknown, missing and wrongly levelled parents', () => {
    const fc = tiling();
    fc.features[4]!.properties.parent_id = '440304010999';
    fc.features[5]!.properties.parent_id = null;
    fc.features[6]!.properties.parent_id = IDS.subdistrict;
    fc.features[0]!.properties.parent_id = '44';
    expect(errors(check(fc))).toEqual([
      { row: 1, field: 'parent_id', reason: 'a district has no parent (found 44)' },
      {
        row: 5,
        field: 'parent_id',
        reason: 'unknown parent 440304010999 (neither in the file nor in the database)',
      },
      { row: 6, field: 'parent_id', reason: 'is missing: a grid needs a community as parent' },
      {
        row: 7,
        field: 'parent_id',
        reason: `parent ${IDS.subdistrict} is a subdistrict; a grid's parent must be a community`,
      },
    ]);
  });

  it('does not blame children for a parent whose own row is rejected', () => {
    const result = check(withFeature(3, (f) => ({ ...f, properties: { ...f.properties, level: 'bogus' } })));
    expect(errors(result).map((e) => [e.row, e.field])).toEqual([[3, 'level']]);
  });

  it('finds parents in the database, and stops a level change that would orphan stored children', () => {
    const stored = new Map<string, StoredArea>();
    for (const { properties: p, geometry } of tiling().features.slice(0, 4)) {
      const path =
        p.level === 'district'
          ? [p.id]
          : p.level === 'subdistrict'
            ? [IDS.district, p.id]
            : [IDS.district, IDS.subdistrict, p.id];
      stored.set(p.id, { id: p.id, name: p.name, level: p.level, parentId: p.parent_id, geometry, path });
    }
    const grids = collection(tiling().features.slice(4));
    const ok = check(grids, stored);
    expect(ok.problems).toEqual([]);
    expect(ok.areas.map((a) => a.path.length)).toEqual([4, 4, 4, 4]);

    const demoted = collection([
      feature(IDS.subdistrict, '福保街道', 'community', IDS.subdistrict, rect(X0, Y0, X2, Y2)),
    ]);
    expect(errors(check(demoted, stored))).toEqual([
      {
        row: 1,
        field: 'parent_id',
        reason: `parent ${IDS.subdistrict} is a community; a community's parent must be a subdistrict`,
      },
      {
        row: 1,
        field: 'level',
        reason: `stored community ${IDS.west} has this area as parent, so it must stay a subdistrict`,
      },
      {
        row: 1,
        field: 'level',
        reason: `stored community ${IDS.east} has this area as parent, so it must stay a subdistrict`,
      },
    ]);
  });

  it('reports the new paths of stored descendants when an ancestor moves', () => {
    const stored = new Map<string, StoredArea>();
    const fc = tiling();
    const check1 = check(fc);
    for (const a of check1.areas) stored.set(a.id, a);
    // A second subdistrict, and the east community moved under it: its stored grids move too.
    const moved = collection([
      feature('440304011', '沙头街道', 'subdistrict', IDS.district, rect(X1, Y0, X2, Y2)),
      feature(IDS.east, '福保社区', 'community', '440304011', rect(X1, Y0, X2, Y2)),
    ]);
    const result = check(moved, stored);
    expect(errors(result)).toEqual([]);
    expect(result.movedPaths).toEqual([
      { id: IDS.eastSouth, path: [IDS.district, '440304011', IDS.east, IDS.eastSouth] },
      { id: IDS.eastNorth, path: [IDS.district, '440304011', IDS.east, IDS.eastNorth] },
    ]);
    // The old subdistrict still covers the whole square, so the two subdistricts overlap.
    expect(result.problems.map((p) => [p.severity, p.row, p.field])).toEqual([['warning', 1, 'geometry']]);
  });

  it('rejects invalid polygons: not closed, too few positions, non-numbers, self-intersection', () => {
    const bad = [
      { type: 'Polygon', coordinates: [rectRing(X0, Y0, X1, Y1).slice(0, 4)] },
      {
        type: 'Polygon',
        coordinates: [
          [
            [X0, Y0],
            [X1, Y0],
            [X0, Y0],
          ],
        ],
      },
      {
        type: 'Polygon',
        coordinates: [
          [
            [X0, Y0],
            [X1, 'north'],
            [X1, Y1],
            [X0, Y0],
          ],
        ],
      },
      // A bow tie: the edges cross in the middle.
      {
        type: 'Polygon',
        coordinates: [
          [
            [X0, Y0],
            [X1, Y1],
            [X1, Y0],
            [X0, Y1],
            [X0, Y0],
          ],
        ],
      },
    ];
    const fc = tiling();
    bad.forEach((geometry, i) => {
      fc.features[4 + i]!.geometry = geometry as never;
    });
    expect(errors(check(fc))).toEqual([
      {
        row: 5,
        field: 'geometry',
        reason: 'ring 1 is not closed (its last position differs from its first)',
      },
      { row: 6, field: 'geometry', reason: 'ring 1 has 3 positions; a ring needs at least 4' },
      {
        row: 7,
        field: 'geometry',
        reason: `ring 1 position 2 is not a pair of finite numbers ([${X1},"north"])`,
      },
      { row: 8, field: 'geometry', reason: expect.stringMatching(/^ring 1 intersects itself near \(/) },
    ]);
  });

  it('rejects a number too large to be finite, and wrong geometry types', () => {
    const text = JSON.stringify(
      withFeature(5, (f) => ({ ...f, geometry: { type: 'Polygon', coordinates: [[[0, 0]]] } })),
    ).replace('[[[0,0]]]', '[[[1e999,22.5],[114.01,22.5],[114.01,22.51],[1e999,22.5]]]');
    expect(errors(check(text))).toEqual([
      {
        row: 5,
        field: 'geometry',
        reason: 'ring 1 position 1 is not a pair of finite numbers ([null,22.5])',
      },
    ]);
    const point = withFeature(5, (f) => ({ ...f, geometry: { type: 'Point', coordinates: [X0, Y0] } }));
    const missing = withFeature(6, (f) => ({ ...f, geometry: null }));
    expect(errors(check(point))).toEqual([
      { row: 5, field: 'geometry', reason: 'type "Point" is not Polygon or MultiPolygon' },
    ]);
    expect(errors(check(missing))).toEqual([{ row: 6, field: 'geometry', reason: 'is missing' }]);
  });

  it('rejects coordinates out of range', () => {
    const fc = collection([
      feature('a', '甲区', 'district', null, rect(179.5, 10, 180.5, 11)),
      feature('b', '乙区', 'district', null, rect(10, 89.5, 11, 90.5)),
    ]);
    expect(errors(check(fc))).toEqual([
      {
        row: 1,
        field: 'geometry',
        reason: 'ring 1 position 2 (180.5, 10) is out of range (longitude −180..180, latitude −90..90)',
      },
      {
        row: 2,
        field: 'geometry',
        reason: 'ring 1 position 3 (11, 90.5) is out of range (longitude −180..180, latitude −90..90)',
      },
    ]);
  });

  it('finds a spike and a ring touching itself, and accepts repeated positions', () => {
    expect(
      selfIntersection([
        [0, 0],
        [2, 0],
        [1, 0],
        [1, 1],
        [0, 0],
      ]),
    ).toBeDefined();
    // Figure eight through (1, 1): touching counts.
    expect(
      selfIntersection([
        [0, 0],
        [1, 1],
        [2, 0],
        [2, 2],
        [1, 1],
        [0, 2],
        [0, 0],
      ]),
    ).toBeDefined();
    expect(
      selfIntersection([
        [0, 0],
        [1, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ]),
    ).toBeUndefined();
    // A long valid ring goes through the indexed path.
    const circle = Array.from(
      { length: 200 },
      (_, i) => [Math.cos((i / 200) * 2 * Math.PI), Math.sin((i / 200) * 2 * Math.PI)] as [number, number],
    );
    expect(selfIntersection([...circle, circle[0]!])).toBeUndefined();
    const twisted = [...circle];
    [twisted[10], twisted[150]] = [twisted[150]!, twisted[10]!];
    expect(selfIntersection([...twisted, twisted[0]!])).toBeDefined();
  });

  it('rejects a child reaching outside its parent, with the area outside', () => {
    const shift = 0.002;
    const fc = withFeature(8, (f) => ({ ...f, geometry: rect(X1 + shift, Y1, X2 + shift, Y2) }));
    const outside = areaM2(rect(X2, Y1, X2 + shift, Y2));
    const [problem] = errors(check(fc));
    expect(problem).toMatchObject({ row: 8, field: 'geometry' });
    const reported = Number(problem!.reason.match(/^([\d,]+) m²/)![1]!.replaceAll(',', ''));
    expect(reported).toBeCloseTo(outside, -1);
    expect(problem!.reason).toMatch(/\(10\.00%\) lies outside its parent 440304010002$/);
  });

  it('tolerates boundary noise: a corner a centimetre outside', () => {
    const fc = withFeature(8, (f) => {
      const ring = rectRing(X1, Y1, X2, Y2);
      ring[2] = [X2 + 1e-7, Y2];
      return { ...f, geometry: { type: 'Polygon', coordinates: [ring] } };
    });
    expect(check(fc).problems).toEqual([]);
  });

  it('rejects a child that fills a hole of its parent', () => {
    const hole = rectRing(X0 + 0.005, Y0 + 0.005, X0 + 0.01, Y0 + 0.01).reverse();
    const fc = collection([
      feature('d', '区', 'district', null, {
        type: 'Polygon',
        coordinates: [rectRing(X0, Y0, X1, Y1), hole],
      }),
      feature('s', '街道', 'subdistrict', 'd', { type: 'Polygon', coordinates: [hole] }),
    ]);
    expect(errors(check(fc))).toEqual([
      { row: 2, field: 'geometry', reason: expect.stringMatching(/\(100\.00%\) lies outside its parent d$/) },
    ]);
  });

  it('accepts MultiPolygon children within a parent with a hole', () => {
    const hole = rectRing(X0 + 0.005, Y0 + 0.005, X0 + 0.01, Y0 + 0.01).reverse();
    const fc = collection([
      feature('d', '区', 'district', null, {
        type: 'Polygon',
        coordinates: [rectRing(X0, Y0, X1, Y1), hole],
      }),
      feature('s', '街道', 'subdistrict', 'd', {
        type: 'MultiPolygon',
        coordinates: [[rectRing(X0, Y0, X0 + 0.005, Y0 + 0.005)], [rectRing(X0 + 0.01, Y0 + 0.01, X1, Y1)]],
      }),
    ]);
    expect(check(fc).problems).toEqual([]);
  });

  it('warns (does not reject) when siblings overlap, with the overlap in m²', () => {
    const reach = 0.001;
    const fc = withFeature(6, (f) => ({ ...f, geometry: rect(X0, Y1 - reach, X1, Y2) }));
    const result = check(fc);
    expect(errors(result)).toEqual([]);
    expect(result.warnings).toBe(1);
    const [warning] = result.problems;
    expect(warning).toMatchObject({ severity: 'warning', row: 6, field: 'geometry' });
    expect(warning!.reason).toMatch(
      new RegExp(`^overlaps sibling ${IDS.westSouth} \\(明月社区第01网格\\) by [\\d,]+ m²$`),
    );
    const reported = Number(warning!.reason.match(/by ([\d,]+) m²/)![1]!.replaceAll(',', ''));
    expect(reported).toBeCloseTo(areaM2(rect(X0, Y1 - reach, X1, Y1)), -1);
    expect(result.areas).toHaveLength(8);
  });

  it('warns about a sibling that duplicates another one', () => {
    const fc = withFeature(6, (f) => ({ ...f, geometry: rect(X0, Y0, X1, Y1) }));
    const result = check(fc);
    expect(errors(result)).toEqual([]);
    expect(result.problems.map((p) => [p.severity, p.row])).toEqual([['warning', 6]]);
  });

  it('accepts a 2,000-grid tiling whose edges share intermediate vertices', () => {
    // 40 communities of 50 grids; each grid a 0.01° square whose edges carry extra vertices,
    // shared exactly with its neighbours and its community.
    const cell = 0.01;
    const features = [
      feature('d', '区', 'district', null, rect(X0, Y0, X0 + 0.4, Y0 + 0.5)),
      feature('s', '街道', 'subdistrict', 'd', rect(X0, Y0, X0 + 0.4, Y0 + 0.5)),
    ];
    const edge = (ax: number, ay: number, bx: number, by: number): [number, number][] =>
      [0, 0.25, 0.5, 0.75].map((t) => [ax + t * (bx - ax), ay + t * (by - ay)]);
    for (let c = 0; c < 40; c++) {
      const cx = X0 + (c % 8) * 0.05;
      const cy = Y0 + Math.floor(c / 8) * 0.1;
      features.push(feature(`c${c}`, `社区${c}`, 'community', 's', rect(cx, cy, cx + 0.05, cy + 0.1)));
      for (let g = 0; g < 50; g++) {
        const [x0, y0] = [cx + (g % 5) * cell, cy + Math.floor(g / 5) * cell];
        const [x1, y1] = [x0 + cell, y0 + cell];
        const ring = [
          ...edge(x0, y0, x1, y0),
          ...edge(x1, y0, x1, y1),
          ...edge(x1, y1, x0, y1),
          ...edge(x0, y1, x0, y0),
        ];
        ring.push(ring[0]!);
        features.push(
          feature(`c${c}g${g}`, `网格${g}`, 'grid', `c${c}`, { type: 'Polygon', coordinates: [ring] }),
        );
      }
    }
    const result = check(collection(features));
    expect(result.problems).toEqual([]);
    expect(result.areas).toHaveLength(2042);
  });
});

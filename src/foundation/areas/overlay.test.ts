import { difference, type Geom, intersection } from 'polyclip-ts';
import { describe, expect, it } from 'vitest';
import { type AreaGeometry, areaM2, polygonsOf } from './geometry.ts';
import { areaOutsideM2, overlapAreaM2 } from './overlay.ts';
import { rect, rectRing } from './testing.ts';

// Exact clipping leaves ulp-wide slivers; at 114° E their shoelace area rounds to a few mm².
const clippedM2 = (result: Geom) =>
  result.length ? areaM2({ type: 'MultiPolygon', coordinates: result as never }) : 0;
const exactOutside = (a: AreaGeometry, b: AreaGeometry) =>
  clippedM2(difference(polygonsOf(a) as Geom, polygonsOf(b) as Geom));
const exactOverlap = (a: AreaGeometry, b: AreaGeometry) =>
  clippedM2(intersection(polygonsOf(a) as Geom, polygonsOf(b) as Geom));

/** A 0.01° cell with three extra vertices per edge, computed the way a generator would (ulps apart). */
function cell(x0: number, y0: number): AreaGeometry {
  const [x1, y1] = [x0 + 0.01, y0 + 0.01];
  const edge = (ax: number, ay: number, bx: number, by: number) =>
    [0, 0.25, 0.5, 0.75].map((t) => [ax + t * (bx - ax), ay + t * (by - ay)] as [number, number]);
  const ring = [
    ...edge(x0, y0, x1, y0),
    ...edge(x1, y0, x1, y1),
    ...edge(x1, y1, x0, y1),
    ...edge(x0, y1, x0, y0),
  ];
  return { type: 'Polygon', coordinates: [[...ring, ring[0]!]] };
}

describe('areaOutsideM2', () => {
  const parent = rect(114, 22.5, 114.05, 22.6);

  it('is 0 for children sharing their parent’s edges, as exact clipping agrees', () => {
    for (const [x, y] of [
      [114, 22.5],
      [114.02, 22.55],
      [114.04, 22.59],
    ] as const) {
      expect(areaOutsideM2(cell(x, y), parent)).toBe(0);
      expect(exactOutside(cell(x, y), parent)).toBeLessThan(0.01);
    }
  });

  it('measures the part outside, as exact clipping does', () => {
    const child = rect(114.04, 22.55, 114.06, 22.56);
    const outside = areaOutsideM2(child, parent);
    expect(outside).toBeCloseTo(areaM2(rect(114.05, 22.55, 114.06, 22.56)), -1);
    expect(outside).toBeCloseTo(exactOutside(child, parent), 3);
    const away = rect(115, 23, 115.01, 23.01);
    expect(areaOutsideM2(away, parent)).toBeCloseTo(areaM2(away), 3);
  });

  it('counts a hole of the parent inside the child as outside', () => {
    const holed: AreaGeometry = {
      type: 'Polygon',
      coordinates: [rectRing(114, 22.5, 114.05, 22.6), rectRing(114.01, 22.51, 114.02, 22.52).reverse()],
    };
    expect(areaOutsideM2(rect(114.005, 22.505, 114.03, 22.53), holed)).toBeCloseTo(
      areaM2(rect(114.01, 22.51, 114.02, 22.52)),
      -1,
    );
    // The child is exactly the hole: every edge runs along the parent's, on the wrong side.
    const hole = rect(114.01, 22.51, 114.02, 22.52);
    expect(areaOutsideM2(hole, holed)).toBeCloseTo(areaM2(hole), -1);
  });
});

describe('overlapAreaM2', () => {
  it('is 0 for neighbours in a tiling whose shared vertices differ by a few ulps', () => {
    const a = cell(114.01, 22.51);
    for (const b of [cell(114.02, 22.51), cell(114.02, 22.52), cell(114.01, 22.52), cell(114, 22.5)]) {
      expect(overlapAreaM2(a, b)).toBe(0);
      expect(exactOverlap(a, b)).toBeLessThan(0.01);
    }
  });

  it('measures partial overlap, duplicates and containment', () => {
    const a = rect(114, 22.5, 114.02, 22.52);
    const b = rect(114.01, 22.51, 114.03, 22.53);
    expect(overlapAreaM2(a, b)).toBeCloseTo(areaM2(rect(114.01, 22.51, 114.02, 22.52)), -1);
    expect(overlapAreaM2(a, rect(114, 22.5, 114.02, 22.52))).toBeCloseTo(areaM2(a), -1);
    const inner = rect(114.005, 22.505, 114.01, 22.51);
    expect(overlapAreaM2(a, inner)).toBeCloseTo(areaM2(inner), -1);
    expect(overlapAreaM2(inner, a)).toBeCloseTo(areaM2(inner), -1);
  });
});

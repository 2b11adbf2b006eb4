import { describe, expect, it } from 'vitest';
import { createRng } from './random.ts';
import { coveragePolygons, outlinePolygon, splitRect } from './tiling.ts';

describe('demo tiling', () => {
  it('splits a rectangle in proportion to the weights, sharing every cut', () => {
    const parts = splitRect({ west: 114, south: 22.5, east: 114.01, north: 22.51 }, [1, 1, 2]);
    const size = (r: (typeof parts)[number]) => (r.east - r.west) * (r.north - r.south);
    expect(parts.map(size).map((s) => s / 1e-4)).toEqual([
      expect.closeTo(0.25, 5),
      expect.closeTo(0.25, 5),
      expect.closeTo(0.5, 5),
    ]);
  });

  it('adds neighbours’ corners to each ring and outlines the union counter-clockwise', () => {
    // An L: a 2×1 bottom row and one square above its left half.
    const rects = [
      { west: 0, south: 0, east: 1, north: 1 },
      { west: 1, south: 0, east: 2, north: 1 },
      { west: 0, south: 1, east: 1, north: 2 },
    ];
    expect(
      coveragePolygons([{ west: 0, south: 0, east: 2, north: 1 }, rects[2]!])[0]!.coordinates[0],
    ).toEqual([
      [0, 0],
      [2, 0],
      [2, 1],
      [1, 1],
      [0, 1],
      [0, 0],
    ]);
    expect(outlinePolygon(rects).coordinates[0]).toEqual([
      [0, 0],
      [2, 0],
      [2, 1],
      [1, 1],
      [1, 2],
      [0, 2],
      [0, 0],
    ]);
  });

  it('refuses rectangles that touch only at a corner', () => {
    expect(() =>
      outlinePolygon([
        { west: 0, south: 0, east: 1, north: 1 },
        { west: 1, south: 1, east: 2, north: 2 },
      ]),
    ).toThrow(/touches itself/);
  });
});

describe('demo randomness', () => {
  it('gives each named stream its own sequence, independent of what the parent drew', () => {
    const a = createRng(1, 'areas');
    const fresh = a.fork('x').next();
    a.next();
    expect(a.fork('x').next()).toBe(fresh);
    expect(createRng(1, 'areas/x').next()).toBe(fresh);
    expect(createRng(2, 'areas/x').next()).not.toBe(fresh);
  });
});

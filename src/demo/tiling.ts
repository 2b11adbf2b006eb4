// Axis-aligned rectangles that tile their parent exactly: the demo's subdistricts, communities and grids.
// Split lines are computed once and shared by both sides, so neighbours meet on identical coordinates
// and sums of child areas equal the parent's; no floating-point slivers or gaps.
import type { Polygon, Position, Ring } from '../foundation/areas/geometry.ts';

export interface Rect {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** 1e-6° is about 0.1 m: plenty for a demo, and short numbers in the files. */
export const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;

/**
 * Splits `rect` into one rectangle per weight, areas proportional to the weights, in order. Halves the
 * weight list recursively and cuts across the longer side (in metres), which keeps shapes compact.
 */
export function splitRect(rect: Rect, weights: readonly number[]): Rect[] {
  const out: Rect[] = [];
  const split = (r: Rect, lo: number, hi: number): void => {
    if (hi - lo === 1) {
      out[lo] = r;
      return;
    }
    let total = 0;
    for (let i = lo; i < hi; i++) total += weights[i]!;
    // The cut index whose left-hand weight is closest to half.
    let k = lo + 1;
    let left = weights[lo]!;
    let best = Math.abs(2 * left - total);
    for (let i = lo + 1, acc = left; i < hi - 1; i++) {
      acc += weights[i]!;
      if (Math.abs(2 * acc - total) < best) {
        best = Math.abs(2 * acc - total);
        k = i + 1;
        left = acc;
      }
    }
    const share = left / total;
    const cosLat = Math.cos((((r.south + r.north) / 2) * Math.PI) / 180);
    if ((r.east - r.west) * cosLat >= r.north - r.south) {
      const x = round6(r.west + (r.east - r.west) * share);
      if (x <= r.west || x >= r.east) throw new Error('rectangle too small to split');
      split({ ...r, east: x }, lo, k);
      split({ ...r, west: x }, k, hi);
    } else {
      const y = round6(r.south + (r.north - r.south) * share);
      if (y <= r.south || y >= r.north) throw new Error('rectangle too small to split');
      split({ ...r, north: y }, lo, k);
      split({ ...r, south: y }, k, hi);
    }
  };
  if (weights.length > 0) split(rect, 0, weights.length);
  return out;
}

/**
 * Polygons for rectangles that tile a region: closed counter-clockwise rings that also carry every other
 * rectangle's corner lying on their edges, so neighbours share exact vertices (a clean coverage that
 * GIS tools accept without snapping).
 */
export function coveragePolygons(rects: readonly Rect[]): Polygon[] {
  const ysAtX = new Map<number, Set<number>>();
  const xsAtY = new Map<number, Set<number>>();
  const add = (map: Map<number, Set<number>>, key: number, value: number) => {
    const set = map.get(key);
    if (set) set.add(value);
    else map.set(key, new Set([value]));
  };
  for (const r of rects) {
    for (const x of [r.west, r.east]) {
      for (const y of [r.south, r.north]) {
        add(ysAtX, x, y);
        add(xsAtY, y, x);
      }
    }
  }
  const between = (set: Set<number> | undefined, lo: number, hi: number): number[] =>
    [...(set ?? [])].filter((v) => v > lo && v < hi).sort((a, b) => a - b);
  return rects.map((r) => {
    const ring: Ring = [[r.west, r.south]];
    for (const x of between(xsAtY.get(r.south), r.west, r.east)) ring.push([x, r.south]);
    ring.push([r.east, r.south]);
    for (const y of between(ysAtX.get(r.east), r.south, r.north)) ring.push([r.east, y]);
    ring.push([r.east, r.north]);
    for (const x of between(xsAtY.get(r.north), r.west, r.east).reverse()) ring.push([x, r.north]);
    ring.push([r.west, r.north]);
    for (const y of between(ysAtX.get(r.west), r.south, r.north).reverse()) ring.push([r.west, y]);
    ring.push([r.west, r.south]);
    return { type: 'Polygon', coordinates: [ring] };
  });
}

/**
 * The outline of rectangles that tile one simple region (no holes, no corner-only contacts): the
 * coverage edges that no neighbour shares, chained into one counter-clockwise ring.
 */
export function outlinePolygon(rects: readonly Rect[]): Polygon {
  const key = ([x, y]: Position) => `${x},${y}`;
  const unshared = new Map<string, [Position, Position]>();
  for (const polygon of coveragePolygons(rects)) {
    const ring = polygon.coordinates[0]!;
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = ring[i]!;
      const b = ring[i + 1]!;
      if (!unshared.delete(`${key(b)}>${key(a)}`)) unshared.set(`${key(a)}>${key(b)}`, [a, b]);
    }
  }
  const edges = new Map<string, Position>(); // start vertex → end vertex
  for (const [a, b] of unshared.values()) {
    if (edges.has(key(a))) throw new Error(`outline touches itself at ${key(a)}`);
    edges.set(key(a), b);
  }
  const [startKey, first] = [...edges.entries()][0]!;
  const start = startKey.split(',').map(Number) as Position;
  const ring: Ring = [start];
  for (let next = first; key(next) !== startKey; next = edges.get(key(next))!) {
    ring.push(next);
    if (ring.length > edges.size) throw new Error('outline is not one ring');
  }
  if (ring.length !== edges.size) throw new Error('rectangles do not form one simple region');
  const simplified = ring.filter((p, i) => {
    const prev = ring[(i + ring.length - 1) % ring.length]!;
    const next = ring[(i + 1) % ring.length]!;
    return !((prev[0] === p[0] && p[0] === next[0]) || (prev[1] === p[1] && p[1] === next[1]));
  });
  simplified.push([...simplified[0]!] as Position);
  return { type: 'Polygon', coordinates: [simplified] };
}

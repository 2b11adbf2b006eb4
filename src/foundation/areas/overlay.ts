// Areas where two area geometries meet: how much of a child lies outside its parent, how much two
// siblings overlap. Exact clipping (polyclip-ts) is slow enough to matter for ~2,000 grids, and in a
// clean tiling it is almost never needed: children share their parent's edges and siblings share
// each other's. So a boundary walk first proves the common cases (contained / interiors disjoint)
// and clipping measures only what the walk cannot prove.
import Flatbush from 'flatbush';
import { difference, type Geom, intersection } from 'polyclip-ts';
import { type AreaGeometry, areaM2, bboxOf, pointInGeometry, polygonsOf } from './geometry.ts';

/** Distance in degrees (≈0.1 mm) under which a point counts as on a boundary: far below survey accuracy. */
const EPS = 1e-9;
/**
 * Pieces of edge shorter than this (≈1 mm) are not classified: next to a vertex that two shapes
 * place a few ulps apart they are ambiguous, and a region bounded only by such pieces has no area
 * worth reporting.
 */
const MIN_PIECE = 10 * EPS;

/** The part of `a` outside `b`, in m². */
export function areaOutsideM2(a: AreaGeometry, b: AreaGeometry): number {
  if (!bboxesOverlap(a, b)) return areaM2(a);
  if (boundaryWithin(a, b)) return 0;
  return clippedAreaM2(difference(geom(a), geom(b)));
}

/** The area `a` and `b` share, in m². */
export function overlapAreaM2(a: AreaGeometry, b: AreaGeometry): number {
  if (!bboxesOverlap(a, b)) return 0;
  if (interiorsDisjoint(a, b)) return 0;
  return clippedAreaM2(intersection(geom(a), geom(b)));
}

function clippedAreaM2(result: Geom): number {
  const polygons = result as AreaGeometry['coordinates'][];
  if (polygons.length === 0) return 0;
  return areaM2({ type: 'MultiPolygon', coordinates: polygons as never });
}

const geom = (g: AreaGeometry): Geom => polygonsOf(g) as Geom;

function bboxesOverlap(a: AreaGeometry, b: AreaGeometry): boolean {
  const [ax0, ay0, ax1, ay1] = bboxOf(a);
  const [bx0, by0, bx1, by1] = bboxOf(b);
  return ax0 < bx1 && bx0 < ax1 && ay0 < by1 && by0 < ay1;
}

/** The edges of a geometry with the side its interior lies on, and an R-tree over them. */
interface Edges {
  geometry: AreaGeometry;
  x0: number[];
  y0: number[];
  x1: number[];
  y1: number[];
  /** +1 when the interior is left of the edge's direction, −1 when right. */
  side: number[];
  index: Flatbush;
}

const edgeCache = new WeakMap<AreaGeometry, Edges>();

function edgesOf(geometry: AreaGeometry): Edges {
  const cached = edgeCache.get(geometry);
  if (cached) return cached;
  const e = { geometry, x0: [], y0: [], x1: [], y1: [], side: [] } as unknown as Edges;
  for (const polygon of polygonsOf(geometry)) {
    polygon.forEach((ring, r) => {
      // A counter-clockwise ring encloses what lies left of it; a hole's interior is the polygon's exterior.
      const side = Math.sign(signedArea(ring)) * (r === 0 ? 1 : -1);
      for (let i = 0; i + 1 < ring.length; i++) {
        const [ax, ay] = ring[i]!;
        const [bx, by] = ring[i + 1]!;
        if (ax === bx && ay === by) continue;
        e.x0.push(ax);
        e.y0.push(ay);
        e.x1.push(bx);
        e.y1.push(by);
        e.side.push(side);
      }
    });
  }
  const index = new Flatbush(Math.max(e.x0.length, 1));
  if (e.x0.length === 0) index.add(0, 0, 0, 0);
  for (let i = 0; i < e.x0.length; i++) {
    index.add(
      Math.min(e.x0[i]!, e.x1[i]!),
      Math.min(e.y0[i]!, e.y1[i]!),
      Math.max(e.x0[i]!, e.x1[i]!),
      Math.max(e.y0[i]!, e.y1[i]!),
    );
  }
  index.finish();
  e.index = index;
  edgeCache.set(geometry, e);
  return e;
}

function signedArea(ring: readonly (readonly [number, number])[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += ring[j]![0] * ring[i]![1] - ring[i]![0] * ring[j]![1];
  }
  return sum / 2;
}

type Where = { at: 'in' | 'out' } | { at: 'on'; edge: number };

/** Whether a point is inside `b`, outside it, or on one of its edges (then which). */
function classify(x: number, y: number, b: Edges): Where {
  let nearest = -1;
  let best = EPS;
  for (const j of b.index.search(x - EPS, y - EPS, x + EPS, y + EPS)) {
    const d = distanceToEdge(x, y, b, j);
    if (d <= best) [nearest, best] = [j, d];
  }
  if (nearest >= 0) return { at: 'on', edge: nearest };
  return { at: pointInGeometry(x, y, b.geometry) ? 'in' : 'out' };
}

function distanceToEdge(x: number, y: number, e: Edges, j: number): number {
  const ax = e.x0[j]!;
  const ay = e.y0[j]!;
  const dx = e.x1[j]! - ax;
  const dy = e.y1[j]! - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/**
 * Calls `visit` for the midpoint of every piece of every edge of `a`, after cutting each edge where
 * it meets an edge or a vertex of `b`: each piece then lies wholly inside, outside or on `b`.
 * Stops as soon as `visit` returns false.
 */
function everyPiece(a: Edges, b: Edges, visit: (i: number, where: Where) => boolean): boolean {
  for (let i = 0; i < a.x0.length; i++) {
    const ax = a.x0[i]!;
    const ay = a.y0[i]!;
    const dx = a.x1[i]! - ax;
    const dy = a.y1[i]! - ay;
    const len2 = dx * dx + dy * dy;
    const cuts = [0, 1];
    const near = b.index.search(
      Math.min(ax, ax + dx) - EPS,
      Math.min(ay, ay + dy) - EPS,
      Math.max(ax, ax + dx) + EPS,
      Math.max(ay, ay + dy) + EPS,
    );
    for (const j of near) {
      const cx = b.x0[j]!;
      const cy = b.y0[j]!;
      const ex = b.x1[j]! - cx;
      const ey = b.y1[j]! - cy;
      const denom = dx * ey - dy * ex;
      if (Math.abs(denom) > 1e-12 * Math.sqrt(len2 * (ex * ex + ey * ey))) {
        const t = ((cx - ax) * ey - (cy - ay) * ex) / denom;
        const u = ((cx - ax) * dy - (cy - ay) * dx) / denom;
        if (t > 0 && t < 1 && u >= 0 && u <= 1) cuts.push(t);
      }
      // b's vertices lying on this edge (touching or collinear overlaps).
      for (const [px, py] of [
        [cx, cy],
        [cx + ex, cy + ey],
      ] as const) {
        const t = ((px - ax) * dx + (py - ay) * dy) / len2;
        if (t > 0 && t < 1 && Math.hypot(ax + t * dx - px, ay + t * dy - py) <= EPS) cuts.push(t);
      }
    }
    cuts.sort((p, q) => p - q);
    const minT = MIN_PIECE / Math.sqrt(len2);
    for (let k = 0; k + 1 < cuts.length; k++) {
      if (cuts[k + 1]! - cuts[k]! < minT) continue;
      const t = (cuts[k]! + cuts[k + 1]!) / 2;
      if (!visit(i, classify(ax + t * dx, ay + t * dy, b))) return false;
    }
  }
  return true;
}

/**
 * True when every edge of `a` lies inside `b` or runs along an edge of `b` with both interiors on the
 * same side, and no vertex of `b` lies inside `a` (so no hole of `b` or gap between its parts sits
 * within `a`): then `a` lies within `b`. False means "not proven".
 */
function boundaryWithin(a: AreaGeometry, b: AreaGeometry): boolean {
  const ea = edgesOf(a);
  const eb = edgesOf(b);
  const inside = everyPiece(ea, eb, (i, where) => {
    if (where.at !== 'on') return where.at === 'in';
    return sameDirection(ea, i, eb, where.edge) * ea.side[i]! * eb.side[where.edge]! > 0;
  });
  if (!inside) return false;
  const [minX, minY, maxX, maxY] = bboxOf(a);
  for (let j = 0; j < eb.x0.length; j++) {
    const x = eb.x0[j]!;
    const y = eb.y0[j]!;
    if (x < minX || x > maxX || y < minY || y > maxY) continue;
    if (classify(x, y, ea).at === 'in') return false;
  }
  return true;
}

/**
 * True when neither boundary enters the other's interior and, where the boundaries run together,
 * the two interiors lie on opposite sides (as neighbours in a tiling do). False means "not proven".
 */
function interiorsDisjoint(a: AreaGeometry, b: AreaGeometry): boolean {
  const ea = edgesOf(a);
  const eb = edgesOf(b);
  const apart = (p: Edges, q: Edges) =>
    everyPiece(p, q, (i, where) => {
      if (where.at !== 'on') return where.at === 'out';
      return sameDirection(p, i, q, where.edge) * p.side[i]! * q.side[where.edge]! < 0;
    });
  return apart(ea, eb) && apart(eb, ea);
}

/** Positive when edge i of p and edge j of q point the same way, negative when opposite, 0 across. */
function sameDirection(p: Edges, i: number, q: Edges, j: number): number {
  return (p.x1[i]! - p.x0[i]!) * (q.x1[j]! - q.x0[j]!) + (p.y1[i]! - p.y0[i]!) * (q.y1[j]! - q.y0[j]!);
}

// Plain-number geometry on WGS84 longitude/latitude: enough for point-in-polygon, bounding boxes
// and areas of district-sized shapes (tens of km), where a local equirectangular projection is exact
// to well under 0.1%.

export type Position = [number, number];
export type Ring = Position[];
export type PolygonCoords = Ring[];
export interface Polygon {
  type: 'Polygon';
  coordinates: PolygonCoords;
}
export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: PolygonCoords[];
}
export type AreaGeometry = Polygon | MultiPolygon;
export type BBox = [number, number, number, number];

export function polygonsOf(geometry: AreaGeometry): PolygonCoords[] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

export function bboxOf(geometry: AreaGeometry): BBox {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const polygon of polygonsOf(geometry)) {
    for (const [x, y] of polygon[0] ?? []) {
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}

/** Even-odd ray casting; points exactly on an edge count as inside for the lower/left edges only. */
export function pointInRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function pointInPolygon(x: number, y: number, polygon: PolygonCoords): boolean {
  const [outer, ...holes] = polygon;
  if (!outer || !pointInRing(x, y, outer)) return false;
  return !holes.some((hole) => pointInRing(x, y, hole));
}

export function pointInGeometry(x: number, y: number, geometry: AreaGeometry): boolean {
  return polygonsOf(geometry).some((polygon) => pointInPolygon(x, y, polygon));
}

/** Ray casting over a flat [x0, y0, x1, y1, …] ring: the same rule as pointInRing, without allocations. */
export function pointInFlatRing(x: number, y: number, ring: Float64Array): boolean {
  let inside = false;
  const n = ring.length;
  for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
    const xi = ring[i]!;
    const yi = ring[i + 1]!;
    const xj = ring[j]!;
    const yj = ring[j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** `rings`: the outer ring, then holes, each flat. */
export function pointInFlatPolygon(x: number, y: number, rings: readonly Float64Array[]): boolean {
  const outer = rings[0];
  if (!outer || !pointInFlatRing(x, y, outer)) return false;
  for (let h = 1; h < rings.length; h++) if (pointInFlatRing(x, y, rings[h]!)) return false;
  return true;
}

export const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Signed planar area of a ring in m², projected around latitude `lat0`. */
function ringAreaM2(ring: Ring, lat0: number): number {
  const kx = EARTH_RADIUS_M * RAD * Math.cos(lat0 * RAD);
  const ky = EARTH_RADIUS_M * RAD;
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    sum += xj * kx * (yi * ky) - xi * kx * (yj * ky);
  }
  return sum / 2;
}

export function areaM2(geometry: AreaGeometry): number {
  const [, minY, , maxY] = bboxOf(geometry);
  const lat0 = (minY + maxY) / 2;
  let total = 0;
  for (const [outer, ...holes] of polygonsOf(geometry)) {
    if (!outer) continue;
    total += Math.abs(ringAreaM2(outer, lat0));
    for (const hole of holes) total -= Math.abs(ringAreaM2(hole, lat0));
  }
  return total;
}

/** Metres between two points (haversine). */
export function distanceM(a: Position, b: Position): number {
  const dLat = (b[1] - a[1]) * RAD;
  const dLng = (b[0] - a[0]) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * RAD) * Math.cos(b[1] * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
}

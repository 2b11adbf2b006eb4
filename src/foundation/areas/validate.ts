// Pure validation of an area GeoJSON file (DESIGN.md §4) against the tree already stored: no database
// here, so every rule is tested on plain values. Errors reject the whole file; warnings (sibling
// overlaps) are reported and the file is still imported.
import Flatbush from 'flatbush';
import { z } from 'zod';
import type { ImportProblem } from '../imports/runs.ts';
import {
  type AreaGeometry,
  areaM2,
  type BBox,
  bboxOf,
  type PolygonCoords,
  type Position,
} from './geometry.ts';
import { AREA_LEVELS, type AreaLevel } from './locator.ts';
import { areaOutsideM2, overlapAreaM2 } from './overlay.ts';

/** One area as the file or the database describes it. */
export interface AreaRecord {
  id: string;
  name: string;
  level: AreaLevel;
  parentId: string | null;
  geometry: AreaGeometry;
}

/** An area already in the database. */
export interface StoredArea extends AreaRecord {
  path: string[];
}

/** An area of the file, ready to store. */
export interface ValidArea extends AreaRecord {
  /** 1-based feature number in the file. */
  row: number;
  path: string[];
  bbox: BBox;
  areaM2: number;
}

export interface AreaFileCheck {
  /** Features in the file. */
  total: number;
  /** The file's areas; complete only when there is no error. */
  areas: ValidArea[];
  /** Stored areas not in the file whose path changes because an ancestor moved. */
  movedPaths: { id: string; path: string[] }[];
  problems: ImportProblem[];
  errors: number;
  warnings: number;
}

/**
 * How much of a child may lie outside its parent, or two siblings overlap, before it counts: shapes
 * drawn separately never share boundaries to the last digit, so slivers under 1 m² or under 0.01%
 * of the smaller shape are floating-point noise, not data errors.
 */
function negligible(m2: number, ofAreaM2: number): boolean {
  return m2 < 1 || m2 < ofAreaM2 * 1e-4;
}

const PARENT_LEVEL: Record<AreaLevel, AreaLevel | null> = {
  district: null,
  subdistrict: 'district',
  community: 'subdistrict',
  grid: 'community',
};

// GIS tools often write numeric codes as JSON numbers; a whole number is read as its digits.
const asCode = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) ? String(value) : value;
const text = (what: string, max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is missing' : `must be ${what}`) })
    .trim()
    .min(1, 'is empty')
    .max(max, `is longer than ${max} characters`);

export const areaPropertiesSchema = z.object({
  id: z.preprocess(asCode, text('a string or a whole number', 64)),
  name: text('a string', 200),
  level: z.enum(AREA_LEVELS as [AreaLevel, ...AreaLevel[]], {
    error: `must be one of ${AREA_LEVELS.join(', ')}`,
  }),
  parent_id: z.preprocess(
    (value) => (value === undefined || value === '' ? null : asCode(value)),
    text('a string, a whole number or null', 64).nullable(),
  ),
});

export function checkAreaFile(
  source: string,
  file: string,
  stored: ReadonlyMap<string, StoredArea> = new Map(),
): AreaFileCheck {
  const problems: ImportProblem[] = [];
  /** Each feature's properties as read, kept with its errors so a rejected row can be fixed. */
  const rawRows = new Map<number, Record<string, unknown>>();
  const report = (
    severity: ImportProblem['severity'],
    row: number | undefined,
    field: string | undefined,
    reason: string,
  ) => {
    const raw = severity === 'error' && row !== undefined ? rawRows.get(row) : undefined;
    problems.push({ severity, file, row, field, reason, raw });
  };
  const result = (
    total: number,
    areas: ValidArea[],
    movedPaths: AreaFileCheck['movedPaths'],
  ): AreaFileCheck => ({
    total,
    areas,
    movedPaths,
    problems,
    errors: problems.filter((p) => p.severity === 'error').length,
    warnings: problems.filter((p) => p.severity === 'warning').length,
  });

  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (error) {
    report('error', undefined, undefined, `not valid JSON (${(error as Error).message})`);
    return result(0, [], []);
  }
  const collection = parsed as { type?: unknown; features?: unknown } | null;
  if (
    !collection ||
    typeof collection !== 'object' ||
    collection.type !== 'FeatureCollection' ||
    !Array.isArray(collection.features)
  ) {
    report(
      'error',
      undefined,
      undefined,
      'not a GeoJSON FeatureCollection (expected {"type": "FeatureCollection", "features": [...]})',
    );
    return result(0, [], []);
  }
  const features: unknown[] = collection.features;

  // 1. Each feature on its own: properties and geometry.
  const records: (AreaRecord & { row: number; geometryOk: boolean })[] = [];
  /** Ids that appear in the file, even on a rejected feature, so its children are not also blamed. */
  const named = new Set<string>();
  const firstRow = new Map<string, number>();
  features.forEach((feature, index) => {
    const row = index + 1;
    const f = feature as { type?: unknown; properties?: unknown; geometry?: unknown } | null;
    if (!f || typeof f !== 'object' || f.type !== 'Feature') {
      report('error', row, undefined, 'not a GeoJSON Feature');
      return;
    }
    const raw =
      f.properties && typeof f.properties === 'object'
        ? (f.properties as Record<string, unknown>)
        : undefined;
    if (!raw) {
      report('error', row, 'properties', 'missing (expected id, name, level, parent_id)');
      return;
    }
    rawRows.set(row, raw);
    const id = asCode(raw.id);
    if (typeof id === 'string' && id.trim()) named.add(id.trim());
    const props = areaPropertiesSchema.safeParse(raw);
    const geometry = readGeometry(f.geometry);
    if (!props.success) {
      for (const issue of props.error.issues)
        report('error', row, String(issue.path[0] ?? 'properties'), issue.message);
    }
    for (const reason of geometry.problems) report('error', row, 'geometry', reason);
    if (!props.success) return;
    const { id: areaId, name, level, parent_id } = props.data;
    const first = firstRow.get(areaId);
    if (first !== undefined) {
      report('error', row, 'id', `duplicate id ${areaId} (first at row ${first})`);
      return;
    }
    firstRow.set(areaId, row);
    records.push({
      row,
      id: areaId,
      name,
      level,
      parentId: parent_id,
      geometry: geometry.value ?? { type: 'Polygon', coordinates: [] },
      geometryOk: geometry.value !== undefined,
    });
  });

  // 2. The tree: the stored areas with the file laid over them.
  const inFile = new Map(records.map((r) => [r.id, r]));
  const merged = new Map<string, AreaRecord>(stored);
  for (const r of records) merged.set(r.id, r);
  const childrenOf = new Map<string, string[]>();
  for (const area of merged.values()) {
    if (!area.parentId) continue;
    const list = childrenOf.get(area.parentId);
    if (list) list.push(area.id);
    else childrenOf.set(area.parentId, [area.id]);
  }
  /** Child → parent links that hold, so geometry checks run only on them. */
  const linked = new Map<string, AreaRecord>();
  for (const r of records) {
    const wanted = PARENT_LEVEL[r.level];
    if (!wanted) {
      if (r.parentId) report('error', r.row, 'parent_id', `a district has no parent (found ${r.parentId})`);
      continue;
    }
    if (!r.parentId) {
      report('error', r.row, 'parent_id', `is missing: a ${r.level} needs a ${wanted} as parent`);
      continue;
    }
    const parent = merged.get(r.parentId);
    if (!parent) {
      if (!named.has(r.parentId))
        report(
          'error',
          r.row,
          'parent_id',
          `unknown parent ${r.parentId} (neither in the file nor in the database)`,
        );
      continue;
    }
    if (parent.level !== wanted) {
      report(
        'error',
        r.row,
        'parent_id',
        `parent ${r.parentId} is a ${parent.level}; a ${r.level}'s parent must be a ${wanted}`,
      );
      continue;
    }
    linked.set(r.id, parent);
  }
  // Stored children of an area the file changes must still fit under it.
  for (const r of records) {
    for (const childId of childrenOf.get(r.id) ?? []) {
      if (inFile.has(childId)) continue;
      const child = merged.get(childId)!;
      if (PARENT_LEVEL[child.level] !== r.level) {
        report(
          'error',
          r.row,
          'level',
          `stored ${child.level} ${childId} has this area as parent, so it must stay a ${PARENT_LEVEL[child.level]}`,
        );
        continue;
      }
      linked.set(childId, r);
    }
  }

  // 3. Geometry: children within parents (error), siblings apart (warning).
  const geometryOk = (area: AreaRecord) => {
    const r = inFile.get(area.id);
    return r ? r.geometryOk : true;
  };
  const rowOf = (area: AreaRecord) => inFile.get(area.id)?.row;
  const sizes = new Map<string, number>();
  const sizeOf = (area: AreaRecord) => {
    let size = sizes.get(area.id);
    if (size === undefined) {
      size = areaM2(area.geometry);
      sizes.set(area.id, size);
    }
    return size;
  };
  for (const [childId, parent] of linked) {
    const child = merged.get(childId)!;
    if (!geometryOk(child) || !geometryOk(parent)) continue;
    const outside = areaOutsideM2(child.geometry, parent.geometry);
    if (negligible(outside, sizeOf(child))) continue;
    const share = `${m2(outside)} (${((100 * outside) / sizeOf(child)).toFixed(2)}%)`;
    const childRow = rowOf(child);
    if (childRow !== undefined)
      report('error', childRow, 'geometry', `${share} lies outside its parent ${parent.id}`);
    else
      report(
        'error',
        rowOf(parent),
        'geometry',
        `stored ${child.level} ${child.id} would lie ${share} outside this area`,
      );
  }
  for (const siblingIds of siblingGroups(records, merged)) {
    const siblings = siblingIds.map((id) => merged.get(id)!).filter(geometryOk);
    if (siblings.length < 2) continue;
    const index = new Flatbush(siblings.length);
    for (const s of siblings) index.add(...bboxOf(s.geometry));
    index.finish();
    siblings.forEach((a, i) => {
      const aRow = rowOf(a);
      for (const j of index.search(...bboxOf(a.geometry))) {
        const b = siblings[j]!;
        const bRow = rowOf(b);
        // Each pair once, reported on the later file row (or the file's side of a file/stored pair).
        if (j === i || aRow === undefined || (bRow !== undefined && bRow > aRow)) continue;
        const overlap = overlapAreaM2(a.geometry, b.geometry);
        if (negligible(overlap, Math.min(sizeOf(a), sizeOf(b)))) continue;
        report('warning', aRow, 'geometry', `overlaps sibling ${b.id} (${b.name}) by ${m2(overlap)}`);
      }
    });
  }
  problems.sort((p, q) => (p.row ?? 0) - (q.row ?? 0));
  if (problems.some((p) => p.severity === 'error')) return result(features.length, [], []);

  // 4. Paths, from the district down.
  const paths = new Map<string, string[]>();
  const pathOf = (id: string): string[] => {
    let path = paths.get(id);
    if (!path) {
      const area = merged.get(id)!;
      path = area.parentId ? [...pathOf(area.parentId), id] : [id];
      paths.set(id, path);
    }
    return path;
  };
  const areas = records.map((r) => ({
    row: r.row,
    id: r.id,
    name: r.name,
    level: r.level,
    parentId: r.parentId,
    geometry: r.geometry,
    path: pathOf(r.id),
    bbox: bboxOf(r.geometry),
    areaM2: sizeOf(r),
  }));
  const movedPaths: AreaFileCheck['movedPaths'] = [];
  const moved = (id: string) => {
    for (const childId of childrenOf.get(id) ?? []) {
      if (inFile.has(childId)) continue;
      const path = pathOf(childId);
      if (!samePath(path, stored.get(childId)!.path)) movedPaths.push({ id: childId, path });
      moved(childId);
    }
  };
  for (const r of records) moved(r.id);
  return result(features.length, areas, movedPaths);
}

/** Ids of areas sharing a parent, for every parent with at least one child in the file. */
function siblingGroups(records: readonly AreaRecord[], merged: ReadonlyMap<string, AreaRecord>): string[][] {
  const parents = new Set(records.map((r) => r.parentId ?? ''));
  const groups = new Map<string, string[]>();
  for (const area of merged.values()) {
    const key = area.parentId ?? '';
    if (!parents.has(key)) continue;
    const group = groups.get(key);
    if (group) group.push(area.id);
    else groups.set(key, [area.id]);
  }
  return [...groups.values()];
}

export function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/** Geometry equality as stored: same type and the same coordinates in the same order. */
export function sameGeometry(a: AreaGeometry, b: AreaGeometry): boolean {
  return a.type === b.type && JSON.stringify(a.coordinates) === JSON.stringify(b.coordinates);
}

const m2 = (value: number) => `${Math.round(value).toLocaleString('en')} m²`;

/**
 * Reads a GeoJSON Polygon or MultiPolygon, keeping longitude and latitude only. Returns the
 * geometry, or the reasons it is not a valid one.
 */
export function readGeometry(input: unknown): { value?: AreaGeometry; problems: string[] } {
  const g = input as { type?: unknown; coordinates?: unknown } | null | undefined;
  if (!g || typeof g !== 'object') return { problems: ['is missing'] };
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon')
    return { problems: [`type ${JSON.stringify(g.type)} is not Polygon or MultiPolygon`] };
  if (!Array.isArray(g.coordinates) || g.coordinates.length === 0)
    return { problems: ['has no coordinates'] };
  const problems: string[] = [];
  const rawPolygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  const polygons: PolygonCoords[] = [];
  rawPolygons.forEach((rawPolygon: unknown, p: number) => {
    const where = (r: number) => (g.type === 'Polygon' ? `ring ${r + 1}` : `polygon ${p + 1} ring ${r + 1}`);
    if (!Array.isArray(rawPolygon) || rawPolygon.length === 0) {
      problems.push(`polygon ${p + 1} has no rings`);
      return;
    }
    const polygon: PolygonCoords = [];
    rawPolygon.forEach((rawRing: unknown, r: number) => {
      const ring = readRing(rawRing);
      if (typeof ring === 'string') problems.push(`${where(r)} ${ring}`);
      else polygon.push(ring);
    });
    polygons.push(polygon);
  });
  if (problems.length) return { problems };
  const value: AreaGeometry =
    g.type === 'Polygon'
      ? { type: 'Polygon', coordinates: polygons[0]! }
      : { type: 'MultiPolygon', coordinates: polygons };
  return { value, problems };
}

/** A valid closed ring, or why it is not one. */
function readRing(input: unknown): Position[] | string {
  if (!Array.isArray(input)) return 'is not an array of positions';
  const ring: Position[] = [];
  for (const [k, p] of input.entries()) {
    if (!Array.isArray(p) || p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1]))
      return `position ${k + 1} is not a pair of finite numbers (${JSON.stringify(p)})`;
    const [lng, lat] = p as [number, number];
    if (lng < -180 || lng > 180 || lat < -90 || lat > 90)
      return `position ${k + 1} (${lng}, ${lat}) is out of range (longitude −180..180, latitude −90..90)`;
    ring.push([lng, lat]);
  }
  if (ring.length < 4) return `has ${ring.length} positions; a ring needs at least 4`;
  const first = ring[0]!;
  const last = ring[ring.length - 1]!;
  if (first[0] !== last[0] || first[1] !== last[1])
    return 'is not closed (its last position differs from its first)';
  const crossing = selfIntersection(ring);
  if (crossing) return `intersects itself near (${crossing[0]}, ${crossing[1]})`;
  if (areaM2({ type: 'Polygon', coordinates: [ring] }) === 0) return 'encloses no area';
  return ring;
}

/**
 * Where a closed ring touches or crosses itself, or undefined. Repeated consecutive positions are
 * harmless and skipped; an edge that turns straight back (a spike) counts as touching.
 */
export function selfIntersection(ring: readonly Position[]): Position | undefined {
  const pts = ring.filter((p, i) => i === 0 || p[0] !== ring[i - 1]![0] || p[1] !== ring[i - 1]![1]);
  const n = pts.length - 1;
  if (n < 3) return n < 1 ? undefined : pts[0];
  const check = (i: number, j: number): Position | undefined => {
    const adjacent = j === i + 1 || (i === 0 && j === n - 1);
    const [a, b] = [pts[i]!, pts[i + 1]!];
    const [c, d] = [pts[j]!, pts[j + 1]!];
    if (adjacent) {
      // Consecutive edges meet at one vertex; they overlap only when the second turns straight back.
      const [p, q, r] = j === i + 1 ? [a, b, d] : [c, d, b];
      const cross = (q[0] - p[0]) * (r[1] - q[1]) - (q[1] - p[1]) * (r[0] - q[0]);
      const dot = (q[0] - p[0]) * (r[0] - q[0]) + (q[1] - p[1]) * (r[1] - q[1]);
      return cross === 0 && dot < 0 ? q : undefined;
    }
    return segmentsMeet(a, b, c, d) ? a : undefined;
  };
  if (n <= 64) {
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const hit = check(i, j);
        if (hit) return hit;
      }
    return undefined;
  }
  const index = new Flatbush(n);
  for (let i = 0; i < n; i++) {
    const [a, b] = [pts[i]!, pts[i + 1]!];
    index.add(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]));
  }
  index.finish();
  for (let i = 0; i < n; i++) {
    const [a, b] = [pts[i]!, pts[i + 1]!];
    const near = index.search(
      Math.min(a[0], b[0]),
      Math.min(a[1], b[1]),
      Math.max(a[0], b[0]),
      Math.max(a[1], b[1]),
    );
    for (const j of near) {
      if (j <= i) continue;
      const hit = check(i, j);
      if (hit) return hit;
    }
  }
  return undefined;
}

function orientation(a: Position, b: Position, c: Position): number {
  return Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
}

function onSegment(a: Position, b: Position, p: Position): boolean {
  return (
    Math.min(a[0], b[0]) <= p[0] &&
    p[0] <= Math.max(a[0], b[0]) &&
    Math.min(a[1], b[1]) <= p[1] &&
    p[1] <= Math.max(a[1], b[1])
  );
}

/** Whether segments ab and cd share any point (crossing, touching or overlapping). */
function segmentsMeet(a: Position, b: Position, c: Position, d: Position): boolean {
  const o1 = orientation(a, b, c);
  const o2 = orientation(a, b, d);
  const o3 = orientation(c, d, a);
  const o4 = orientation(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && onSegment(a, b, c)) ||
    (o2 === 0 && onSegment(a, b, d)) ||
    (o3 === 0 && onSegment(c, d, a)) ||
    (o4 === 0 && onSegment(c, d, b))
  );
}

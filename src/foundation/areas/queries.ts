// Reading the area tree, within the actor's scope.
//
// Scope rule: an actor scoped to a subdistrict, community or grid reads in full the areas whose
// path includes its scope (its own area and everything below). Its ancestors (e.g. the subdistrict
// above a community) are visible as references only — id, name, level, parent, and the way down to
// the scope — with `reference: true`, no counts, no geometry, and no other children. Everything else
// is forbidden. District-wide and agency scopes read the whole tree (areas are reference data).
import type { Db } from '../../db/db.ts';
import { DomainError, forbidden, notFound } from '../../lib/errors.ts';
import {
  type Ctx,
  canReadArea,
  describeScope,
  requireAreaRead,
  requirePermission,
} from '../access/context.ts';
import type { AreaGeometry, BBox } from './geometry.ts';
import type { AreaChain, AreaLevel, AreaLocator, AreaRef } from './locator.ts';

export interface AreaItem {
  id: string;
  name: string;
  level: AreaLevel;
  parentId: string | null;
  /** An ancestor of the actor's scope, shown by name only. */
  reference: boolean;
  areaM2: number | null;
  childCount: number | null;
  /** Standard addresses inside the area, at building and at room level. */
  buildings: number | null;
  rooms: number | null;
}

export interface AreaDetail extends AreaItem {
  path: string[];
  bbox: BBox | null;
  chain: AreaChain;
  children: AreaItem[];
  geometry?: AreaGeometry;
}

export interface Located {
  lng: number;
  lat: number;
  chain: AreaChain;
}

/** What the actor may see: everything, or its scope area's subtree plus that area's ancestors. */
export interface Visibility {
  all: boolean;
  scopeId: string | null;
  ancestors: string[];
}

export async function visibility(ctx: Ctx): Promise<Visibility> {
  const { scope } = ctx.actor;
  if (scope.kind === 'agency' || scope.id === '*') return { all: true, scopeId: null, ancestors: [] };
  const [row] = await ctx.db.query<{ path: string[] }>('SELECT path FROM areas WHERE id = $1', [scope.id]);
  return { all: false, scopeId: scope.id, ancestors: row ? row.path.slice(0, -1) : [] };
}

/** SQL condition on `path`: the area is readable in full; parameters are `all` and `scopeId`. */
export function readableAreasSql(all: string, scopeId: string): string {
  return `(${all}::boolean OR ${scopeId}::text = ANY(path))`;
}

interface AreaRow {
  id: string;
  name: string;
  level: AreaLevel;
  parent_id: string | null;
  path: string[];
  bbox: BBox;
  area_m2: number;
}

const AREA_COLUMNS = 'id, name, level, parent_id, path, bbox, area_m2';

export async function listAreas(
  ctx: Ctx,
  filter: { level?: AreaLevel | undefined; parent?: string | undefined } = {},
): Promise<AreaItem[]> {
  requirePermission(ctx, 'areas:read');
  const seen = await visibility(ctx);
  const rows = await ctx.db.query<AreaRow>(
    `SELECT ${AREA_COLUMNS} FROM areas
      WHERE ($1::text IS NULL OR level = $1) AND ($2::text IS NULL OR parent_id = $2)
        AND (${readableAreasSql('$3', '$4')} OR id = ANY($5::text[]))
      ORDER BY array_length(path, 1), id`,
    [filter.level ?? null, filter.parent ?? null, seen.all, seen.scopeId, seen.ancestors],
  );
  return items(ctx.db, rows, seen);
}

export async function getArea(
  ctx: Ctx,
  id: string,
  options: { geometry?: boolean } = {},
): Promise<AreaDetail> {
  requirePermission(ctx, 'areas:read');
  const [row] = await ctx.db.query<AreaRow & { geometry: AreaGeometry }>(
    `SELECT ${AREA_COLUMNS}, CASE WHEN $2 THEN geometry END AS geometry FROM areas WHERE id = $1`,
    [id, options.geometry === true],
  );
  if (!row) throw notFound(`area ${id}`);
  const seen = await visibility(ctx);
  const reference = !canReadArea(ctx.actor, row.path);
  if (reference && !seen.ancestors.includes(id)) requireAreaRead(ctx, row.path, `area ${id}`);
  const children = await ctx.db.query<AreaRow>(
    `SELECT ${AREA_COLUMNS} FROM areas
      WHERE parent_id = $1 AND (${readableAreasSql('$2', '$3')} OR id = ANY($4::text[]))
      ORDER BY id`,
    [id, seen.all, seen.scopeId, seen.ancestors],
  );
  const [item] = await items(ctx.db, [row], seen);
  const detail: AreaDetail = {
    ...item!,
    path: row.path,
    bbox: reference ? null : row.bbox,
    chain: await chainOf(ctx.db, row.path),
    children: await items(ctx.db, children, seen),
  };
  if (options.geometry && !reference) detail.geometry = row.geometry;
  return detail;
}

/** The area chain containing a point, from the in-memory locator. */
export async function locatePoint(
  ctx: Ctx,
  locator: AreaLocator,
  lng: number,
  lat: number,
): Promise<Located> {
  requirePermission(ctx, 'areas:read');
  const area = locator.locateArea(lng, lat);
  if (!area) throw new DomainError('not_found', `no area contains the point (${lng}, ${lat})`);
  if (!canReadArea(ctx.actor, locator.pathOf(area.id)))
    throw forbidden(`the point (${lng}, ${lat}) lies outside your scope ${describeScope(ctx.actor.scope)}`);
  return { lng, lat, chain: locator.chainOf(area.id) ?? {} };
}

/** Rows as items: counts for areas read in full, references for ancestors of the scope. */
async function items(db: Db, rows: readonly AreaRow[], seen: Visibility): Promise<AreaItem[]> {
  const isReference = (r: AreaRow) => !seen.all && !r.path.includes(seen.scopeId ?? '');
  const counts = await countsOf(
    db,
    rows.filter((r) => !isReference(r)).map((r) => r.id),
  );
  return rows.map((r) => {
    const reference = isReference(r);
    const c = counts.get(r.id);
    return {
      id: r.id,
      name: r.name,
      level: r.level,
      parentId: r.parent_id,
      reference,
      areaM2: reference ? null : r.area_m2,
      childCount: reference ? null : (c?.child_count ?? 0),
      buildings: reference ? null : (c?.buildings ?? 0),
      rooms: reference ? null : (c?.rooms ?? 0),
    };
  });
}

/**
 * Children and standard addresses per area. Addresses carry their grid (the deepest area), so an
 * area's count is the sum over itself and its descendants; the district key is path[1].
 */
async function countsOf(
  db: Db,
  ids: readonly string[],
): Promise<Map<string, { child_count: number; buildings: number; rooms: number }>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<{ id: string; child_count: number; buildings: number; rooms: number }>(
    `SELECT l.id,
            (SELECT count(*) FROM areas c WHERE c.parent_id = l.id)::int AS child_count,
            coalesce(sum(x.buildings), 0)::int AS buildings,
            coalesce(sum(x.rooms), 0)::int AS rooms
       FROM unnest($1::text[]) AS l(id)
       JOIN areas d ON d.path @> ARRAY[l.id]
       LEFT JOIN LATERAL (
         SELECT count(*) FILTER (WHERE ad.level = 'building') AS buildings,
                count(*) FILTER (WHERE ad.level = 'room') AS rooms
           FROM addresses ad WHERE ad.district_id = d.path[1] AND ad.grid_id = d.id
       ) x ON true
      GROUP BY l.id`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** The chain of an area from its path: each ancestor (and itself) by level. */
async function chainOf(db: Db, path: readonly string[]): Promise<AreaChain> {
  const rows = await db.query<AreaRef>('SELECT id, name, level FROM areas WHERE id = ANY($1::text[])', [
    path,
  ]);
  const chain: AreaChain = {};
  for (const r of rows) chain[r.level] = { id: r.id, name: r.name, level: r.level };
  return chain;
}

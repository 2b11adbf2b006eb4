// Agencies and their handling zones (业务网格). Reads come from the in-memory reference; zones are
// replaced per agency (from a department's GeoJSON, or generated from the area tree for the demo).
import { z } from 'zod';
import { bumpDataVersion } from '../../db/data-versions.ts';
import { audit, type Ctx, requirePermission } from '../../foundation/access/context.ts';
import {
  type AreaGeometry,
  bboxOf,
  type PolygonCoords,
  polygonsOf,
} from '../../foundation/areas/geometry.ts';
import { readGeometry } from '../../foundation/areas/validate.ts';
import { invalidInput, notFound } from '../../lib/errors.ts';
import { parseInput } from '../input.ts';
import { ensureGovernance, expireGovernance } from '../reference.ts';
import type { Zoning } from './file.ts';
import type { Agency, AgencyKind, HandlingZone } from './model.ts';

export interface AgencyDetail extends Agency {
  zones: Omit<HandlingZone, 'geometry'>[];
  /** Active categories this agency answers for. */
  categories: string[];
}

export async function listAgencies(
  ctx: Ctx,
  filter: { kind?: AgencyKind | undefined } = {},
): Promise<Agency[]> {
  const ref = await ensureGovernance(ctx.db);
  return [...ref.agencies.values()].filter((a) => a.active && (!filter.kind || a.kind === filter.kind));
}

export async function getAgency(ctx: Ctx, code: string): Promise<AgencyDetail> {
  const ref = await ensureGovernance(ctx.db);
  const agency = ref.agencies.get(code);
  if (!agency) throw notFound(`agency ${code}`);
  return {
    ...agency,
    zones: (ref.zones.get(code) ?? []).map(({ geometry: _geometry, ...zone }) => zone),
    categories: [...ref.categories.values()].filter((c) => c.active && c.agency === code).map((c) => c.code),
  };
}

/** An agency's zones with their geometry (for maps and exports). */
export async function listHandlingZones(ctx: Ctx, code: string): Promise<HandlingZone[]> {
  const ref = await ensureGovernance(ctx.db);
  if (!ref.agencies.has(code)) throw notFound(`agency ${code}`);
  return [...(ref.zones.get(code) ?? [])];
}

export const zoneInputSchema = z.object({
  zoneId: z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, _ . - (1 to 64)'),
  name: z.string().trim().min(1).max(100),
  geometry: z.unknown().describe('GeoJSON Polygon or MultiPolygon, WGS84'),
  areaIds: z.array(z.string()).default([]),
});
export type ZoneInput = z.input<typeof zoneInputSchema>;

/** Replaces all handling zones of one agency; returns how many it now has. */
export async function setHandlingZones(ctx: Ctx, code: string, zones: readonly ZoneInput[]): Promise<number> {
  requirePermission(ctx, 'catalogue:write');
  const ref = await ensureGovernance(ctx.db);
  if (!ref.agencies.has(code)) throw notFound(`agency ${code}`);
  const parsed = parseInput(z.array(zoneInputSchema).max(5_000), zones, 'invalid handling zones');
  const problems = [];
  const rows: { zoneId: string; name: string; areaIds: string[]; geometry: AreaGeometry }[] = [];
  const seen = new Set<string>();
  for (const [i, zone] of parsed.entries()) {
    if (seen.has(zone.zoneId))
      problems.push({ field: `${i}.zoneId`, reason: `${zone.zoneId} appears twice` });
    seen.add(zone.zoneId);
    const geometry = readGeometry(zone.geometry);
    if (!geometry.value)
      for (const reason of geometry.problems) problems.push({ field: `${i}.geometry`, reason });
    else rows.push({ zoneId: zone.zoneId, name: zone.name, areaIds: zone.areaIds, geometry: geometry.value });
  }
  if (problems.length) throw invalidInput(`invalid handling zones for ${code}`, problems);
  await ctx.db.transaction(async (tx) => {
    await replaceZones(tx, code, rows);
    await audit({ ...ctx, db: tx }, 'agency.zones', { kind: 'agency', id: code }, { zones: rows.length });
    await bumpDataVersion(tx, 'governance');
  });
  expireGovernance(ctx.db);
  return rows.length;
}

/**
 * Cuts each department's handling zones from the area tree as its `zoning` says (the demo's zones:
 * urban management by subdistrict, water by groups of communities …). Zones are MultiPolygons of
 * their member areas, so no polygon union is needed.
 */
export async function generateHandlingZones(ctx: Ctx): Promise<{ agency: string; zones: number }[]> {
  requirePermission(ctx, 'catalogue:write');
  const ref = await ensureGovernance(ctx.db);
  const areas = await ctx.db.query<{
    id: string;
    name: string;
    level: string;
    parent_id: string | null;
    path: string[];
    geometry: AreaGeometry;
  }>(
    "SELECT id, name, level, parent_id, path, geometry FROM areas WHERE level IN ('district', 'subdistrict', 'community') ORDER BY id",
  );
  if (areas.length === 0) throw invalidInput('the area tree is empty: import areas first');
  const departments = [...ref.agencies.values()].filter(
    (a) => a.kind === 'department' && a.active && a.zoning,
  );
  const summary: { agency: string; zones: number }[] = [];
  await ctx.db.transaction(async (tx) => {
    for (const agency of departments) {
      const zones = cutZones(agency, agency.zoning!, areas);
      await replaceZones(tx, agency.code, zones);
      await audit(
        { ...ctx, db: tx },
        'agency.zones.generate',
        { kind: 'agency', id: agency.code },
        { zoning: agency.zoning, zones: zones.length },
      );
      summary.push({ agency: agency.code, zones: zones.length });
    }
    await bumpDataVersion(tx, 'governance');
  });
  expireGovernance(ctx.db);
  return summary;
}

interface TreeArea {
  id: string;
  name: string;
  level: string;
  path: string[];
  geometry: AreaGeometry;
}

function cutZones(agency: Agency, zoning: Zoning, areas: readonly TreeArea[]) {
  const districts = areas.filter((a) => a.level === 'district');
  const zones: { zoneId: string; name: string; areaIds: string[]; geometry: AreaGeometry }[] = [];
  for (const district of districts) {
    const inside = (level: string) => areas.filter((a) => a.level === level && a.path[0] === district.id);
    const groups: TreeArea[][] =
      zoning.by === 'district'
        ? [[district]]
        : zoning.by === 'subdistrict'
          ? inside('subdistrict').map((a) => [a])
          : chunk(inside(zoning.by === 'subdistricts' ? 'subdistrict' : 'community'), zoning.per);
    for (const members of groups) {
      const first = members[0]!;
      zones.push({
        zoneId: `${agency.code}-${first.id}`,
        name: members.length === 1 ? `${first.name}片区` : `${first.name}等${members.length}个片区`,
        areaIds: members.map((m) => m.id),
        geometry: merge(members.map((m) => m.geometry)),
      });
    }
  }
  return zones;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function merge(geometries: readonly AreaGeometry[]): AreaGeometry {
  if (geometries.length === 1) return geometries[0]!;
  const polygons: PolygonCoords[] = geometries.flatMap((g) => polygonsOf(g));
  return { type: 'MultiPolygon', coordinates: polygons };
}

async function replaceZones(
  tx: Ctx['db'],
  code: string,
  zones: readonly { zoneId: string; name: string; areaIds: string[]; geometry: AreaGeometry }[],
): Promise<void> {
  await tx.query('DELETE FROM gov_handling_zones WHERE agency_code = $1', [code]);
  if (zones.length === 0) return;
  await tx.query(
    `INSERT INTO gov_handling_zones (agency_code, zone_id, name, area_ids, geometry, bbox)
     SELECT $1, z."zoneId", z.name, ARRAY(SELECT jsonb_array_elements_text(z."areaIds")), z.geometry,
            ARRAY[(z.bbox->>0)::float8, (z.bbox->>1)::float8, (z.bbox->>2)::float8, (z.bbox->>3)::float8]
       FROM jsonb_to_recordset($2::jsonb) AS z("zoneId" text, name text, "areaIds" jsonb, geometry jsonb, bbox jsonb)`,
    [code, JSON.stringify(zones.map((z) => ({ ...z, bbox: bboxOf(z.geometry) })))],
  );
}

// `citybrain areas export`: the stored tree as the same GeoJSON the importer reads (DESIGN.md §4),
// so an export re-imports as all unchanged.
import type { Ctx } from '../access/context.ts';
import { requirePermission } from '../access/context.ts';
import type { AreaGeometry } from './geometry.ts';
import type { AreaLevel } from './locator.ts';
import { readableAreasSql, visibility } from './queries.ts';

export interface AreaFeature {
  type: 'Feature';
  properties: { id: string; name: string; level: AreaLevel; parent_id: string | null };
  geometry: AreaGeometry;
}

export interface AreaFeatureCollection {
  type: 'FeatureCollection';
  features: AreaFeature[];
}

/** Areas the actor may read in full, parents before children; ancestors outside the scope are left out. */
export async function exportAreas(
  ctx: Ctx,
  options: { level?: AreaLevel | undefined } = {},
): Promise<AreaFeatureCollection> {
  requirePermission(ctx, 'areas:read');
  const scope = await visibility(ctx);
  const rows = await ctx.db.query<{
    id: string;
    name: string;
    level: AreaLevel;
    parent_id: string | null;
    geometry: AreaGeometry;
  }>(
    `SELECT id, name, level, parent_id, geometry FROM areas
      WHERE ($1::text IS NULL OR level = $1) AND ${readableAreasSql('$2', '$3')}
      ORDER BY array_length(path, 1), id`,
    [options.level ?? null, scope.all, scope.scopeId],
  );
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature',
      properties: { id: r.id, name: r.name, level: r.level, parent_id: r.parent_id },
      geometry: r.geometry,
    })),
  };
}

/** GeoJSON text with one feature per line: valid JSON that diffs and greps well. */
export function formatFeatureCollection(collection: AreaFeatureCollection): string {
  const lines = collection.features.map((f) => JSON.stringify(f));
  return `{"type":"FeatureCollection","features":[\n${lines.join(',\n')}\n]}\n`;
}

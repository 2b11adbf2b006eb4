// The known sources: what each mapping file says, and how its deliveries went.
import { type Ctx, requirePermission } from '../access/context.ts';
import type { EntityKind } from '../registry/model.ts';
import { loadSources, type SourceMapping } from './mapping.ts';

export interface SourceView {
  source: string;
  title: string;
  department: string | null;
  description: string | null;
  delivery: 'increment' | 'snapshot';
  encoding: string;
  priority: number;
  targets: {
    name: string;
    entity: EntityKind;
    /** Key alternatives: the first whose columns are filled. */
    keys: string[][];
    linkOn: string | null;
    fields: { field: string; columns: string[]; priority: number; required: boolean }[];
  }[];
  feeds: { count: number; rows: number; rejected: number };
  lastFeed: {
    id: string;
    file: string;
    deliveredAt: string;
    ingestedAt: string;
    rows: number;
    rejected: number;
  } | null;
}

export async function listSources(
  ctx: Ctx,
  sources: ReadonlyMap<string, SourceMapping> = loadSources(),
): Promise<SourceView[]> {
  requirePermission(ctx, 'imports:read');
  const stats = await ctx.db.query<{
    source: string;
    count: number;
    rows: number;
    rejected: number;
    id: string;
    file_name: string;
    delivered_at: Date | string;
    ingested_at: Date | string;
    rows_total: number;
    rows_rejected: number;
  }>(
    `SELECT DISTINCT ON (source) source,
            (count(*) OVER w)::int AS count, (sum(rows_total) OVER w)::int AS rows, (sum(rows_rejected) OVER w)::int AS rejected,
            id::text, file_name, delivered_at, ingested_at, rows_total, rows_rejected
       FROM feeds WINDOW w AS (PARTITION BY source)
      ORDER BY source, id DESC`,
  );
  const bySource = new Map(stats.map((s) => [s.source, s]));
  return [...sources.values()]
    .sort((a, b) => a.source.localeCompare(b.source))
    .map((m) => {
      const s = bySource.get(m.source);
      return {
        source: m.source,
        title: m.title,
        department: m.department,
        description: m.description,
        delivery: m.delivery,
        encoding: m.encoding,
        priority: m.priority,
        targets: m.targets.map((t) => ({
          name: t.name,
          entity: t.entity,
          keys: t.keys,
          linkOn: t.linkOn ?? null,
          fields: t.fields.map((f) => ({
            field: f.field,
            columns: f.columns,
            priority: f.priority,
            required: f.required,
          })),
        })),
        feeds: { count: s?.count ?? 0, rows: s?.rows ?? 0, rejected: s?.rejected ?? 0 },
        lastFeed: s
          ? {
              id: s.id,
              file: s.file_name,
              deliveredAt: new Date(s.delivered_at).toISOString(),
              ingestedAt: new Date(s.ingested_at).toISOString(),
              rows: s.rows_total,
              rejected: s.rows_rejected,
            }
          : null,
      };
    });
}

// Governance statistics within the reader's scope: request volumes by category, area (any level),
// channel or day; on-time rates per agency; return-visit satisfaction; hotspot grids.
// Days are calendar days in Asia/Shanghai.
import { z } from 'zod';
import { type Ctx, requirePermission } from '../../foundation/access/context.ts';
import { parseInput } from '../input.ts';
import { ensureGovernance } from '../reference.ts';
import { scopeSql } from '../scope.ts';
import { DISSATISFIED_AT_MOST } from '../visits/visits.ts';
import { ACTIVE_STATES } from '../workorders/machine.ts';

const time = z.iso.datetime({ offset: true });
const period = {
  from: time.optional().describe('from this time (inclusive)'),
  to: time.optional().describe('until this time (exclusive)'),
  area: z.string().min(1).max(64).optional().describe('an area id of any level'),
};

export const VOLUME_DIMENSIONS = [
  'category',
  'group',
  'channel',
  'day',
  'district',
  'subdistrict',
  'community',
  'grid',
] as const;
export type VolumeDimension = (typeof VOLUME_DIMENSIONS)[number];

export const volumeQuerySchema = z.object({
  by: z.enum(VOLUME_DIMENSIONS),
  ...period,
  category: z.string().min(1).max(48).optional(),
  channel: z.string().min(1).max(32).optional(),
});

export interface VolumeRow {
  key: string;
  name: string | null;
  count: number;
}

const KEY_SQL: Record<VolumeDimension, string> = {
  category: "coalesce(r.category_code, '')",
  group: "coalesce(c.group_code, '')",
  channel: 'r.channel',
  day: "to_char(r.submitted_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')",
  district: 'r.district_id',
  subdistrict: "coalesce(r.subdistrict_id, '')",
  community: "coalesce(r.community_id, '')",
  grid: 'r.grid_id',
};

/** Common conditions: the period on `timeColumn`, the area, the reader's scope. */
function periodSql(
  ctx: Ctx,
  f: { from?: string | undefined; to?: string | undefined; area?: string | undefined },
  timeColumn: string,
  params: unknown[],
): string {
  params.push(f.from ?? null, f.to ?? null, f.area ?? null);
  const n = params.length;
  return `($${n - 2}::timestamptz IS NULL OR ${timeColumn} >= $${n - 2})
      AND ($${n - 1}::timestamptz IS NULL OR ${timeColumn} < $${n - 1})
      AND ($${n}::text IS NULL OR $${n} IN (r.district_id, r.subdistrict_id, r.community_id, r.grid_id))
      AND ${scopeSql(ctx.actor, params)}`;
}

const REQUESTS_FROM = `FROM gov_requests r
  LEFT JOIN gov_work_orders w ON w.district_id = r.district_id AND w.request_id = coalesce(r.duplicate_of, r.id)
  LEFT JOIN gov_categories c ON c.code = r.category_code`;

/** How many requests, by one dimension; largest first (days in order). Triage items have key ''. */
export async function requestVolumes(
  ctx: Ctx,
  query: z.input<typeof volumeQuerySchema>,
): Promise<VolumeRow[]> {
  requirePermission(ctx, 'requests:read');
  const q = parseInput(volumeQuerySchema, query, 'invalid volume query');
  const ref = await ensureGovernance(ctx.db);
  const params: unknown[] = [q.category ?? null, q.channel ?? null];
  const where = `($1::text IS NULL OR r.category_code = $1) AND ($2::text IS NULL OR r.channel = $2)
     AND ${periodSql(ctx, q, 'r.submitted_at', params)}`;
  const key = KEY_SQL[q.by];
  const rows = await ctx.db.query<{ key: string; count: number; area_name: string | null }>(
    `SELECT v.key, v.count, a.name AS area_name
       FROM (SELECT ${key} AS key, count(*)::int AS count ${REQUESTS_FROM} WHERE ${where} GROUP BY 1) v
       LEFT JOIN areas a ON a.id = v.key
      ORDER BY ${q.by === 'day' ? 'v.key' : 'v.count DESC, v.key'}`,
    params,
  );
  const groups = new Map([...ref.categories.values()].map((c) => [c.group.code, c.group.name]));
  return rows.map((r) => ({
    key: r.key,
    count: r.count,
    name:
      q.by === 'category'
        ? r.key
          ? (ref.categories.get(r.key)?.name ?? null)
          : '待分类 triage'
        : q.by === 'group'
          ? (groups.get(r.key) ?? null)
          : r.area_name,
  }));
}

export const periodQuerySchema = z.object(period);
export type PeriodQuery = z.input<typeof periodQuerySchema>;

export interface OnTimeRow {
  agency: string;
  agencyName: string | null;
  /** Times the agency was given an order in the period (dispatch, reassignment, reopening). */
  orders: number;
  responded: number;
  respondedOnTime: number;
  fedBack: number;
  fedBackOnTime: number;
  resolved: number;
  resolvedOnTime: number;
  /** Its orders open now with a step overdue (not bound to the period). */
  overdueOpen: number;
  /** Resolved on time / resolved; null before anything was resolved. */
  onTimeRate: number | null;
  responseRate: number | null;
  feedbackRate: number | null;
}

const GIVEN = ['dispatch', 'reassign', 'reopen', 'unmerge'];

/**
 * On-time rates per agency (10-30-24), from the order histories: every response, feedback and
 * resolution in the period counts, with whether it met its due time; the total sums all agencies.
 */
export async function onTimeRates(
  ctx: Ctx,
  query: PeriodQuery = {},
): Promise<{ total: OnTimeRow; agencies: OnTimeRow[] }> {
  requirePermission(ctx, 'requests:read');
  const q = parseInput(periodQuerySchema, query, 'invalid period');
  const ref = await ensureGovernance(ctx.db);
  const { actor } = ctx;
  // A handler counts its own agency's steps, including on orders since passed to another agency.
  const own = actor.scope.kind === 'agency' ? actor.scope.id : null;
  const params: unknown[] = [GIVEN, own, q.from ?? null, q.to ?? null, q.area ?? null];
  const scope = own ? 'true' : scopeSql(actor, params);
  const rows = await ctx.db.query<Counts & { agency: string }>(
    `SELECT h.detail->>'agency' AS agency,
            count(*) FILTER (WHERE h.action = ANY($1::text[]))::int AS orders,
            count(*) FILTER (WHERE h.action = 'accept')::int AS responded,
            count(*) FILTER (WHERE h.action = 'accept' AND (h.detail->>'onTime')::boolean)::int AS responded_on_time,
            count(*) FILTER (WHERE h.action = 'feedback')::int AS fed_back,
            count(*) FILTER (WHERE h.action = 'feedback' AND (h.detail->>'onTime')::boolean)::int AS fed_back_on_time,
            count(*) FILTER (WHERE h.action = 'resolve')::int AS resolved,
            count(*) FILTER (WHERE h.action = 'resolve' AND (h.detail->>'onTime')::boolean)::int AS resolved_on_time,
            0 AS overdue_open
       FROM gov_work_order_history h
       JOIN gov_requests r ON r.district_id = h.district_id AND r.id = h.request_id
       LEFT JOIN gov_work_orders w ON w.district_id = h.district_id AND w.request_id = h.request_id
      WHERE (h.action = ANY($1::text[]) OR h.action IN ('accept', 'feedback', 'resolve'))
        AND h.detail->>'agency' IS NOT NULL AND ($2::text IS NULL OR h.detail->>'agency' = $2)
        AND ($3::timestamptz IS NULL OR h.at >= $3) AND ($4::timestamptz IS NULL OR h.at < $4)
        AND ($5::text IS NULL OR $5 IN (r.district_id, r.subdistrict_id, r.community_id, r.grid_id))
        AND ${scope}
      GROUP BY 1`,
    params,
  );
  const overdueParams: unknown[] = [ACTIVE_STATES, q.area ?? null];
  const overdue = await ctx.db.query<{ agency: string; n: number }>(
    `SELECT w.agency_code AS agency, count(*)::int AS n
       FROM gov_work_orders w JOIN gov_requests r ON r.district_id = w.district_id AND r.id = w.request_id
      WHERE w.status = ANY($1::text[]) AND (w.response_overdue OR w.feedback_overdue OR w.resolve_overdue)
        AND w.agency_code IS NOT NULL
        AND ($2::text IS NULL OR $2 IN (r.district_id, r.subdistrict_id, r.community_id, r.grid_id))
        AND ${scopeSql(actor, overdueParams)}
      GROUP BY 1`,
    overdueParams,
  );
  const byAgency = new Map(rows.map((r) => [r.agency, r]));
  for (const o of overdue) {
    const row = byAgency.get(o.agency) ?? { ...zero(), agency: o.agency };
    row.overdue_open = o.n;
    byAgency.set(o.agency, row);
  }
  const agencies = [...byAgency.values()]
    .sort((a, b) => b.orders - a.orders || a.agency.localeCompare(b.agency))
    .map((r) => onTimeRow(r.agency, ref.agencies.get(r.agency)?.name ?? null, r));
  const total = zero();
  for (const r of byAgency.values()) for (const k of Object.keys(total) as (keyof Counts)[]) total[k] += r[k];
  return { total: onTimeRow('*', '全部 all agencies', total), agencies };
}

interface Counts {
  orders: number;
  responded: number;
  responded_on_time: number;
  fed_back: number;
  fed_back_on_time: number;
  resolved: number;
  resolved_on_time: number;
  overdue_open: number;
}

const zero = (): Counts => ({
  orders: 0,
  responded: 0,
  responded_on_time: 0,
  fed_back: 0,
  fed_back_on_time: 0,
  resolved: 0,
  resolved_on_time: 0,
  overdue_open: 0,
});

const ratio = (part: number, whole: number) => (whole ? part / whole : null);

function onTimeRow(agency: string, agencyName: string | null, c: Counts): OnTimeRow {
  return {
    agency,
    agencyName,
    orders: c.orders,
    responded: c.responded,
    respondedOnTime: c.responded_on_time,
    fedBack: c.fed_back,
    fedBackOnTime: c.fed_back_on_time,
    resolved: c.resolved,
    resolvedOnTime: c.resolved_on_time,
    overdueOpen: c.overdue_open,
    onTimeRate: ratio(c.resolved_on_time, c.resolved),
    responseRate: ratio(c.responded_on_time, c.responded),
    feedbackRate: ratio(c.fed_back_on_time, c.fed_back),
  };
}

export const satisfactionQuerySchema = z.object({
  ...period,
  by: z.enum(['all', 'agency', 'category']).default('all'),
});

export interface SatisfactionRow {
  key: string;
  name: string | null;
  visits: number;
  averageRating: number | null;
  /** Rated 3 or more. */
  satisfied: number;
  /** Rated 1 or 2: each reopened its order. */
  dissatisfied: number;
  /** satisfied / visits. */
  satisfactionRate: number | null;
}

/** Return-visit results over visits in the period. */
export async function satisfaction(
  ctx: Ctx,
  query: z.input<typeof satisfactionQuerySchema> = {},
): Promise<SatisfactionRow[]> {
  requirePermission(ctx, 'requests:read');
  const q = parseInput(satisfactionQuerySchema, query, 'invalid satisfaction query');
  const ref = await ensureGovernance(ctx.db);
  const params: unknown[] = [DISSATISFIED_AT_MOST];
  const key =
    q.by === 'agency' ? "coalesce(v.agency_code, '')" : q.by === 'category' ? 'r.category_code' : "'*'";
  const rows = await ctx.db.query<{
    key: string;
    visits: number;
    average: number | null;
    dissatisfied: number;
  }>(
    `SELECT ${key} AS key, count(*)::int AS visits, avg(v.rating)::float8 AS average,
            count(*) FILTER (WHERE v.rating <= $1)::int AS dissatisfied
       FROM gov_visits v
       JOIN gov_requests r ON r.district_id = v.district_id AND r.id = v.request_id
       LEFT JOIN gov_work_orders w ON w.district_id = r.district_id AND w.request_id = r.id
      WHERE ${periodSql(ctx, q, 'v.at', params)}
      GROUP BY 1 ORDER BY count(*) DESC, 1`,
    params,
  );
  return rows.map((r) => ({
    key: r.key,
    name:
      q.by === 'agency'
        ? (ref.agencies.get(r.key)?.name ?? null)
        : q.by === 'category'
          ? (ref.categories.get(r.key)?.name ?? null)
          : '全部 all',
    visits: r.visits,
    averageRating: r.average === null ? null : Math.round(r.average * 100) / 100,
    satisfied: r.visits - r.dissatisfied,
    dissatisfied: r.dissatisfied,
    satisfactionRate: r.visits ? (r.visits - r.dissatisfied) / r.visits : null,
  }));
}

export const hotspotQuerySchema = z.object({
  ...period,
  category: z.string().min(1).max(48).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(10),
});

export interface HotspotRow {
  gridId: string;
  gridName: string | null;
  communityId: string | null;
  subdistrictId: string | null;
  count: number;
  topCategory: string | null;
  topCategoryName: string | null;
}

/** The grids with the most requests in the period. */
export async function hotspots(
  ctx: Ctx,
  query: z.input<typeof hotspotQuerySchema> = {},
): Promise<HotspotRow[]> {
  requirePermission(ctx, 'requests:read');
  const q = parseInput(hotspotQuerySchema, query, 'invalid hotspot query');
  const ref = await ensureGovernance(ctx.db);
  const params: unknown[] = [q.category ?? null];
  const where = `($1::text IS NULL OR r.category_code = $1) AND ${periodSql(ctx, q, 'r.submitted_at', params)}`;
  params.push(q.limit);
  const rows = await ctx.db.query<{
    grid_id: string;
    community_id: string | null;
    subdistrict_id: string | null;
    count: number;
    top_category: string | null;
    name: string | null;
  }>(
    `SELECT h.*, a.name FROM (
       SELECT r.grid_id, min(r.community_id) AS community_id, min(r.subdistrict_id) AS subdistrict_id,
              count(*)::int AS count, mode() WITHIN GROUP (ORDER BY r.category_code) AS top_category
         ${REQUESTS_FROM} WHERE ${where} GROUP BY r.grid_id
         ORDER BY count(*) DESC, r.grid_id LIMIT $${params.length}) h
       LEFT JOIN areas a ON a.id = h.grid_id
      ORDER BY h.count DESC, h.grid_id`,
    params,
  );
  return rows.map((r) => ({
    gridId: r.grid_id,
    gridName: r.name,
    communityId: r.community_id,
    subdistrictId: r.subdistrict_id,
    count: r.count,
    topCategory: r.top_category,
    topCategoryName: r.top_category ? (ref.categories.get(r.top_category)?.name ?? null) : null,
  }));
}

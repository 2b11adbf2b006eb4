// How many rows a list matches, at a bounded cost. Counting every match costs as much as reading
// them (a default Open311 list spans 90 days: ~100,000 requests a quarter at 400,000 a year), so a
// list may count only up to a bound and estimate beyond it from the planner's statistics.
import type { Db } from '../../db/db.ts';

export interface Total {
  total: number;
  /** True when more than the bound match and `total` is the planner's estimate (at least bound + 1). */
  estimated: boolean;
}

/**
 * `fromWhere` is `FROM … WHERE …` over `params`. Exact when at most `bound` rows match: the count
 * stops at bound + 1 (an index range scan, never the whole range); beyond, the planner's estimate.
 */
export async function boundedCount(
  db: Db,
  fromWhere: string,
  params: unknown[],
  bound: number,
): Promise<Total> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 ${fromWhere} LIMIT ${Math.floor(bound) + 1}) matches`,
    params,
  );
  const n = row?.n ?? 0;
  if (n <= bound) return { total: n, estimated: false };
  return { total: await estimatedCount(db, fromWhere, params, bound + 1), estimated: true };
}

/** The planner's row estimate for `SELECT 1 fromWhere` (planning only: nothing is read), at least `floor`. */
export async function estimatedCount(
  db: Db,
  fromWhere: string,
  params: unknown[],
  floor: number,
): Promise<number> {
  const [row] = await db.query<{ 'QUERY PLAN': unknown }>(
    `EXPLAIN (FORMAT JSON) SELECT 1 ${fromWhere}`,
    params,
  );
  const plan = row?.['QUERY PLAN'];
  const doc = (typeof plan === 'string' ? JSON.parse(plan) : plan) as { Plan?: { 'Plan Rows'?: number } }[];
  const rows = Math.round(doc?.[0]?.Plan?.['Plan Rows'] ?? 0);
  return Math.max(rows, floor);
}

// Planner statistics for the tables that reports grow. PGlite has no autovacuum, and a PostgreSQL
// server's may be off or lag a burst of reports. Without statistics the planner cannot tell that a
// district holds every request, takes a district-wide index for the duplicate search (a scan of
// every request), and the prepared intake statement keeps that plan. ANALYZE gives it the numbers
// and makes PostgreSQL plan the prepared statements that read the table again.

import type { Db } from '../db/db.ts';
import { every, type Periodic } from '../lib/periodic.ts';

/** The columns plans filter and join on: wide text and jsonb columns make ANALYZE slow and help no plan. */
const TABLES: Record<string, readonly string[]> = {
  gov_requests: [
    'district_id',
    'id',
    'channel',
    'external_id',
    'status',
    'category_code',
    'lng',
    'lat',
    'subdistrict_id',
    'community_id',
    'grid_id',
    'duplicate_of',
    'submitted_at',
    'updated_at',
  ],
  gov_work_orders: [
    'district_id',
    'request_id',
    'status',
    'category_code',
    'agency_code',
    'assignee',
    'next_due_at',
    'dispatched_at',
  ],
  gov_work_order_history: ['district_id', 'request_id', 'action', 'at'],
  gov_outbox: ['district_id', 'request_id', 'created_at', 'sent_at'],
  gov_visits: ['district_id', 'request_id', 'at'],
};

/**
 * A table is analyzed again once it has grown by half since its statistics (and is past a few
 * pages): plans need sizes, not precision. Growth is read from the file size against the pages
 * pg_class kept at the last ANALYZE, which both engines keep current (PGlite's activity counters lag).
 */
const MIN_PAGES = 16;
const GROWTH = 1.5;

/** Analyzes the governance tables grown much since their last statistics; returns their names. */
export async function refreshGovernanceStatistics(db: Db): Promise<string[]> {
  const rows = await db.query<{ table: string; then: number; now: number }>(
    `SELECT c.relname AS table, c.relpages::float8 AS then,
            (pg_relation_size(c.oid) / current_setting('block_size')::int)::float8 AS now
       FROM pg_class c
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY ($1::text[])`,
    [Object.keys(TABLES)],
  );
  const grown = rows.filter((r) => r.now >= MIN_PAGES && r.now >= GROWTH * r.then).map((r) => r.table);
  for (const table of grown) await db.exec(`ANALYZE ${table} (${TABLES[table]!.join(', ')})`);
  return grown;
}

/** Checks every `intervalMs` inside a server process (cheap: one catalogue query). */
export function startStatisticsKeeper(
  db: Db,
  { intervalMs = 2_000, onError = (error: unknown) => console.error('ANALYZE failed:', error) } = {},
): Periodic {
  return every(intervalMs, () => refreshGovernanceStatistics(db), onError);
}

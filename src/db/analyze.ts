// Planner statistics after bulk loads.
import type { Db } from './db.ts';

/**
 * ANALYZE a table when rows added since its last statistics are many (PGlite has no autovacuum;
 * a server's may lag a bulk load). Cheap to ask: pg_class keeps the row count of the last ANALYZE.
 */
export async function analyzeIfGrown(
  db: Db,
  table: string,
  added: number,
  /** The columns joins and lookups use: wide jsonb columns make ANALYZE slow and help no plan. */
  columns: readonly string[],
): Promise<void> {
  if (added < 1_000) return;
  const [row] = await db.query<{ tuples: number }>(
    'SELECT reltuples::float8 AS tuples FROM pg_class WHERE oid = $1::regclass',
    [table],
  );
  if (added > 0.2 * Math.max(row?.tuples ?? 0, 0)) await db.exec(`ANALYZE ${table} (${columns.join(', ')})`);
}

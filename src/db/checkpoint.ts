// PGlite runs PostgreSQL in single-user mode, without the checkpointer a server has: the WAL of bulk
// loads is recycled only when someone asks. (A scale-1 demo ingest had left 13 GB of WAL beside a
// 10 GB database.) A server's checkpointer does this itself.
import type { Db } from './db.ts';

/** WAL written since the last checkpoint beyond which a bulk job asks for one. */
const MAX_WAL_BYTES = 1024 ** 3;

/** Bytes of WAL written since the last checkpoint. */
export async function walSinceCheckpoint(db: Db): Promise<number> {
  const [row] = await db.query<{ bytes: string }>(
    'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), redo_lsn)::text AS bytes FROM pg_control_checkpoint()',
  );
  return Number(row?.bytes ?? 0);
}

/** After a bulk job's commit: a checkpoint on PGlite once the WAL has grown past `maxBytes`. */
export async function checkpointIfWalGrown(db: Db, maxBytes = MAX_WAL_BYTES): Promise<void> {
  if (db.kind !== 'pglite') return;
  if ((await walSinceCheckpoint(db)) > maxBytes) await db.exec('CHECKPOINT');
}

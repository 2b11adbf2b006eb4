// The embedded database in a thread of its own (db.ts starts it): PGlite's WASM Postgres then works
// while the main thread parses, matches and links the next rows (see pipeline.ts). Plain JavaScript,
// so the thread starts without the TypeScript loader. Requests run one at a time, in the order sent
// (thread-answers.mjs).
import { workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { answerInTurn } from './thread-answers.mjs';

/** @type {{ dataDir: string, settings: string[], walCheckpointBytes: number }} */
const { dataDir, settings, walCheckpointBytes } = workerData;
const opening =
  settings.length === 0
    ? PGlite.create(dataDir)
    : PGlite.create(dataDir, {
        startParams: [...PGlite.defaultStartParams, ...settings.flatMap((s) => ['-c', s])],
      });
// Reported with the first request (db.ts sends 'open' first), never as an unhandled rejection.
opening.catch(() => {});

answerInTurn(answer);

async function answer({ op, sql, params, data }) {
  const pglite = await opening;
  if (op === 'query') {
    const r = await pglite.query(sql, params);
    return { rows: r.rows, affectedRows: r.affectedRows ?? 0 };
  }
  if (op === 'copy') {
    const r = await pglite.query(sql, [], { blob: new Blob([data]) });
    return { rows: [], affectedRows: r.affectedRows ?? 0 };
  }
  if (op === 'exec') {
    await pglite.exec(sql);
    if (sql === 'COMMIT') await checkpointIfWalGrown(pglite);
  } else if (op === 'close') await pglite.close();
  return null;
}

// PGlite runs PostgreSQL in single-user mode, without the checkpointer a server has: the WAL is
// recycled only when someone asks. This thread asks after a commit, looking at most every few seconds.
const WAL_LOOK_EVERY_MS = 5_000;
let walLookedAt = -Infinity;

async function checkpointIfWalGrown(pglite) {
  if (performance.now() - walLookedAt < WAL_LOOK_EVERY_MS) return;
  walLookedAt = performance.now();
  const { rows } = await pglite.query(
    'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), redo_lsn)::float8 AS bytes FROM pg_control_checkpoint()',
  );
  if (rows[0].bytes > walCheckpointBytes) await pglite.exec('CHECKPOINT');
}

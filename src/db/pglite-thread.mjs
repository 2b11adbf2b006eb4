// The embedded database in a thread of its own (db.ts starts it): PGlite's WASM Postgres then works
// while the main thread parses, matches and links the next rows (see pipeline.ts). Plain JavaScript,
// so the thread starts without the TypeScript loader. Requests run one at a time, in the order sent;
// each answer carries the request's id.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

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

/** The fields of a PostgreSQL error that callers read; a thread boundary keeps only plain data. */
const ERROR_FIELDS = [
  'code',
  'detail',
  'hint',
  'position',
  'where',
  'schema',
  'table',
  'column',
  'constraint',
];

let queue = Promise.resolve();
parentPort.on('message', (request) => {
  queue = queue.then(() => answer(request));
});

async function answer({ id, op, sql, params, data }) {
  try {
    const pglite = await opening;
    let result = null;
    if (op === 'query') {
      const r = await pglite.query(sql, params);
      result = { rows: r.rows, affectedRows: r.affectedRows ?? 0 };
    } else if (op === 'exec') {
      await pglite.exec(sql);
      if (sql === 'COMMIT') await checkpointIfWalGrown(pglite);
    } else if (op === 'copy') {
      const r = await pglite.query(sql, [], { blob: new Blob([data]) });
      result = { rows: [], affectedRows: r.affectedRows ?? 0 };
    } else if (op === 'close') {
      await pglite.close();
    }
    parentPort.postMessage({ id, result });
  } catch (error) {
    const fields = {};
    for (const field of ERROR_FIELDS) if (error?.[field] !== undefined) fields[field] = error[field];
    parentPort.postMessage({ id, error: { message: error?.message ?? String(error), fields } });
  }
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

// A PostgreSQL connection in a thread of its own, for bulk transactions (db.ts, bulkTransaction).
// The main thread sends statements without waiting for each (see pipeline.ts); here each is sent
// to the server the moment the one before is answered, while the main thread is busy reading and
// linking rows — on the main thread's own connection a statement waited for a gap in that work, and
// the server sat idle a third of a feed's ingest. Plain JavaScript, like pglite-thread.mjs.
// Requests run one at a time, in the order sent; each answer carries the request's id.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { from as copyFromStream } from 'pg-copy-streams';

/** @type {{ url: string }} */
const { url } = workerData;

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

/** @type {pg.Client | null} */
let client = null;
let queue = Promise.resolve();
parentPort.on('message', (request) => {
  queue = queue.then(() => answer(request));
});

async function answer({ id, op, sql, params, name, data }) {
  try {
    let result = null;
    if (op === 'begin') {
      client = new pg.Client({ connectionString: url });
      // A server restart between statements ends the transaction: the next statement fails.
      client.on('error', () => {});
      await client.connect();
      await client.query('BEGIN');
    } else if (op === 'end') {
      const ending = client;
      client = null;
      try {
        await ending?.query(sql);
      } finally {
        await ending?.end();
      }
    } else if (op === 'close') {
      await client?.end();
      client = null;
    } else {
      if (!client) throw new Error(`${op} outside a bulk transaction`);
      if (op === 'query') {
        const r = await client.query(
          name ? { name, text: sql, values: params } : { text: sql, values: params },
        );
        result = { rows: r.rows, affectedRows: r.rowCount ?? 0 };
      } else if (op === 'exec') {
        await client.query(sql);
      } else if (op === 'copy') {
        const stream = client.query(copyFromStream(sql));
        await pipeline(Readable.from([Buffer.from(data)]), stream);
        result = { rows: [], affectedRows: Number(stream.rowCount ?? 0) };
      }
    }
    parentPort.postMessage({ id, result });
  } catch (error) {
    const fields = {};
    for (const field of ERROR_FIELDS) if (error?.[field] !== undefined) fields[field] = error[field];
    parentPort.postMessage({ id, error: { message: error?.message ?? String(error), fields } });
  }
}

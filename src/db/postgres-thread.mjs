// A PostgreSQL connection in a thread of its own, for bulk transactions (db.ts, bulkTransaction).
// The main thread sends statements without waiting for each (see pipeline.ts); here each is sent
// to the server the moment the one before is answered, while the main thread is busy reading and
// linking rows — on the main thread's own connection a statement waited for a gap in that work, and
// the server sat idle a third of a feed's ingest. Plain JavaScript, like pglite-thread.mjs.
// Requests run one at a time, in the order sent (thread-answers.mjs).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { workerData } from 'node:worker_threads';
import pg from 'pg';
import { from as copyFromStream } from 'pg-copy-streams';
import { answerInTurn } from './thread-answers.mjs';

/** @type {{ url: string }} */
const { url } = workerData;

/** @type {pg.Client | null} */
let client = null;
answerInTurn(answer);

async function answer({ op, sql, params, name, data }) {
  if (op === 'begin') {
    client = new pg.Client({ connectionString: url });
    // A server restart between statements ends the transaction: the next statement fails.
    client.on('error', () => {});
    await client.connect();
    await client.query('BEGIN');
    return null;
  }
  if (op === 'end') {
    const ending = client;
    client = null;
    try {
      await ending?.query(sql);
    } finally {
      await ending?.end();
    }
    return null;
  }
  if (op === 'close') {
    await client?.end();
    client = null;
    return null;
  }
  if (!client) throw new Error(`${op} outside a bulk transaction`);
  if (op === 'query') {
    const r = await client.query(name ? { name, text: sql, values: params } : { text: sql, values: params });
    return { rows: r.rows, affectedRows: r.rowCount ?? 0 };
  }
  if (op === 'copy') {
    const stream = client.query(copyFromStream(sql));
    // A Uint8Array came over with its memory (db.ts, handedOver): wrapped, not copied.
    const bytes =
      typeof data === 'string'
        ? Buffer.from(data)
        : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    await pipeline(Readable.from([bytes]), stream);
    return { rows: [], affectedRows: Number(stream.rowCount ?? 0) };
  }
  await client.query(sql);
  return null;
}

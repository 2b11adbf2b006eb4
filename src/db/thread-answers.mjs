// What the database threads (pglite-thread.mjs, postgres-thread.mjs) share: how requests are taken
// in turn and how an error crosses back to the main thread. Plain JavaScript, like the threads.
import { parentPort } from 'node:worker_threads';

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

/**
 * Answers each request the main thread sends, one at a time in the order sent: `run(request)`
 * gives the result, or throws — the error goes back with its message and PostgreSQL fields.
 */
export function answerInTurn(run) {
  let queue = Promise.resolve();
  parentPort.on('message', (request) => {
    queue = queue.then(async () => {
      try {
        parentPort.postMessage({ id: request.id, result: await run(request) });
      } catch (error) {
        const fields = {};
        for (const field of ERROR_FIELDS) if (error?.[field] !== undefined) fields[field] = error[field];
        parentPort.postMessage({
          id: request.id,
          error: { message: error?.message ?? String(error), fields },
        });
      }
    });
  });
}

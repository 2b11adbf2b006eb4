// One database interface over two engines: PGlite (embedded, in-process) and a PostgreSQL server.
// Domain code only ever sees `Db`, so the same SQL runs on both.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { from as copyFromStream } from 'pg-copy-streams';
import { wholeNumberFromEnv } from '../lib/env.ts';
import { heapGrowthFor } from './heap-growth.ts';
import { migrate } from './migrate.ts';
import { inTurn } from './pipeline.ts';

export type Row = Record<string, unknown>;

export interface Db {
  readonly kind: 'pglite' | 'postgres';
  /**
   * The database outside any transaction. Per-process caches key on it, so code handed a
   * transaction finds the same cached reference data instead of loading its own copy.
   */
  readonly root: Db;
  readonly inTransaction: boolean;
  /**
   * One statement with $1… parameters. A `name` prepares it once per PostgreSQL connection and
   * reuses the plan: for hot statements whose planning costs more than their execution.
   */
  query<T = Row>(sql: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
  /** Several statements, no parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
  /**
   * Bulk load with COPY. `copySql` reads `COPY table (cols) FROM STDIN WITH (FORMAT csv)`;
   * `data` is the CSV payload. Returns the number of rows copied. A Uint8Array is handed over: its
   * memory may move to the database's thread (copy-lines.ts), so the caller does not touch it again.
   */
  copyFrom(copySql: string, data: string | Uint8Array): Promise<number>;
  /** Runs `fn` in a transaction; nested calls join the outer transaction. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * A transaction for bulk work (a feed ingest) that sends statements without waiting for each: on
   * PostgreSQL its connection lives in a thread of its own (postgres-thread.mjs), which sends the
   * next statement the moment the server answers one, however busy this thread is; on PGlite it is
   * `transaction`, whose database has a thread already. One at a time per database.
   */
  bulkTransaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface QueryOptions {
  /** A prepared statement's name; one name, one SQL text. */
  name?: string | undefined;
}

export interface OpenOptions {
  /** PostgreSQL connection string; wins over dataDir. */
  databaseUrl?: string | undefined;
  /** PGlite data folder; `memory://` for a throwaway database. */
  dataDir?: string | undefined;
  /**
   * PGlite only: WAL written since the last checkpoint beyond which a commit is followed by one
   * (default 1 GiB). Single-user PGlite has no checkpointer: a scale-1 demo ingest had left 13 GB of
   * WAL beside a 10 GB database.
   */
  walCheckpointBytes?: number | undefined;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  /** PostgreSQL connections at most (default DATABASE_POOL_SIZE, else 20). */
  poolSize?: number | undefined;
}

/**
 * Twenty connections keep a loaded server's statements flowing (a POST holds one for a single
 * round trip) without crowding a small PostgreSQL server with backends.
 */
const DEFAULT_POOL_SIZE = 20;

export async function openDb(options: OpenOptions = {}): Promise<Db> {
  heapGrowthFor(options.databaseUrl ? 'postgres' : 'pglite', options.dataDir);
  const db = options.databaseUrl
    ? openPostgres(
        options.databaseUrl,
        options.poolSize ?? wholeNumberFromEnv('DATABASE_POOL_SIZE', DEFAULT_POOL_SIZE, 1),
      )
    : await openPglite(options.dataDir, options.walCheckpointBytes ?? WAL_CHECKPOINT_BYTES);
  if (options.migrate !== false) await migrate(db);
  return db;
}

/** Where the embedded database lives inside a citybrain data folder. */
export function pgliteDir(dataDir: string): string {
  return resolve(dataDir, 'pglite');
}

/**
 * PGlite's defaults suit a browser tab; a feed ingest of millions of rows wants more room. Temporary
 * tables (the staging of every import) stay in memory up to temp_buffers, sorts and hashes up to
 * work_mem. PGlite already runs with fsync off, trusting the OS page cache (a killed process loses
 * nothing, a power cut could), so full-page images in the WAL would protect nothing more: off. Fewer
 * checkpoints mean fewer pages written twice. Measured on the demo feeds at scale 0.1: 169 → 139 s.
 * The WASM memory never shrinks, so the buffers are sized with the process's memory in mind: 512 MB
 * of shared buffers was no faster there and cost 0.4 GB more. In-memory databases (tests) keep the
 * small defaults.
 */
const PGLITE_SETTINGS = [
  'shared_buffers=256MB',
  'temp_buffers=128MB',
  'work_mem=64MB',
  'maintenance_work_mem=256MB',
  'full_page_writes=off',
  'max_wal_size=2GB',
  'checkpoint_timeout=30min',
];

/**
 * A bulk transaction sorts and hashes batches of thousands of rows (resolution's read of a batch's
 * records, its upserts): in memory up to 64 MB, as on a PGlite folder, not in temp files. On
 * PostgreSQL's default of 4 MB a scale-1 demo ingest wrote 6.9 GB of them (1,437 files); with this,
 * the social-insurance and birth files at scale 1 took 180–192 s, not 199–205, the server's CPU
 * 128–137 s, not 140–143. Local to the transaction: the server's other sessions keep their own.
 */
const BULK_SETTINGS = "SET LOCAL work_mem = '64MB'";

const WAL_CHECKPOINT_BYTES = 1024 ** 3;

async function openPglite(dataDir = 'memory://', walCheckpointBytes: number): Promise<Db> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const thread = new DbThread(new URL('./pglite-thread.mjs', import.meta.url), 'PGlite', {
    dataDir,
    settings: dataDir.startsWith('memory://') ? [] : PGLITE_SETTINGS,
    walCheckpointBytes,
  });
  await thread.call({ op: 'open' });
  return pgliteDb(thread);
}

const THREAD_YOUNG_GENERATION_MB = 32;

interface ThreadRequest {
  /** `begin` and `end` (COMMIT or ROLLBACK, then disconnect): the PostgreSQL thread's transaction. */
  op: 'open' | 'begin' | 'query' | 'exec' | 'copy' | 'end' | 'close';
  sql?: string;
  params?: unknown[];
  /** A prepared statement's name (PostgreSQL). */
  name?: string | undefined;
  data?: string | Uint8Array;
}

interface ThreadAnswer {
  id: number;
  result?: { rows: Row[]; affectedRows: number } | null;
  error?: { message: string; fields: Record<string, unknown> };
}

/**
 * A database's end in a worker thread (pglite-thread.mjs, postgres-thread.mjs): it works while this
 * thread goes on. Requests are answered in the order sent; an error comes back with its message and
 * PostgreSQL fields, and the stack of the call that sent it.
 */
class DbThread {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (a: ThreadAnswer) => void; reject: (e: Error) => void }
  >();

  constructor(script: URL, what: string, workerData: unknown) {
    this.worker = new Worker(script, {
      workerData,
      // The thread's own objects are few and short-lived (results on their way here): the CLI's
      // large young generation (bin/citybrain.js) would only hold 150 MB more of them.
      resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB },
    });
    this.worker.on('message', (answer: ThreadAnswer) => {
      const waiter = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      waiter?.resolve(answer);
    });
    const fail = (error: Error) => {
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the ${what} thread stopped (exit code ${code})`)));
  }

  async call(request: ThreadRequest): Promise<{ rows: Row[]; affectedRows: number }> {
    const trace = new Error();
    const id = this.nextId++;
    const answer = await new Promise<ThreadAnswer>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...request }, handedOver(request.data));
    });
    if (answer.error) {
      const error = Object.assign(new Error(answer.error.message), answer.error.fields);
      error.stack = `Error: ${answer.error.message}\n${trace.stack?.split('\n').slice(1).join('\n') ?? ''}`;
      throw error;
    }
    return answer.result ?? { rows: [], affectedRows: 0 };
  }

  async close(): Promise<void> {
    await this.call({ op: 'close' });
    await this.worker.terminate();
  }
}

/**
 * A COPY's bytes move to the thread rather than being copied (see Db.copyFrom), unless they are a
 * slice of Node's shared pool of small buffers, which other buffers use too.
 */
function handedOver(data: ThreadRequest['data']): ArrayBuffer[] {
  return data instanceof Uint8Array &&
    data.buffer instanceof ArrayBuffer &&
    data.buffer.byteLength > Buffer.poolSize
    ? [data.buffer]
    : [];
}

/**
 * The Db of a PGlite thread. It is one connection: a transaction holds it, and statements outside
 * the transaction wait for its end (as PGlite itself does); statements inside it are sent at once.
 */
function pgliteDb(thread: DbThread): Db {
  /** Runs `fn` when the statements and transactions before it are done. */
  const exclusive = inTurn();
  const statements = (queue: <T>(fn: () => Promise<T>) => Promise<T>) => ({
    query: async <T>(sql: string, params: unknown[] = []) =>
      (await queue(() => thread.call({ op: 'query', sql, params }))).rows as T[],
    exec: async (sql: string) => {
      await queue(() => thread.call({ op: 'exec', sql }));
    },
    copyFrom: async (copySql: string, data: string | Uint8Array) =>
      (await queue(() => thread.call({ op: 'copy', sql: toBlobSql(copySql), data }))).affectedRows,
  });
  const root: Db = {
    kind: 'pglite',
    get root() {
      return root;
    },
    inTransaction: false,
    ...statements(exclusive),
    transaction: (fn) =>
      exclusive(async () => {
        await thread.call({ op: 'exec', sql: 'BEGIN' });
        try {
          const result = await fn(tx);
          await thread.call({ op: 'exec', sql: 'COMMIT' });
          return result;
        } catch (error) {
          await thread.call({ op: 'exec', sql: 'ROLLBACK' }).catch(() => {});
          throw error;
        }
      }),
    bulkTransaction: (fn) =>
      root.transaction(async (tx) => {
        await tx.exec(BULK_SETTINGS);
        return fn(tx);
      }),
    close: () => exclusive(() => thread.close()),
  };
  const tx: Db = {
    kind: 'pglite',
    root,
    inTransaction: true,
    ...statements((fn) => fn()),
    transaction: (fn) => fn(tx),
    bulkTransaction: (fn) => fn(tx),
    close: root.close,
  };
  return root;
}

function toBlobSql(copySql: string): string {
  if (!/FROM\s+STDIN/i.test(copySql)) throw new Error('copyFrom expects COPY … FROM STDIN');
  return copySql.replace(/FROM\s+STDIN/i, "FROM '/dev/blob'");
}

function openPostgres(url: string, max: number): Db {
  const pool = new pg.Pool({ connectionString: url, max });
  // Idle clients can error when the server restarts; the next query reconnects.
  pool.on('error', () => {});
  let thread: DbThread | undefined;
  const close = async () => {
    await pool.end();
    await thread?.close();
  };
  const oneAtATime = inTurn();
  const bulk: Db['bulkTransaction'] = (fn) =>
    oneAtATime(async () => {
      // Started at the first bulk transaction, kept until the database is closed.
      thread ??= new DbThread(new URL('./postgres-thread.mjs', import.meta.url), 'PostgreSQL', { url });
      await thread.call({ op: 'begin' });
      try {
        await thread.call({ op: 'exec', sql: BULK_SETTINGS });
        const result = await fn(threadTransaction(thread, root, close));
        // The thread answers in order: every statement sent before is done.
        await thread.call({ op: 'end', sql: 'COMMIT' });
        return result;
      } catch (error) {
        await thread.call({ op: 'end', sql: 'ROLLBACK' }).catch(() => {});
        throw error;
      }
    });
  const root = postgresDb(pool, pool, close, null, bulk);
  return root;
}

/** A transaction on the PostgreSQL thread: each statement is sent to it at once, and runs in turn there. */
function threadTransaction(thread: DbThread, root: Db, close: () => Promise<void>): Db {
  const tx: Db = {
    kind: 'postgres',
    root,
    inTransaction: true,
    query: async <T>(sql: string, params: unknown[] = [], options: QueryOptions = {}) =>
      (await thread.call({ op: 'query', sql, params, name: options.name })).rows as T[],
    exec: async (sql) => {
      await thread.call({ op: 'exec', sql });
    },
    copyFrom: async (copySql, data) => (await thread.call({ op: 'copy', sql: copySql, data })).affectedRows,
    transaction: (fn) => fn(tx),
    bulkTransaction: (fn) => fn(tx),
    close,
  };
  return tx;
}

function postgresDb(
  pool: pg.Pool,
  conn: pg.Pool | pg.PoolClient,
  close: () => Promise<void>,
  rootDb: Db | null,
  bulk: Db['bulkTransaction'],
): Db {
  const inTransaction = rootDb !== null;
  // A transaction's statements may be sent before the one before has answered (db/pipeline.ts):
  // they wait their turn here, in the order sent (pg 9 will no longer queue them on a client).
  const turn = inTurn();
  const inOrder = <T>(fn: () => Promise<T>): Promise<T> => (inTransaction ? turn(fn) : fn());
  const db: Db = {
    kind: 'postgres',
    get root() {
      return rootDb ?? db;
    },
    inTransaction,
    query: <T>(sql: string, params: unknown[] = [], options: QueryOptions = {}) =>
      inOrder(async () => {
        const result = await conn.query(
          options.name ? { name: options.name, text: sql, values: params } : { text: sql, values: params },
        );
        return result.rows as T[];
      }),
    exec: (sql) =>
      inOrder(async () => {
        await conn.query(sql);
      }),
    copyFrom: (copySql, data) =>
      inOrder(async () => {
        const client = inTransaction ? (conn as pg.PoolClient) : await pool.connect();
        try {
          const stream = client.query(copyFromStream(copySql));
          await pipeline(Readable.from([typeof data === 'string' ? Buffer.from(data) : data]), stream);
          return Number(stream.rowCount ?? 0);
        } finally {
          if (!inTransaction) (client as pg.PoolClient).release();
        }
      }),
    async transaction(fn) {
      if (inTransaction) return fn(db);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx = postgresDb(pool, client, close, db, bulk);
        const result = await fn(tx);
        // After any statement still in its turn.
        await tx.exec('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    bulkTransaction: (fn) => (inTransaction ? fn(db) : bulk(fn)),
    close,
  };
  return db;
}

/** Quotes one value for a CSV line that COPY … (FORMAT csv) reads; null becomes an unquoted empty field. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = Array.isArray(value) ? pgArrayLiteral(value) : String(value);
  // Most values have no quote: skip the replace (this runs for every cell of every import).
  return `"${text.includes('"') ? text.replaceAll('"', '""') : text}"`;
}

/**
 * One value for a line that COPY reads in its text format (tab-separated, backslash escapes, \N for
 * null). PGlite reads JSON-heavy rows this way about a fifth faster than CSV, where every quote of the
 * JSON is doubled and read back in pairs.
 */
export function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text =
    typeof value === 'string' ? value : Array.isArray(value) ? pgArrayLiteral(value) : String(value);
  // Most cells have nothing to escape: a test costs half a replace (every cell of every COPY).
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c]!) : text;
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function csvLine(values: unknown[]): string {
  return `${values.map(csvField).join(',')}\n`;
}

/** `{a,"b c"}`: a text[] literal for COPY. */
function pgArrayLiteral(items: unknown[]): string {
  return `{${items.map((item) => `"${String(item).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

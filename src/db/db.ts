// One database interface over two engines: PGlite (embedded, in-process) and a PostgreSQL server.
// Domain code only ever sees `Db`, so the same SQL runs on both.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFromStream } from 'pg-copy-streams';
import { migrate } from './migrate.ts';

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
   * `data` is the CSV payload. Returns the number of rows copied.
   */
  copyFrom(copySql: string, data: string | Uint8Array): Promise<number>;
  /** Runs `fn` in a transaction; nested calls join the outer transaction. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
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
  const db = options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? poolSizeFromEnv())
    : await openPglite(options.dataDir);
  if (options.migrate !== false) await migrate(db);
  return db;
}

function poolSizeFromEnv(): number {
  const raw = process.env.DATABASE_POOL_SIZE;
  if (!raw) return DEFAULT_POOL_SIZE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`DATABASE_POOL_SIZE must be a positive whole number, got "${raw}"`);
  return n;
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

async function openPglite(dataDir = 'memory://'): Promise<Db> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const pglite =
    dataDir === 'memory://'
      ? await PGlite.create()
      : await PGlite.create(dataDir, {
          startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((s) => ['-c', s])],
        });
  return pgliteDb(pglite, pglite, async () => pglite.close(), null);
}

function toBlobSql(copySql: string): string {
  if (!/FROM\s+STDIN/i.test(copySql)) throw new Error('copyFrom expects COPY … FROM STDIN');
  return copySql.replace(/FROM\s+STDIN/i, "FROM '/dev/blob'");
}

function pgliteDb(
  root: PGlite,
  conn: PGlite | Transaction,
  close: () => Promise<void>,
  rootDb: Db | null,
): Db {
  const db: Db = {
    kind: 'pglite',
    get root() {
      return rootDb ?? db;
    },
    inTransaction: rootDb !== null,
    async query<T>(sql: string, params: unknown[] = []) {
      const result = await conn.query<T>(sql, params);
      return result.rows;
    },
    async exec(sql) {
      await conn.exec(sql);
    },
    async copyFrom(copySql, data) {
      const blob = new Blob([data as BlobPart]);
      const result = await conn.query(toBlobSql(copySql), [], { blob });
      return result.affectedRows ?? 0;
    },
    async transaction(fn) {
      if (conn !== root) return fn(db);
      return root.transaction((tx) => fn(pgliteDb(root, tx, close, db)));
    },
    close,
  };
  return db;
}

function openPostgres(url: string, max: number): Db {
  const pool = new pg.Pool({ connectionString: url, max });
  // Idle clients can error when the server restarts; the next query reconnects.
  pool.on('error', () => {});
  return postgresDb(pool, pool, async () => pool.end(), null);
}

function postgresDb(
  pool: pg.Pool,
  conn: pg.Pool | pg.PoolClient,
  close: () => Promise<void>,
  rootDb: Db | null,
): Db {
  const inTransaction = rootDb !== null;
  const db: Db = {
    kind: 'postgres',
    get root() {
      return rootDb ?? db;
    },
    inTransaction,
    async query<T>(sql: string, params: unknown[] = [], options: QueryOptions = {}) {
      const result = await conn.query(
        options.name ? { name: options.name, text: sql, values: params } : { text: sql, values: params },
      );
      return result.rows as T[];
    },
    async exec(sql) {
      await conn.query(sql);
    },
    async copyFrom(copySql, data) {
      const client = inTransaction ? (conn as pg.PoolClient) : await pool.connect();
      try {
        const stream = client.query(copyFromStream(copySql));
        await pipeline(Readable.from([typeof data === 'string' ? Buffer.from(data) : data]), stream);
        return Number(stream.rowCount ?? 0);
      } finally {
        if (!inTransaction) (client as pg.PoolClient).release();
      }
    },
    async transaction(fn) {
      if (inTransaction) return fn(db);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(postgresDb(pool, client, close, db));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
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

export function csvLine(values: unknown[]): string {
  return `${values.map(csvField).join(',')}\n`;
}

/** `{a,"b c"}`: a text[] literal for COPY. */
function pgArrayLiteral(items: unknown[]): string {
  return `{${items.map((item) => `"${String(item).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

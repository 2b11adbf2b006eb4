// Fresh databases for benchmarks: PGlite in a throwaway folder, and a throwaway database on the
// local PostgreSQL server (skipped, with a note, when none answers).
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Db, openDb } from '../src/db/db.ts';

export interface BenchDb {
  engine: 'pglite' | 'postgres';
  db: Db;
  destroy(): Promise<void>;
}

export const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function pgliteBenchDb(): Promise<BenchDb> {
  const dir = await mkdtemp(join(tmpdir(), 'citybrain-bench-'));
  const db = await openDb({ dataDir: join(dir, 'pglite') });
  return {
    engine: 'pglite',
    db,
    async destroy() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh database on the server, or null when the server cannot be reached. */
export async function postgresBenchDb(): Promise<BenchDb | null> {
  const name = `citybrain_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const db = await openDb({ databaseUrl: url.toString() });
  return {
    engine: 'postgres',
    db,
    async destroy() {
      await db.close();
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

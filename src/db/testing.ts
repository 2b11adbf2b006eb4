// Isolated databases for tests: a fresh in-memory PGlite, or, when DATABASE_URL is set, a fresh
// database on that PostgreSQL server (dropped afterwards). The same suite runs on both engines.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Db, openDb } from './db.ts';

export interface TestDb {
  db: Db;
  /** Closes the connection and drops the server-side database, if any. */
  destroy(): Promise<void>;
}

export async function createTestDb(): Promise<TestDb> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const db = await openDb({ dataDir: 'memory://' });
    return { db, destroy: () => db.close() };
  }
  const name = `citybrain_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDb({ databaseUrl: url.toString() });
  return {
    db,
    async destroy() {
      await db.close();
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The engine the suite runs on, for test names. */
export const testEngine = process.env.DATABASE_URL ? 'postgres' : 'pglite';

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
  const server = await createServerTestDatabase(serverUrl);
  const db = await openDb({ databaseUrl: server.url });
  return {
    db,
    async destroy() {
      await db.close();
      await server.drop();
    },
  };
}

/** A fresh, empty database on the server behind `serverUrl`, for tests that spawn processes. */
export async function createServerTestDatabase(
  serverUrl: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `citybrain_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
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

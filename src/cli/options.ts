// What every command shares: where the data lives, and opening it.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type Db, openDb, pgliteDir } from '../db/db.ts';

export interface DataOptions {
  dataDir?: string;
}

export function withDataDir(command: Command): Command {
  return command.option(
    '--data-dir <dir>',
    'data folder for the embedded database and generated files (env CITYBRAIN_DATA_DIR; DATABASE_URL wins)',
  );
}

export function dataDirOf(options: DataOptions): string {
  return resolve(options.dataDir ?? process.env.CITYBRAIN_DATA_DIR ?? 'data');
}

/** Opens the database the options select (migrated), runs `work`, and always closes it. */
export async function withDb<T>(options: DataOptions, work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb({ databaseUrl: process.env.DATABASE_URL, dataDir: pgliteDir(dataDirOf(options)) });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

export function describeDb(options: DataOptions): string {
  return process.env.DATABASE_URL
    ? `PostgreSQL at ${redactUrl(process.env.DATABASE_URL)}`
    : `PGlite in ${pgliteDir(dataDirOf(options))}`;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** Parses a positive integer option with a clear error. */
export function intOption(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${value}"`);
    return n;
  };
}

// `citybrain ingest` through the real binary: a normal run, and a process killed with SIGKILL in
// the middle of an ingest, then run again — no duplicates, no half-applied feed.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDb, pgliteDir } from '../../db/db.ts';
import { createServerTestDatabase, testEngine } from '../../db/testing.ts';
import { seedMatchLibrary } from '../../foundation/address/match/testing.ts';
import {
  HOUSEHOLD_HEADER,
  HOUSEHOLD_MAPPING,
  householdRows,
  tempDir,
  writeCsv,
  writeMapping,
} from '../../foundation/fusion/testing.ts';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'citybrain.js');
const PEOPLE = 30_000;

describe(`citybrain ingest on ${testEngine}`, () => {
  const dataDir = tempDir('citybrain-ingest-cli-');
  let env: NodeJS.ProcessEnv;
  let url: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  let mappingFile: string;

  const start = (args: string[]): ChildProcess =>
    spawn(process.execPath, [BIN, ...args, '--data-dir', dataDir], { env });
  const ingest = (args: string[]) => ['ingest', 'ps_household', ...args, '--mapping', mappingFile];
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = start(args);
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (c) => {
        stdout += c;
      });
      child.stderr!.setEncoding('utf8').on('data', (c) => {
        stderr += c;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  /** Starts an ingest and kills it with SIGKILL once it is writing to the registries. */
  const killMidway = (args: string[]) =>
    new Promise<{ signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
      const child = start(ingest(args));
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (c) => {
        stderr += c;
        if (stderr.includes('resolving…')) child.kill('SIGKILL');
      });
      child.on('error', reject);
      child.on('close', (_code, signal) => resolve({ signal, stderr }));
    });
  const withDb = async <T>(work: (db: Db) => Promise<T>): Promise<T> => {
    const db = await openDb({ databaseUrl: url, dataDir: pgliteDir(dataDir) });
    try {
      return await work(db);
    } finally {
      await db.close();
    }
  };
  const state = () =>
    withDb(async (db) => {
      const [people] = await db.query<{ n: number; distinct_ids: number; phones: string[] }>(
        `SELECT count(*)::int AS n, count(DISTINCT id_number)::int AS distinct_ids,
                array_agg(DISTINCT substr(phone, 1, 7)) AS phones FROM people`,
      );
      const runs = await db.query<{ status: string }>(`SELECT status FROM imports ORDER BY id`);
      const [records] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM source_records');
      const [feeds] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM feeds');
      return { people: people!, runs: runs.map((r) => r.status), records: records!.n, feeds: feeds!.n };
    });

  beforeAll(async () => {
    env = { ...process.env };
    delete env.DATABASE_URL;
    if (process.env.DATABASE_URL) {
      const database = await createServerTestDatabase(process.env.DATABASE_URL);
      url = database.url;
      env.DATABASE_URL = url;
      dropDatabase = database.drop;
    }
    await withDb(seedMatchLibrary);
    mappingFile = join(writeMapping(dataDir, 'ps_household', HOUSEHOLD_MAPPING).file);
  });
  afterAll(async () => {
    await dropDatabase?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('survives SIGKILL mid-ingest: the re-run completes with no duplicates and no half-applied delivery', async () => {
    const first = writeCsv(dataDir, 'household_20260930.csv', [HOUSEHOLD_HEADER, ...householdRows(PEOPLE)]);
    const killed = await killMidway([first]);
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(await state()).toMatchObject({ people: { n: 0 }, runs: ['running'], records: 0, feeds: 0 });

    const rerun = await run(ingest([first, '--json']));
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ status: 'succeeded', inserted: PEOPLE, rejected: 0 });
    const afterFirst = await state();
    expect(afterFirst).toMatchObject({ people: { n: PEOPLE, distinct_ids: PEOPLE }, feeds: 1 });
    expect(afterFirst.people.phones).toEqual(['1300000', '1300001', '1300002']);

    // A second delivery changes every phone: killed midway, none of it shows; re-run, all of it does.
    const second = writeCsv(dataDir, 'household_20261031.csv', [
      HOUSEHOLD_HEADER,
      ...householdRows(PEOPLE, 500_000_000),
    ]);
    expect((await killMidway([second])).signal).toBe('SIGKILL');
    expect(await state()).toEqual({ ...afterFirst, runs: ['running', 'succeeded', 'running'] });
    const again = await run(ingest([second, '--json']));
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ updated: PEOPLE, records: { changed: PEOPLE } });
    expect(await state()).toMatchObject({
      people: { n: PEOPLE, distinct_ids: PEOPLE, phones: ['1350000', '1350001', '1350002'] },
      feeds: 2,
    });
  }, 240_000);

  it('prints a summary, and says so when the same file comes again', async () => {
    const file = writeCsv(dataDir, 'household_small.csv', [HOUSEHOLD_HEADER, ...householdRows(3)]);
    const first = await run(ingest([file]));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/household_small\.csv \(utf-8\): succeeded; 3 rows/);
    expect(first.stdout).toMatch(/^links: /m);
    const again = await run(ingest([file]));
    expect(again.stdout).toMatch(/already ingested as feed #\d+/);
    const [, id] = householdRows(1)[0]!;
    const shown = await run(['registry', 'show', 'person', id!]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      kind: 'person',
      masked: ['id_number', 'name', 'phone'],
    });
    const missing = await run(ingest([join(dataDir, 'nope.csv')]));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.csv: no such file/);
  }, 60_000);
});

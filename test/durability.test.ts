// Durability of intake and timers through a crash, with the real server process: Open311 reports
// go in, the server is killed with SIGKILL while they arrive, and after a restart every report that
// got a success reply is in the database with its work order, and a timer that fell due while no
// server ran is flagged by the restarted scheduler's first tick.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDb, pgliteDir } from '../src/db/db.ts';
import { createServerTestDatabase, testEngine } from '../src/db/testing.ts';
import { systemCtx } from '../src/foundation/access/context.ts';
import { createToken, createUser } from '../src/foundation/access/users.ts';
import { seedAreas } from '../src/foundation/address/testing.ts';
import catalogue from '../src/governance/catalogue/categories.json' with { type: 'json' };
import { createApiKey } from '../src/governance/open311/apikeys.ts';
import { ensureGovernance } from '../src/governance/reference.ts';
import {
  FUBAO_GRID,
  MINGYUE_GRID_1,
  MINGYUE_GRID_2,
  near,
  storedWhole,
  XINSHA_GRID,
} from '../src/governance/testing.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'citybrain.js');
const GRIDS = [MINGYUE_GRID_1, MINGYUE_GRID_2, FUBAO_GRID, XINSHA_GRID] as const;
const CODES = catalogue.categories.map((c) => c.code);
/** Reports sent at most: the crash comes after a third of them. */
const REPORTS = 240;
const KILL_AFTER = 80;

describe(`a server killed with SIGKILL on ${testEngine}`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-durability-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const base = `http://127.0.0.1:${port}`;
  let env: NodeJS.ProcessEnv;
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  let server: ChildProcess | undefined;
  let apiKey = '';
  let token = '';

  // PGlite allows one process at a time: the test opens the database only while no server runs.
  const withDb = async <T>(work: (db: Db) => Promise<T>): Promise<T> => {
    const db = await openDb(databaseUrl ? { databaseUrl } : { dataDir: pgliteDir(dataDir) });
    try {
      return await work(db);
    } finally {
      await db.close();
    }
  };

  const start = async (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--data-dir', dataDir], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
    });
    for (const until = Date.now() + 90_000; Date.now() < until; ) {
      if (child.exitCode !== null) throw new Error(`the server exited: ${stderr}`);
      try {
        if ((await fetch(`${base}/api/health`)).ok) return child;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill('SIGKILL');
    throw new Error(`the server did not come up: ${stderr}`);
  };

  const stop = async (child: ChildProcess, signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  };

  beforeAll(async () => {
    env = { ...process.env };
    delete env.DATABASE_URL;
    if (process.env.DATABASE_URL) {
      const database = await createServerTestDatabase(process.env.DATABASE_URL);
      databaseUrl = database.url;
      env.DATABASE_URL = database.url;
      dropDatabase = database.drop;
    }
    await withDb(async (db) => {
      await seedAreas(db);
      await ensureGovernance(db);
      const ctx = systemCtx(db);
      apiKey = (await createApiKey(ctx, 'durability test')).key;
      await createUser(ctx, {
        username: 'durability-admin',
        displayName: 'durability test',
        role: 'admin',
        scope: { kind: 'district', id: '*' },
      });
      token = (await createToken(ctx, { username: 'durability-admin' })).token;
    });
  });

  afterAll(async () => {
    if (server) await stop(server, 'SIGKILL');
    await dropDatabase?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged request, and fires a timer that fell due while it was down', async () => {
    server = await start();
    const crashed = server;
    const acknowledged: string[] = [];
    let sent = 0;
    let killed: Promise<void> | undefined;
    const report = async (i: number) => {
      const { lng, lat } = near(GRIDS[i % GRIDS.length]!, (i % 7) * 40, (i % 5) * 40);
      const body = new URLSearchParams({
        api_key: apiKey,
        service_code: CODES[i % CODES.length]!,
        lat: String(lat),
        long: String(lng),
        description: `崩溃测试 crash test ${i}`,
      });
      try {
        const res = await fetch(`${base}/open311/v2/requests.json`, { method: 'POST', body });
        if (res.status === 200) acknowledged.push((await res.json())[0].service_request_id);
      } catch {
        // the connection died with the server: not acknowledged
      }
      if (acknowledged.length >= KILL_AFTER) killed ??= stop(crashed, 'SIGKILL');
    };
    // Eight reports in flight at a time, so the kill lands among unanswered ones.
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (sent < REPORTS) await report(sent++);
      }),
    );
    await killed;
    expect(crashed.signalCode).toBe('SIGKILL');
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER);

    // Down for an hour, as far as the timers know: one order's response came due meanwhile.
    const overdueId = await withDb(async (db) => {
      expect(await storedWhole(db, acknowledged)).toEqual({ n: acknowledged.length, incomplete: 0 });
      const [order] = await db.query<{ id: string }>(
        `UPDATE gov_work_orders SET response_due_at = now() - interval '1 hour', next_due_at = now() - interval '1 hour'
          WHERE request_id = (SELECT min(request_id) FROM gov_work_orders
                               WHERE request_id = ANY ($1::bigint[]) AND status = 'dispatched')
          RETURNING request_id::text AS id`,
        [acknowledged],
      );
      return order!.id;
    });

    server = await start();
    let overdue: { response: boolean } | undefined;
    for (const until = Date.now() + 30_000; Date.now() < until && !overdue?.response; ) {
      const res = await fetch(`${base}/api/workorders/${overdueId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      overdue = ((await res.json()) as { overdue: { response: boolean } }).overdue;
      if (!overdue.response) await new Promise((r) => setTimeout(r, 200));
    }
    expect(overdue).toMatchObject({ response: true });
    const queue = await fetch(`${base}/api/supervision`, { headers: { authorization: `Bearer ${token}` } });
    const { items } = (await queue.json()) as { items: { requestId: string; kind: string }[] };
    expect(items).toContainEqual(expect.objectContaining({ requestId: overdueId, kind: 'response' }));
    await stop(server, 'SIGTERM');
  }, 240_000);
});

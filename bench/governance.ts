// Governance benchmarks: the classifier's held-out accuracy on the demo history, Open311 POST load
// against a real server process on PostgreSQL (loopback only, bounded in time and count), and
// durability: the server is killed with SIGKILL under load, restarted, and every request that got a
// success reply must be in the database with its service-level timer still firing.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { type Db, openDb } from '../src/db/db.ts';
import { DEMO_FILES, generateDemo } from '../src/demo/generate.ts';
import { buildDemoDistrict } from '../src/demo/model.ts';
import { generateHistory } from '../src/demo/requests/history.ts';
import { systemCtx } from '../src/foundation/access/context.ts';
import { importAreas } from '../src/foundation/areas/import.ts';
import catalogue from '../src/governance/catalogue/categories.json' with { type: 'json' };
import { type ClassifierMetrics, trainClassifier } from '../src/governance/classifier/train.ts';
import { createApiKey } from '../src/governance/open311/apikeys.ts';
import { ensureGovernance } from '../src/governance/reference.ts';
import { SLA_ACTOR, tickSla } from '../src/governance/sla/sla.ts';
import { storedWhole } from '../src/governance/testing.ts';
import { fmt, table } from '../src/lib/table.ts';
import { POSTGRES_URL } from './engines.ts';

export interface ClassifierBench {
  requests: number;
  generateSeconds: number;
  trainSeconds: number;
  metrics: ClassifierMetrics;
}

/** Generates the year of history in memory and trains on it (the same code `classifier train` runs). */
export function benchClassifier(seed: number, scale: number): ClassifierBench {
  const started = performance.now();
  const district = buildDemoDistrict({ seed, scale });
  const samples: { id: string; text: string; label: string }[] = [];
  let requests = 0;
  for (const r of generateHistory(district)) {
    requests++;
    if (r.category) samples.push({ id: r.order_no, text: r.description, label: r.category });
  }
  const generated = performance.now();
  const { metrics } = trainClassifier(samples);
  return {
    requests,
    generateSeconds: (generated - started) / 1000,
    trainSeconds: (performance.now() - generated) / 1000,
    metrics,
  };
}

export interface LoadResult {
  phase: string;
  seconds: number;
  posts: number;
  postsOk: number;
  postErrors: number;
  postsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  reads: number;
  readsPerSecond: number;
  readP99: number;
  /** The machine's 1-minute load average as the phase ended: other processes share its cores. */
  load: number;
}

export interface DurabilityResult {
  acknowledged: number;
  failedDuringCrash: number;
  missing: number;
  /** Acknowledged requests with neither a work order nor a link to an original: half-written. */
  incomplete: number;
  workOrders: number;
  timersFired: number;
  restartSeconds: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : 0;

interface Server {
  child: ChildProcess;
  port: number;
}

async function startServer(url: string, port: number): Promise<Server> {
  const child = spawn(process.execPath, [resolve('bin/citybrain.js'), 'serve', '--port', String(port)], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) return { child, port };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start in 60 s: ${stderr}`);
}

async function stopServer(server: Server, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode) return;
  server.child.kill(signal);
  await once(server.child, 'exit');
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

function call(
  port: number,
  method: 'GET' | 'POST',
  path: string,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((done, fail) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        timeout: 10_000,
        headers: body
          ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) }
          : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => done({ status: res.statusCode ?? 0, text }));
        res.on('error', fail);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', fail);
    req.end(body);
  });
}

// Every category, so few reports land within 250 m of an open one of the same kind (a duplicate has no order).
const CODES = catalogue.categories.map((c) => c.code);

// Numbers the reports across phases: a phase starting again at the first point and category would
// report where the previous phase's requests are still open, and every report would be linked to
// one as a duplicate (no work order of its own, no timer to check).
let reportSeq = 0;

interface LoadOptions {
  phase: string;
  port: () => number;
  seconds: number;
  postsPerSecond: number;
  readsPerSecond: number;
  key: string;
  points: readonly { lng: number; lat: number }[];
  /** Called once, `at` seconds in (the crash). */
  event?: { at: number; run: () => Promise<void> };
}

/**
 * Open-loop load: requests leave on schedule whether or not earlier ones have answered (so a slow
 * server shows as latency, not as a politely lower rate), capped at 1,000 in flight.
 */
async function runLoad(o: LoadOptions): Promise<{ result: LoadResult; ids: string[] }> {
  const latencies: number[] = [];
  const readLatencies: number[] = [];
  const ids: string[] = [];
  let posts = 0;
  let errors = 0;
  let reads = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    pending.add(p);
    p.finally(() => pending.delete(p));
  };
  const started = performance.now();
  const end = started + o.seconds * 1000;
  let eventDone = !o.event;
  while (performance.now() < end) {
    const elapsed = (performance.now() - started) / 1000;
    if (!eventDone && elapsed >= o.event!.at) {
      eventDone = true;
      track(o.event!.run());
    }
    const duePosts = Math.floor(elapsed * o.postsPerSecond);
    while (posts < duePosts && inFlight < 1000) {
      posts++;
      inFlight++;
      // A prime stride spreads consecutive reports over the district (neighbours in the list share a grid).
      const i = reportSeq++;
      const p = o.points[(i * 7919) % o.points.length]!;
      const body = new URLSearchParams({
        api_key: o.key,
        service_code: CODES[i % CODES.length]!,
        lat: String(p.lat),
        long: String(p.lng),
        description: `压测诉求 load test ${i}`,
        phone: '13800000000',
      }).toString();
      const t0 = performance.now();
      track(
        call(o.port(), 'POST', '/open311/v2/requests.json', body)
          .then(({ status, text }) => {
            if (status !== 200) {
              errors++;
              return;
            }
            latencies.push(performance.now() - t0);
            ids.push(JSON.parse(text)[0].service_request_id);
          })
          .catch(() => {
            errors++;
          })
          .finally(() => {
            inFlight--;
          }),
      );
    }
    const dueReads = Math.floor(elapsed * o.readsPerSecond);
    while (reads < dueReads && inFlight < 1000) {
      reads++;
      inFlight++;
      const path =
        reads % 2 && ids.length
          ? `/open311/v2/requests/${ids[ids.length - 1]}.json`
          : '/open311/v2/requests.json?page_size=50';
      const t0 = performance.now();
      track(
        call(o.port(), 'GET', path)
          .then(() => {
            readLatencies.push(performance.now() - t0);
          })
          .catch(() => {})
          .finally(() => {
            inFlight--;
          }),
      );
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  readLatencies.sort((a, b) => a - b);
  return {
    ids,
    result: {
      phase: o.phase,
      seconds,
      posts,
      postsOk: latencies.length,
      postErrors: errors,
      postsPerSecond: latencies.length / seconds,
      p50: quantile(latencies, 0.5),
      p95: quantile(latencies, 0.95),
      p99: quantile(latencies, 0.99),
      max: latencies[latencies.length - 1] ?? 0,
      reads: readLatencies.length,
      readsPerSecond: readLatencies.length / seconds,
      readP99: quantile(readLatencies, 0.99),
      load: loadavg()[0]!,
    },
  };
}

export interface GovernanceBenchOptions {
  serverUrl: string;
  areasFile: string;
  seed: number;
  scale: number;
  seconds: number;
  postsPerSecond: number;
}

async function freshDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `citybrain_bench_gov_${process.pid}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Load and durability against `citybrain serve` on a fresh PostgreSQL database. */
export async function benchOpen311(
  o: GovernanceBenchOptions,
): Promise<{ load: LoadResult[]; durability: DurabilityResult }> {
  const database = await freshDatabase(o.serverUrl);
  let db: Db | undefined;
  let server: Server | undefined;
  try {
    db = await openDb({ databaseUrl: database.url });
    const ctx = systemCtx(db);
    const areas = await importAreas(ctx, o.areasFile);
    if (areas.status !== 'succeeded') throw new Error('bench areas did not import');
    await ensureGovernance(db);
    const key = (await createApiKey(ctx, 'bench load generator')).key;
    const points = buildDemoDistrict({ seed: o.seed, scale: o.scale }).buildings.map((b) => ({
      lng: b.lng,
      lat: b.lat,
    }));
    const port = 18_000 + (process.pid % 1000);
    server = await startServer(database.url, port);
    const live = server;
    const load: LoadResult[] = [];
    // Warm-up, not reported: JIT, the connection pool and its prepared statements, caches, and the
    // planner statistics the server gathers once the first few hundred requests are in.
    await runLoad({
      phase: 'warm-up',
      port: () => live.port,
      seconds: 5,
      postsPerSecond: Math.round(o.postsPerSecond / 2),
      readsPerSecond: Math.round(o.postsPerSecond / 20),
      key,
      points,
    });
    load.push(
      (
        await runLoad({
          phase: 'sustained',
          port: () => live.port,
          seconds: o.seconds,
          postsPerSecond: o.postsPerSecond,
          readsPerSecond: Math.round(o.postsPerSecond / 10),
          key,
          points,
        })
      ).result,
    );

    // Durability: SIGKILL at 3 s, restart at once, keep loading.
    let current = live;
    let restartSeconds = 0;
    const crash = await runLoad({
      phase: 'kill -9 + restart',
      port: () => current.port,
      seconds: 10,
      postsPerSecond: Math.round(o.postsPerSecond / 2),
      readsPerSecond: 10,
      key,
      points,
      event: {
        at: 3,
        run: async () => {
          await stopServer(current, 'SIGKILL');
          const t0 = performance.now();
          current = await startServer(database.url, port);
          server = current;
          restartSeconds = (performance.now() - t0) / 1000;
        },
      },
    });
    load.push(crash.result);
    const present = await storedWhole(db, crash.ids);
    // Every acknowledged request's response timer (10 min) must still fire: tick as if 11 minutes passed.
    const [orders] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM gov_work_orders WHERE request_id = ANY ($1::bigint[]) AND responded_at IS NULL`,
      [crash.ids],
    );
    await stopServer(current);
    await tickSla({ db, actor: SLA_ACTOR }, { now: new Date(Date.now() + 11 * 60_000), batch: 1000 });
    const [fired] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM gov_work_orders WHERE request_id = ANY ($1::bigint[]) AND response_overdue`,
      [crash.ids],
    );
    return {
      load,
      durability: {
        acknowledged: crash.ids.length,
        failedDuringCrash: crash.result.postErrors,
        missing: crash.ids.length - present.n,
        incomplete: present.incomplete,
        workOrders: orders?.n ?? 0,
        timersFired: fired?.n ?? 0,
        restartSeconds,
      },
    };
  } finally {
    if (server) await stopServer(server, 'SIGKILL').catch(() => {});
    await db?.close();
    await database.drop();
  }
}

export const benchAreasFile = (demoDir: string) => join(demoDir, 'areas.geojson');

/** The Open311 load and durability tables, as `npm run bench` prints them. */
export function open311Tables(load: LoadResult[], d: DurabilityResult, rate: number): string {
  const loadTable = table(
    [
      'Open311 POST load',
      'seconds',
      'POSTs sent',
      'ok',
      'errors',
      'ok/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'max ms',
      'reads/s',
      'read p99 ms',
      `load (${availableParallelism()} cores)`,
      'target',
    ],
    load.map((r) => [
      r.phase,
      fmt(r.seconds, 1),
      fmt(r.posts),
      fmt(r.postsOk),
      fmt(r.postErrors),
      fmt(r.postsPerSecond),
      fmt(r.p50, 1),
      fmt(r.p95, 1),
      fmt(r.p99, 1),
      fmt(r.max, 1),
      fmt(r.readsPerSecond),
      fmt(r.readP99, 1),
      fmt(r.load, 1),
      r.phase === 'sustained' ? `≥ ${fmt(rate)}/s, p99 ≤ 100 ms` : 'no acknowledged loss',
    ]),
  );
  const durabilityTable = table(
    [
      'durability (kill -9 under load)',
      'acknowledged',
      'missing after restart',
      'half-written',
      'open orders',
      'timers fired',
      'restart s',
    ],
    [
      [
        d.missing === 0 && d.incomplete === 0 && d.workOrders > 0 && d.timersFired === d.workOrders
          ? 'ok'
          : 'FAILED',
        fmt(d.acknowledged),
        fmt(d.missing),
        fmt(d.incomplete),
        fmt(d.workOrders),
        fmt(d.timersFired),
        fmt(d.restartSeconds, 1),
      ],
    ],
  );
  return `${loadTable}\n\n${durabilityTable}`;
}

/**
 * `npm run bench -- --only open311`: the Open311 load and durability rows alone (`--scale`,
 * `--seed`, `--load-seconds`, `--load-rate` apply), for measuring the intake without the rest.
 */
export async function benchOpen311Only(values: {
  scale: string;
  seed: string;
  'load-seconds': string;
  'load-rate': string;
}): Promise<void> {
  const scale = Number(values.scale);
  const seed = Number(values.seed);
  const demoDir = resolve('.bench', `demo-s${scale}-seed${seed}`);
  if (!existsSync(join(demoDir, DEMO_FILES.manifest))) {
    console.error(`generating the demo district into ${demoDir}…`);
    await generateDemo({ seed, scale, outDir: demoDir });
  }
  const rate = Number(values['load-rate']);
  console.error('Open311 load on PostgreSQL (a `citybrain serve` process on loopback)…');
  const { load, durability } = await benchOpen311({
    serverUrl: POSTGRES_URL,
    areasFile: benchAreasFile(demoDir),
    seed,
    scale,
    seconds: Number(values['load-seconds']),
    postsPerSecond: rate,
  });
  console.log(`citybrain bench — Open311 only, demo scale ${scale}, seed ${seed}, node ${process.version}\n`);
  console.log(open311Tables(load, durability, rate));
}

// End to end through the real `citybrain` binary, as a user runs it: demo (generate + import),
// exports, imports log, users and tokens, a bad file, and the server answering with a token.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerTestDatabase, testEngine } from '../src/db/testing.ts';

const DEMO_TIMEOUT_MS = 300_000;
const BIN = join(import.meta.dirname, '..', 'bin', 'citybrain.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe(`the citybrain command on ${testEngine}`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-cli-'));
  let env: NodeJS.ProcessEnv;
  let dropDatabase: (() => Promise<void>) | undefined;

  const run = (args: string[], input?: string): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args, '--data-dir', dataDir], { env });
      let stdout = '';
      let stderr = '';
      // Decode as a stream, so a character split across chunks stays whole.
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
      });
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input ?? '');
    });

  beforeAll(async () => {
    env = { ...process.env };
    delete env.DATABASE_URL;
    if (process.env.DATABASE_URL) {
      const database = await createServerTestDatabase(process.env.DATABASE_URL);
      env.DATABASE_URL = database.url;
      dropDatabase = database.drop;
    }
  });
  afterAll(async () => {
    await dropDatabase?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints help for every command', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['demo', 'serve', 'areas', 'address', 'imports', 'user', 'token'])
      expect(help.stdout).toContain(command);
    const areasHelp = await run(['areas', 'import', '--help']);
    expect(areasHelp.stdout).toMatch(/--data-dir/);
  });

  let token = '';
  // The demo generates and imports every data set (areas, addresses, feeds, a year of requests).
  it('generates and imports the demo district through the normal importers', {
    timeout: DEMO_TIMEOUT_MS,
  }, async () => {
    const demo = await run(['demo', '--scale', '0.01', '--seed', '3', '--no-serve']);
    expect(demo.code, demo.stderr).toBe(0);
    token = demo.stdout.trim();
    expect(token).toMatch(/^cb_/);
    expect(demo.stderr).toMatch(/importing areas/);
    expect(demo.stderr).toMatch(/6 rows rejected; 6 bad rows were planted/);
    expect(demo.stderr).toMatch(/service-requests\.jsonl \(utf-8\): succeeded; [\d,]+ rows — [\d,]+ new/);
    expect(demo.stderr).toMatch(/held-out accuracy \d+\.\d%/);
    expect(demo.stderr).toMatch(/ingesting the departments' feeds \(18 files/);
    expect(demo.stderr).toMatch(/registry: [1-9][\d,]* entities added/);

    const log = await run(['imports', 'list', '--limit', '100']);
    expect(log.stdout).toMatch(/addresses\tsucceeded/);
    expect(log.stdout).toMatch(/areas\tsucceeded/);
    expect(log.stdout).toMatch(/feed:police_household\tsucceeded/);
  });

  it('re-runs the demo without changing anything', { timeout: DEMO_TIMEOUT_MS }, async () => {
    const again = await run(['demo', '--scale', '0.01', '--seed', '3', '--no-serve']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/0 new, 0 updated/);
    expect(again.stderr).toMatch(/service-requests\.jsonl \(utf-8\): succeeded; [\d,]+ rows — 0 new/);
    expect(again.stderr).toMatch(/registry: 0 entities added, 0 updated/);
  });

  it('exports areas and addresses to stdout', async () => {
    const areas = await run(['areas', 'export', '--level', 'subdistrict']);
    expect(areas.code).toBe(0);
    const collection = JSON.parse(areas.stdout);
    expect(collection.features).toHaveLength(10);
    expect(collection.features.map((f: { properties: { name: string } }) => f.properties.name)).toContain(
      '福保街道',
    );

    const addresses = await run(['address', 'export']);
    expect(addresses.code).toBe(0);
    const [header, first] = addresses.stdout.split('\n');
    expect(header).toBe(
      'address_id,level,parent_id,subdistrict,community,road,road_no,estate,building,entrance,floor,room,aliases,lng,lat,grid_id',
    );
    expect(first).toMatch(/^440304\d{13},building,/);
  });

  it('fails with a one-line reason and a non-zero exit on a bad file', async () => {
    const bad = join(dataDir, 'bad.geojson');
    writeFileSync(bad, '{"type":"FeatureCollection","features":[{"type":"Feature"}]}');
    const result = await run(['areas', 'import', bad]);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/bad\.geojson.*row 1/);

    const missing = await run(['address', 'import', join(dataDir, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^citybrain: .*nope\.csv: no such file/m);
  });

  it('creates users and tokens', async () => {
    const add = await run([
      'user',
      'add',
      'grid-01',
      '--role',
      'grid_worker',
      '--scope',
      'subdistrict:440304010',
    ]);
    expect(add.code, add.stderr).toBe(0);
    const wrong = await run([
      'user',
      'add',
      'grid-02',
      '--role',
      'grid_worker',
      '--scope',
      'community:440304010',
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/is a subdistrict, not a community/);
    const created = await run(['token', 'create', 'grid-01']);
    expect(created.stdout.trim()).toMatch(/^cb_/);
  });

  it('serves the API with the demo token', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const server: ChildProcess = spawn(
      process.execPath,
      [BIN, 'serve', '--port', String(port), '--data-dir', dataDir],
      {
        env,
      },
    );
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitFor(async () => (await fetch(`${base}/api/health`)).ok);
      const me = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(await me.json()).toMatchObject({ username: 'demo-admin', role: 'admin' });
      const subdistricts = await fetch(`${base}/api/areas?level=subdistrict`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(((await subdistricts.json()) as { areas: unknown[] }).areas).toHaveLength(10);
      expect((await fetch(`${base}/api/me`)).status).toBe(401);
      expect((await fetch(`${base}/docs/json`)).ok).toBe(true);
    } finally {
      server.kill('SIGTERM');
    }
  });
});

async function waitFor(ready: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if (await ready()) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the server did not come up');
}

// `citybrain address match` through the real binary, on a small library.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, pgliteDir } from '../../db/db.ts';
import { createServerTestDatabase, testEngine } from '../../db/testing.ts';
import { PARALLEL_AFTER } from '../../foundation/address/match/batch.ts';
import { roomId, seedMatchLibrary } from '../../foundation/address/match/testing.ts';
import { encodeGbk } from '../../foundation/address/testing.ts';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'citybrain.js');

describe(`citybrain address match on ${testEngine}`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-match-'));
  let env: NodeJS.ProcessEnv;
  let dropDatabase: (() => Promise<void>) | undefined;

  const run = (args: string[], input: string | Uint8Array = '') =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'address', 'match', ...args, '--data-dir', dataDir], {
        env,
      });
      let stdout = '';
      let stderr = '';
      // Decode as a stream: a character may straddle two chunks.
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
      child.stdin.end(input);
    });

  beforeAll(async () => {
    env = { ...process.env };
    delete env.DATABASE_URL;
    let url: string | undefined;
    if (process.env.DATABASE_URL) {
      const database = await createServerTestDatabase(process.env.DATABASE_URL);
      url = database.url;
      env.DATABASE_URL = url;
      dropDatabase = database.drop;
    }
    const db = await openDb({ databaseUrl: url, dataDir: pgliteDir(dataDir) });
    await seedMatchLibrary(db);
    await db.close();
  });
  afterAll(async () => {
    await dropDatabase?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes one JSON object per input line, in order, whatever the line holds', async () => {
    const lines = [
      Buffer.from('益田路3013号南方国际B座2301房'),
      Buffer.from(''),
      Buffer.from('益田路3013号'),
      Buffer.from(encodeGbk('石厦北二街5号')),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff]),
      Buffer.from('益'.repeat(10_000)),
      Buffer.from('\u0007\u0008'),
      Buffer.from('🏠🏠🏠'),
      Buffer.from('hello world'),
      Buffer.from('深圳市南山区科技园1号\r'),
    ];
    const input = Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')]));
    const file = join(dataDir, 'input.txt');
    writeFileSync(file, input);
    const { code, stdout, stderr } = await run([file, '--jsonl']);
    expect(code, stderr).toBe(0);
    const results = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(results).toHaveLength(lines.length);
    expect(results.map((r) => r.status)).toEqual([
      'matched',
      'unmatched',
      'ambiguous',
      'matched',
      'unmatched',
      'unmatched',
      'unmatched',
      'unmatched',
      'unmatched',
      'unmatched',
    ]);
    expect(results[0]).toMatchObject({ address_id: roomId('NF-B', '2301'), level: 'room' });
    expect(results[3]).toMatchObject({ input: '石厦北二街5号', address_id: 'SX-5' });
    expect(results.map((r) => r.reason)).toEqual([
      null,
      'empty input',
      expect.stringMatching(/2 buildings/),
      null,
      'binary data, not text',
      expect.stringMatching(/too long/),
      'no Chinese address text',
      'no Chinese address text',
      'no Chinese address text',
      expect.stringMatching(/outside the library: 南山区/),
    ]);
    expect(stderr).toMatch(/2 matched, 1 ambiguous, 7 unmatched/);
  });

  it('reads stdin and prints tab-separated lines by default', async () => {
    const { code, stdout } = await run(['-'], '益田路3013号南方国际B座2301房\n福华新村1栋201');
    expect(code).toBe(0);
    const [first, second] = stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(first?.slice(0, 4)).toEqual([
      '益田路3013号南方国际B座2301房',
      'matched',
      roomId('NF-B', '2301'),
      'room',
    ]);
    expect(second?.slice(1, 4)).toEqual(['matched', 'FH-1', 'building']);
  });

  it('shares a large input with a worker thread and answers exactly as one thread does', async () => {
    const texts = [
      '益田路3013号南方国际B座2301房',
      '南方国际广场A座12A01',
      '益田路3013号',
      '石厦北2街5栋',
      '啊',
    ];
    const input = Array.from({ length: PARALLEL_AFTER + 5_000 }, (_, i) => `${texts[i % texts.length]}`).join(
      '\n',
    );
    const parallel = await run(['--jsonl', '--workers', '1'], input);
    const single = await run(['--jsonl', '--workers', '0'], input);
    expect(parallel.code, parallel.stderr).toBe(0);
    expect(single.code, single.stderr).toBe(0);
    expect(parallel.stdout.split('\n')).toHaveLength(PARALLEL_AFTER + 5_001);
    expect(parallel.stdout).toBe(single.stdout);
  });

  it('fails with one line for a missing file', async () => {
    const { code, stderr } = await run(['/no/such/file.txt']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/no such file/);
  });
});

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { growthPercentFor, heapGrowthFor } from './heap-growth.ts';

const GB = 2 ** 30;

describe('growthPercentFor', () => {
  it('lets the live heap grow to the budget', () => {
    expect(growthPercentFor(0.8 * GB, 2 * GB)).toBe(150);
    expect(growthPercentFor(1 * GB, 2 * GB)).toBe(100);
  });

  it('stays within 30 % and V8’s own largest, 300 %', () => {
    expect(growthPercentFor(0.1 * GB, 2 * GB)).toBe(300);
    expect(growthPercentFor(1.9 * GB, 2 * GB)).toBe(30);
    expect(growthPercentFor(3 * GB, 2 * GB)).toBe(30);
    expect(growthPercentFor(0, 2 * GB)).toBe(300);
  });
});

// A process with 60 MB alive churns objects that live long enough to reach the old generation. With
// V8's own growth its heap grew to 400–460 MB here; within a budget of 128 MB it peaked at 170–210 MB
// (the young generation, up to 48 MB, comes on top, and the growth is set only once the collection
// is reported, a turn of the event loop later).
const CHURN = `
import { heapGrowthFor } from ${JSON.stringify(fileURLToPath(new URL('./heap-growth.ts', import.meta.url)))};
heapGrowthFor('postgres', undefined);
const live = Array.from({ length: 600_000 }, (_, i) => ({ i, s: 'kept ' + i }));
const ring = new Array(200_000);
let peak = 0;
for (let n = 0; n < 8_000_000; n++) {
  ring[n % ring.length] = { n, s: 'churn ' + n, a: [n, n + 1] };
  if (n % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
  if (n % 100_000 === 0) await new Promise((done) => setImmediate(done));
}
console.log(JSON.stringify({ peakMb: peak / 2 ** 20, live: live.length }));
`;

describe('heapGrowthFor on PostgreSQL', () => {
  it('keeps the heap of a churning process near its budget', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', CHURN],
      { env: { ...process.env, CITYBRAIN_HEAP_BUDGET_MB: '128' } },
    );
    const { peakMb } = JSON.parse(stdout) as { peakMb: number };
    expect(peakMb).toBeLessThan(2 * 128);
  });

  it('says what is wrong with a budget it cannot use', () => {
    process.env.CITYBRAIN_HEAP_BUDGET_MB = '2GB';
    try {
      expect(() => heapGrowthFor('postgres', undefined)).toThrow(
        'CITYBRAIN_HEAP_BUDGET_MB must be a whole number, at least 64, got "2GB"',
      );
    } finally {
      delete process.env.CITYBRAIN_HEAP_BUDGET_MB;
    }
  });
});

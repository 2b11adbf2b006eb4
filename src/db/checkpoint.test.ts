import { describe, expect, it } from 'vitest';
import { checkpointIfWalGrown, walSinceCheckpoint } from './checkpoint.ts';
import { openDb } from './db.ts';

describe('checkpointIfWalGrown', () => {
  it('checkpoints PGlite once the WAL has grown past the limit, and not before', async () => {
    const db = await openDb({ dataDir: 'memory://' });
    try {
      await db.exec('CREATE TABLE t (x int); INSERT INTO t SELECT generate_series(1, 100000)');
      const written = await walSinceCheckpoint(db);
      expect(written).toBeGreaterThan(1_000_000);
      await checkpointIfWalGrown(db, written * 2);
      expect(await walSinceCheckpoint(db)).toBe(written);
      await checkpointIfWalGrown(db, 1_000_000);
      expect(await walSinceCheckpoint(db)).toBeLessThan(10_000);
    } finally {
      await db.close();
    }
  });
});

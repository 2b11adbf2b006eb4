import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testEngine } from '../db/testing.ts';
import { refreshGovernanceStatistics } from './statistics.ts';

describe(`planner statistics on ${testEngine}`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t.destroy();
  });

  const notices = (n: number) =>
    t.db.query(
      `INSERT INTO gov_outbox (district_id, channel, recipient, kind, body)
       SELECT '440304', 'app', 'agency:test', 'dispatched', 'test notice ' || i FROM generate_series(1, $1) i`,
      [n],
    );

  it('analyzes a table once it has grown by half, and not again until it grows again', async () => {
    expect(await refreshGovernanceStatistics(t.db)).toEqual([]);
    await notices(3_000);
    expect(await refreshGovernanceStatistics(t.db)).toEqual(['gov_outbox']);
    expect(await refreshGovernanceStatistics(t.db)).toEqual([]);
    await notices(300);
    expect(await refreshGovernanceStatistics(t.db)).toEqual([]);
    await notices(3_000);
    expect(await refreshGovernanceStatistics(t.db)).toEqual(['gov_outbox']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/db.ts';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import { systemCtx } from '../../foundation/access/context.ts';
import { apiKeyChecker, createApiKey, revokeApiKey } from './apikeys.ts';

describe(`Open311 API key checks (${testEngine})`, () => {
  let t: TestDb;
  let checks = 0;
  /** The database, counting the key checks that reach it. */
  let counted: Db;

  beforeAll(async () => {
    t = await createTestDb();
    counted = {
      ...t.db,
      query: (sql, params, options) => {
        if (sql.includes('open311_api_keys')) checks++;
        return t.db.query(sql, params, options);
      },
    };
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('checks a key once for a burst, answers from memory while it checks again, and stops a revoked key', async () => {
    const key = await createApiKey(systemCtx(t.db), 'burst client');
    let now = 0;
    const check = apiKeyChecker(counted, { ttlMs: 1_000, now: () => now });
    const burst = await Promise.all(Array.from({ length: 20 }, () => check(key.key)));
    expect(burst.every((info) => info?.id === key.id)).toBe(true);
    expect(checks).toBe(1);

    await revokeApiKey(systemCtx(t.db), key.id);
    now = 1_500; // due for a check: the known answer still serves the burst, one query re-checks
    const due = await Promise.all(Array.from({ length: 20 }, () => check(key.key)));
    expect(due.every((info) => info?.id === key.id)).toBe(true);
    expect(checks).toBe(2);
    // Once the re-check has returned (no new query meanwhile), the revoked key is refused.
    let answer = due[0];
    for (let i = 0; i < 500 && answer !== null; i++) {
      await new Promise((r) => setTimeout(r, 5));
      answer = await check(key.key);
    }
    expect(answer).toBeNull();
    expect(checks).toBe(2);

    now = 10_000; // long past: callers wait for the check
    expect(await check(key.key)).toBeNull();
    expect(checks).toBe(3);
    expect(await check('o311_never-issued')).toBeNull();
    expect(await check('not-a-key')).toBeNull();
    expect(checks).toBe(4);
  });
});

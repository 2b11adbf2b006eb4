import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bumpDataVersion } from '../db/data-versions.ts';
import { createTestDb, type TestDb, testEngine } from '../db/testing.ts';
import { ensureGovernance } from './reference.ts';

describe(`the reference data in memory on ${testEngine}`, () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('is one copy per database, which its transactions share', async () => {
    const ref = await ensureGovernance(t.db);
    await t.db.transaction(async (tx) => {
      expect(await ensureGovernance(tx)).toBe(ref);
      // Checked again through the transaction: the same version, the same copy.
      expect(await ensureGovernance(tx, 0)).toBe(ref);
    });
  });

  it('gives a transaction that changed the catalogue a copy of its own and keeps the shared one', async () => {
    const ref = await ensureGovernance(t.db);
    const renamed = t.db.transaction(async (tx) => {
      await tx.query(`UPDATE gov_categories SET name = '改名' WHERE code = 'street-vending'`);
      await bumpDataVersion(tx, 'governance');
      const own = await ensureGovernance(tx, 0);
      expect(own).not.toBe(ref);
      expect(own.categories.get('street-vending')?.name).toBe('改名');
      throw new Error('roll back');
    });
    await expect(renamed).rejects.toThrow('roll back');
    const after = await ensureGovernance(t.db, 0);
    expect(after.categories.get('street-vending')?.name).toBe(ref.categories.get('street-vending')?.name);
  });
});

import { describe, expect, it } from 'vitest';
import { IdSet } from './id-set.ts';

describe('IdSet', () => {
  it('holds the ids added, and no others, across growth', () => {
    const set = new IdSet();
    const ids = [0, 1, 7, 8, 9, 8191, 8192, 1_000_003, 40_000_000];
    for (const id of ids) set.add(id);
    for (const id of ids) expect(set.has(id)).toBe(true);
    for (const id of [2, 6, 10, 8190, 8193, 1_000_002, 1_000_004, 39_999_999, 40_000_001, 4_000_000_000])
      expect(set.has(id)).toBe(false);
  });

  it('forgets an id deleted, and only that one', () => {
    const set = new IdSet();
    for (const id of [8, 9, 40_000_000]) set.add(id);
    set.delete(9);
    set.delete(50_000_000);
    expect([8, 9, 40_000_000].map((id) => set.has(id))).toEqual([true, false, true]);
  });

  it('refuses what is not an entity id', () => {
    const set = new IdSet();
    for (const bad of [-1, 1.5, 2 ** 32, Number.NaN]) expect(() => set.add(bad)).toThrow(/whole numbers/);
  });
});

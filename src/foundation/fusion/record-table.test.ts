import { describe, expect, it } from 'vitest';
import { RecordTable } from './record-table.ts';

describe('RecordTable', () => {
  it('keeps each key’s id, held and run versions apart per target, across growth', () => {
    const table = new RecordTable();
    const n = 5_000;
    for (let i = 0; i < n; i++)
      table.add('person', `k${i}`, 10_000_000_000 + i, {
        entity: i % 3 === 0 ? null : i,
        confirmed: i % 5 === 0,
        observedMs: Date.UTC(2026, 8, 30) + i,
        hash: 0xffff_ffff - i,
        retired: i % 7 === 0,
      });
    const fresh = table.add('household', 'k1', 42);
    expect(table.slotOf('household', 'k1')).toBe(fresh);
    expect(table.slotOf('room', 'k1')).toBeUndefined();
    expect(table.held(fresh)).toBeNull();
    expect(table.run(fresh)).toBeNull();

    const slot = table.slotOf('person', 'k3')!;
    expect(table.idOf(slot)).toBe(10_000_000_003);
    expect(table.held(slot)).toEqual({
      entity: null,
      confirmed: false,
      observedMs: Date.UTC(2026, 8, 30) + 3,
      hash: 0xffff_ffff - 3,
      retired: false,
    });
    expect(table.held(table.slotOf('person', 'k35')!)).toMatchObject({
      entity: 35,
      confirmed: true,
      retired: true,
    });
    expect(table.heldEntityOf(table.slotOf('person', 'k35')!)).toBe(35);
    expect(table.heldEntityOf(slot)).toBeUndefined();
    expect(table.heldEntityOf(fresh)).toBeUndefined();

    table.setRun(slot, { row: 7, observedMs: 1, hash: 2, state: 'changed', entity: 9 });
    expect(table.run(slot)).toEqual({ row: 7, observedMs: 1, hash: 2, state: 'changed', entity: 9 });
    table.setRun(fresh, { row: 1, observedMs: 1, hash: 2, state: 'replace', entity: null });
    expect(table.run(fresh)).toMatchObject({ state: 'replace', entity: null });
    expect(() => table.setRun(fresh, { row: 0, observedMs: 1, hash: 2, state: 'new', entity: null })).toThrow(
      /rows count from 1/,
    );

    const keys = [...table.keys()];
    expect(keys).toHaveLength(n + 1);
    expect(keys.at(-1)).toEqual({ target: 'household', key: 'k1', slot: fresh });
  });
});

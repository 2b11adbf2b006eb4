import { describe, expect, it } from 'vitest';
import { TouchedEntities } from './touched.ts';

const sorted = (m: Map<string, number[]> | null) =>
  m && Object.fromEntries([...m].map(([kind, ids]) => [kind, [...ids].sort((a, b) => a - b)]));

describe('touched entities', () => {
  it('hands out entities only new records touched, once the flush that wrote them is done', () => {
    const t = new TouchedEntities();
    t.byNewRecord('person', 1, 0);
    t.byNewRecord('household', 10, 0);
    t.byNewRecord('person', 2, 1);
    expect(t.takeReady(1)).toBeNull();
    t.flushWritten(0);
    expect(sorted(t.takeReady(1))).toEqual({ person: [1], household: [10] });
    // Handed out once only.
    expect(t.takeReady(1)).toBeNull();
    t.flushWritten(1);
    expect(sorted(t.takeReady(1))).toEqual({ person: [2] });
    expect(sorted(t.remaining())).toEqual({});
  });

  it('waits until at least as many records as asked for are written', () => {
    const t = new TouchedEntities();
    t.byNewRecord('person', 1, 0);
    t.byNewRecord('person', 2, 0);
    t.flushWritten(0);
    expect(t.takeReady(3)).toBeNull();
    t.byNewRecord('person', 3, 1);
    t.flushWritten(1);
    expect(sorted(t.takeReady(3))).toEqual({ person: [1, 2, 3] });
  });

  it('holds back an entity a later flush touches until that flush is written', () => {
    const t = new TouchedEntities();
    t.byNewRecord('household', 10, 0);
    t.byNewRecord('household', 10, 1);
    t.flushWritten(0);
    expect(t.takeReady(1)).toBeNull();
    t.flushWritten(1);
    expect(sorted(t.takeReady(1))).toEqual({ household: [10] });
  });

  it('leaves to the merge an entity a merged record touches, before or after it was handed out', () => {
    const t = new TouchedEntities();
    t.byNewRecord('person', 1, 0);
    t.byMergedRecord('person', 1);
    t.byNewRecord('person', 2, 0);
    t.byNewRecord('person', 3, 0);
    t.flushWritten(0);
    expect(sorted(t.takeReady(1))).toEqual({ person: [2, 3] });
    // Touched again after it was handed out: resolved again after the merge.
    t.byMergedRecord('person', 2);
    t.byNewRecord('person', 3, 1);
    t.flushWritten(1);
    expect(t.takeReady(1)).toBeNull();
    expect(sorted(t.remaining())).toEqual({ person: [1, 2, 3] });
  });
});

import { describe, expect, it } from 'vitest';
import { groupCommit } from './group-commit.ts';

/** A `run` whose statements finish when the test says so; it records each batch it was given. */
function fakeStatements(fail: (item: number) => boolean = () => false) {
  const batches: number[][] = [];
  const finish: (() => void)[] = [];
  const run = (items: number[]) => {
    batches.push(items);
    return new Promise<string[]>((resolve, reject) => {
      finish.push(() => {
        if (items.some(fail)) reject(new Error(`bad item in ${items.join(',')}`));
        else resolve(items.map((i) => `id-${i}`));
      });
    });
  };
  /** Finishes the oldest running statement and lets its callers and the next batch go. */
  const next = async () => {
    finish.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { run, batches, next };
}

describe('group commit', () => {
  it('runs a lone item at once and batches what arrives while a statement runs', async () => {
    const s = fakeStatements();
    const submit = groupCommit(s.run, { inFlight: 1, maxBatch: 10 });
    const first = submit(1);
    const rest = [2, 3, 4].map(submit);
    expect(s.batches).toEqual([[1]]);
    await s.next();
    expect(await first).toBe('id-1');
    expect(s.batches).toEqual([[1], [2, 3, 4]]);
    await s.next();
    expect(await Promise.all(rest)).toEqual(['id-2', 'id-3', 'id-4']);
  });

  it('keeps batches within the limit and conflicting items apart, in order of arrival', async () => {
    const s = fakeStatements();
    // Items with the same parity stand for reports that could affect each other.
    const submit = groupCommit(s.run, { inFlight: 1, maxBatch: 3, conflicts: (a, b) => a % 2 === b % 2 });
    const all = [1, 2, 3, 4, 5, 6, 7, 8].map(submit);
    for (let i = 0; i < 5; i++) await s.next();
    expect(s.batches).toEqual([[1], [2, 3], [4, 5], [6, 7], [8]]);
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `id-${i}`));
  });

  it('tries the items of a failed batch one by one, so only the bad one fails', async () => {
    const s = fakeStatements((item) => item === 3);
    const submit = groupCommit(s.run, { inFlight: 1, maxBatch: 10 });
    const answers = [1, 2, 3, 4].map((i) => submit(i).catch((error: Error) => error.message));
    await s.next(); // [1]
    await s.next(); // [2, 3, 4] fails
    await s.next(); // [2]
    await s.next(); // [3] fails
    await s.next(); // [4]
    expect(s.batches).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
    expect(await Promise.all(answers)).toEqual(['id-1', 'id-2', 'bad item in 3', 'id-4']);
  });

  it('holds an item back while a conflicting one runs in another statement', async () => {
    const s = fakeStatements();
    const submit = groupCommit(s.run, { inFlight: 2, maxBatch: 10, conflicts: (a, b) => a % 2 === b % 2 });
    const all = [1, 3, 2, 5].map(submit);
    expect(s.batches).toEqual([[1], [2]]);
    await s.next(); // [1] returns: 3 and 5 clash with each other, not with the running [2]
    expect(s.batches).toEqual([[1], [2], [3]]);
    await s.next();
    await s.next();
    await s.next();
    expect(s.batches).toEqual([[1], [2], [3], [5]]);
    expect(await Promise.all(all)).toEqual(['id-1', 'id-3', 'id-2', 'id-5']);
  });

  it('runs up to inFlight statements at once', async () => {
    const s = fakeStatements();
    const submit = groupCommit(s.run, { inFlight: 2, maxBatch: 10 });
    const all = [1, 2, 3, 4].map(submit);
    expect(s.batches).toEqual([[1], [2]]);
    await s.next();
    expect(s.batches).toEqual([[1], [2], [3, 4]]);
    await s.next();
    await s.next();
    expect(await Promise.all(all)).toEqual(['id-1', 'id-2', 'id-3', 'id-4']);
  });
});

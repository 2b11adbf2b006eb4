// Group commit: reports that arrive while the intake's statements are busy wait for the next free
// one and go into it together. At a trickle each report runs alone, at once; under load a batch
// costs one round trip, one statement and one commit (one WAL flush) for all of its reports, so
// the server slows down less than the load grows instead of queueing statements on the pool. Every
// caller's promise settles only when its statement has returned: committed, or failed.
//
// Few statements at a time per process (and queue) measured best on a busy two-core machine: the
// next batch forms while they run, and backends do not crowd each other off the cores.

export interface GroupCommitOptions<I> {
  /** Statements running at once; more items wait and form the next batch. */
  inFlight: number;
  /** Items per statement at most. */
  maxBatch: number;
  /**
   * Items that could affect each other never share a batch (one statement cannot see its own
   * rows) nor run beside each other: the later one waits until the earlier one's statement has
   * returned, as if they had run one after another.
   */
  conflicts?: (a: I, b: I) => boolean;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * `run` writes a batch in one statement and returns one answer per item, in order. If a batch
 * fails, each of its items is tried alone, so one bad item fails only its own caller.
 */
export function groupCommit<I, O>(
  run: (items: I[]) => Promise<O[]>,
  options: GroupCommitOptions<I>,
): (item: I) => Promise<O> {
  const queue: Waiting<I, O>[] = [];
  /** The items of the statements running now. */
  const running = new Set<Waiting<I, O>[]>();

  const take = (): Waiting<I, O>[] => {
    const batch: Waiting<I, O>[] = [];
    const conflicts = options.conflicts;
    const clash = (item: I) =>
      conflicts !== undefined &&
      (batch.some((w) => conflicts(w.item, item)) ||
        [...running].some((other) => other.some((w) => conflicts(w.item, item))));
    for (let i = 0; i < queue.length && batch.length < options.maxBatch; ) {
      if (clash(queue[i]!.item)) i++;
      else batch.push(...queue.splice(i, 1));
    }
    return batch;
  };

  const settle = async (batch: Waiting<I, O>[]): Promise<void> => {
    try {
      const answers = await run(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        w.resolve(answers[i]!);
      });
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      else for (const w of batch) await settle([w]);
    }
  };

  const pump = (): void => {
    while (running.size < options.inFlight && queue.length > 0) {
      const batch = take();
      if (batch.length === 0) return; // everything waiting clashes with a running statement
      running.add(batch);
      void settle(batch).finally(() => {
        running.delete(batch);
        pump();
      });
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      pump();
    });
}

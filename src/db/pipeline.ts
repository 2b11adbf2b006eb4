// Keeping the database and our own code busy at once. A statement is sent as soon as its input is
// known and awaited only when its result is needed; long stretches of JavaScript yield now and then
// so the connection can send the next queued statement and take in results (on PostgreSQL the
// server works in its own process, on PGlite in its worker thread).

/** Lets pending I/O (query results, the next queued statement) through before going on. */
export const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A statement sent now and awaited later: a failure meanwhile is not an unhandled rejection. */
export function sentAhead<T>(work: Promise<T>): Promise<T> {
  work.catch(() => {});
  return work;
}

/**
 * Runs each function given after those given before it have settled: one connection's statements
 * in the order sent, whatever awaits them.
 */
export function inTurn(): <T>(fn: () => Promise<T>) => Promise<T> {
  let turn: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const run = turn.then(fn);
    turn = run.catch(() => {});
    return run;
  };
}

/**
 * Statements sent without waiting for each (each runs after those sent before it on the same
 * connection): `settle` waits for all and throws the first failure. A failure is never left
 * unhandled in between.
 */
export class InFlight {
  private pending: Promise<unknown>[] = [];
  private failure: { error: unknown } | undefined;

  /** Tracks a statement sent; `use` takes its result when it comes. */
  add<T>(work: Promise<T>, use?: (result: T) => void): void {
    const tracked = use ? work.then(use) : work;
    tracked.catch((error) => {
      this.failure ??= { error };
    });
    this.pending.push(tracked);
  }

  async settle(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    await Promise.allSettled(pending);
    if (this.failure) throw this.failure.error;
  }
}

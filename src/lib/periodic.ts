// A background task run every few seconds inside a server process: a pass never overlaps the one
// before it, a failed pass is reported and the next tick tries again, and stopping waits for the
// pass under way. The timer does not keep the process alive.

export interface Periodic {
  stop(): Promise<void>;
}

export function every(
  intervalMs: number,
  task: () => Promise<unknown>,
  onError: (error: unknown) => void,
): Periodic {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= task()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

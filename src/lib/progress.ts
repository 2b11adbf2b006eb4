// Progress lines for long work, on stderr so stdout stays clean for exports and JSON Lines.
// On a terminal one line updates in place; elsewhere (CI, logs) a line is printed every few seconds.

export interface Progress {
  /** Adds `n` done units. */
  tick(n?: number): void;
  /** Prints the final line with the rate. */
  done(note?: string): void;
}

export function progress(
  label: string,
  total?: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const started = performance.now();
  const interactive = Boolean(stream.isTTY);
  const everyMs = interactive ? 200 : 5_000;
  let count = 0;
  let lastPrint = started;
  const line = () => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(count / seconds) : 0;
    const share = total ? ` ${((100 * count) / total).toFixed(0)}%` : '';
    return `${label}: ${count.toLocaleString('en')}${total ? `/${total.toLocaleString('en')}` : ''}${share} (${rate.toLocaleString('en')}/s, ${seconds.toFixed(1)}s)`;
  };
  return {
    tick(n = 1) {
      count += n;
      const now = performance.now();
      if (now - lastPrint < everyMs) return;
      lastPrint = now;
      stream.write(interactive ? `\r${line()}\x1b[K` : `${line()}\n`);
    },
    done(note) {
      stream.write(
        `${interactive ? '\r' : ''}${line()}${note ? ` ${note}` : ''}${interactive ? '\x1b[K' : ''}\n`,
      );
    },
  };
}

/** Logs a step and its duration: `step('importing areas', () => …)`. */
export async function step<T>(
  label: string,
  work: () => Promise<T>,
  stream: NodeJS.WriteStream = process.stderr,
): Promise<T> {
  const started = performance.now();
  stream.write(`▶ ${label}…\n`);
  const result = await work();
  stream.write(`✔ ${label} (${((performance.now() - started) / 1000).toFixed(1)}s)\n`);
  return result;
}

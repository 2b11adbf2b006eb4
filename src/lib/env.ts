// Settings read from the environment, checked where they are read: a bad one names itself.

/** A whole-number setting: `fallback` when unset; an error naming it when not a whole number ≥ `min`. */
export function wholeNumberFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`${name} must be a whole number, at least ${min}, got "${raw}"`);
  return n;
}

// Draws the feeds make millions of times, without the allocations of the general-purpose helpers.
import type { Rng } from '../random.ts';

/** A picker over fixed weights: cumulative sums computed once, then one random number per pick. */
export function picker<K extends string>(weights: Readonly<Record<K, number>>): (rng: Rng) => K {
  const keys = Object.keys(weights) as K[];
  const cumulative: number[] = [];
  let total = 0;
  for (const key of keys) {
    total += weights[key];
    cumulative.push(total);
  }
  return (rng) => {
    const roll = rng.next() * total;
    for (let i = 0; i < cumulative.length; i++) if (roll < cumulative[i]!) return keys[i]!;
    return keys[keys.length - 1]!;
  };
}

/** Normal draw (Box-Muller) for log-normal amounts. */
function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

export const logNormal = (rng: Rng, median: number, sigma: number): number =>
  median * Math.exp(sigma * gaussian(rng));

// The known errors planted in the feeds, each one a small function that damages a cell the way a clerk,
// a stale system or a botched merge would, and returns what the truth should record about it.
import {
  CREDIT_CODE_CHARS,
  isValidCreditCode,
  isValidResidentId,
} from '../../foundation/registry/checksums.ts';
import type { Rng } from '../random.ts';
import { type DateStyle, DELIVERY_1, formatDay, formatYmd } from './dates.ts';
import type { ErrorKind, FeedRow, InjectedError } from './sink.ts';

/** Decides which errors a row gets: each kind at its rate, and every kind once early on, so even a
 * small demo carries each kind its source lists. */
export interface Injector {
  roll(kind: ErrorKind): boolean;
}

export function injector(rng: Rng, rates: Partial<Record<ErrorKind, number>>): Injector {
  const seen = new Map<ErrorKind, number>();
  const done = new Set<ErrorKind>();
  const forcedAt = new Map(Object.keys(rates).map((kind) => [kind as ErrorKind, rng.int(2, 40)]));
  return {
    roll(kind) {
      const rate = rates[kind];
      if (rate === undefined) return false;
      const calls = (seen.get(kind) ?? 0) + 1;
      seen.set(kind, calls);
      const hit = (!done.has(kind) && calls >= forcedAt.get(kind)!) || rng.chance(rate);
      if (hit) done.add(kind);
      return hit;
    },
  };
}

/** One digit changed or the check character replaced: the checksum no longer holds. */
export function corruptId(rng: Rng, id: string): string {
  const resident = isValidResidentId(id);
  const alphabet = resident ? '0123456789X' : CREDIT_CODE_CHARS;
  for (;;) {
    const at = rng.chance(0.5) ? 17 : rng.int(0, 16);
    const pool = at === 17 || !resident ? alphabet : '0123456789';
    const replacement = pool[rng.int(0, pool.length - 1)]!;
    const changed = `${id.slice(0, at)}${replacement}${id.slice(at + 1)}`;
    // Invalid as either kind of identifier, so no check can mistake it for a good one.
    if (changed !== id && !isValidResidentId(changed) && !isValidCreditCode(changed)) return changed;
  }
}

/** A date no calendar has: 30 February, 31 April, month 13. */
export function impossibleDate(rng: Rng, style: DateStyle): string {
  const year = rng.int(2015, 2025);
  const [month, day] = rng.pick([
    [2, 30],
    [2, 31],
    [4, 31],
    [6, 31],
    [9, 31],
    [11, 31],
    [13, 5],
  ]);
  return formatYmd({ year, month: month!, day: day! }, style);
}

/** A date after the delivery. */
export function futureDate(rng: Rng, style: DateStyle): string {
  return formatDay(DELIVERY_1 + rng.int(30, 400), style);
}

export const error = (kind: ErrorKind, field: string, detail: string): InjectedError => ({
  kind,
  field,
  detail,
});

/** Damages single cells of a source's rows: `injectCell(row, kind, column, detail, damaged)` rolls `kind`
 * and, only on a hit, writes `damaged()` into the row's `column` and records the error with `detail`. The
 * damaged value is drawn after the roll and only on a hit. Returns whether it hit, so alternative errors
 * chain as `if (!injectCell(…)) injectCell(…)`. */
export const cellInjector =
  (inject: Injector, at: (header: string) => number) =>
  (row: FeedRow, kind: ErrorKind, column: string, detail: string, damaged: () => string): boolean => {
    if (!inject.roll(kind)) return false;
    row.values[at(column)] = damaged();
    row.errors.push(error(kind, column, detail));
    return true;
  };

/** The same row again, errors and all, a few rows to a few thousand later. */
export function duplicateOf(row: FeedRow, number: number): FeedRow {
  return {
    ...row,
    values: [...row.values],
    errors: [...row.errors, error('duplicate-row', '', `row ${number}`)],
  };
}

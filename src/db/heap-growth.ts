// How far V8 lets the old generation grow past what survived a major collection, by engine. The
// database's engine decides where the process's memory goes; one process serves one database.
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { wholeNumberFromEnv } from '../lib/env.ts';

/**
 * PGlite on disk: the database's memory is the process's too, so 30 %, not V8's own up to 4× — the
 * scale-1 feed ingest peaked at 4.2 GB, not 5.2, for 7.6 % more time.
 */
const PGLITE_PERCENT = 30;

/**
 * PostgreSQL server: the old generation may grow to this budget (CITYBRAIN_HEAP_BUDGET_MB). Our
 * JavaScript limits the ingest there, so a fixed small growth costs time (scale 0.1: 30 % took 67 s,
 * V8's own growth 55 s); V8's own growth is bounded by the heap limit only, and once left 4.49 GB
 * resident at scale 1 with under 1 GB of the heap alive.
 */
const DEFAULT_BUDGET_MB = 2048;

/** V8's own growth ranges up to 4× (300 %); below 30 % major collections come too often. */
const MIN_PERCENT = 30;
const MAX_PERCENT = 300;

/** The growth that lets `live` bytes of heap grow to `budget`, from 30 % to 300 %. */
export function growthPercentFor(live: number, budget: number): number {
  if (!(live > 0)) return MAX_PERCENT;
  return Math.min(MAX_PERCENT, Math.max(MIN_PERCENT, Math.floor((budget / live - 1) * 100)));
}

let observer: PerformanceObserver | undefined;

const isMajorCollection = (entry: PerformanceEntry): boolean =>
  (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ===
  perfConstants.NODE_PERFORMANCE_GC_MAJOR;

/**
 * Sets the growth for the engine opened (V8 reads the flag at each collection). On PostgreSQL it is
 * worked out again after each major collection from the heap then in use: the heap stays within its
 * budget while what lives is well under it, and collections stay as rare as the budget allows.
 * In-memory databases (tests) leave V8 alone.
 */
export function heapGrowthFor(engine: 'postgres' | 'pglite', dataDir: string | undefined): void {
  if (engine === 'pglite') {
    if (dataDir === undefined || dataDir.startsWith('memory://')) return;
    observer?.disconnect();
    observer = undefined;
    setFlagsFromString(`--heap-growing-percent=${PGLITE_PERCENT}`);
    return;
  }
  if (observer) return;
  const budget = wholeNumberFromEnv('CITYBRAIN_HEAP_BUDGET_MB', DEFAULT_BUDGET_MB, 64) * 2 ** 20;
  const adjust = () =>
    setFlagsFromString(`--heap-growing-percent=${growthPercentFor(process.memoryUsage().heapUsed, budget)}`);
  adjust();
  observer = new PerformanceObserver((list) => {
    if (list.getEntries().some(isMajorCollection)) adjust();
  });
  observer.observe({ entryTypes: ['gc'] });
}

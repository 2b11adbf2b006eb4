// Feed ingest end to end on one engine: the demo's areas and addresses, then every department feed
// through `ingestFeed` (the function `citybrain ingest` calls), delivery by delivery. Prints rows/s per
// stage, the ratio to a plain COPY of the same rows, the linking of identifier-less records against
// the truth, the quality checks against the injected errors, and the peak memory of the process.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FEED_TRUTH, type FeedFileEntry, type FeedsManifest } from '../src/demo/feeds/generate.ts';
import { ingestDemoFeeds } from '../src/demo/feeds/ingest.ts';
import { type LinkScore, scoreLinks } from '../src/demo/feeds/score-links.ts';
import { DEMO_FILES } from '../src/demo/generate.ts';
import { systemCtx } from '../src/foundation/access/context.ts';
import { importAddresses } from '../src/foundation/address/import.ts';
import { importAreas } from '../src/foundation/areas/import.ts';
import type { IngestSummary } from '../src/foundation/fusion/ingest.ts';
import { scoreAgainstTruth, type TruthScore } from '../src/foundation/quality/truth.ts';
import { csvRecords } from '../src/lib/csv.ts';
import { fmt, table } from '../src/lib/table.ts';
import { decodeText } from '../src/lib/text.ts';
import type { BenchDb } from './engines.ts';

export interface FeedTiming {
  file: FeedFileEntry;
  ms: number;
  summary: IngestSummary;
}

export interface FusionBench {
  engine: string;
  rows: number;
  ingestSeconds: number;
  files: FeedTiming[];
  /** Seconds per stage, summed over the files. */
  stages: IngestSummary['timingsMs'];
  copySeconds: number;
  links: LinkScore;
  quality: TruthScore;
  peakRssMb: number;
}

export async function benchFusion(
  bench: BenchDb,
  demoDir: string,
  feeds: FeedsManifest,
): Promise<FusionBench> {
  const ctx = systemCtx(bench.db);
  const areas = await importAreas(ctx, join(demoDir, DEMO_FILES.areas));
  if (areas.status !== 'succeeded') throw new Error(`areas import failed: ${areas.problems[0]?.reason}`);
  const addresses = await importAddresses(ctx, join(demoDir, DEMO_FILES.addresses));
  if (addresses.status !== 'succeeded') throw new Error('address import failed');

  const memory = peakRss();
  const files: FeedTiming[] = [];
  const started = performance.now();
  await ingestDemoFeeds(ctx, demoDir, feeds, {
    onFile: (file, i, of) =>
      console.error(`  [${i + 1}/${of}] ${file.file} (${file.rows.toLocaleString('en')} rows)…`),
    onDone: (file, summary, ms) => files.push({ file, ms, summary }),
  });
  const ingestSeconds = (performance.now() - started) / 1000;
  const peakRssMb = memory.stop();

  const stages = { read: 0, copy: 0, merge: 0, resolve: 0, review: 0 };
  for (const f of files)
    for (const key of Object.keys(stages) as (keyof typeof stages)[]) stages[key] += f.summary.timingsMs[key];

  console.error('  scoring the links and the quality checks against the truth…');
  const links = await scoreLinks(bench.db, demoDir);
  const quality = await scoreAgainstTruth(ctx, join(demoDir, FEED_TRUTH.dir));
  console.error('  plain COPY of the same rows…');
  const copySeconds = await plainCopy(bench, demoDir, feeds);
  return {
    engine: bench.engine,
    rows: files.reduce((n, f) => n + f.summary.total, 0),
    ingestSeconds,
    files,
    stages,
    copySeconds,
    links,
    quality,
    peakRssMb,
  };
}

/** The feed files decoded (untimed), then COPYed into unindexed text tables (timed): the floor. */
async function plainCopy(bench: BenchDb, demoDir: string, feeds: FeedsManifest): Promise<number> {
  let ms = 0;
  for (const [i, file] of feeds.files.entries()) {
    const { text } = decodeText(await readFile(join(demoDir, 'feeds', file.file)), file.file);
    const header = csvRecords(text.slice(0, text.indexOf('\n') + 1)).next().value as string[];
    const table = `bench_plain_feed_${i}`;
    await bench.db.exec(`CREATE TABLE ${table} (${header.map((_, c) => `c${c} text`).join(', ')})`);
    const t0 = performance.now();
    await bench.db.copyFrom(`COPY ${table} FROM STDIN WITH (FORMAT csv, HEADER true)`, text);
    ms += performance.now() - t0;
  }
  return ms / 1000;
}

/** The largest resident set seen, sampled every 100 ms (PGlite's WASM heap is in it too). */
function peakRss(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss()) / 2 ** 20;
    },
  };
}

const pct = (x: number, digits = 2) => `${fmt(100 * x, digits)}%`;

/** The tables `npm run bench` prints for one engine's run. */
export function fusionTables(r: FusionBench, targets: { ingestMinutes: number }): string[] {
  const perFile = table(
    [
      'feed file',
      'rows',
      'seconds',
      'rows/s',
      'rejected',
      'new·changed·unchanged records',
      'links exact·probable·new·review',
    ],
    r.files.map((f) => {
      const s = f.summary;
      return [
        f.file.file,
        fmt(s.total),
        fmt(f.ms / 1000, 1),
        fmt(s.total / (f.ms / 1000)),
        fmt(s.rejected),
        [s.records.new, s.records.changed, s.records.unchanged].map((n) => fmt(n)).join('·'),
        [s.links.exact, s.links.probable, s.links.new, s.links.review].map((n) => fmt(n)).join('·'),
      ];
    }),
  );
  const rate = (ms: number) => (ms > 0 ? fmt(r.rows / (ms / 1000)) : '—');
  const s = r.stages;
  const stages = table(
    [
      `feed ingest on ${r.engine}`,
      'rows',
      'minutes',
      'rows/s',
      'read·match·link rows/s',
      'waits for COPY rows/s',
      'merge rows/s',
      'resolve rows/s',
      'review rows/s',
      'plain COPY rows/s',
      'ingest ÷ COPY',
      'peak RSS',
      'target',
    ],
    [
      [
        'all feeds, delivery by delivery',
        fmt(r.rows),
        fmt(r.ingestSeconds / 60, 1),
        fmt(r.rows / r.ingestSeconds),
        rate(s.read),
        rate(s.copy),
        rate(s.merge),
        rate(s.resolve),
        rate(s.review),
        fmt(r.rows / r.copySeconds),
        `${fmt(r.ingestSeconds / r.copySeconds, 0)}× slower`,
        `${fmt(r.peakRssMb / 1024, 2)} GB`,
        `≤ ${targets.ingestMinutes} min, < 4 GB`,
      ],
    ],
  );
  const l = r.links;
  const links = table(
    [
      'linking without an ID (vs truth)',
      'scored',
      'linked',
      'linked right',
      'findable',
      'in their entity',
      'in review',
      'apart, wrongly',
      'precision',
      'recall',
      'target',
    ],
    [
      [
        r.engine,
        fmt(l.scored),
        fmt(l.linked),
        fmt(l.correct),
        fmt(l.findable),
        fmt(l.found),
        fmt(l.inReview),
        fmt(l.wronglyNew),
        pct(l.precision, 3),
        pct(l.recall),
        '≥ 99.5%, ≥ 98%',
      ],
    ],
  );
  const q = r.quality;
  const quality = table(
    ['injected errors found by quality checks', 'injected', 'found', 'missed', 'not ingested', 'target'],
    [
      [
        'all sources',
        fmt(q.injected),
        fmt(q.found),
        fmt(q.injected - q.found - q.notIngested),
        fmt(q.notIngested),
        'all',
      ],
      ...q.kinds
        .filter((k) => k.found < k.injected)
        .map((k) => [
          `  missed: ${k.source} ${k.kind}`,
          fmt(k.injected),
          fmt(k.found),
          fmt(k.injected - k.found),
          '',
          '',
        ]),
    ],
  );
  return [perFile, stages, links, quality];
}

// Ingests every feed file the demo wrote, delivery by delivery (the first delivery of every source,
// then the second), each through `ingestFeed` — the function `citybrain ingest` calls. Used by
// `citybrain demo` and the fusion benchmark.
import { join } from 'node:path';
import type { Ctx } from '../../foundation/access/context.ts';
import {
  type IngestPhase,
  type IngestSummary,
  type IngestTuning,
  ingestFeed,
} from '../../foundation/fusion/ingest.ts';
import type { FeedFileEntry, FeedsManifest } from './generate.ts';

export interface DemoFeedHooks {
  /** Before each file. */
  onFile?: ((file: FeedFileEntry, index: number, of: number) => void) | undefined;
  /** Data rows of the current file read so far. */
  onProgress?: ((rows: number) => void) | undefined;
  onPhase?: ((phase: IngestPhase) => void) | undefined;
  /** After each file, with its summary and the wall time it took. */
  onDone?: ((file: FeedFileEntry, summary: IngestSummary, ms: number) => void) | undefined;
  /** Batch sizes of every file's ingest (tests). */
  tuning?: Partial<IngestTuning> | undefined;
}

/** The files in the order a bureau receives them: by delivery date, then in the manifest's source order. */
export function deliveryOrder(feeds: FeedsManifest): FeedFileEntry[] {
  return [...feeds.files].sort((a, b) => a.delivery.localeCompare(b.delivery));
}

/** `outDir` is the demo's folder (feeds under `feeds/`). Re-running skips files ingested before. */
export async function ingestDemoFeeds(
  ctx: Ctx,
  outDir: string,
  feeds: FeedsManifest,
  hooks: DemoFeedHooks = {},
): Promise<IngestSummary[]> {
  const files = deliveryOrder(feeds);
  const summaries: IngestSummary[] = [];
  for (const [i, file] of files.entries()) {
    hooks.onFile?.(file, i, files.length);
    const started = performance.now();
    const summary = await ingestFeed(ctx, file.source, join(outDir, 'feeds', file.file), {
      fileName: file.file,
      onProgress: hooks.onProgress,
      onPhase: hooks.onPhase,
      tuning: hooks.tuning,
    });
    hooks.onDone?.(file, summary, performance.now() - started);
    summaries.push(summary);
  }
  return summaries;
}

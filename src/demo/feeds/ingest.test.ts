// The demo's department feeds end to end at a small scale: generated, ingested delivery by delivery
// through the real pipeline, then judged against the truth the generator wrote — links of records
// without an ID, and the quality checks against every injected error.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/db.ts';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import { systemCtx } from '../../foundation/access/context.ts';
import { importAddresses } from '../../foundation/address/import.ts';
import { importAreas } from '../../foundation/areas/import.ts';
import type { IngestSummary } from '../../foundation/fusion/ingest.ts';
import { scoreAgainstTruth } from '../../foundation/quality/truth.ts';
import { ENTITIES } from '../../foundation/registry/model.ts';
import { resolveEntities } from '../../foundation/registry/resolve.ts';
import { DEMO_FILES, type DemoManifest, generateDemo } from '../generate.ts';
import { FEED_TRUTH } from './generate.ts';
import { deliveryOrder, ingestDemoFeeds } from './ingest.ts';
import { scoreLinks } from './score-links.ts';

/** Every registry row and conflict, without the times they were written. */
async function registrySnapshot(db: Db): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  for (const { table } of Object.values(ENTITIES))
    snapshot[table] = await db.query(
      `SELECT to_jsonb(t) - 'created_at' - 'updated_at' AS row FROM ${table} t ORDER BY district_id, id`,
    );
  snapshot.registry_conflicts = await db.query(
    `SELECT entity_kind, entity_id::text, field, claims, winner_record_id::text, resolved_at IS NULL AS open
       FROM registry_conflicts ORDER BY entity_kind, entity_id, field`,
  );
  return snapshot;
}

describe(`the demo feeds through the ingest on ${testEngine}`, () => {
  let dir: string;
  let t: TestDb;
  let db: Db;
  let manifest: DemoManifest;
  let summaries: IngestSummary[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'citybrain-demo-feeds-'));
    manifest = await generateDemo({ seed: 4, scale: 0.01, outDir: dir });
    t = await createTestDb();
    db = t.db;
    const ctx = systemCtx(db);
    await importAreas(ctx, join(dir, DEMO_FILES.areas));
    await importAddresses(ctx, join(dir, DEMO_FILES.addresses));
    summaries = await ingestDemoFeeds(ctx, dir, manifest.feeds);
  }, 300_000);
  afterAll(async () => {
    await t?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('ingests every file, first deliveries before second ones', () => {
    expect(summaries.map((s) => s.status)).toEqual(manifest.feeds.files.map(() => 'succeeded'));
    const order = deliveryOrder(manifest.feeds).map((f) => f.delivery);
    expect(order).toEqual([...order].sort());
    expect(summaries.reduce((n, s) => n + s.total, 0)).toBe(manifest.feeds.rows);
  });

  it('links records without an ID to the right entity', async () => {
    const score = await scoreLinks(db, dir);
    expect(score.scored).toBeGreaterThan(1_000);
    expect(score.precision).toBeGreaterThanOrEqual(0.995);
    expect(score.recall).toBeGreaterThanOrEqual(0.97);
  });

  it('finds every injected error', async () => {
    const score = await scoreAgainstTruth(systemCtx(db), join(dir, FEED_TRUTH.dir));
    expect(score.notIngested).toBe(0);
    expect(new Set(score.kinds.map((k) => k.kind))).toEqual(
      new Set([
        'bad-checksum',
        'missing-id',
        'impossible-date',
        'future-date',
        'duplicate-row',
        'duplicate-entity',
        'contradiction',
        'stale',
      ]),
    );
    for (const k of score.kinds)
      expect({ source: k.source, kind: k.kind, missed: k.missed }).toEqual({
        source: k.source,
        kind: k.kind,
        missed: [],
      });
    expect(score.found).toBe(score.injected);
  });

  it('holds the registry rows that resolving every entity anew gives', async () => {
    // Rows built by the server (created entities of one record) and by our code (the others) alike.
    const counts = await db.transaction(async (tx) => {
      const [district] = await tx.query<{ id: string }>(`SELECT id FROM areas WHERE level = 'district'`);
      const entities = await tx.query<{ kind: string; id: string }>(
        `SELECT DISTINCT entity_kind AS kind, entity_id::text AS id FROM source_records WHERE entity_id IS NOT NULL`,
      );
      expect(entities.length).toBeGreaterThan(10_000);
      return resolveEntities(tx, district!.id, entities);
    });
    expect(counts).toEqual({ inserted: 0, updated: 0, deleted: 0, conflictsOpened: 0, conflictsClosed: 0 });
  });

  it('resolves entities while reading as it would after the merge', async () => {
    // Small COPYs, and every entity ready resolved at once: most are resolved while reading, and
    // many again after a later row or the merge touched them.
    const other = await createTestDb();
    try {
      const ctx = systemCtx(other.db);
      await importAreas(ctx, join(dir, DEMO_FILES.areas));
      await importAddresses(ctx, join(dir, DEMO_FILES.addresses));
      const early = await ingestDemoFeeds(ctx, dir, manifest.feeds, {
        tuning: { flushEveryRows: 40, resolveEarlyAt: 1 },
      });
      const whileReading = (s: IngestSummary[]) => s.reduce((n, x) => n + x.registry.resolvedWhileReading, 0);
      expect(whileReading(early)).toBeGreaterThan(whileReading(summaries));
      expect(await registrySnapshot(other.db)).toEqual(await registrySnapshot(db));
    } finally {
      await other.destroy();
    }
  }, 300_000);

  it('changes nothing when the same files come again', async () => {
    const again = await ingestDemoFeeds(systemCtx(db), dir, manifest.feeds);
    expect(again.every((s) => s.alreadyIngested !== null)).toBe(true);
  });
});

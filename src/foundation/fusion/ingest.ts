// `citybrain ingest SOURCE FILE`: one department feed into the registries, in one transaction.
//   1. hash the file; the source's latest feed (or one of the same date) had these bytes and mapping → nothing to do;
//   2. stream rows: map and check each (rows.ts), standardise addresses with the matcher (memoised
//      per text), link each record to its entity (linking.ts, in memory), classify it against the
//      version held and COPY it (stage.ts: new records straight in, changed ones through staging);
//   3. resolve the touched entities (registry/resolve.ts; the entities this run created are copied
//      straight into their registry, with no upsert): those only new records touched while the file
//      is still read, beside it (touched.ts), the others after the merge;
//   4. queue the uncertain addresses of new and changed records for review; log the feed.
// A process killed at any point leaves the database as it was (the run stays 'running' in the log).
import { dataVersion } from '../../db/data-versions.ts';
import type { Db } from '../../db/db.ts';
import { sentAhead, yieldToIo } from '../../db/pipeline.ts';
import { invalidInput } from '../../lib/errors.ts';
import { audit, type Ctx, requirePermission } from '../access/context.ts';
import { currentMatchIndex, type MatchIndex } from '../address/match/index.ts';
import { type MatchResult, matchAddress } from '../address/match/match.ts';
import { enqueueForReview, needsReview } from '../address/match/review.ts';
import { loadLocator } from '../areas/locator.ts';
import {
  emptyCounts,
  failImport,
  finishImport,
  type ImportCounts,
  type ImportProblem,
  type ImportSummary,
  recordProblems,
  startImport,
} from '../imports/runs.ts';
import { ENTITIES, type EntityKind, mappedIdentifiers } from '../registry/model.ts';
import { emptyResolveCounts, Resolution, type ResolveCounts } from '../registry/resolve.ts';
import { readDrafts } from './drafts.ts';
import { cachedLinker, dropLinker, keepLinker, type Linker, type LinkStatus } from './linking.ts';
import { loadSources, type SourceMapping, sourceMapping } from './mapping.ts';
import { type PendingAddress, rememberPendingAddresses } from './pending-addresses.ts';
import { type FeedFile, inspectFeedFile } from './reader.ts';
import type { RowDraft } from './rows.ts';
import { type MergeResult, RecordSink, type StagedRecord } from './stage.ts';
import { isRealDate, shanghaiDate, type Value } from './values.ts';

export type IngestPhase = 'reading' | 'merging' | 'resolving' | 'reviewing';

export interface IngestOptions {
  /**
   * When the department produced the file: the recency of rows without a date of their own. Default:
   * a date stamped at the end of the file name (`_20261031.csv`), else now.
   */
  deliveredAt?: Date | undefined;
  /** Ingest even when the source's latest feed had these very bytes under the same mapping. */
  force?: boolean | undefined;
  /** The name the log and problems show (an upload's original name); default the path. */
  fileName?: string | undefined;
  /** The registry district; default the only district of the area tree. */
  districtId?: string | undefined;
  /** Data rows read so far, every few thousand rows and at the end. */
  onProgress?: ((rows: number) => void) | undefined;
  onPhase?: ((phase: IngestPhase) => void) | undefined;
  /** Batch sizes, which tests make small so that every path runs on a few rows. */
  tuning?: Partial<IngestTuning> | undefined;
}

export interface IngestTuning {
  /** Rows staged per COPY: enough for each COPY to pay, a few in flight while the next rows are read. */
  flushEveryRows: number;
  /** The fewest entities ready that are added to resolution while reading (Infinity: none, PGlite's default). */
  resolveEarlyAt: number;
}

const TUNING: IngestTuning = { flushEveryRows: 5_000, resolveEarlyAt: 5_000 };

export interface IngestSummary extends ImportSummary {
  source: string;
  deliveredAt: string;
  /** The earlier feed with the same bytes and mapping, when nothing was done. */
  alreadyIngested: string | null;
  records: MergeResult['records'];
  links: Record<LinkStatus, number>;
  addresses: { matched: number; review: number; unmatched: number };
  /** Registry rows written; `resolvedWhileReading`: entities resolved before the merge (some again after it). */
  registry: ResolveCounts & { resolvedWhileReading: number };
  timingsMs: { read: number; copy: number; merge: number; resolve: number; review: number };
}

/** Rows staged between two looks at the connection, so the COPY in flight keeps going. */
const YIELD_EVERY_ROWS = 500;
/** COPYs of staged rows sent and not yet done, at most: a few MB of text each. */
const COPIES_IN_FLIGHT = 3;
// Any constant: one ingest at a time per PostgreSQL database (entity creation must not race).
export const INGEST_LOCK = 4403_0401;

/** Ingests one file of a source, by name (from the mapping folders) or an already loaded mapping. */
export async function ingestFeed(
  ctx: Ctx,
  source: string | SourceMapping,
  path: string,
  options: IngestOptions = {},
): Promise<IngestSummary> {
  requirePermission(ctx, 'feeds:write');
  const mapping = typeof source === 'string' ? sourceMapping(loadSources(), source) : source;
  const file = await inspectFeedFile(path, mapping.encoding, options.fileName ?? path);
  const districtId = options.districtId ?? (await onlyDistrict(ctx.db));
  const deliveredAt = options.deliveredAt ?? dateInFileName(file.name) ?? new Date();

  if (!options.force) {
    const earlier = await earlierFeed(ctx.db, mapping, file, deliveredAt);
    if (earlier) return earlier;
  }

  const importId = await startImport(ctx, `feed:${mapping.source}`, file.name, file);
  const counts = emptyCounts();
  try {
    // The matching index is cached per database: build it on the root connection, outside the transaction.
    const index = hasAddresses(mapping) ? await currentMatchIndex(ctx.db) : null;
    const done = await ctx.db.bulkTransaction((tx) =>
      runIngest(
        { ...ctx, db: tx },
        { root: ctx.db, mapping, file, importId, districtId, deliveredAt, index, counts, options },
      ),
    );
    keepLinker(ctx.db, done.linker, done.version);
    return done.summary;
  } catch (error) {
    dropLinker(ctx.db);
    // The data rolled back; the run keeps its failure (and, for a refused file, where it failed).
    await failImport(ctx.db, importId, counts, error);
    throw error;
  }
}

/** `rental_20261031.csv` → 2026-10-31 00:00 in Shenzhen: deliveries are commonly stamped so. */
export function dateInFileName(name: string): Date | undefined {
  const m = /(?:^|[_\-.])(\d{4})(\d{2})(\d{2})(?=\.[^./\\]*$|$)/.exec(name);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isRealDate(y, mo, d)) return undefined;
  return new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00+08:00`);
}

async function onlyDistrict(db: Db): Promise<string> {
  const rows = await db.query<{ id: string }>(`SELECT id FROM areas WHERE level = 'district' ORDER BY id`);
  if (rows.length === 1) return rows[0]!.id;
  throw invalidInput(
    rows.length === 0
      ? 'no district in the area tree: import the areas first (citybrain areas import)'
      : `the area tree has ${rows.length} districts (${rows.map((r) => r.id).join(', ')}): name the district of the feed`,
  );
}

function hasAddresses(mapping: SourceMapping): boolean {
  return mapping.targets.some((t) => t.fields.some((f) => f.def.type === 'address'));
}

/**
 * The feed that already brought these very bytes under this mapping: the source's latest one, or an
 * earlier one of the same delivery date (a re-run after a newer delivery). An older snapshot sent
 * again with a new date is not skipped: it lists again what the newer one had retired.
 */
async function earlierFeed(
  db: Db,
  mapping: SourceMapping,
  file: FeedFile,
  deliveredAt: Date,
): Promise<IngestSummary | null> {
  const [row] = await db.query<{
    id: string;
    delivered_at: Date | string;
    rows_total: number;
    rows_rejected: number;
    records: number;
  }>(
    `SELECT id::text, delivered_at, rows_total, rows_rejected,
            records_new + records_changed + records_unchanged + records_stale AS records
       FROM feeds WHERE source = $1 AND file_sha256 = $2 AND mapping_sha256 = $3
        AND (delivered_at = $4 OR id = (SELECT max(id) FROM feeds WHERE source = $1))
      ORDER BY id DESC LIMIT 1`,
    [mapping.source, file.sha256, mapping.sha256, deliveredAt.toISOString()],
  );
  if (!row) return null;
  return {
    ...emptyCounts(),
    total: row.rows_total,
    unchanged: row.rows_total - row.rows_rejected,
    rejected: row.rows_rejected,
    importId: row.id,
    file: file.name,
    encoding: file.encoding,
    status: 'succeeded',
    problems: [],
    source: mapping.source,
    deliveredAt: new Date(row.delivered_at).toISOString(),
    alreadyIngested: row.id,
    records: { new: 0, changed: 0, unchanged: row.records, stale: 0, duplicate: 0, retired: 0 },
    links: emptyLinks(),
    addresses: { matched: 0, review: 0, unmatched: 0 },
    registry: { ...emptyResolveCounts(), resolvedWhileReading: 0 },
    timingsMs: { read: 0, copy: 0, merge: 0, resolve: 0, review: 0 },
  };
}

const emptyLinks = (): Record<LinkStatus, number> => ({
  exact: 0,
  probable: 0,
  new: 0,
  review: 0,
  unlinked: 0,
  confirmed: 0,
});

interface Run {
  /** The database outside the transaction: what caches are kept for. */
  root: Db;
  mapping: SourceMapping;
  file: FeedFile;
  importId: string;
  districtId: string;
  deliveredAt: Date;
  index: MatchIndex | null;
  counts: ImportCounts;
  options: IngestOptions;
}

/** What the matcher said about one text, kept small: millions of rows share far fewer texts. */
interface AddressAnswer {
  addressId: string | null;
  review: boolean;
}

async function runIngest(
  ctx: Ctx,
  run: Run,
): Promise<{ summary: IngestSummary; linker: Linker; version: string }> {
  const { db } = ctx;
  const { mapping, file, importId, districtId, counts, options } = run;
  // PGlite's database works in a thread of this process, already busy beside the reading: resolving
  // while reading made the scale-0.1 demo feeds slower there (112.8 s, not 102.6), so it waits.
  const tuning = { ...TUNING, ...(db.kind === 'pglite' && { resolveEarlyAt: Infinity }), ...options.tuning };
  const timingsMs = { read: 0, copy: 0, merge: 0, resolve: 0, review: 0 };
  let started = performance.now();
  options.onPhase?.('reading');
  if (db.kind === 'postgres') await db.query('SELECT pg_advisory_xact_lock($1)', [INGEST_LOCK]);
  await saveSource(db, mapping);

  const kinds = new Set<EntityKind>(mapping.targets.map((t) => t.entity));
  const ids = idPool(db, 'registry_entity_ids');
  const recordIds = idPool(db, 'source_record_ids');
  const buildingOf = buildingLookup(run.index);
  const secondary = new Map<EntityKind, string[]>();
  for (const t of mapping.targets)
    if (t.linkOn) secondary.set(t.entity, [...(secondary.get(t.entity) ?? []), t.linkOn]);
  const version = await dataVersion(db, 'registry');
  const linker = cachedLinker(run.root, version, { buildingOf, takeId: ids.take });
  await linker.ensure(db, districtId, kinds, secondary);
  const resolution = await Resolution.start(db, districtId);
  const sink = await RecordSink.open(
    db,
    {
      districtId,
      source: mapping.source,
      feedId: importId,
      snapshot: mapping.delivery === 'snapshot',
      deliveredAt: run.deliveredAt.toISOString(),
      fileSha256: file.sha256,
    },
    recordIds.take,
  );
  const grids = new Set(
    (await db.query<{ id: string }>(`SELECT id FROM areas WHERE level = 'grid'`)).map((r) => r.id),
  );
  // Components come with a point: their grid is found from it unless the row names one.
  const locator = mapping.targets.some((t) => t.fields.some((f) => f.def.type === 'point'))
    ? await loadLocator(db)
    : null;
  const drafts = await readDrafts(file, mapping, {
    file: file.name,
    deliveredOn: shanghaiDate(run.deliveredAt),
    grids,
  });

  const problems: ImportProblem[] = [];
  const links = emptyLinks();
  const addresses = { matched: 0, review: 0, unmatched: 0 };
  const answers = new Map<string, AddressAnswer>();
  /** Entities this run created: resolution copies them straight into their registry. */
  const fresh = new Set<number>();
  /** Unmatched cells waiting for review, by record and field: they take the address once it is confirmed. */
  const pending = new Map<string, PendingAddress>();
  /** Uncertain texts → the rows that used them, for the review queue after the merge. */
  const uncertain = new Map<string, number[]>();
  const deliveredIso = run.deliveredAt.toISOString();
  /** Per target, the national identifiers it reads from a column: a record without one is incomplete. */
  const identifiers = new Map(mapping.targets.map((t) => [t.name, mappedIdentifiers(t.entity, t.fields)]));
  /** Per target, the fields compared when linking and then dropped (link_only). */
  const linkOnly = new Map(
    mapping.targets.map((t) => [t.name, new Set(t.fields.filter((f) => f.linkOnly).map((f) => f.field))]),
  );

  const answer = (text: string): AddressAnswer => {
    let a = answers.get(text);
    if (!a) {
      const result = matchAddress(run.index!, text);
      a = { addressId: result.status === 'matched' ? result.address_id : null, review: needsReview(result) };
      answers.set(text, a);
    }
    return a;
  };

  const stage = (draft: RowDraft): void => {
    const entityOf = new Map<string, number | null>();
    /** The earlier row this one repeats, while each of its records says the same as an earlier row's. */
    let repeatOf: number | undefined;
    let says = false;
    const observedAt = draft.observedOn ? `${draft.observedOn}T00:00:00+08:00` : deliveredIso;
    for (const t of draft.targets) {
      const target = t.target.mapping;
      // The draft's own values: a draft is staged once, then dropped.
      const values = t.values;
      // Link-only fields: compared when linking, then neither kept nor queued for review.
      const linkOnlyFields = linkOnly.get(target.name)!;
      const evidence: Record<string, Value> = {};
      for (const field of linkOnlyFields)
        if (values[field] !== undefined) {
          evidence[field] = values[field];
          delete values[field];
        }
      let texts: Record<string, string> | null = null;
      let unmatched: Record<string, string> | null = null;
      const waiting: { field: string; text: string }[] = [];
      let rowUncertain = false;
      for (const cell of t.addresses) {
        // A code of the library is taken as is; otherwise the text is matched.
        const known = cell.code !== '' && buildingOf(cell.code) !== undefined;
        const a: AddressAnswer = known
          ? { addressId: cell.code, review: false }
          : cell.text === ''
            ? { addressId: null, review: false }
            : answer(cell.text);
        if (linkOnlyFields.has(cell.field)) {
          if (a.addressId) evidence[cell.field] = a.addressId;
          continue;
        }
        texts ??= {};
        texts[cell.field] = cell.text || cell.code;
        if (cell.code !== '' && !known && cell.text !== '')
          problems.push({
            severity: 'warning',
            file: file.name,
            row: draft.rowNumber,
            field: cell.field,
            reason: `${target.name}.${cell.field}: code ${cell.code} is not in the address library; the text was matched instead`,
          });
        if (a.addressId) {
          values[cell.field] = a.addressId;
          addresses.matched += 1;
        } else {
          addresses.unmatched += 1;
          unmatched ??= {};
          unmatched[cell.field] = cell.text;
        }
        if (a.review) {
          addresses.review += 1;
          rowUncertain = true;
          if (!a.addressId) waiting.push({ field: cell.field, text: cell.text });
          const rows = uncertain.get(cell.text);
          if (rows) rows.push(draft.rowNumber);
          else uncertain.set(cell.text, [draft.rowNumber]);
        }
      }
      for (const ref of t.refs) {
        const id = ref.targets.map((name) => entityOf.get(name)).find((e) => e !== undefined && e !== null);
        if (id === undefined || id === null) continue;
        values[ref.field] = ENTITIES[target.entity].fields[ref.field]?.union ? [id] : id;
      }
      const kind = target.entity;
      if (target.lookup) {
        entityOf.set(target.name, linker.find(kind, values, target.linkOn) ?? null);
        continue;
      }
      if (locator && Array.isArray(values.location) && values.grid_id === undefined) {
        const [lng, lat] = values.location as number[];
        const grid = locator.locateArea(lng!, lat!);
        if (grid?.level === 'grid') values.grid_id = grid.id;
      }
      const result = linker.link(kind, values, sink.priorEntity(target.name, t.key), target.linkOn, evidence);
      links[result.status] += 1;
      entityOf.set(target.name, result.entityId);
      if (result.status === 'new' && result.entityId !== null) fresh.add(result.entityId);
      const record: StagedRecord = {
        rowNumber: draft.rowNumber,
        target: target.name,
        recordKey: t.key,
        entityKind: kind,
        entityId: result.entityId,
        status: result.status,
        link: result.link,
        fields: JSON.stringify(values),
        texts: texts && JSON.stringify(texts),
        unmatchedTexts: unmatched && JSON.stringify(unmatched),
        observedAt,
        uncertain: rowUncertain,
        lacksIdentifier: identifiers.get(target.name)!.some((f) => values[f] === undefined),
      };
      const added = sink.add(record);
      // Records shared by many rows (a household) name its first row: the row repeated is the latest named.
      if (added.state === 'repeat' && added.of !== undefined) repeatOf = Math.max(repeatOf ?? 0, added.of);
      else says = true;
      if (added.state === 'new' || added.state === 'changed' || added.state === 'replace') {
        for (const w of waiting) pending.set(`${added.id}|${w.field}`, { recordId: added.id, ...w });
      }
    }
    // A row the export lists again, as it was or written differently (spacing, brackets, the same
    // room spelled another way): every record it makes is one an earlier row made already.
    if (!says && repeatOf !== undefined)
      problems.push({
        severity: 'warning',
        file: file.name,
        row: draft.rowNumber,
        reason: `repeats row ${repeatOf}: the same records`,
      });
  };

  // The COPY of a flush runs while the next rows are read, matched and linked (see db/pipeline.ts),
  // a few in flight: on the connection they take turns with resolution's statements, and the
  // reading should not wait for those. `copy` times only the waits the overlap did not hide.
  const copies: Promise<void>[] = [];
  const waitForCopies = async (inFlight: number) => {
    const waitStarted = performance.now();
    while (copies.length > inFlight) await copies.shift();
    timingsMs.copy += performance.now() - waitStarted;
  };
  // Resolution while reading: the entities ready are added while few batches wait.
  let resolvedWhileReading = 0;
  const resolveEarly = () => {
    if (resolution.queued > 1) return;
    const ready = sink.takeReady(tuning.resolveEarlyAt);
    if (!ready) return;
    // Created by this run: copied straight in now; touched again later, upserted after the merge.
    const created = new Set<number>();
    for (const entityIds of ready.values()) {
      for (const id of entityIds) if (fresh.delete(id)) created.add(id);
      resolvedWhileReading += entityIds.length;
    }
    resolution.add(ready, created);
  };
  let staged = 0;
  const flush = async () => {
    await waitForCopies(COPIES_IN_FLIGHT - 1);
    copies.push(sentAhead(sink.flush()));
    staged = 0;
    // Flushes before this one are written: their entities may be ready.
    resolveEarly();
  };
  const stageBatch = async (batch: RowDraft[]) => {
    await ids.ensure(batch.length * mapping.targets.length);
    await recordIds.ensure(batch.length * mapping.targets.length);
    for (const [i, draft] of batch.entries()) {
      if (i % YIELD_EVERY_ROWS === 0) await yieldToIo();
      counts.total = draft.rowNumber;
      for (const p of draft.problems) problems.push(p);
      if (draft.rejected) {
        counts.rejected += 1;
        if (mapping.delivery === 'snapshot') sink.listRejected(draft.keys);
        continue;
      }
      stage(draft);
    }
    staged += batch.length;
    if (staged >= tuning.flushEveryRows) {
      await flush();
      options.onProgress?.(counts.total);
    }
  };

  for await (const batch of drafts) await stageBatch(batch);
  await flush();
  options.onProgress?.(counts.total);
  await waitForCopies(0);
  timingsMs.read = performance.now() - started - timingsMs.copy;

  options.onPhase?.('merging');
  started = performance.now();
  const merged = await sink.merge();
  for (const c of merged.contradictions)
    problems.push({
      severity: 'warning',
      file: file.name,
      row: c.row,
      ...(c.fields.length > 0 && { field: c.fields.join(',') }),
      reason: `${c.target}: row ${c.keptRow} has the same key and says otherwise${c.fields.length > 0 ? ` (${c.fields.join(', ')})` : ''}; row ${c.keptRow} is kept`,
    });
  for (const s of merged.stale)
    problems.push({
      severity: 'warning',
      file: file.name,
      row: s.row,
      reason: `${s.target}: older than the version already held (as of ${s.heldAsOf}); kept as history only`,
    });
  timingsMs.merge = performance.now() - started;

  options.onPhase?.('resolving');
  started = performance.now();
  resolution.add(merged.touched, fresh);
  const registry = { ...(await resolution.finish()), resolvedWhileReading };
  timingsMs.resolve = performance.now() - started;

  options.onPhase?.('reviewing');
  started = performance.now();
  for (const [text, rows] of uncertain) {
    if (!rows.some((r) => merged.reviewRows.has(r))) continue;
    const result: MatchResult = matchAddress(run.index!, text);
    await enqueueForReview(ctx, text, result, `feed:${mapping.source}`);
  }
  await rememberPendingAddresses(db, districtId, [...pending.values()]);
  timingsMs.review = performance.now() - started;

  problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  counts.inserted = merged.rows.inserted;
  counts.updated = merged.rows.updated;
  counts.unchanged = counts.total - counts.rejected - counts.inserted - counts.updated;
  counts.warnings = problems.filter((p) => p.severity === 'warning').length;
  await recordProblems(db, importId, problems);
  await db.query(
    `INSERT INTO feeds (id, district_id, source, file_name, file_sha256, mapping_sha256, delivered_at, rows_total,
                        rows_rejected, records_new, records_changed, records_unchanged, records_stale, records_retired)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      importId,
      districtId,
      mapping.source,
      file.name,
      file.sha256,
      mapping.sha256,
      deliveredIso,
      counts.total,
      counts.rejected,
      merged.records.new,
      merged.records.changed,
      merged.records.unchanged,
      merged.records.stale,
      merged.records.retired,
    ],
  );
  await audit(
    ctx,
    'feeds.ingest',
    { kind: 'feed', id: importId },
    { source: mapping.source, file: file.name, ...counts },
  );
  await finishImport(db, importId, 'succeeded', counts);
  const changedRecords = merged.records.new + merged.records.changed + merged.records.retired;
  const [bumped] = changedRecords
    ? await db.query<{ version: string }>(
        `UPDATE data_versions SET version = version + 1, changed_at = now() WHERE name = 'registry' RETURNING version::text`,
      )
    : [{ version }];
  const summary: IngestSummary = {
    ...counts,
    importId,
    file: file.name,
    encoding: file.encoding,
    status: 'succeeded',
    problems,
    source: mapping.source,
    deliveredAt: deliveredIso,
    alreadyIngested: null,
    records: merged.records,
    links,
    addresses,
    registry,
    timingsMs,
  };
  return { summary, linker, version: bumped!.version };
}

/** Stores the mapping the feed is ingested with: resolution reads its priorities from the database. */
async function saveSource(db: Db, mapping: SourceMapping): Promise<void> {
  const { file: _file, ...content } = mapping;
  await db.query(
    `INSERT INTO feed_sources (name, title, department, priority, mapping, mapping_sha256)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (name) DO UPDATE SET title = excluded.title, department = excluded.department,
       priority = excluded.priority, mapping = excluded.mapping, mapping_sha256 = excluded.mapping_sha256, updated_at = now()
     WHERE feed_sources.mapping_sha256 IS DISTINCT FROM excluded.mapping_sha256`,
    [
      mapping.source,
      mapping.title,
      mapping.department,
      mapping.priority,
      JSON.stringify(content),
      mapping.sha256,
    ],
  );
  await db.query('DELETE FROM source_field_priorities WHERE source = $1', [mapping.source]);
  const overrides = mapping.targets.flatMap((t) =>
    t.fields
      .filter((f) => f.priority !== mapping.priority)
      .map((f) => [t.name, f.field, f.priority] as const),
  );
  if (overrides.length > 0)
    await db.query(
      `INSERT INTO source_field_priorities (source, target, field, priority)
       SELECT $1, t, f, p FROM unnest($2::text[], $3::text[], $4::int[]) AS x(t, f, p)`,
      [mapping.source, overrides.map((o) => o[0]), overrides.map((o) => o[1]), overrides.map((o) => o[2])],
    );
}

/**
 * Ids from a sequence, reserved in blocks (taking one is synchronous). A block is one statement, not
 * a nextval per id: the sequence jumps by the block. The next block is asked for while IDS_AHEAD are
 * left, so a batch rarely waits for it behind the statements before it. Only ingests and link
 * reviews take these ids, both under INGEST_LOCK, so nothing can take an id between nextval and setval.
 */
function idPool(
  db: Db,
  sequence: 'registry_entity_ids' | 'source_record_ids',
): { take: () => number; ensure: (n: number) => Promise<void> } {
  /** Reserved ranges, first to last: [next, last] of each. */
  const ranges: [number, number][] = [];
  let left = 0;
  let asking: Promise<void> | undefined;
  const reserve = (block: number): Promise<void> =>
    db
      .query<{ last: string }>(
        `SELECT setval('${sequence}', nextval('${sequence}') + $1 - 1)::text AS last`,
        [block],
      )
      .then(([row]) => {
        const last = Number(row!.last);
        ranges.push([last - block + 1, last]);
        left += block;
      })
      .finally(() => {
        asking = undefined;
      });
  return {
    take: () => {
      const range = ranges[0];
      if (!range) throw new Error('entity id pool ran dry: ensure() was not called for the batch');
      const id = range[0]++;
      if (range[0] > range[1]) ranges.shift();
      left -= 1;
      return id;
    },
    async ensure(n) {
      for (;;) {
        // Awaited below when needed; a failure then also fails the statements after it.
        if (left < n + IDS_AHEAD && !asking) asking = sentAhead(reserve(n + 2 * IDS_AHEAD - left));
        if (left >= n) return;
        await asking;
      }
    },
  };
}

/**
 * Ids kept reserved beyond the batch's, topped up to twice as many: a first delivery of a million
 * rows takes a few dozen round trips, not a million nextvals, and the next block is asked for
 * seconds of reading ahead, as the request may queue behind resolution's statements.
 */
const IDS_AHEAD = 25_000;

/** Room → its building, from the matching index; a building maps to itself. */
function buildingLookup(index: MatchIndex | null): (addressId: string) => string | undefined {
  if (!index) return () => undefined;
  let lookup = lookups.get(index);
  if (!lookup) {
    const { buildings, rooms } = index.data;
    const of = new Map<string, string>();
    for (let i = 0; i < rooms.id.length; i++) of.set(rooms.id[i]!, buildings.id[rooms.building[i]!]!);
    lookup = (addressId) => of.get(addressId) ?? (index.buildingById.has(addressId) ? addressId : undefined);
    lookups.set(index, lookup);
  }
  return lookup;
}

/** One lookup per matching index: a library of 600,000 rooms takes a second to map. */
const lookups = new WeakMap<MatchIndex, (addressId: string) => string | undefined>();

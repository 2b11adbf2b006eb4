// Writing a feed's records. Each record is classified as it is read, against the version the
// source already holds (its key, a hash of its content, its date — loaded once per ingest):
//   new        → COPY straight into source_records (a first delivery is nothing but COPY);
//   unchanged  → nothing at all (a re-delivered snapshot costs its reading);
//   changed    → staging, then one UPDATE, the replaced version moved to source_record_history;
//   stale      → older than what is held: staging, then history only;
//   unchanged but without the national identifier its mapping reads (resident ID, credit code) →
//              its row pointer follows this delivery, the earlier one kept as history, so the
//              completeness finding names the row the department has still not corrected in its
//              latest export as well as the first. Other unchanged records keep their pointer:
//              rewriting the 1.2 M records of a re-delivered household register costs a minute.
// A key repeated in the file: the same content again is skipped; other content is a contradiction,
// and the later row (by its date, then its place) wins. A snapshot retires what it no longer lists.
// The entities whose records changed are listed for resolution: those only new records touched may
// be resolved while the file is still read (takeReady, touched.ts), the rest after the merge
// (MergeResult.touched).
import { analyzeIfGrown } from '../../db/analyze.ts';
import { CopyLines } from '../../db/copy-lines.ts';
import { copyText, type Db } from '../../db/db.ts';
import { grownTo } from '../../lib/typed-arrays.ts';
import { isPlainExact, type LinkInfo, type LinkStatus } from './linking.ts';
import { RecordTable, type State } from './record-table.ts';
import { TouchedEntities } from './touched.ts';

export interface StagedRecord {
  rowNumber: number;
  target: string;
  recordKey: string;
  entityKind: string;
  entityId: number | null;
  status: LinkStatus;
  link: LinkInfo;
  /** JSON of the mapped values, and of the address texts as written. */
  fields: string;
  texts: string | null;
  /**
   * JSON of the texts of addresses that did not match: with the values, what makes the record
   * itself. The same room written another way is no change; an unmatched text written anew is.
   */
  unmatchedTexts: string | null;
  /** ISO timestamp: the row's own date, else the delivery's. */
  observedAt: string;
  /** One of its addresses waits for a person in the review queue. */
  uncertain: boolean;
  /** It lacks a national identifier its mapping reads from a column (see the top of this file). */
  lacksIdentifier: boolean;
}

type Counted = Exclude<State, 'replace'>;

const ROW_INSERTED = 1;
const ROW_UPDATED = 2;

export interface MergeResult {
  /** Entity ids by kind whose records this feed added, changed or retired, not resolved since: to resolve. */
  touched: ReadonlyMap<string, readonly number[]>;
  records: {
    new: number;
    changed: number;
    unchanged: number;
    stale: number;
    duplicate: number;
    retired: number;
  };
  rows: { inserted: number; updated: number };
  /** Rows older than the version already held. */
  stale: { row: number; target: string; heldAsOf: string }[];
  /** A repeated key whose rows say different things: the losing row, the row kept, the fields that differ. */
  contradictions: Contradiction[];
  /** Rows with a new or changed record and an uncertain address. */
  reviewRows: Set<number>;
}

export interface Contradiction {
  row: number;
  keptRow: number;
  target: string;
  recordId: number;
  fields: string[];
  /** The losing row's content when it never reached the database (it came second and lost). */
  loserJson?: { fields: string; texts: string | null };
}

export interface SinkRun {
  districtId: string;
  source: string;
  feedId: string;
  snapshot: boolean;
  /** ISO timestamp of the delivery: a snapshot retires nothing newer. */
  deliveredAt: string;
  /** The file's SHA-256: the very bytes forced in again move no row pointer. */
  fileSha256: string;
}

/** FNV-1a of a record's content (values, unmatched texts): tells a repeat that says the same from one that does not. */
export function contentHash(fields: string, texts: string | null): number {
  let h = 0x811c9dc5;
  const text = texts === null ? fields : `${fields}|${texts}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A link's COPY cell: null for a plain exact one; the shared (frozen) links of linking.ts are written once. */
const linkCells = new WeakMap<LinkInfo, string>();
function linkCell(link: LinkInfo): string {
  if (isPlainExact(link)) return copyText(null);
  if (!Object.isFrozen(link)) return copyText(JSON.stringify(link));
  let cell = linkCells.get(link);
  if (cell === undefined) {
    cell = copyText(JSON.stringify(link));
    linkCells.set(link, cell);
  }
  return cell;
}

const NEW_COLUMNS =
  'district_id, id, source, target, record_key, entity_kind, entity_id, link_status, link, fields, texts, feed_id, row_number, observed_at, first_feed_id, content_hash';

export class RecordSink {
  /** The source's records, as held before this feed and as this feed has them so far. */
  private readonly entries = new RecordTable();
  private readonly newLines = new CopyLines();
  private readonly stagedLines = new CopyLines();
  private losers: { row: number; target: string }[] = [];
  private readonly touched = new TouchedEntities();
  /** Flushes started: a record added now goes out in flush number `flushes`. */
  private flushes = 0;
  /** Per file row (they count from 1): INSERTED and UPDATED bits, as its records were. */
  private rowChanges = new Uint8Array(1024);
  private readonly reviewRows = new Set<number>();
  private readonly stale: MergeResult['stale'] = [];
  private readonly contradictions: MergeResult['contradictions'] = [];
  private readonly counts: Record<Counted | 'duplicate' | 'retired', number> = {
    new: 0,
    changed: 0,
    unchanged: 0,
    stale: 0,
    duplicate: 0,
    retired: 0,
  };
  /** Keys of rows rejected for their content: a snapshot still lists them. */
  private readonly listed = new Set<string>();
  /** Unchanged records staged to follow this delivery (they lack their identifier). */
  private seen = 0;
  /**
   * The key priorEntity last looked up and its slot: the record linked with it is added next, and
   * finds its slot without a second lookup in a table of millions.
   */
  private lookedUp: { target: string; key: string; slot: number | undefined } | null = null;

  private constructor(
    private readonly db: Db,
    private readonly run: SinkRun,
    private readonly takeRecordId: () => number,
  ) {}

  /** Loads the source's records (key, id, entity, date, content hash) and creates the staging tables. */
  static async open(db: Db, run: SinkRun, takeRecordId: () => number): Promise<RecordSink> {
    const sink = new RecordSink(db, run, takeRecordId);
    await db.exec(`CREATE TEMP TABLE feed_staging (
      record_id bigint NOT NULL,
      state text NOT NULL,
      row_number integer NOT NULL,
      target text NOT NULL,
      entity_id bigint,
      link_status text NOT NULL,
      link jsonb,
      fields jsonb NOT NULL,
      texts jsonb,
      observed_at timestamptz NOT NULL,
      content_hash bigint NOT NULL
    ) ON COMMIT DROP`);
    const page = 100_000;
    let after = 0;
    for (;;) {
      // "record", not "id": ORDER BY id must sort the number, not its text.
      const rows = await db.query<{
        record: string;
        target: string;
        record_key: string;
        entity_id: string | null;
        link_status: LinkStatus;
        observed_at: Date | string;
        content_hash: string;
        retired: boolean;
      }>(
        `SELECT id::text AS record, target, record_key, entity_id::text, link_status, observed_at, content_hash::text,
                retired_by_feed IS NOT NULL AS retired
           FROM source_records WHERE district_id = $1 AND source = $2 AND id > $3 ORDER BY id LIMIT ${page}`,
        [run.districtId, run.source, after],
      );
      for (const r of rows)
        sink.entries.add(r.target, r.record_key, Number(r.record), {
          entity: r.entity_id === null ? null : Number(r.entity_id),
          confirmed: r.link_status === 'confirmed',
          observedMs: new Date(r.observed_at).getTime(),
          hash: Number(r.content_hash),
          retired: r.retired,
        });
      if (rows.length < page) break;
      after = Number(rows.at(-1)!.record);
    }
    return sink;
  }

  /** The entity an earlier delivery linked this record to, so a re-delivery keeps the link. */
  priorEntity(target: string, key: string): number | undefined {
    const slot = this.entries.slotOf(target, key);
    this.lookedUp = { target, key, slot };
    return slot === undefined ? undefined : this.entries.heldEntityOf(slot);
  }

  /** A rejected row still lists its keys in a snapshot: what it names has not left. */
  listRejected(keys: readonly { target: string; key: string }[]): void {
    for (const k of keys) this.listed.add(`${k.target}\u0000${k.key}`);
  }

  /**
   * Classifies and buffers one record; returns its id and what this delivery does to it. A repeat
   * that says the same as an earlier row names that row (`of`).
   */
  add(r: StagedRecord): { id: number; state: State | 'repeat'; of?: number } {
    const hash = contentHash(r.fields, r.unmatchedTexts);
    const observedMs = Date.parse(r.observedAt);
    const entries = this.entries;
    const looked = this.lookedUp;
    this.lookedUp = null;
    const known =
      looked && looked.target === r.target && looked.key === r.recordKey
        ? looked.slot
        : entries.slotOf(r.target, r.recordKey);
    const slot = known ?? entries.add(r.target, r.recordKey, this.takeRecordId());
    const id = entries.idOf(slot);
    const previous = entries.run(slot);
    if (previous) {
      this.counts.duplicate += 1;
      if (previous.hash === hash) return { id, state: 'repeat', of: previous.row };
      // Rows come in file order: the later one wins unless it is older by its own date.
      const laterWins = observedMs >= previous.observedMs;
      this.contradictions.push({
        row: laterWins ? previous.row : r.rowNumber,
        keptRow: laterWins ? r.rowNumber : previous.row,
        target: r.target,
        recordId: id,
        fields: [],
        ...(!laterWins && { loserJson: { fields: r.fields, texts: r.texts } }),
      });
      if (!laterWins) return { id, state: 'repeat' };
      if (previous.entity !== null) this.touched.byMergedRecord(r.entityKind, previous.entity);
      if (previous.state === 'replace') this.losers.push({ row: previous.row, target: r.target });
      if (previous.state === 'new' || previous.state === 'replace') {
        // Copied in already: the kept row overwrites it, as one new record.
        entries.setRun(slot, { row: r.rowNumber, observedMs, hash, state: 'replace', entity: r.entityId });
        this.markRow(r.rowNumber, 'inserted');
        this.stage(id, 'replace', r, hash);
        return { id, state: 'replace' };
      }
      if (previous.state === 'changed' || previous.state === 'stale' || previous.state === 'unchanged')
        this.losers.push({ row: previous.row, target: r.target });
      this.counts[previous.state] -= 1;
    }
    const held = entries.held(slot);
    const state: State = !held
      ? 'new'
      : observedMs < held.observedMs
        ? 'stale'
        : held.hash === hash && !held.retired && (held.entity === r.entityId || held.confirmed)
          ? 'unchanged'
          : 'changed';
    entries.setRun(slot, { row: r.rowNumber, observedMs, hash, state, entity: r.entityId });
    this.counts[state] += 1;
    this.markRow(r.rowNumber, state === 'new' ? 'inserted' : state === 'changed' ? 'updated' : undefined);
    if (state === 'stale') {
      this.stale.push({
        row: r.rowNumber,
        target: r.target,
        heldAsOf: new Date(held!.observedMs).toISOString(),
      });
      this.stagedLines.push(this.stagingLine(id, state, r, hash));
    } else if (state === 'new') {
      if (r.uncertain) this.reviewRows.add(r.rowNumber);
      if (r.entityId !== null) this.touched.byNewRecord(r.entityKind, r.entityId, this.flushes);
      this.newLines.push(this.newLine(id, r, hash));
    } else if (state === 'changed') {
      if (held!.entity !== null) this.touched.byMergedRecord(r.entityKind, held!.entity);
      this.stage(id, state, r, hash);
    } else if (r.lacksIdentifier) {
      this.seen += 1;
      this.stagedLines.push(this.stagingLine(id, 'seen', r, hash));
    }
    return { id, state };
  }

  /** A changed or replacing version: staged for the UPDATE, its entity touched. */
  private stage(id: number, state: State, r: StagedRecord, hash: number): void {
    if (r.uncertain) this.reviewRows.add(r.rowNumber);
    if (r.entityId !== null) this.touched.byMergedRecord(r.entityKind, r.entityId);
    this.stagedLines.push(this.stagingLine(id, state, r, hash));
  }

  private markRow(row: number, change: 'inserted' | 'updated' | undefined): void {
    if (!change) return;
    this.rowChanges = grownTo(this.rowChanges, row + 1, 1.5);
    this.rowChanges[row]! |= change === 'inserted' ? ROW_INSERTED : ROW_UPDATED;
  }

  /**
   * Entities only new records touched, every one of those records written, once at least `atLeast`
   * are: they may be resolved now (touched.ts), and are listed again after the merge only if a later
   * record touches them.
   */
  takeReady(atLeast: number): Map<string, number[]> | null {
    return this.touched.takeReady(atLeast);
  }

  private newLine(id: number, r: StagedRecord, hash: number): string {
    const { districtId, source, feedId } = this.run;
    return `${districtId}\t${id}\t${copyText(source)}\t${copyText(r.target)}\t${copyText(r.recordKey)}\t${r.entityKind}\t${copyText(r.entityId)}\t${r.status}\t${linkCell(r.link)}\t${copyText(r.fields)}\t${copyText(r.texts)}\t${feedId}\t${r.rowNumber}\t${r.observedAt}\t${feedId}\t${hash}\n`;
  }

  private stagingLine(id: number, state: State | 'seen', r: StagedRecord, hash: number): string {
    return `${id}\t${state}\t${r.rowNumber}\t${copyText(r.target)}\t${copyText(r.entityId)}\t${r.status}\t${linkCell(r.link)}\t${copyText(r.fields)}\t${copyText(r.texts)}\t${r.observedAt}\t${hash}\n`;
  }

  /** Writes what was added so far: new records into source_records, the others into staging. */
  async flush(): Promise<void> {
    // Taken now: rows added while the COPY runs go to the next flush.
    const flush = this.flushes++;
    await Promise.all([
      this.newLines.lines > 0 &&
        this.db.copyFrom(`COPY source_records (${NEW_COLUMNS}) FROM STDIN`, this.newLines.take()),
      this.stagedLines.lines > 0 &&
        this.db.copyFrom(
          `COPY feed_staging (record_id, state, row_number, target, entity_id, link_status, link, fields, texts, observed_at, content_hash)
           FROM STDIN`,
          this.stagedLines.take(),
        ),
    ]);
    this.touched.flushWritten(flush);
  }

  /** Applies the staged changes, history and retirement; lists the touched entities for resolution. */
  async merge(): Promise<MergeResult> {
    await this.flush();
    const { db } = this;
    const { districtId, feedId } = this.run;
    await this.describeContradictions();
    if (this.losers.length > 0)
      await db.query(
        `DELETE FROM feed_staging s USING unnest($1::int[], $2::text[]) l(row_number, target)
          WHERE s.row_number = l.row_number AND s.target = l.target`,
        [this.losers.map((l) => l.row), this.losers.map((l) => l.target)],
      );
    // The same bytes forced in again: no pointer moves, no history is written.
    if (this.seen > 0)
      await db.query(
        `DELETE FROM feed_staging s USING source_records r, feeds f
          WHERE s.state = 'seen' AND r.district_id = $1 AND r.id = s.record_id AND f.id = r.feed_id AND f.file_sha256 = $2`,
        [districtId, this.run.fileSha256],
      );
    // Replaced versions, versions seen again without their identifier, and stale deliveries are history.
    await db.query(
      `INSERT INTO source_record_history (district_id, record_id, feed_id, row_number, observed_at, entity_id, fields, texts, superseded_by_feed)
       SELECT r.district_id, r.id, r.feed_id, r.row_number, r.observed_at, r.entity_id, r.fields, r.texts, $2::bigint
         FROM feed_staging s JOIN source_records r ON r.district_id = $1 AND r.id = s.record_id
        WHERE s.state IN ('changed', 'seen')
       UNION ALL
       SELECT $1, s.record_id, $2::bigint, s.row_number, s.observed_at, s.entity_id, s.fields, s.texts, NULL
         FROM feed_staging s WHERE s.state = 'stale'
       ON CONFLICT DO NOTHING`,
      [districtId, feedId],
    );
    if (this.seen > 0)
      await db.query(
        `UPDATE source_records r SET feed_id = $2, row_number = s.row_number
           FROM feed_staging s WHERE s.state = 'seen' AND r.district_id = $1 AND r.id = s.record_id`,
        [districtId, feedId],
      );
    // A person's confirmation of a link outlives deliveries; a link kept from before keeps its explanation.
    await db.query(
      `UPDATE source_records r SET
          entity_id = CASE WHEN r.link_status = 'confirmed' THEN r.entity_id ELSE s.entity_id END,
          link_status = CASE WHEN r.link_status = 'confirmed' OR s.link->>'method' = 'kept' THEN r.link_status ELSE s.link_status END,
          link = CASE WHEN r.link_status = 'confirmed' OR s.link->>'method' = 'kept' THEN r.link ELSE s.link END,
          fields = s.fields, texts = s.texts, feed_id = $2, row_number = s.row_number, observed_at = s.observed_at,
          content_hash = s.content_hash, retired_by_feed = NULL
         FROM feed_staging s
        WHERE s.state IN ('changed', 'replace') AND r.district_id = $1 AND r.id = s.record_id`,
      [districtId, feedId],
    );
    if (this.run.snapshot) await this.retire();
    await analyzeIfGrown(db, 'source_records', this.counts.new, [
      'district_id',
      'id',
      'source',
      'target',
      'record_key',
      'entity_kind',
      'entity_id',
    ]);

    let inserted = 0;
    let updated = 0;
    for (const bits of this.rowChanges) {
      if (bits & ROW_INSERTED) inserted += 1;
      else if (bits & ROW_UPDATED) updated += 1;
    }
    return {
      touched: this.touched.remaining(),
      records: { ...this.counts },
      rows: { inserted, updated },
      stale: this.stale.sort((a, b) => a.row - b.row),
      contradictions: this.contradictions,
      reviewRows: this.reviewRows,
    };
  }

  /**
   * Which fields the rows of a repeated key disagree on. Their versions are in staging (by row) or,
   * for the first one copied in, in source_records: read before the losers go and the UPDATE lands.
   */
  private async describeContradictions(): Promise<void> {
    if (this.contradictions.length === 0) return;
    const staged = await this.db.query<Version & { row_number: number; target: string }>(
      `SELECT s.row_number, s.target, s.fields, s.texts
         FROM feed_staging s JOIN unnest($1::int[], $2::text[]) p(row_number, target)
           ON s.row_number = p.row_number AND s.target = p.target`,
      [
        this.contradictions.flatMap((c) => [c.row, c.keptRow]),
        this.contradictions.flatMap((c) => [c.target, c.target]),
      ],
    );
    const copied = await this.db.query<Version & { id: string; row_number: number }>(
      `SELECT r.id::text, r.row_number, r.fields, r.texts
         FROM unnest($2::bigint[]) p(id) JOIN source_records r ON r.district_id = $1 AND r.id = p.id`,
      [this.run.districtId, this.contradictions.map((c) => c.recordId)],
    );
    const byRow = new Map(staged.map((v) => [`${v.row_number}|${v.target}`, v]));
    const byRecord = new Map(copied.map((v) => [`${v.id}|${v.row_number}`, v]));
    const version = (c: Contradiction, row: number): Version | undefined =>
      byRow.get(`${row}|${c.target}`) ?? byRecord.get(`${c.recordId}|${row}`);
    for (const c of this.contradictions) {
      const loser = c.loserJson
        ? {
            fields: JSON.parse(c.loserJson.fields),
            texts: c.loserJson.texts && JSON.parse(c.loserJson.texts),
          }
        : version(c, c.row);
      const kept = version(c, c.keptRow);
      if (loser && kept) c.fields = differing(loser, kept);
    }
  }

  /** A snapshot lists everything the source holds: what it no longer lists has left (moved, died, closed). */
  private async retire(): Promise<void> {
    const delivered = Date.parse(this.run.deliveredAt);
    const gone: { id: number }[] = [];
    for (const { target, key, slot } of this.entries.keys()) {
      const held = this.entries.held(slot);
      if (!held || this.entries.run(slot) || held.retired || held.observedMs > delivered) continue;
      if (this.listed.has(`${target}\u0000${key}`)) continue;
      gone.push({ id: this.entries.idOf(slot) });
    }
    if (gone.length === 0) return;
    const rows = await this.db.query<{ entity_kind: string; entity_id: string }>(
      `UPDATE source_records r SET retired_by_feed = $3
         FROM unnest($2::bigint[]) g(id)
        WHERE r.district_id = $1 AND r.id = g.id
       RETURNING r.entity_kind, r.entity_id::text`,
      [this.run.districtId, gone.map((g) => g.id), this.run.feedId],
    );
    this.counts.retired = gone.length;
    for (const r of rows)
      if (r.entity_id !== null) this.touched.byMergedRecord(r.entity_kind, Number(r.entity_id));
  }
}

interface Version {
  fields: Record<string, unknown>;
  texts: Record<string, unknown> | null;
}

/** The fields (and address texts, by their field) two versions of a record disagree on. */
function differing(a: Version, b: Version): string[] {
  const out = new Set<string>();
  for (const [x, y] of [
    [a.fields, b.fields],
    [a.texts ?? {}, b.texts ?? {}],
  ] as const)
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)]))
      if (JSON.stringify(x[k]) !== JSON.stringify(y[k])) out.add(k);
  return [...out].sort();
}

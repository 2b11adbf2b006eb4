// Resolution: a registry row is recomputed from the current (not retired) source records linked to
// its entity; an entity left without any leaves the registry (its records stay, as history).
// Per field the winner is the value with the highest priority (the source's, or its per-field
// override, as last ingested: feed_sources / source_field_priorities), then the most recent
// (observed_at), then the latest record; union fields (a room's co-owners) take every record's
// values. Sources that disagree on a field — each source's own best value counted once — are a
// conflict, upserted into registry_conflicts and closed (resolved_at) once they agree again.
//
// Batches of touched entities, a stream of them (Resolution): their records are read, the winners
// picked in memory (measured 3× faster than jsonb_each + DISTINCT ON on PGlite, where most of the
// time went), and the rows written back with COPY and one statement per batch: an upsert that
// rewrites only rows that changed, with the batch's deletions and conflicts. Created entities of one
// record have their rows built by the server as their batch is read (readStatement).
import { analyzeIfGrown } from '../../db/analyze.ts';
import { CopyLines } from '../../db/copy-lines.ts';
import { copyText, type Db } from '../../db/db.ts';
import { InFlight, sentAhead, yieldToIo } from '../../db/pipeline.ts';
import { ATTRIBUTE_PREFIX, ENTITIES, type EntityDef, type EntityKind, type FieldDef } from './model.ts';

/**
 * Entities per batch: large enough for COPY and the upsert to pay, small enough to keep both sides
 * busy. 20,000 held a larger result in PGlite's WASM memory, which never shrinks. Scale 1, against
 * 20,000: PGlite 12.3 min, not 12.7, peak 2.92 GB, not 3.57; PostgreSQL 9.2 min, not 10.3.
 */
const BATCH = 5_000;
/** Entities resolved between two looks at the connection (see db/pipeline.ts). */
const YIELD_EVERY = 2_000;

export interface ResolveCounts {
  inserted: number;
  updated: number;
  deleted: number;
  conflictsOpened: number;
  conflictsClosed: number;
}

export const emptyResolveCounts = (): ResolveCounts => ({
  inserted: 0,
  updated: 0,
  deleted: 0,
  conflictsOpened: 0,
  conflictsClosed: 0,
});

interface RecordRow {
  id: string;
  source: string;
  target: string;
  /** As PostgreSQL writes a timestamptz in JSON. */
  observed_at: string;
  fields: Record<string, unknown>;
}

interface Claim {
  value: unknown;
  /** What "same value" means: a text as itself (most values: no copy made), anything else as JSON after a NUL. */
  key: string;
  source: string;
  recordId: number;
  priority: number;
  observedAt: string;
}

/** Orders claims best first: priority, then recency, then the later record. */
const better = (a: Claim, b: Claim) =>
  b.priority - a.priority ||
  (a.observedAt < b.observedAt ? 1 : a.observedAt > b.observedAt ? -1 : 0) ||
  b.recordId - a.recordId;

/** Entity ids by kind, as a feed's records touched them. */
export type Touched = ReadonlyMap<string, Iterable<number>>;

export interface ResolveOptions {
  batchSize?: number;
  /**
   * Entities the caller created in this transaction: no registry row of them exists yet, so they are
   * copied straight in, without the upsert and without conflicts (one source made them all).
   */
  fresh?: ReadonlySet<number>;
}

/** Resolves the touched entities; call inside the transaction that changed their records. */
export async function resolveTouched(
  db: Db,
  districtId: string,
  touched: Touched,
  options: ResolveOptions = {},
): Promise<ResolveCounts> {
  const resolution = await Resolution.start(db, districtId, options.batchSize);
  resolution.add(touched, options.fresh);
  return resolution.finish();
}

/**
 * Resolution as a stream: entities are added as they become ready (an ingest adds those only new
 * records touched while it still reads the file, the rest after the merge) and resolved in batches
 * by one pipeline — the next batch's records are read, and this one's rows written, while the
 * winners of this one are picked (see db/pipeline.ts). An entity added again is resolved again,
 * after its earlier batch is written.
 */
export class Resolution {
  private readonly queue: Batch[] = [];
  private readonly counts = emptyResolveCounts();
  /** Rows inserted per registry table, for its statistics at the end. */
  private readonly insertedInto = new Map<EntityDef, number>();
  private readonly writers = new Map<EntityKind, RowWriter>();
  private running: Promise<void> | undefined;

  private constructor(
    private readonly db: Db,
    private readonly districtId: string,
    private readonly priorityOf: PriorityOf,
    private readonly batchSize: number,
  ) {}

  /** Reads the sources' priorities: start after the feed's own mapping is saved. */
  static async start(db: Db, districtId: string, batchSize = BATCH): Promise<Resolution> {
    return new Resolution(db, districtId, await loadPriorities(db), batchSize);
  }

  /** Batches waiting to be read: a caller adding as it goes keeps a few queued, not many. */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Queues the entities, by kind, in batches. `fresh`: those the caller created in this transaction
   * and never resolved — no registry row of them exists yet, so they are copied straight in.
   */
  add(touched: Touched, fresh: ReadonlySet<number> = new Set()): void {
    for (const [kind, touchedIds] of touched) {
      const def = ENTITIES[kind as EntityKind];
      if (!def) throw new Error(`resolution: no registry of ${kind}`);
      const writer = this.writerOf(def);
      // In id order: neighbouring entities' records sit together in the index.
      const ids = sortedUnique(touchedIds).map(String);
      for (let i = 0; i < ids.length; i += this.batchSize) {
        const slice = ids.slice(i, i + this.batchSize);
        const created = slice.filter((id) => fresh.has(Number(id)));
        if (created.length > 0) this.queue.push({ def, writer, ids: created, created: true });
        const held = created.length === 0 ? slice : slice.filter((id) => !fresh.has(Number(id)));
        if (held.length > 0) this.queue.push({ def, writer, ids: held, created: false });
      }
    }
    if (!this.running && this.queue.length > 0) this.running = sentAhead(this.run());
  }

  /** Waits for every batch added to be written; refreshes the statistics of registries that grew. */
  async finish(): Promise<ResolveCounts> {
    while (this.running) await this.running;
    for (const [def, inserted] of this.insertedInto)
      await analyzeIfGrown(this.db, def.table, inserted, ['district_id', 'id', ...def.exactKey]);
    this.insertedInto.clear();
    return { ...this.counts };
  }

  private writerOf(def: EntityDef): RowWriter {
    let writer = this.writers.get(def.kind);
    if (!writer) {
      writer = rowWriter(def);
      this.writers.set(def.kind, writer);
      // Sent now, so before any batch's writes. IF NOT EXISTS: a transaction may resolve more than
      // once (a review decision after another).
      sentAhead(
        this.db.exec(
          `CREATE TEMP TABLE IF NOT EXISTS ${writer.temp} (LIKE ${def.table} INCLUDING DEFAULTS) ON COMMIT DROP`,
        ),
      );
    }
    return writer;
  }

  /** The pipeline, while batches are queued. */
  private async run(): Promise<void> {
    const { db, districtId, counts } = this;
    const writes = new InFlight();
    const rows = new CopyLines();
    const readNext = () => {
      const batch = this.queue.shift();
      return batch && { batch, read: sentAhead(readBatch(db, districtId, batch)) };
    };
    try {
      let next = readNext();
      while (next) {
        const { batch, read } = next;
        const { def, writer } = batch;
        const { entities, grids, sole } = await read;
        next = readNext();
        // Each entity's line is written as it is resolved: nothing of it outlives the next one.
        const { resolved, disputes } = await resolveBatch(def, entities, this.priorityOf, (e) =>
          rows.push(writer.line(districtId, e, grids)),
        );
        // One batch written at a time: at most one batch of rows waits unsent.
        await writes.settle();
        if (batch.created) {
          // One source made them all in this run: no registry row, no conflicts yet. Those of one
          // record the read inserted; the others are copied in.
          this.inserted(def, sole);
          if (resolved.size > 0)
            writes.add(
              db.copyFrom(`COPY ${def.table} (${writer.columns.join(', ')}) FROM STDIN`, rows.take()),
            );
          this.inserted(def, resolved.size);
        } else {
          // Three statements a batch, not eight: node-postgres sends each once the one before is
          // answered, and PGlite passes each through its thread (scale 0.1 on PGlite: 33 → 30–32 s).
          const orphans = batch.ids.filter((id) => !resolved.has(id));
          writes.add(db.exec(`TRUNCATE ${writer.temp}`));
          writes.add(
            db.copyFrom(`COPY ${writer.temp} (${writer.columns.join(', ')}) FROM STDIN`, rows.take()),
          );
          writes.add(
            db.query<WriteCounts>(writer.write, [
              districtId,
              def.kind,
              orphans,
              JSON.stringify(disputes),
              batch.ids,
            ]),
            ([written]) => {
              this.inserted(def, written!.inserted);
              counts.updated += written!.updated;
              counts.deleted += written!.deleted;
              counts.conflictsOpened += written!.opened;
              counts.conflictsClosed += written!.closed;
            },
          );
        }
        // Batches added meanwhile keep the pipeline going; the last one written, those added while
        // it was do too (add() starts no second pipeline while this one runs).
        next ??= readNext();
        if (!next) {
          await writes.settle();
          next = readNext();
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  private inserted(def: EntityDef, n: number): void {
    this.counts.inserted += n;
    this.insertedInto.set(def, (this.insertedInto.get(def) ?? 0) + n);
  }
}

/** Touched entities of one kind, resolved together: those this run created, or those held before. */
interface Batch {
  def: EntityDef;
  writer: RowWriter;
  ids: string[];
  created: boolean;
}

/**
 * A batch's current records, in entity order (readStatement), and the grids of their addresses;
 * a batch of created entities has those of one record inserted on the way (`sole`, how many).
 */
async function readBatch(
  db: Db,
  districtId: string,
  { def, writer, ids, created }: Batch,
): Promise<{ entities: string; grids: Map<string, string>; sole: number }> {
  const [row] = await db.query<{ entities: string; grids: string; sole: number }>(
    created ? writer.readCreated : writer.read,
    [districtId, def.kind, ids, writer.addressFields],
  );
  return {
    entities: row!.entities,
    grids: new Map(JSON.parse(row!.grids) as [string, string][]),
    sole: row!.sole,
  };
}

/**
 * Records apart in the text readStatement gives: U+001E, which JSON text never holds unescaped. The
 * records are parsed an entity at a time as it is resolved, not the batch's all at once: parsed
 * together, they lived through young-generation collections and were copied into the old generation.
 */
const RECORD_SEP = '\u001e';

/** Each entity of readStatement's text (its records in entity order), with its records. */
function* entitiesOf(text: string): Generator<{ id: string; records: RecordRow[] }> {
  let id = '';
  let records: RecordRow[] = [];
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf(RECORD_SEP, start);
    if (end < 0) end = text.length;
    const [entity, recordId, source, target, observed_at, fields] = JSON.parse(text.slice(start, end)) as [
      string,
      string,
      string,
      string,
      string,
      Record<string, unknown>,
    ];
    if (entity !== id) {
      if (records.length > 0) yield { id, records };
      id = entity;
      records = [];
    }
    records.push({ id: recordId, source, target, observed_at, fields });
    start = end + 1;
  }
  if (records.length > 0) yield { id, records };
}

/**
 * The statement that reads a batch's current records and the grid of every address they name that
 * can place the entity, in one statement: sent ahead, it is ready when the batch before is resolved.
 * (Two statements, the second sent once the first was answered, queued the second behind the
 * previous batch's writes.) An index lookup per entity and per address (the LATERAL subqueries with
 * OFFSET 0 cannot be flattened into hash joins that scan every record or the whole library, which
 * the planner picks when its statistics lag behind a growing table); one text of JSON arrays rather
 * than a row per record, as PGlite hands rows over several times slower than it hands over one long
 * text; a record per array, in entity order (grouping each entity's records into one array cost the
 * server 7 % more).
 *
 * `soleInsert`: the registry rows of entities of one record are inserted by the statement itself,
 * and only the records of the others read — for entities this run created, whose rows are new: the
 * server builds them (what soleRecord and RowWriter.line give), and our thread, the one that limits
 * an ingest, neither parses their records nor writes their lines.
 * $1 district, $2 kind, $3 entity ids, $4 the address fields that place the entity.
 */
function readStatement(def: EntityDef, columns: readonly string[], soleInsert: boolean): string {
  const recs = `recs AS MATERIALIZED (
       SELECT r.entity_id, r.id, r.source, r.target, r.observed_at, r.fields
         FROM unnest($3::bigint[]) b(id),
              LATERAL (SELECT r.entity_id, r.id, r.source, r.target, r.observed_at, r.fields FROM source_records r
                        WHERE r.district_id = $1 AND r.entity_kind = $2 AND r.entity_id = b.id AND r.retired_by_feed IS NULL
                       OFFSET 0) r)`;
  const read = (from: string) => `
     SELECT (SELECT coalesce(string_agg(json_build_array(entity_id::text, id::text, source, target, observed_at, fields)::text,
                                        chr(30) ORDER BY entity_id), '')
               FROM ${from}) AS entities,
            (SELECT coalesce(json_agg(json_build_array(a.address_id, a.grid_id)), '[]')
               FROM (SELECT DISTINCT x.fields ->> f.name AS id FROM ${from} x, unnest($4::text[]) f(name)) u,
                    LATERAL (SELECT address_id, grid_id FROM addresses WHERE address_id = u.id OFFSET 0) a)::text AS grids`;
  if (!soleInsert) return `WITH ${recs} ${read('recs')}, 0 AS sole`;
  return `WITH ${recs},
     multi AS MATERIALIZED (SELECT entity_id FROM recs GROUP BY entity_id HAVING count(*) > 1),
     sole AS (
       INSERT INTO ${def.table} (${columns.join(', ')})
       SELECT ${soleRowExpressions(def, columns).join(', ')}
         FROM recs r, LATERAL jsonb_populate_record(NULL::${def.table}, r.fields) p
        WHERE r.entity_id NOT IN (SELECT entity_id FROM multi)
       RETURNING 1),
     kept AS (SELECT * FROM recs WHERE entity_id IN (SELECT entity_id FROM multi))
     ${read('kept')}, (SELECT count(*) FROM sole)::int AS sole`;
}

/** Per registry column, its value for the entity of record `r` (and `p`, its fields as a row): soleRecord in SQL. */
function soleRowExpressions(def: EntityDef, columns: readonly string[]): string[] {
  const unions = Object.keys(def.fields).filter((f) => def.fields[f]!.union);
  const grid = def.grid.map((f) =>
    def.fields[f]!.type === 'address'
      ? `(SELECT a.grid_id FROM addresses a WHERE a.address_id = r.fields ->> '${f}')`
      : `(r.fields ->> '${f}')`,
  );
  const present = `FROM jsonb_each(r.fields) k WHERE jsonb_typeof(k.value) <> 'null'`;
  const point = Object.keys(def.fields).find((f) => def.fields[f]!.type === 'point');
  return columns.map((column) => {
    if (column === 'district_id') return '$1';
    if (column === 'id') return 'r.entity_id';
    if (column === 'grid_id') return `coalesce(${grid.join(', ')})`;
    if (column === 'attributes')
      return `coalesce((SELECT jsonb_object_agg(substr(k.key, ${ATTRIBUTE_PREFIX.length + 1}), k.value) ${present} AND starts_with(k.key, '${ATTRIBUTE_PREFIX}')), '{}')`;
    if (column === 'field_sources')
      return `coalesce((SELECT jsonb_object_agg(k.key, CASE WHEN k.key = ANY('{${unions.join(',')}}'::text[]) THEN jsonb_build_array(r.id) ELSE to_jsonb(r.id) END) ${present}), '{}')`;
    if (point && (column === 'lng' || column === 'lat'))
      return `(r.fields -> '${point}' ->> ${column === 'lng' ? 0 : 1})::float8`;
    if (unions.includes(column))
      return `CASE WHEN jsonb_typeof(r.fields -> '${column}') = 'array' THEN coalesce((SELECT array_agg(DISTINCT v::bigint ORDER BY v::bigint) FROM jsonb_array_elements_text(r.fields -> '${column}') v), '{}') END`;
    return `p.${column}`;
  });
}

/** Resolves named entities (a review decision, a confirmed address) inside the caller's transaction. */
export function resolveEntities(
  db: Db,
  districtId: string,
  entities: readonly { kind: string; id: string | number }[],
  options: ResolveOptions = {},
): Promise<ResolveCounts> {
  const touched = new Map<string, number[]>();
  for (const e of entities) {
    const ids = touched.get(e.kind);
    if (ids) ids.push(Number(e.id));
    else touched.set(e.kind, [Number(e.id)]);
  }
  return resolveTouched(db, districtId, touched, options);
}

/** The priority of each field of one source target (`of(field)`). */
type PriorityOf = (source: string, target: string) => { of(field: string): number };

async function loadPriorities(db: Db): Promise<PriorityOf> {
  const sources = new Map(
    (await db.query<{ name: string; priority: number }>('SELECT name, priority FROM feed_sources')).map(
      (r) => [r.name, r.priority],
    ),
  );
  const overrides = new Map(
    (
      await db.query<{ source: string; target: string; field: string; priority: number }>(
        'SELECT source, target, field, priority FROM source_field_priorities',
      )
    ).map((r) => [`${r.source}|${r.target}|${r.field}`, r.priority]),
  );
  // Millions of records share a few dozen source targets: one table per target, found without
  // building a key string per record.
  const perTarget = new Map<string, Map<string, { of(field: string): number }>>();
  return (source, target) => {
    let targets = perTarget.get(source);
    if (!targets) {
      targets = new Map();
      perTarget.set(source, targets);
    }
    let table = targets.get(target);
    if (!table) {
      const fields = new Map<string, number>();
      table = {
        of(field) {
          let priority = fields.get(field);
          if (priority === undefined) {
            priority = overrides.get(`${source}|${target}|${field}`) ?? sources.get(source) ?? 0;
            fields.set(field, priority);
          }
          return priority;
        },
      };
      targets.set(target, table);
    }
    return table;
  };
}

interface ResolvedEntity {
  id: string;
  values: Record<string, unknown>;
  fieldSources: Record<string, number | number[]>;
}

/** A disputed field as a row of `registry_conflicts` (the claims without their comparison keys). */
interface Dispute {
  entity_id: string;
  field: string;
  claims: Omit<Claim, 'key'>[];
  winner: number;
}

/**
 * Winners, unions and conflicts of each entity of the batch (readStatement's text), each handed to
 * `take` as it is resolved; returns the entities resolved and the batch's disputes.
 */
async function resolveBatch(
  def: EntityDef,
  entities: string,
  priorityOf: PriorityOf,
  take: (e: ResolvedEntity) => void,
): Promise<{ resolved: Set<string>; disputes: Dispute[] }> {
  const resolved = new Set<string>();
  const disputes: Dispute[] = [];
  // Millions of records share a few dates and a few dozen source targets: convert each once.
  const isoOf = new Map<string, string>();
  const iso = (at: string): string => {
    let s = isoOf.get(at);
    if (s === undefined) {
      s = new Date(at).toISOString();
      isoOf.set(at, s);
    }
    return s;
  };
  for (const { id, records: recs } of entitiesOf(entities)) {
    if (resolved.size % YIELD_EVERY === 0) await yieldToIo();
    resolved.add(id);
    if (recs.length === 1) {
      take(soleRecord(def, id, recs[0]!));
      continue;
    }
    const claims = new Map<string, Claim[]>();
    for (const r of recs) {
      const observedAt = iso(r.observed_at);
      const priorities = priorityOf(r.source, r.target);
      const recordId = Number(r.id);
      for (const field in r.fields) {
        const value = r.fields[field];
        if (value === null || value === undefined) continue;
        const claim: Claim = {
          value,
          key: typeof value === 'string' ? value : `\u0000${JSON.stringify(value)}`,
          source: r.source,
          recordId,
          priority: priorities.of(field),
          observedAt,
        };
        const list = claims.get(field);
        if (list) list.push(claim);
        else claims.set(field, [claim]);
      }
    }
    const values: Record<string, unknown> = {};
    const fieldSources: Record<string, number | number[]> = {};
    for (const [field, list] of claims) {
      if (def.fields[field]?.union) {
        values[field] = sortedUnique(list.flatMap((c) => c.value as number[]));
        fieldSources[field] = sortedUnique(list.map((c) => c.recordId));
        continue;
      }
      if (list.length > 1) list.sort(better);
      const winner = list[0]!;
      values[field] = winner.value;
      // The same value at the same priority from several records: credit the first record that
      // gave it, so a later feed that only confirms it leaves the registry row untouched.
      let credited = winner;
      for (const c of list)
        if (c.priority === winner.priority && c.key === winner.key && c.recordId < credited.recordId)
          credited = c;
      fieldSources[field] = credited.recordId;
      // Each source's own best claim; two sources saying different things is a conflict.
      if (list.every((c) => c.source === winner.source || c.key === winner.key)) continue;
      const perSource = new Map<string, Claim>();
      for (const c of list) if (!perSource.has(c.source)) perSource.set(c.source, c);
      if (perSource.size > 1 && new Set([...perSource.values()].map((c) => c.key)).size > 1)
        disputes.push({
          entity_id: id,
          field,
          claims: [...perSource.values()].map(({ key: _key, ...claim }) => claim),
          winner: winner.recordId,
        });
    }
    take({ id, values, fieldSources });
  }
  return { resolved, disputes };
}

/** Ids once each, in order: a union field's members, the records a union is credited to. */
const sortedUnique = (ids: Iterable<number>): number[] => [...new Set(ids)].sort((a, b) => a - b);

/**
 * An entity of one current record (most of them: every entity a feed creates): its values as they
 * are, each credited to that record, no conflict — what the claims below would give, without them.
 */
function soleRecord(def: EntityDef, id: string, r: RecordRow): ResolvedEntity {
  const values: Record<string, unknown> = {};
  const fieldSources: Record<string, number | number[]> = {};
  const recordId = Number(r.id);
  for (const field in r.fields) {
    const value = r.fields[field];
    if (value === null || value === undefined) continue;
    if (def.fields[field]?.union) {
      values[field] = sortedUnique(value as number[]);
      fieldSources[field] = [recordId];
    } else {
      values[field] = value;
      fieldSources[field] = recordId;
    }
  }
  return { id, values, fieldSources };
}

interface RowWriter {
  temp: string;
  columns: string[];
  /** readStatement for a batch of held entities, and for one of created entities. */
  read: string;
  readCreated: string;
  /** The address fields that place the entity (their grids are read with the records). */
  addressFields: string[];
  line(districtId: string, e: ResolvedEntity, grids: ReadonlyMap<string, string>): string;
  /**
   * One statement for the rows COPYed into `temp`: upserts them (rewriting only rows that changed),
   * deletes the batch's entities left without records ($3) and opens, refreshes or closes the
   * batch's ($5) conflicts ($4, JSON). $1 district, $2 kind.
   */
  write: string;
}

interface WriteCounts {
  inserted: number;
  updated: number;
  deleted: number;
  opened: number;
  closed: number;
}

/** A registry column's COPY cell (a point: two, lng and lat) from a resolved value. */
function cell(def: FieldDef, value: unknown): string {
  if (def.type === 'point') {
    const [lng, lat] = Array.isArray(value) ? (value as number[]) : [];
    return `${copyText(lng)}\t${copyText(lat)}`;
  }
  return copyText(value);
}

function rowWriter(def: EntityDef): RowWriter {
  // grid_id is derived (a component's own grid_id field is one of its inputs).
  const fields = Object.entries(def.fields).filter(([name]) => name !== 'grid_id');
  const fieldColumns = fields.flatMap(([name, f]) => (f.type === 'point' ? ['lng', 'lat'] : [name]));
  const columns = ['district_id', 'id', ...fieldColumns, 'grid_id', 'attributes', 'field_sources'];
  const compared = columns.slice(2);
  const temp = `resolve_rows_${def.table}`;
  return {
    temp,
    columns,
    read: readStatement(def, columns, false),
    readCreated: readStatement(def, columns, true),
    addressFields: def.grid.filter((f) => def.fields[f]!.type === 'address'),
    line(districtId, e, grids) {
      const district = copyText(districtId);
      const attributes: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(e.values))
        if (k.startsWith(ATTRIBUTE_PREFIX)) attributes[k.slice(ATTRIBUTE_PREFIX.length)] = v;
      let grid: string | undefined;
      for (const f of def.grid) {
        const v = e.values[f];
        if (typeof v !== 'string') continue;
        grid = def.fields[f]!.type === 'address' ? grids.get(v) : v;
        if (grid) break;
      }
      let line = `${district}\t${e.id}`;
      for (const [name, f] of fields) line += `\t${cell(f, e.values[name])}`;
      return `${line}\t${copyText(grid)}\t${copyText(JSON.stringify(attributes))}\t${copyText(JSON.stringify(e.fieldSources))}\n`;
    },
    write: `
      WITH upserted AS (
        INSERT INTO ${def.table} AS t (${columns.join(', ')})
        SELECT ${columns.join(', ')} FROM ${temp} ORDER BY id
        ON CONFLICT (district_id, id) DO UPDATE
           SET ${compared.map((c) => `${c} = excluded.${c}`).join(', ')}, updated_at = now()
         WHERE (${compared.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${compared.map((c) => `excluded.${c}`).join(', ')})
        RETURNING (t.xmax = 0) AS inserted),
      deleted AS (
        DELETE FROM ${def.table} WHERE district_id = $1 AND id = ANY($3::bigint[]) RETURNING 1),
      disputed AS (
        SELECT * FROM json_to_recordset($4::json) AS d(entity_id bigint, field text, claims jsonb, winner bigint)),
      opened AS (
        INSERT INTO registry_conflicts AS c (district_id, entity_kind, entity_id, field, claims, winner_record_id)
        SELECT $1, $2, entity_id, field, claims, winner FROM disputed
        ON CONFLICT (district_id, entity_kind, entity_id, field) DO UPDATE
           SET claims = excluded.claims, winner_record_id = excluded.winner_record_id,
               last_seen_at = now(), resolved_at = NULL
         WHERE c.claims IS DISTINCT FROM excluded.claims OR c.resolved_at IS NOT NULL
        RETURNING 1),
      closed AS (
        UPDATE registry_conflicts c SET resolved_at = now()
         WHERE c.district_id = $1 AND c.entity_kind = $2 AND c.entity_id = ANY($5::bigint[]) AND c.resolved_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM disputed d WHERE d.entity_id = c.entity_id AND d.field = c.field)
        RETURNING 1)
      SELECT (SELECT count(*) FILTER (WHERE inserted) FROM upserted)::int AS inserted,
             (SELECT count(*) FILTER (WHERE NOT inserted) FROM upserted)::int AS updated,
             (SELECT count(*) FROM deleted)::int AS deleted,
             (SELECT count(*) FROM opened)::int AS opened,
             (SELECT count(*) FROM closed)::int AS closed`,
  };
}

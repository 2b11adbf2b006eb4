// Resolution: a registry row is recomputed from the current (not retired) source records linked to
// its entity; an entity left without any leaves the registry (its records stay, as history).
// Per field the winner is the value with the highest priority (the source's, or its per-field
// override, as last ingested: feed_sources / source_field_priorities), then the most recent
// (observed_at), then the latest record; union fields (a room's co-owners) take every record's
// values. Sources that disagree on a field — each source's own best value counted once — are a
// conflict, upserted into registry_conflicts and closed (resolved_at) once they agree again.
//
// Batches of touched entities: their records are read, the winners picked in memory (measured 3×
// faster than jsonb_each + DISTINCT ON on PGlite, where most of the time went), and the rows written
// back with COPY and one upsert per batch, which rewrites only rows that changed.
import { analyzeIfGrown } from '../../db/analyze.ts';
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

interface RecordRow {
  entity_id: string;
  id: string;
  source: string;
  target: string;
  observed_at: Date | string;
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
  const batchSize = options.batchSize ?? BATCH;
  const fresh = options.fresh ?? new Set<number>();
  const counts: ResolveCounts = {
    inserted: 0,
    updated: 0,
    deleted: 0,
    conflictsOpened: 0,
    conflictsClosed: 0,
  };
  const priorityOf = await loadPriorities(db);
  await db.exec(
    'CREATE TEMP TABLE IF NOT EXISTS resolve_disputed (entity_id bigint, field text, claims jsonb, winner bigint) ON COMMIT DROP',
  );
  for (const [kind, touchedIds] of touched) {
    const def = ENTITIES[kind as EntityKind];
    if (!def) throw new Error(`resolveTouched: no registry of ${kind}`);
    const insertedBefore = counts.inserted;
    const writer = rowWriter(def);
    // IF NOT EXISTS: a transaction may resolve more than once (a review decision after another).
    await db.exec(
      `CREATE TEMP TABLE IF NOT EXISTS ${writer.temp} (LIKE ${def.table} INCLUDING DEFAULTS) ON COMMIT DROP`,
    );
    // In id order: neighbouring entities' records sit together in the index.
    const ids = [...new Set(touchedIds)].sort((a, b) => a - b).map(String);
    const batches: Batch[] = [];
    for (let i = 0; i < ids.length; i += batchSize) {
      const slice = ids.slice(i, i + batchSize);
      const created = slice.filter((id) => fresh.has(Number(id)));
      if (created.length > 0) batches.push({ ids: created, created: true });
      const held = created.length === 0 ? slice : slice.filter((id) => !fresh.has(Number(id)));
      if (held.length > 0) batches.push({ ids: held, created: false });
    }
    // A pipeline: the next batch's records are read, and this one's rows written, while the
    // winners of this one are picked (see db/pipeline.ts).
    const writes = new InFlight();
    const read = (batch: Batch | undefined) => batch && sentAhead(readBatch(db, districtId, def, batch));
    let next = read(batches[0]);
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i]!;
      const { records, grids } = await next!;
      next = read(batches[i + 1]);
      const resolved = await resolveBatch(def, records, priorityOf);
      // One batch written at a time: the queue of unsent rows stays one batch long.
      await writes.settle();
      const rows = resolved.map((e) => writer.line(districtId, e, grids)).join('');
      if (batch.created) {
        // One source made them all in this run: no registry row, no conflicts yet.
        writes.add(db.copyFrom(`COPY ${def.table} (${writer.columns.join(', ')}) FROM STDIN`, rows));
        counts.inserted += resolved.length;
        continue;
      }
      writes.add(db.exec(`TRUNCATE ${writer.temp}`));
      writes.add(db.copyFrom(`COPY ${writer.temp} (${writer.columns.join(', ')}) FROM STDIN`, rows));
      writes.add(db.query<{ inserted: number; updated: number }>(writer.upsert), ([upserted]) => {
        counts.inserted += upserted?.inserted ?? 0;
        counts.updated += upserted?.updated ?? 0;
      });
      const present = new Set(resolved.map((e) => e.id));
      const orphans = batch.ids.filter((id) => !present.has(id));
      if (orphans.length > 0)
        writes.add(
          db.query(
            `DELETE FROM ${def.table} WHERE district_id = $1 AND id = ANY($2::bigint[]) RETURNING id`,
            [districtId, orphans],
          ),
          (deleted) => {
            counts.deleted += deleted.length;
          },
        );
      recordConflicts(db, districtId, def.kind, batch.ids, resolved, counts, writes);
    }
    await writes.settle();
    // Fresh statistics for the next ingest's lookups into a table that just grew.
    await analyzeIfGrown(db, def.table, counts.inserted - insertedBefore, [
      'district_id',
      'id',
      ...def.exactKey,
    ]);
  }
  return counts;
}

/** Touched entities of one kind, resolved together: those this run created, or those held before. */
interface Batch {
  ids: string[];
  created: boolean;
}

/** A batch's records, and the grid of every address they name that can place the entity. */
async function readBatch(
  db: Db,
  districtId: string,
  def: EntityDef,
  batch: Batch,
): Promise<{ records: RecordRow[]; grids: Map<string, string> }> {
  const records = await heldRecords(db, districtId, def.kind, batch.ids);
  return { records, grids: await gridsOf(db, def, records) };
}

/**
 * The current records of entities already in the registry. An index lookup per entity (the LATERAL
 * subquery with OFFSET 0 cannot be flattened into a hash join that scans every record, which the
 * planner picks when its statistics lag behind a growing table); one JSON array rather than a row
 * per record, as PGlite hands rows over several times slower than it hands over one long text.
 */
async function heldRecords(
  db: Db,
  districtId: string,
  kind: EntityKind,
  ids: readonly string[],
): Promise<RecordRow[]> {
  const [row] = await db.query<{ records: string }>(
    `SELECT coalesce(json_agg(json_build_array(r.entity_id::text, r.id::text, r.source, r.target, r.observed_at, r.fields)), '[]')::text AS records
       FROM unnest($3::bigint[]) b(id),
            LATERAL (SELECT r.entity_id, r.id, r.source, r.target, r.observed_at, r.fields FROM source_records r
                      WHERE r.district_id = $1 AND r.entity_kind = $2 AND r.entity_id = b.id AND r.retired_by_feed IS NULL
                     OFFSET 0) r`,
    [districtId, kind, ids],
  );
  const records: [string, string, string, string, string, Record<string, unknown>][] = JSON.parse(
    row!.records,
  );
  return records.map(([entity_id, id, source, target, observed_at, fields]) => ({
    entity_id,
    id,
    source,
    target,
    observed_at,
    fields,
  }));
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

/** Opens (or refreshes) the batch's conflicts and closes those its entities no longer have: sent, not awaited. */
function recordConflicts(
  db: Db,
  districtId: string,
  kind: EntityKind,
  ids: readonly string[],
  resolved: readonly ResolvedEntity[],
  counts: ResolveCounts,
  writes: InFlight,
): void {
  writes.add(db.exec('TRUNCATE resolve_disputed'));
  const disputes = resolved.flatMap((e) => e.conflicts.map((c) => ({ entityId: e.id, ...c })));
  if (disputes.length > 0) {
    writes.add(
      db.copyFrom(
        'COPY resolve_disputed (entity_id, field, claims, winner) FROM STDIN',
        disputes
          .map(
            (d) =>
              `${d.entityId}\t${copyText(d.field)}\t${copyText(JSON.stringify(d.claims.map(({ key: _key, ...claim }) => claim)))}\t${d.claims[0]!.recordId}\n`,
          )
          .join(''),
      ),
    );
    writes.add(db.query<{ n: number }>(OPEN_CONFLICTS, [districtId, kind]), ([opened]) => {
      counts.conflictsOpened += opened?.n ?? 0;
    });
  }
  writes.add(db.query<{ n: number }>(CLOSE_CONFLICTS, [districtId, kind, ids]), ([closed]) => {
    counts.conflictsClosed += closed?.n ?? 0;
  });
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
  conflicts: { field: string; claims: Claim[] }[];
}

/** Winners, unions and conflicts of each entity of the batch, from its records. */
async function resolveBatch(
  def: EntityDef,
  records: readonly RecordRow[],
  priorityOf: PriorityOf,
): Promise<ResolvedEntity[]> {
  const byEntity = new Map<string, RecordRow[]>();
  for (const r of records) {
    const list = byEntity.get(r.entity_id);
    if (list) list.push(r);
    else byEntity.set(r.entity_id, [r]);
  }
  // Millions of records share a few dates and a few dozen source targets: convert each once.
  const isoOf = new Map<string, string>();
  const iso = (at: Date | string): string => {
    if (at instanceof Date) return at.toISOString();
    let s = isoOf.get(at);
    if (s === undefined) {
      s = new Date(at).toISOString();
      isoOf.set(at, s);
    }
    return s;
  };
  const out: ResolvedEntity[] = [];
  for (const [id, recs] of byEntity) {
    if (out.length % YIELD_EVERY === 0) await yieldToIo();
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
    const conflicts: ResolvedEntity['conflicts'] = [];
    for (const [field, list] of claims) {
      if (def.fields[field]?.union) {
        const members = new Set<number>();
        for (const c of list) for (const v of c.value as number[]) members.add(v);
        values[field] = [...members].sort((a, b) => a - b);
        fieldSources[field] = [...new Set(list.map((c) => c.recordId))].sort((a, b) => a - b);
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
        conflicts.push({ field, claims: [...perSource.values()] });
    }
    out.push({
      id,
      values,
      fieldSources,
      conflicts,
    });
  }
  return out;
}

/** The grid of each address the batch's records name in a field that places the entity, in one indexed lookup. */
async function gridsOf(db: Db, def: EntityDef, records: readonly RecordRow[]): Promise<Map<string, string>> {
  const addressFields = def.grid.filter((f) => def.fields[f]!.type === 'address');
  const ids = new Set<string>();
  for (const r of records)
    for (const f of addressFields) {
      const v = r.fields[f];
      if (typeof v === 'string') ids.add(v);
    }
  if (ids.size === 0) return new Map();
  // An index lookup per address (see heldRecords), not a hash of the whole library per batch.
  const rows = await db.query<{ address_id: string; grid_id: string }>(
    `SELECT a.address_id, a.grid_id FROM unnest($1::text[]) u(id),
            LATERAL (SELECT address_id, grid_id FROM addresses WHERE address_id = u.id OFFSET 0) a`,
    [[...ids]],
  );
  return new Map(rows.map((r) => [r.address_id, r.grid_id]));
}

interface RowWriter {
  temp: string;
  columns: string[];
  line(districtId: string, e: ResolvedEntity, grids: ReadonlyMap<string, string>): string;
  upsert: string;
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
    upsert: `
      WITH upserted AS (
        INSERT INTO ${def.table} AS t (${columns.join(', ')})
        SELECT ${columns.join(', ')} FROM ${temp} ORDER BY id
        ON CONFLICT (district_id, id) DO UPDATE
           SET ${compared.map((c) => `${c} = excluded.${c}`).join(', ')}, updated_at = now()
         WHERE (${compared.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${compared.map((c) => `excluded.${c}`).join(', ')})
        RETURNING (t.xmax = 0) AS inserted)
      SELECT (count(*) FILTER (WHERE inserted))::int AS inserted, (count(*) FILTER (WHERE NOT inserted))::int AS updated
        FROM upserted`,
  };
}

const OPEN_CONFLICTS = `
  WITH up AS (
    INSERT INTO registry_conflicts AS c (district_id, entity_kind, entity_id, field, claims, winner_record_id)
    SELECT $1, $2, entity_id, field, claims, winner FROM resolve_disputed
    ON CONFLICT (district_id, entity_kind, entity_id, field) DO UPDATE
       SET claims = excluded.claims, winner_record_id = excluded.winner_record_id,
           last_seen_at = now(), resolved_at = NULL
     WHERE c.claims IS DISTINCT FROM excluded.claims OR c.resolved_at IS NOT NULL
    RETURNING 1)
  SELECT count(*)::int AS n FROM up`;

const CLOSE_CONFLICTS = `
  WITH closed AS (
    UPDATE registry_conflicts c SET resolved_at = now()
     WHERE c.district_id = $1 AND c.entity_kind = $2 AND c.entity_id = ANY($3::bigint[]) AND c.resolved_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM resolve_disputed d WHERE d.entity_id = c.entity_id AND d.field = c.field)
    RETURNING 1)
  SELECT count(*)::int AS n FROM closed`;

// Reading one registry entity: each resolved field with the source record it came from (source,
// feed, row, time), every value any source gave it over time, and the conflicts between sources.
// Personal fields (names, phones, ID numbers) are masked everywhere in the answer unless the reader
// unmasks them with the permission and a reason, which is logged. Small on purpose: profiles and
// block views build on these.
import { forbidden, invalidInput, notFound } from '../../lib/errors.ts';
import { type Ctx, canReadArea, coversArea, describeScope, requirePermission } from '../access/context.ts';
import {
  maskIdNumber,
  maskName,
  maskPhone,
  type PersonalKind,
  revealRecord,
  type UnmaskRequest,
} from '../access/masking.ts';
import { ATTRIBUTE_PREFIX, ENTITIES, type EntityKind, isEntityKind, personalFields } from './model.ts';

export interface EntityRef {
  kind: EntityKind;
  id: string;
}

export interface Provenance {
  recordId: string;
  source: string;
  target: string;
  feedId: string;
  file: string | null;
  row: number;
  observedAt: string;
}

export interface FieldView {
  value: unknown;
  /** Where the value came from; several records for a union field (a room's co-owners). */
  from: Provenance[];
}

export interface HistoryEntry extends Provenance {
  field: string;
  value: unknown;
  /** The record's current version (else a replaced or stale one). */
  current: boolean;
  /** The feed of a snapshot source that no longer listed the record. */
  retiredByFeed: string | null;
}

export interface Claim {
  value: unknown;
  source: string;
  recordId: number;
  priority: number;
  observedAt: string;
}

export interface ConflictView {
  kind: EntityKind;
  entityId: string;
  field: string;
  /** Each source's current value, the winner first. */
  claims: Claim[];
  winnerRecordId: string;
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
}

export interface EntityView {
  kind: EntityKind;
  id: string;
  gridId: string | null;
  sources: string[];
  /** Core fields by name, attributes as `attributes.<name>`. */
  fields: Record<string, FieldView>;
  /** Oldest last; at most HISTORY_LIMIT entries. */
  history: HistoryEntry[];
  conflicts: ConflictView[];
  /** Personal fields shown masked. */
  masked: string[];
  createdAt: string;
  updatedAt: string;
}

const HISTORY_LIMIT = 500;

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

export function parseEntityKind(kind: string): EntityKind {
  if (!isEntityKind(kind))
    throw invalidInput(`no registry "${kind}"; registries: ${Object.keys(ENTITIES).join(', ')}`);
  return kind;
}

/** The entity with this exact key (resident ID, credit code, household number, address id…), if any. */
export async function findEntity(
  ctx: Ctx,
  kind: EntityKind,
  key: Record<string, string>,
): Promise<string | null> {
  requirePermission(ctx, 'registry:read');
  const def = ENTITIES[kind];
  const missing = def.exactKey.filter((k) => !key[k]);
  if (missing.length > 0)
    throw invalidInput(`${def.label} is found by ${def.exactKey.join(' + ')}; missing ${missing.join(', ')}`);
  const [row] = await ctx.db.query<{ id: string }>(
    `SELECT id::text FROM ${def.table}
      WHERE district_id IN (SELECT id FROM areas WHERE level = 'district')
        AND ${def.exactKey.map((k, i) => `${k} = $${i + 1}`).join(' AND ')} LIMIT 1`,
    def.exactKey.map((k) => key[k]),
  );
  return row?.id ?? null;
}

interface RecordVersion {
  record_id: string;
  source: string;
  target: string;
  feed_id: string;
  file_name: string | null;
  row_number: number;
  observed_at: Date | string;
  fields: Record<string, unknown>;
  retired_by_feed: string | null;
  current: boolean;
}

export async function getEntity(
  ctx: Ctx,
  ref: EntityRef,
  options: { unmask?: UnmaskRequest } = {},
): Promise<EntityView> {
  requirePermission(ctx, 'registry:read');
  const def = ENTITIES[ref.kind];
  if (!/^\d{1,18}$/.test(ref.id)) throw notFound(`${ref.kind} ${ref.id}`);
  const [row] = await ctx.db.query<{
    district_id: string;
    data: Record<string, unknown>;
    path: string[] | null;
  }>(
    `SELECT t.district_id, to_jsonb(t) AS data, a.path FROM ${def.table} t LEFT JOIN areas a ON a.id = t.grid_id
      WHERE t.district_id IN (SELECT id FROM areas WHERE level = 'district') AND t.id = $1`,
    [ref.id],
  );
  if (!row) throw notFound(`${ref.kind} ${ref.id}`);
  const path = row.path ?? [];
  // Infrastructure is reference data agencies work on; everything else is bound to its area.
  const allowed = ref.kind === 'city_component' ? canReadArea(ctx.actor, path) : coversArea(ctx.actor, path);
  if (!allowed) throw notFound(`${ref.kind} ${ref.id} in your scope ${describeScope(ctx.actor.scope)}`);

  const data = row.data;
  const versions = await ctx.db.query<RecordVersion>(
    `SELECT * FROM (
       SELECT r.id::text AS record_id, r.source, r.target, r.feed_id::text, f.file_name, r.row_number, r.observed_at,
              r.fields, r.retired_by_feed::text, true AS current
         FROM source_records r LEFT JOIN feeds f ON f.id = r.feed_id
        WHERE r.district_id = $1 AND r.entity_kind = $2 AND r.entity_id = $3
       UNION ALL
       SELECT h.record_id::text, r.source, r.target, h.feed_id::text, f.file_name, h.row_number, h.observed_at,
              h.fields, NULL, false
         FROM source_records r
         JOIN source_record_history h ON h.district_id = r.district_id AND h.record_id = r.id
         LEFT JOIN feeds f ON f.id = h.feed_id
        WHERE r.district_id = $1 AND r.entity_kind = $2 AND r.entity_id = $3) v
      ORDER BY observed_at DESC, current DESC, record_id DESC LIMIT ${HISTORY_LIMIT}`,
    [row.district_id, ref.kind, ref.id],
  );
  const provenance = (v: RecordVersion): Provenance => ({
    recordId: v.record_id,
    source: v.source,
    target: v.target,
    feedId: v.feed_id,
    file: v.file_name,
    row: v.row_number,
    observedAt: iso(v.observed_at)!,
  });
  const currentById = new Map(versions.filter((v) => v.current).map((v) => [v.record_id, v]));

  const fields: Record<string, FieldView> = {};
  const winners = (data.field_sources ?? {}) as Record<string, number | number[]>;
  const attributes = (data.attributes ?? {}) as Record<string, unknown>;
  for (const [field, src] of Object.entries(winners)) {
    const ids = (Array.isArray(src) ? src : [src]).map(String);
    const value = field.startsWith(ATTRIBUTE_PREFIX)
      ? attributes[field.slice(ATTRIBUTE_PREFIX.length)]
      : field === 'location'
        ? [data.lng, data.lat]
        : data[field];
    fields[field] = {
      value,
      from: ids.flatMap((id) => {
        const v = currentById.get(id);
        return v ? [provenance(v)] : [];
      }),
    };
  }
  const history: HistoryEntry[] = versions.flatMap((v) =>
    Object.entries(v.fields).map(([field, value]) => ({
      field,
      value,
      ...provenance(v),
      current: v.current,
      retiredByFeed: v.retired_by_feed,
    })),
  );

  const conflicts = (
    await ctx.db.query<ConflictRow>(
      `SELECT ${CONFLICT_COLUMNS} FROM registry_conflicts
        WHERE district_id = $1 AND entity_kind = $2 AND entity_id = $3 ORDER BY resolved_at DESC NULLS FIRST, field`,
      [row.district_id, ref.kind, ref.id],
    )
  ).map(toConflict);

  const personal = personalFields(ref.kind);
  const shown = await revealedFields(ctx, ref, fields, personal, options.unmask);
  const mask = (field: string, value: unknown) => maskValue(personal[field], shown.has(field), value);
  for (const [field, view] of Object.entries(fields)) view.value = mask(field, view.value);
  for (const entry of history) entry.value = mask(entry.field, entry.value);
  for (const c of conflicts) for (const claim of c.claims) claim.value = mask(c.field, claim.value);

  return {
    kind: ref.kind,
    id: ref.id,
    gridId: (data.grid_id as string | null) ?? null,
    sources: (
      await ctx.db.query<{ source: string }>(
        `SELECT DISTINCT source FROM source_records
          WHERE district_id = $1 AND entity_kind = $2 AND entity_id = $3 AND retired_by_feed IS NULL ORDER BY source`,
        [row.district_id, ref.kind, ref.id],
      )
    ).map((r) => r.source),
    fields,
    history,
    conflicts,
    masked: Object.keys(personal).filter((f) => !shown.has(f)),
    createdAt: iso(data.created_at as string)!,
    updatedAt: iso(data.updated_at as string)!,
  };
}

/** Checks and logs an unmask request (revealRecord); returns the personal fields shown in clear. */
async function revealedFields(
  ctx: Ctx,
  ref: EntityRef,
  fields: Record<string, FieldView>,
  personal: Record<string, PersonalKind>,
  request: UnmaskRequest | undefined,
): Promise<Set<string>> {
  const wanted = (request?.fields ?? []).filter((f) => f in personal);
  if (wanted.length === 0) return new Set();
  const current = Object.fromEntries(Object.keys(personal).map((f) => [f, fields[f]?.value ?? null]));
  await revealRecord(ctx, { kind: ref.kind, id: ref.id }, current, personal, {
    fields: wanted,
    reason: request?.reason,
  });
  return new Set(wanted);
}

const MASKERS: Record<PersonalKind, (v: string) => string> = {
  name: maskName,
  phone: maskPhone,
  idNumber: maskIdNumber,
};

function maskValue(kind: PersonalKind | undefined, shown: boolean, value: unknown): unknown {
  if (!kind || shown || typeof value !== 'string' || value === '') return value;
  return MASKERS[kind](value);
}

// ---- conflicts ------------------------------------------------------------------------------------

interface ConflictRow {
  entity_kind: EntityKind;
  entity_id: string;
  field: string;
  claims: Claim[];
  winner_record_id: string;
  first_seen_at: Date | string;
  last_seen_at: Date | string;
  resolved_at: Date | string | null;
}

const CONFLICT_COLUMNS =
  'entity_kind, entity_id::text, field, claims, winner_record_id::text, first_seen_at, last_seen_at, resolved_at';

const toConflict = (r: ConflictRow): ConflictView => ({
  kind: r.entity_kind,
  entityId: r.entity_id,
  field: r.field,
  claims: r.claims,
  winnerRecordId: r.winner_record_id,
  firstSeenAt: iso(r.first_seen_at)!,
  lastSeenAt: iso(r.last_seen_at)!,
  resolvedAt: iso(r.resolved_at),
});

export interface ConflictFilter {
  kind?: EntityKind | undefined;
  field?: string | undefined;
  /** Conflicts in which this source has a claim. */
  source?: string | undefined;
  /** Open only (default), or also those the sources have since settled. */
  includeResolved?: boolean | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

/**
 * Conflicts between sources, newest first, with personal values masked: the report a data steward
 * works through. District-wide readers only (conflicts span the registries, not one area).
 */
export async function listConflicts(ctx: Ctx, filter: ConflictFilter = {}): Promise<ConflictView[]> {
  requireDistrictReader(ctx);
  const rows = await ctx.db.query<ConflictRow>(
    `SELECT ${CONFLICT_COLUMNS} FROM registry_conflicts
      WHERE ($1::text IS NULL OR entity_kind = $1) AND ($2::text IS NULL OR field = $2)
        AND ($3::text IS NULL OR claims @> jsonb_build_array(jsonb_build_object('source', $3::text)))
        AND ($4::boolean OR resolved_at IS NULL)
      ORDER BY last_seen_at DESC, entity_kind, entity_id, field LIMIT $5 OFFSET $6`,
    [
      filter.kind ?? null,
      filter.field ?? null,
      filter.source ?? null,
      filter.includeResolved ?? false,
      filter.limit ?? 100,
      filter.offset ?? 0,
    ],
  );
  return rows.map(toConflict).map((c) => {
    const kind = personalFields(c.kind)[c.field];
    return {
      ...c,
      claims: c.claims.map((claim) => ({ ...claim, value: maskValue(kind, false, claim.value) })),
    };
  });
}

export interface ConflictCount {
  kind: EntityKind;
  field: string;
  /** The sources that disagree, in name order. */
  sources: string[];
  open: number;
  resolved: number;
}

/** How many conflicts per registry, field and set of disagreeing sources. */
export async function conflictSummary(ctx: Ctx): Promise<ConflictCount[]> {
  requireDistrictReader(ctx);
  return ctx.db.query<ConflictCount>(
    `SELECT entity_kind AS kind, field, sources,
            (count(*) FILTER (WHERE resolved_at IS NULL))::int AS open,
            (count(*) FILTER (WHERE resolved_at IS NOT NULL))::int AS resolved
       FROM (SELECT entity_kind, field, resolved_at,
                    ARRAY(SELECT DISTINCT c->>'source' FROM jsonb_array_elements(claims) c ORDER BY 1) AS sources
               FROM registry_conflicts) x
      GROUP BY entity_kind, field, sources
      ORDER BY open DESC, kind, field`,
  );
}

function requireDistrictReader(ctx: Ctx): void {
  requirePermission(ctx, 'registry:read');
  const { kind, id } = ctx.actor.scope;
  if (kind === 'agency' || id !== '*')
    throw forbidden(
      `the conflict report covers the whole district; your scope is ${describeScope(ctx.actor.scope)}`,
    );
}

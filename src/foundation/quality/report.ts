// `citybrain quality` / GET /api/quality: data quality per source and per registry, as a list of
// named checks in the manner of Great Expectations and dbt tests — each with a status, the observed
// failing count and percentage against its threshold, and example rows (file, row, value, why).
// Source checks count the row findings of findings.ts; registry checks are one aggregate query per
// registry table. Everything is set-based SQL.
import type { Db } from '../../db/db.ts';
import { forbidden } from '../../lib/errors.ts';
import { type Ctx, describeScope, requirePermission } from '../access/context.ts';
import { maskIdNumber, maskPhone } from '../access/masking.ts';
import { ENTITIES, type EntityKind } from '../registry/model.ts';
import {
  collectFindings,
  type Denominator,
  type Dimension,
  MAX_AGE_YEARS,
  SOURCE_CHECKS,
  type StoredTarget,
  VERSIONS,
} from './findings.ts';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface QualityExample {
  file: string | null;
  row: number | null;
  field: string | null;
  value: string | null;
  why: string;
  /** For registry checks: the entity. */
  entity?: { kind: EntityKind; id: string } | undefined;
}

export interface QualityCheck {
  name: string;
  dimension: Dimension;
  scope: 'source' | 'registry';
  /** The source, or the registry (entity kind). */
  subject: string;
  description: string;
  status: CheckStatus;
  observed: { failing: number; total: number; percent: number };
  /** Percent failing above which the check warns, and fails. */
  threshold: { warnAbove: number; failAbove: number };
  examples: QualityExample[];
}

export interface QualityReport {
  generatedAt: string;
  sources: string[];
  summary: Record<CheckStatus, number>;
  checks: QualityCheck[];
}

const EXAMPLES = 5;

export interface QualityOptions {
  /** Only this source's checks (registry checks are left out). */
  source?: string | undefined;
}

/** The full report. District-wide readers only: quality spans every area. */
export async function qualityReport(ctx: Ctx, options: QualityOptions = {}): Promise<QualityReport> {
  requirePermission(ctx, 'imports:read');
  requirePermission(ctx, 'registry:read');
  const { kind, id } = ctx.actor.scope;
  if (kind === 'agency' || id !== '*')
    throw forbidden(
      `the quality report covers the whole district; your scope is ${describeScope(ctx.actor.scope)}`,
    );
  const sources = options.source ? [options.source] : null;
  return ctx.db.transaction(async (db) => {
    const targets = await collectFindings(db, sources);
    const checks = await sourceChecks(db, sources, targets);
    if (!options.source) checks.push(...(await registryChecks(db)));
    const summary: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0 };
    for (const c of checks) summary[c.status] += 1;
    return {
      generatedAt: new Date().toISOString(),
      sources: [...new Set(targets.map((t) => t.source))].sort(),
      summary,
      checks,
    };
  });
}

const statusOf = (percent: number, warnAbove: number, failAbove: number): CheckStatus =>
  percent > failAbove ? 'fail' : percent > warnAbove ? 'warn' : 'pass';

const percentOf = (failing: number, total: number) =>
  total === 0 ? 0 : Math.round((failing / total) * 1e6) / 1e4;

/** Personal values in examples: IDs and phone numbers are masked by their shape. */
function maskExample(value: string | null): string | null {
  if (value === null) return null;
  if (/^\d{17}[\dXx]$|^\d{15}$/.test(value)) return maskIdNumber(value);
  if (/^1\d{10}$/.test(value.replace(/[-\s]/g, ''))) return maskPhone(value.replace(/[-\s]/g, ''));
  return value;
}

async function sourceChecks(
  db: Db,
  sources: readonly string[] | null,
  targets: readonly StoredTarget[],
): Promise<QualityCheck[]> {
  const counted = await db.query<{ check_name: string; source: string; failing: number }>(
    `SELECT check_name, source, count(DISTINCT (feed_id, row_number))::int AS failing
       FROM quality_findings GROUP BY check_name, source`,
  );
  const examples = await db.query<{
    check_name: string;
    source: string;
    file_name: string | null;
    row_number: number | null;
    field: string | null;
    value: string | null;
    why: string;
  }>(
    `SELECT check_name, source, file_name, row_number, field, value, why FROM (
       SELECT q.*, regexp_replace(f.file_name, '^.*[\\\\/]', '') AS file_name,
              row_number() OVER (PARTITION BY q.check_name, q.source ORDER BY q.feed_id, q.row_number, q.field) AS n
         FROM quality_findings q LEFT JOIN feeds f ON f.id = q.feed_id) x
      WHERE n <= ${EXAMPLES} ORDER BY check_name, source, n`,
  );
  const totals = await denominators(db, sources, targets);
  const out: QualityCheck[] = [];
  for (const source of [...new Set(targets.map((t) => t.source))].sort())
    for (const def of SOURCE_CHECKS) {
      const total = totals.get(`${def.denominator}|${source}`) ?? 0;
      if (total === 0) continue;
      const failing = counted.find((c) => c.check_name === def.name && c.source === source)?.failing ?? 0;
      const percent = percentOf(failing, total);
      out.push({
        name: def.name,
        dimension: def.dimension,
        scope: 'source',
        subject: source,
        description: def.description,
        status: statusOf(percent, def.warnAbove, def.failAbove),
        observed: { failing, total, percent },
        threshold: { warnAbove: def.warnAbove, failAbove: def.failAbove },
        examples: examples
          .filter((e) => e.check_name === def.name && e.source === source)
          .map((e) => ({
            file: e.file_name,
            row: e.row_number,
            field: e.field,
            value: maskExample(e.value),
            why: e.why,
          })),
      });
    }
  return out;
}

/** Per denominator and source: the count a check's failing rows are a share of. */
async function denominators(
  db: Db,
  sources: readonly string[] | null,
  targets: readonly StoredTarget[],
): Promise<Map<string, number>> {
  const identified = targets.filter((t) => t.identifiers.length > 0);
  const withOptional = [...new Set(targets.filter((t) => t.optional).map((t) => t.source))];
  const rows = await db.query<{ denominator: Denominator; source: string; n: number }>(
    `SELECT 'rows' AS denominator, source, sum(rows_total)::int AS n FROM feeds
      WHERE ($1::text[] IS NULL OR source = ANY($1::text[])) GROUP BY source
     UNION ALL
     SELECT 'records', source, count(*)::int FROM (${VERSIONS}) v
      WHERE ($1::text[] IS NULL OR source = ANY($1::text[])) GROUP BY source
     UNION ALL
     SELECT 'identified', r.source, count(*)::int
       FROM (${VERSIONS}) r JOIN unnest($2::text[], $3::text[]) AS t(source, target)
         ON r.source = t.source AND r.target = t.target
      GROUP BY r.source
     UNION ALL
     SELECT 'row_groups', source, count(DISTINCT (feed_id, row_number))::int FROM (${VERSIONS}) v
      WHERE source = ANY($4::text[]) GROUP BY source
     UNION ALL
     SELECT 'addresses', r.source, count(*)::int FROM (${VERSIONS}) r CROSS JOIN LATERAL jsonb_object_keys(r.texts) k
      WHERE ($1::text[] IS NULL OR r.source = ANY($1::text[])) AND r.texts IS NOT NULL
      GROUP BY r.source`,
    [sources, identified.map((t) => t.source), identified.map((t) => t.target), withOptional],
  );
  return new Map(rows.map((r) => [`${r.denominator}|${r.source}`, r.n]));
}

// ---- registries -----------------------------------------------------------------------------------

interface RegistryCheckDef {
  kind: EntityKind;
  name: string;
  dimension: Dimension;
  description: string;
  /** SQL condition on the registry row `t` that fails the check. */
  failing: string;
  /** SQL condition on `t` for the rows the check applies to (default: all). */
  applies?: string;
  /** A LEFT JOIN the conditions read (a grouped table, so no check probes per row). */
  join?: string;
  field?: string;
  warnAbove: number;
  failAbove: number;
}

/** Fields a registry row should have; the others are sparse by nature (a mother, an employer). */
const EXPECTED: Record<EntityKind, string[]> = {
  person: ['id_number', 'name', 'sex', 'birth_date', 'residency', 'residence_address_id', 'grid_id'],
  household: ['household_no', 'address_id', 'grid_id'],
  legal_entity: ['credit_code', 'name', 'industry', 'status', 'grid_id'],
  room: ['address_id', 'use', 'grid_id'],
  license: ['license_no', 'type', 'expires_on', 'status'],
  city_component: ['code', 'type', 'state', 'grid_id'],
};

const REF_TABLE: Record<string, { table: string; column: string }> = {
  household_id: { table: 'households', column: 'id' },
  employer_id: { table: 'legal_entities', column: 'id' },
  mother_id: { table: 'people', column: 'id' },
  father_id: { table: 'people', column: 'id' },
  holder_person_id: { table: 'people', column: 'id' },
  holder_entity_id: { table: 'legal_entities', column: 'id' },
};

function registryDefs(): RegistryCheckDef[] {
  const defs: RegistryCheckDef[] = [];
  for (const kind of Object.keys(EXPECTED) as EntityKind[]) {
    const def = ENTITIES[kind];
    for (const field of EXPECTED[kind])
      defs.push({
        kind,
        name: `completeness.${field}`,
        dimension: field === 'grid_id' ? 'address' : 'completeness',
        description:
          field === 'grid_id'
            ? 'entities placed on a grid (their address matched)'
            : `entities with a ${field}`,
        failing: `t.${field} IS NULL`,
        field,
        warnAbove: 1,
        failAbove: 10,
      });
    for (const [field, f] of Object.entries(def.fields)) {
      if (f.type === 'address')
        defs.push({
          kind,
          name: `validity.${field}`,
          dimension: 'validity',
          description: `${field} names an address of the library`,
          applies: `t.${field} IS NOT NULL`,
          failing: `NOT EXISTS (SELECT 1 FROM addresses a WHERE a.address_id = t.${field})`,
          field,
          warnAbove: 0,
          failAbove: 0.1,
        });
      const ref = REF_TABLE[field];
      if (ref)
        defs.push({
          kind,
          name: `consistency.${field}`,
          dimension: 'consistency',
          description: `${field} points at an entity of the registries`,
          applies: `t.${field} IS NOT NULL`,
          failing: `NOT EXISTS (SELECT 1 FROM ${ref.table} x WHERE x.district_id = t.district_id AND x.${ref.column} = t.${field})`,
          field,
          warnAbove: 0,
          failAbove: 0.1,
        });
    }
    defs.push({
      kind,
      name: 'consistency.conflicts',
      dimension: 'consistency',
      description: 'entities on which sources disagree (an open conflict on some field)',
      failing: `EXISTS (SELECT 1 FROM registry_conflicts c WHERE c.district_id = t.district_id
                  AND c.entity_kind = '${kind}' AND c.entity_id = t.id AND c.resolved_at IS NULL)`,
      warnAbove: 1,
      failAbove: 5,
    });
    defs.push({
      kind,
      name: 'timeliness.latest_record',
      dimension: 'timeliness',
      description: `entities whose newest source record is as of more than ${MAX_AGE_YEARS} years ago`,
      join: `LEFT JOIN (SELECT district_id, entity_id, max(observed_at) AS latest FROM source_records
                   WHERE entity_kind = '${kind}' AND retired_by_feed IS NULL GROUP BY district_id, entity_id) lr
               ON lr.district_id = t.district_id AND lr.entity_id = t.id`,
      failing: `coalesce(lr.latest < now() - interval '${MAX_AGE_YEARS} years', true)`,
      warnAbove: 10,
      failAbove: 50,
    });
  }
  defs.push(
    {
      kind: 'person',
      name: 'uniqueness.name_birth_date',
      dimension: 'uniqueness',
      description: 'people without a resident ID who share name and birth date with someone who has one',
      applies: 't.id_number IS NULL',
      join: `LEFT JOIN (SELECT DISTINCT district_id, name, birth_date FROM people WHERE id_number IS NOT NULL) nb
               ON nb.district_id = t.district_id AND nb.name = t.name AND nb.birth_date = t.birth_date`,
      failing: 'nb.name IS NOT NULL',
      warnAbove: 1,
      failAbove: 10,
    },
    {
      kind: 'legal_entity',
      name: 'uniqueness.name',
      dimension: 'uniqueness',
      description: 'legal entities that share their name with another',
      join: `LEFT JOIN (SELECT district_id, name FROM legal_entities GROUP BY district_id, name HAVING count(*) > 1) tw
               ON tw.district_id = t.district_id AND tw.name = t.name`,
      failing: 'tw.name IS NOT NULL',
      warnAbove: 0.1,
      failAbove: 1,
    },
    {
      kind: 'city_component',
      name: 'uniqueness.place',
      dimension: 'uniqueness',
      description: 'components of one type at one place within 5 m of another (surveyed twice)',
      failing: `EXISTS (SELECT 1 FROM city_components o WHERE o.district_id = t.district_id AND o.grid_id = t.grid_id
                  AND o.type = t.type AND o.id <> t.id AND o.address_id IS NOT DISTINCT FROM t.address_id
                  AND abs(o.lat - t.lat) < 0.000045 AND abs(o.lng - t.lng) < 0.000049)`,
      warnAbove: 0.1,
      failAbove: 1,
    },
    {
      kind: 'license',
      name: 'timeliness.expired_but_valid',
      dimension: 'timeliness',
      description: 'licences still valid after their expiry date',
      applies: `t.status = 'valid'`,
      failing: 't.expires_on < current_date',
      warnAbove: 0,
      failAbove: 1,
    },
    {
      kind: 'license',
      name: 'validity.term',
      dimension: 'validity',
      description: 'licences that expire before they were issued',
      applies: 't.expires_on IS NOT NULL AND t.issued_on IS NOT NULL',
      failing: 't.expires_on < t.issued_on',
      warnAbove: 0,
      failAbove: 0.1,
    },
  );
  return defs;
}

/** One aggregate query per registry and join (every check a FILTERed count), then examples of the failing ones. */
async function registryChecks(db: Db): Promise<QualityCheck[]> {
  const defs = registryDefs();
  const out: QualityCheck[] = [];
  for (const kind of Object.keys(EXPECTED) as EntityKind[]) {
    const mine = defs.filter((d) => d.kind === kind);
    const table = ENTITIES[kind].table;
    const counts: Record<string, number> = {};
    for (const join of new Set(mine.map((d) => d.join ?? ''))) {
      const cols = mine.flatMap((d, i) =>
        (d.join ?? '') === join
          ? [
              `(count(*) FILTER (WHERE ${d.applies ?? 'true'}))::int AS t${i}`,
              `(count(*) FILTER (WHERE (${d.applies ?? 'true'}) AND (${d.failing})))::int AS f${i}`,
            ]
          : [],
      );
      const [row] = await db.query<Record<string, number>>(
        `SELECT ${cols.join(', ')} FROM ${table} t ${join}`,
      );
      Object.assign(counts, row);
    }
    for (const [i, d] of mine.entries()) {
      const total = counts[`t${i}`] ?? 0;
      const failing = counts[`f${i}`] ?? 0;
      if (total === 0) continue;
      const percent = percentOf(failing, total);
      const examples =
        failing === 0
          ? []
          : await db.query<{ id: string; value: string | null }>(
              `SELECT t.id::text, ${d.field && d.field !== 'grid_id' ? `t.${d.field}::text` : 'NULL'} AS value
                 FROM ${table} t ${d.join ?? ''} WHERE (${d.applies ?? 'true'}) AND (${d.failing}) ORDER BY t.id LIMIT ${EXAMPLES}`,
            );
      out.push({
        name: d.name,
        dimension: d.dimension,
        scope: 'registry',
        subject: kind,
        description: d.description,
        status: statusOf(percent, d.warnAbove, d.failAbove),
        observed: { failing, total, percent },
        threshold: { warnAbove: d.warnAbove, failAbove: d.failAbove },
        examples: examples.map((e) => ({
          file: null,
          row: null,
          field: d.field ?? null,
          value: maskExample(e.value),
          why: d.description,
          entity: { kind, id: e.id },
        })),
      });
    }
  }
  return out;
}

// Row-level quality findings of the department feeds: every flagged feed row, by check, gathered
// into a temporary table with one set-based INSERT … SELECT per check (no per-row round trips). The
// report (report.ts) counts and samples them; the demo's truth check (truth.ts) joins them with the
// injected errors. Findings read only what the ingest kept: import problems (rejected rows and
// warnings), the current source records, their history and the conflicts between sources.
import type { Db } from '../../db/db.ts';
import { isEntityKind, mappedIdentifiers } from '../registry/model.ts';

export const DIMENSIONS = [
  'completeness',
  'validity',
  'uniqueness',
  'consistency',
  'timeliness',
  'address',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** What a source check counts its failing rows against. */
export type Denominator = 'rows' | 'records' | 'identified' | 'row_groups' | 'addresses';

export interface SourceCheckDef {
  name: string;
  dimension: Dimension;
  description: string;
  denominator: Denominator;
  /** Percentages of failing rows above which the check warns, and fails. */
  warnAbove: number;
  failAbove: number;
}

/**
 * Every version of the source records a delivery brought: the current one (even if a snapshot has
 * since retired it) and the replaced ones, so each delivery's rows are judged as delivered. A
 * subquery, not a copy: the record checks stream it.
 */
export const VERSIONS = `SELECT r.source, r.target, r.feed_id, r.row_number, r.fields, r.texts, r.observed_at FROM source_records r
  UNION ALL
  SELECT r.source, r.target, h.feed_id, h.row_number, h.fields, h.texts, h.observed_at
    FROM source_record_history h JOIN source_records r ON r.district_id = h.district_id AND r.id = h.record_id
   WHERE h.superseded_by_feed IS NOT NULL`;

/** Records as of more than this long before their delivery are reported as old. */
export const MAX_AGE_YEARS = 3;

// Import problems are sorted into dimensions by what their reason says (fusion/values.ts, rows.ts, ingest.ts).
const ID_PROBLEM = `(GB 11643|GB 32100|resident ID|credit code|holds an impossible birth date|holds no real birth date)`;
const DATE_PROBLEM = `(not a real date|none of the date styles|is after the delivery|is before [0-9])`;
const KEY_REPEAT = `(has the same key|repeats row)`;
const LAPSED = `has passed: taken as`;
const STALE_DELIVERY = `older than the version already held`;
const ADDRESS_CODE = `is not in the address library`;
const SELF_CONTRADICTION = `contradicts the ID`;
const OTHER_EXCLUDED = [
  ID_PROBLEM,
  DATE_PROBLEM,
  KEY_REPEAT,
  LAPSED,
  STALE_DELIVERY,
  ADDRESS_CODE,
  SELF_CONTRADICTION,
];

export const SOURCE_CHECKS: readonly SourceCheckDef[] = [
  {
    name: 'validity.rejected_rows',
    dimension: 'validity',
    description: 'rows rejected at ingest (a missing key, a bad required value, a wrong number of cells)',
    denominator: 'rows',
    warnAbove: 0.1,
    failAbove: 1,
  },
  {
    name: 'validity.identifier',
    dimension: 'validity',
    description: 'resident IDs (GB 11643) and credit codes (GB 32100) that fail their check',
    denominator: 'rows',
    warnAbove: 0.05,
    failAbove: 0.5,
  },
  {
    name: 'validity.date',
    dimension: 'validity',
    description: 'dates that do not exist, match no date style of the source, or lie after the delivery',
    denominator: 'rows',
    warnAbove: 0.05,
    failAbove: 0.5,
  },
  {
    name: 'validity.value',
    dimension: 'validity',
    description: 'other values that fail their type (phones, enums, amounts, industry codes, points)',
    denominator: 'rows',
    warnAbove: 0.5,
    failAbove: 5,
  },
  {
    name: 'completeness.identifier',
    dimension: 'completeness',
    description: 'records of a target that maps the resident ID or credit code, without one',
    denominator: 'identified',
    warnAbove: 0.05,
    failAbove: 1,
  },
  {
    name: 'completeness.optional_target',
    dimension: 'completeness',
    description:
      'rows that describe no entity for an optional target (a mother, a legal representative): its ID or name is empty',
    denominator: 'row_groups',
    warnAbove: 0.1,
    failAbove: 5,
  },
  {
    name: 'uniqueness.repeated_key',
    dimension: 'uniqueness',
    description: 'rows whose record key repeats another row of the same file (both rows listed)',
    denominator: 'rows',
    warnAbove: 0.05,
    failAbove: 0.5,
  },
  {
    name: 'uniqueness.same_entity',
    dimension: 'uniqueness',
    description:
      'an entity the same source and target describes twice as of the same date (registered twice)',
    denominator: 'records',
    warnAbove: 0.05,
    failAbove: 0.5,
  },
  {
    name: 'uniqueness.duplicate_entity',
    dimension: 'uniqueness',
    description:
      'records of two registry entities that look like one (same name; a component surveyed twice), or a company a register lists twice (once in review)',
    denominator: 'records',
    warnAbove: 0.05,
    failAbove: 0.5,
  },
  {
    name: 'consistency.conflict',
    dimension: 'consistency',
    description:
      'records whose value of a field disagrees with another source on the same entity (open conflicts)',
    denominator: 'records',
    warnAbove: 1,
    failAbove: 5,
  },
  {
    name: 'consistency.within_row',
    dimension: 'consistency',
    description: "rows whose birth date or sex contradicts the row's own resident ID",
    denominator: 'rows',
    warnAbove: 0.05,
    failAbove: 0.5,
  },
  {
    name: 'timeliness.lapsed',
    dimension: 'timeliness',
    description: 'values still given as current after their own end date (a lease or licence still 有效)',
    denominator: 'rows',
    warnAbove: 0.1,
    failAbove: 2,
  },
  {
    name: 'timeliness.superseded',
    dimension: 'timeliness',
    description:
      'records whose value another source contradicts with a newer one, or older than the version already held',
    denominator: 'records',
    warnAbove: 0.5,
    failAbove: 5,
  },
  {
    name: 'timeliness.age',
    dimension: 'timeliness',
    description: `records as of more than ${MAX_AGE_YEARS} years before their delivery`,
    denominator: 'records',
    warnAbove: 5,
    failAbove: 50,
  },
  {
    name: 'address.unmatched',
    dimension: 'address',
    description: 'addresses as written that match no standard address (match rate = 100% − this)',
    denominator: 'addresses',
    warnAbove: 5,
    failAbove: 15,
  },
];

export const SOURCE_CHECK_NAMES = SOURCE_CHECKS.map((c) => c.name);

/** A mapped field of a stored mapping (feed_sources.mapping), as quality needs it. */
export interface StoredTarget {
  source: string;
  target: string;
  entity: string;
  optional: boolean;
  lookup: boolean;
  /** Core identifier fields (resident ID, credit code) mapped from a column. */
  identifiers: string[];
}

/** The targets of every ingested source, from the mappings they were last ingested with. */
export async function storedTargets(db: Db, sources: readonly string[] | null): Promise<StoredTarget[]> {
  const rows = await db.query<{ name: string; mapping: { targets?: unknown[] } }>(
    'SELECT name, mapping FROM feed_sources WHERE ($1::text[] IS NULL OR name = ANY($1::text[])) ORDER BY name',
    [sources],
  );
  const out: StoredTarget[] = [];
  for (const r of rows)
    for (const raw of r.mapping.targets ?? []) {
      const t = raw as {
        name: string;
        entity: string;
        optional?: boolean;
        lookup?: boolean;
        fields?: { field: string; columns?: string[] }[];
      };
      if (!isEntityKind(t.entity)) continue;
      out.push({
        source: r.name,
        target: t.name,
        entity: t.entity,
        optional: t.optional === true,
        lookup: t.lookup === true,
        identifiers: mappedIdentifiers(t.entity, t.fields ?? []),
      });
    }
  return out;
}

/**
 * Creates `quality_findings` (dropped at commit: call inside a transaction) and fills it for the
 * given sources (all when null). One row per flagged feed row, check and field.
 */
export async function collectFindings(db: Db, sources: readonly string[] | null): Promise<StoredTarget[]> {
  const targets = await storedTargets(db, sources);
  await db.exec(`CREATE TEMP TABLE quality_findings (
    check_name text NOT NULL,
    source text NOT NULL,
    target text,
    field text,
    feed_id bigint,
    row_number integer,
    value text,
    why text NOT NULL
  ) ON COMMIT DROP`);
  const p = [sources];
  const srcFilter = (col: string) => `($1::text[] IS NULL OR ${col} = ANY($1::text[]))`;
  const problems = `SELECT f.source, p.import_id, p.row_number, p.field, p.reason, p.severity,
                           coalesce(p.raw->>p.field, substring(p.reason from '"([^"]*)"')) AS value
                      FROM import_problems p JOIN feeds f ON f.id = p.import_id
                     WHERE ${srcFilter('f.source')}`;
  const insert = (sql: string) =>
    db.query(
      `INSERT INTO quality_findings (check_name, source, target, field, feed_id, row_number, value, why) ${sql}`,
      p,
    );

  // Validity, and the dimensions import problems speak of.
  await insert(`SELECT DISTINCT ON (x.import_id, x.row_number) 'validity.rejected_rows', x.source, NULL, x.field,
                       x.import_id, x.row_number, x.value, x.reason
                  FROM (${problems}) x WHERE x.severity = 'error' ORDER BY x.import_id, x.row_number`);
  await insert(`SELECT 'validity.identifier', x.source, NULL, x.field, x.import_id, x.row_number, x.value, x.reason
                  FROM (${problems}) x WHERE x.reason ~ '${ID_PROBLEM}'`);
  await insert(`SELECT 'validity.date', x.source, NULL, x.field, x.import_id, x.row_number, x.value, x.reason
                  FROM (${problems}) x WHERE x.reason ~ '${DATE_PROBLEM}'`);
  await insert(`SELECT 'validity.value', x.source, NULL, x.field, x.import_id, x.row_number, x.value, x.reason
                  FROM (${problems}) x
                 WHERE x.row_number IS NOT NULL ${OTHER_EXCLUDED.map((re) => `AND x.reason !~ '${re}'`).join(' ')}`);
  await insert(`SELECT 'consistency.within_row', x.source, NULL, x.field, x.import_id, x.row_number, x.value, x.reason
                  FROM (${problems}) x WHERE x.reason ~ '${SELF_CONTRADICTION}'`);
  await insert(`SELECT 'timeliness.lapsed', x.source, NULL, x.field, x.import_id, x.row_number, x.value, x.reason
                  FROM (${problems}) x WHERE x.reason ~ '${LAPSED}'`);
  await insert(`SELECT 'timeliness.superseded', x.source, NULL, x.field, x.import_id, x.row_number, x.value, x.reason
                  FROM (${problems}) x WHERE x.reason ~ '${STALE_DELIVERY}'`);
  // A repeated key names the row it repeats: both rows are findings.
  await insert(`SELECT 'uniqueness.repeated_key', x.source, NULL, x.field, x.import_id, r.row_number, x.value, x.reason
                  FROM (${problems}) x
                 CROSS JOIN LATERAL (VALUES (x.row_number), (substring(x.reason from 'row ([0-9]+)')::int)) r(row_number)
                 WHERE x.reason ~ '${KEY_REPEAT}' AND r.row_number IS NOT NULL`);

  // Completeness: identifiers a target maps but a record lacks.
  const identified = targets.flatMap((t) => t.identifiers.map((f) => [t.source, t.target, f] as const));
  if (identified.length > 0)
    await db.query(
      `INSERT INTO quality_findings (check_name, source, target, field, feed_id, row_number, value, why)
       SELECT 'completeness.identifier', r.source, r.target, m.field, r.feed_id, r.row_number, NULL,
              r.target || ': no ' || m.field
         FROM unnest($1::text[], $2::text[], $3::text[]) AS m(source, target, field)
         JOIN (${VERSIONS}) r ON r.source = m.source AND r.target = m.target
        WHERE NOT (r.fields ? m.field)`,
      [identified.map((i) => i[0]), identified.map((i) => i[1]), identified.map((i) => i[2])],
    );

  // Optional targets a row left out, though another target of the same row made a record.
  const optional = targets.filter((t) => t.optional);
  if (optional.length > 0)
    await db.query(
      `INSERT INTO quality_findings (check_name, source, target, field, feed_id, row_number, value, why)
       SELECT 'completeness.optional_target', g.source, o.target, NULL, g.feed_id, g.row_number, NULL,
              o.target || ': not described (its identifier or name is empty or invalid)'
         FROM unnest($1::text[], $2::text[]) AS o(source, target)
         JOIN (SELECT source, feed_id, row_number, array_agg(target) AS targets FROM (${VERSIONS}) v
                WHERE source = ANY($1::text[]) GROUP BY source, feed_id, row_number) g
           ON g.source = o.source
        WHERE NOT (o.target = ANY(g.targets))`,
      [optional.map((t) => t.source), optional.map((t) => t.target)],
    );

  // The same source and target describing one entity twice, as of the same date.
  await insert(`SELECT 'uniqueness.same_entity', r.source, r.target, NULL, r.feed_id, r.row_number, r.record_key,
                       r.target || ': ' || r.entity_kind || ' ' || r.entity_id || ' also in row(s) ' || d.rows_list
                  FROM (SELECT source, target, entity_kind, entity_id, observed_at,
                               string_agg(row_number::text, ', ' ORDER BY row_number) AS rows_list
                          FROM source_records
                         WHERE ${srcFilter('source')} AND entity_id IS NOT NULL AND retired_by_feed IS NULL
                         GROUP BY source, target, entity_kind, entity_id, observed_at HAVING count(*) > 1) d
                  JOIN source_records r ON r.source = d.source AND r.target = d.target AND r.entity_kind = d.entity_kind
                   AND r.entity_id = d.entity_id AND r.observed_at = d.observed_at AND r.retired_by_feed IS NULL`);

  // Two entities that look like one: legal entities of one name, and components of one type at
  // one place a few metres apart. The records of the same source on both are findings.
  await insert(`WITH twins AS (
                   SELECT e.district_id, e.id, e.name FROM legal_entities e
                     JOIN (SELECT district_id, name FROM legal_entities WHERE name IS NOT NULL
                            GROUP BY district_id, name HAVING count(*) > 1) d
                       ON d.district_id = e.district_id AND d.name = e.name),
                 recs AS (
                   SELECT r.*, x.name FROM twins x JOIN source_records r ON r.district_id = x.district_id
                      AND r.entity_kind = 'legal_entity' AND r.entity_id = x.id AND r.retired_by_feed IS NULL
                    WHERE ${srcFilter('r.source')}),
                 shared AS (
                   SELECT district_id, name, source, string_agg(DISTINCT entity_id::text, ', ') AS ids FROM recs
                    GROUP BY district_id, name, source HAVING count(DISTINCT entity_id) > 1)
                 SELECT 'uniqueness.duplicate_entity', r.source, r.target, 'name', r.feed_id, r.row_number, r.name,
                        'legal entities ' || s.ids || ' share this name'
                   FROM recs r JOIN shared s ON s.district_id = r.district_id AND s.name = r.name AND s.source = r.source`);
  // A person without a resident ID who shares name and birth date with one who has it: probably
  // one person the linking kept apart. The records of both are findings.
  await insert(`WITH twins AS (
                   SELECT a.district_id, a.id AS lone, b.id AS known FROM people a
                     JOIN people b ON b.district_id = a.district_id AND b.name = a.name AND b.birth_date = a.birth_date
                    WHERE a.id_number IS NULL AND b.id_number IS NOT NULL),
                 pairs AS (
                   SELECT district_id, lone AS id, known AS other FROM twins
                   UNION ALL SELECT district_id, known, lone FROM twins)
                 SELECT 'uniqueness.duplicate_entity', r.source, r.target, 'name', r.feed_id, r.row_number, NULL,
                        'person ' || p.id || ' has the name and birth date of person ' || p.other
                   FROM pairs p JOIN source_records r ON r.district_id = p.district_id AND r.entity_kind = 'person'
                    AND r.entity_id = p.id AND r.retired_by_feed IS NULL
                  WHERE ${srcFilter('r.source')}`);
  // A legal entity the same source lists twice, once by a key the linking could not place (an old
  // tax number): the record waits in review, and its best candidate already has a record of that
  // source and target. A register lists a company once, so the records of both are findings.
  await insert(`WITH pending AS (
                   SELECT r.district_id, r.id, r.entity_kind, r.source, r.target,
                          (r.link->'candidate'->>'id')::bigint AS candidate
                     FROM source_records r
                    WHERE r.link_status = 'review' AND r.entity_kind = 'legal_entity' AND r.retired_by_feed IS NULL
                      AND ${srcFilter('r.source')}),
                 pairs AS (
                   SELECT p.district_id, p.id AS record_id, o.id AS other_id, p.candidate AS entity_id
                     FROM pending p
                     JOIN source_records o ON o.district_id = p.district_id AND o.entity_kind = p.entity_kind
                      AND o.entity_id = p.candidate AND o.source = p.source AND o.target = p.target
                      AND o.retired_by_feed IS NULL),
                 flagged AS (
                   SELECT district_id, record_id AS id, entity_id FROM pairs
                   UNION SELECT district_id, other_id, entity_id FROM pairs)
                 SELECT 'uniqueness.duplicate_entity', r.source, r.target, 'link', r.feed_id, r.row_number, r.record_key,
                        'legal entity ' || f.entity_id || ' and a record in review that is most like it: the same source lists it twice'
                   FROM flagged f JOIN source_records r ON r.district_id = f.district_id AND r.id = f.id`);
  // Pairs are found through ~5 m cells (a component meets those of its own and the 8 neighbouring
  // cells), each an index lookup, so the work stays linear whatever the planner's statistics say:
  // joined on grid and type alone, PostgreSQL once spilled 50 GB of temporary files on the 250,000
  // components of scale 1; and with statistics from before the components came, PGlite scanned every
  // cell for each component record (over half an hour). Both sides are index lookups here.
  await db.exec(`CREATE TEMP TABLE quality_component_cells ON COMMIT DROP AS
                   SELECT district_id, id, code, type, address_id, lat, lng,
                          floor(lat / 0.000045)::bigint AS cy, floor(lng / 0.000049)::bigint AS cx
                     FROM city_components WHERE lat IS NOT NULL AND lng IS NOT NULL;
                 CREATE INDEX ON quality_component_cells (district_id, type, cy, cx);
                 ANALYZE quality_component_cells`);
  await insert(`SELECT 'uniqueness.duplicate_entity', r.source, r.target, 'code', r.feed_id, r.row_number, c.code,
                        'component ' || c.code || ' is a ' || c.type || ' within 5 m of ' || o.code || ' at the same place'
                   FROM quality_component_cells c
                  CROSS JOIN generate_series(-1, 1) dy CROSS JOIN generate_series(-1, 1) dx
                  CROSS JOIN LATERAL (
                    SELECT * FROM quality_component_cells o
                     WHERE o.district_id = c.district_id AND o.type = c.type AND o.cy = c.cy + dy AND o.cx = c.cx + dx
                    OFFSET 0) o
                  CROSS JOIN LATERAL (
                    SELECT r.source, r.target, r.feed_id, r.row_number FROM source_records r
                     WHERE r.district_id = c.district_id AND r.entity_kind = 'city_component' AND r.entity_id = c.id
                       AND r.retired_by_feed IS NULL AND ${srcFilter('r.source')}
                    OFFSET 0) r
                  WHERE o.id <> c.id AND o.address_id IS NOT DISTINCT FROM c.address_id
                    AND abs(o.lat - c.lat) < 0.000045 AND abs(o.lng - c.lng) < 0.000049`);

  // Conflicts: every claim of an open conflict is a finding of its record; a claim older than the
  // winning one is also out of date.
  const claims = `SELECT c.district_id, c.entity_kind, c.entity_id, c.field, c.winner_record_id, cl.value, cl.ord,
                         (cl.value->>'recordId')::bigint AS record_id, cl.value->>'source' AS source,
                         (cl.value->>'observedAt')::timestamptz AS observed_at,
                         (c.claims->0->>'observedAt')::timestamptz AS winner_observed_at,
                         c.claims->0->>'source' AS winner_source, c.claims->0->'value' AS winner_value
                    FROM registry_conflicts c
                   CROSS JOIN LATERAL jsonb_array_elements(c.claims) WITH ORDINALITY AS cl(value, ord)
                   WHERE c.resolved_at IS NULL`;
  await insert(`SELECT 'consistency.conflict', r.source, r.target, k.field, r.feed_id, r.row_number,
                       k.value->>'value',
                       CASE WHEN k.ord = 1 THEN 'kept over ' || k.field || ' of other sources'
                            ELSE k.field || ' differs from ' || k.winner_source || ' (kept)' END
                  FROM (${claims}) k JOIN source_records r ON r.district_id = k.district_id AND r.id = k.record_id
                 WHERE ${srcFilter('r.source')}`);
  await insert(`SELECT 'timeliness.superseded', r.source, r.target, k.field, r.feed_id, r.row_number, k.value->>'value',
                       k.field || ' as of ' || to_char(k.observed_at, 'YYYY-MM-DD') || '; ' || k.winner_source
                       || ' says otherwise as of ' || to_char(k.winner_observed_at, 'YYYY-MM-DD')
                  FROM (${claims}) k JOIN source_records r ON r.district_id = k.district_id AND r.id = k.record_id
                 WHERE k.ord > 1 AND k.observed_at < k.winner_observed_at AND ${srcFilter('r.source')}`);
  await insert(`SELECT 'timeliness.age', r.source, r.target, NULL, r.feed_id, r.row_number,
                       to_char(r.observed_at, 'YYYY-MM-DD'), 'as of ' || to_char(r.observed_at, 'YYYY-MM-DD')
                       || ', delivered ' || to_char(f.delivered_at, 'YYYY-MM-DD')
                  FROM (${VERSIONS}) r JOIN feeds f ON f.id = r.feed_id
                 WHERE ${srcFilter('r.source')} AND r.observed_at < f.delivered_at - interval '${MAX_AGE_YEARS} years'`);

  // Addresses as written that the matcher could not place.
  await insert(`SELECT 'address.unmatched', r.source, r.target, t.key, r.feed_id, r.row_number, t.value #>> '{}',
                       'no standard address for "' || (t.value #>> '{}') || '"'
                  FROM (${VERSIONS}) r CROSS JOIN LATERAL jsonb_each(r.texts) t
                 WHERE ${srcFilter('r.source')} AND r.texts IS NOT NULL
                   AND NOT (r.fields ? t.key)`);
  return targets;
}

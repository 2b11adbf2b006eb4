// Importing another system's historical orders (the old complaint system's export, JSON Lines) with
// their original times: when reported, responded, resolved, closed, and the reporter's rating. Each
// becomes a request and, when it has a category, a work order placed and dispatched by today's rule
// (agency and zone), its due times from the report time (resolution: the hours the old system
// allowed), its history rebuilt from those times and marked as imported. Orders still open carry
// their timers: the next SLA tick flags the overdue ones. Records without a category wait in triage.
//
// One file is one transaction; a record is keyed by its channel and order number, so importing the
// same file twice changes nothing. Rejected records are kept with the run (import_problems).
//
// A year of a district is ~400,000 records, so the work is split where each side is fast: the rules
// (placement, today's dispatch, due times, on-time verdicts) run in memory, once per record, and give
// one staging row each, copied in with COPY a chunk at a time; set-based SQL then gives the new
// records their ids and writes requests, work orders, history steps and visits, a statement each.
import { z } from 'zod';
import { csvLine, type Db } from '../../db/db.ts';
import { audit, type Ctx, requirePermission } from '../../foundation/access/context.ts';
import {
  emptyCounts,
  failImport,
  finishImport,
  type ImportProblem,
  type ImportSummary,
  recordProblems,
  startImport,
} from '../../foundation/imports/runs.ts';
import { invalidInput } from '../../lib/errors.ts';
import { readTextFile } from '../../lib/text.ts';
import type { Category } from '../catalogue/model.ts';
import { dispatchRule } from '../dispatch/dispatch.ts';
import { ensureGovernance, type GovernanceReference } from '../reference.ts';
import { refreshGovernanceStatistics } from '../statistics.ts';
import { nextDue, VISIT_WINDOW_HOURS } from '../workorders/machine.ts';
import { DISPATCHER } from '../workorders/open.ts';
import { applyDispatch, newOrder, type OrderState } from '../workorders/store.ts';
import { timeliness } from '../workorders/transitions.ts';
import { areaLocator } from './locate.ts';
import { CHANNELS } from './model.ts';

const time = z.iso.datetime({ offset: true });
const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .nullish()
    .transform((v) => v?.trim() || null);

/** One record of the export: the old system's field names. */
export const historicalRequestSchema = z
  .object({
    order_no: z.string().trim().min(1).max(100),
    channel: z.enum(CHANNELS),
    category: z.string().trim().max(50).describe("the category's code or Chinese name; empty: unclassified"),
    description: z.string().trim().min(1).max(4000),
    address: optionalText(200),
    lng: z.number().min(-180).max(180),
    lat: z.number().min(-90).max(90),
    reporter_name: optionalText(50),
    reporter_phone: optionalText(30),
    reported_at: time,
    responded_at: time.nullish(),
    resolved_at: time.nullish(),
    closed_at: time.nullish(),
    due_hours: z.number().int().min(1).max(8_760).nullish(),
    status: z.enum(['closed', 'pending']),
    rating: z.number().int().min(1).max(5).nullish(),
    rating_comment: optionalText(1000),
    reopened: z.boolean().default(false),
  })
  .superRefine((r, issue) => {
    const order: [string, string | null | undefined][] = [
      ['reported_at', r.reported_at],
      ['responded_at', r.responded_at],
      ['resolved_at', r.resolved_at],
      ['closed_at', r.closed_at],
    ];
    let last = '';
    let lastAt = Number.NEGATIVE_INFINITY;
    for (const [field, value] of order) {
      if (!value) continue;
      const at = Date.parse(value);
      if (at < lastAt) issue.addIssue({ code: 'custom', path: [field], message: `earlier than ${last}` });
      last = field;
      lastAt = at;
    }
    if (r.closed_at && !r.resolved_at)
      issue.addIssue({
        code: 'custom',
        path: ['resolved_at'],
        message: 'a closed order needs its resolution time',
      });
    if (r.status === 'closed' && r.category && !r.closed_at)
      issue.addIssue({ code: 'custom', path: ['closed_at'], message: 'status closed needs closed_at' });
    if (r.rating && !r.resolved_at)
      issue.addIssue({ code: 'custom', path: ['rating'], message: 'a rating needs a resolution' });
  });
export type HistoricalRequest = z.input<typeof historicalRequestSchema>;
type Historical = z.output<typeof historicalRequestSchema>;

/** Records per COPY round: bounds the staging text held in memory. */
const CHUNK = 10_000;

export interface ImportOptions {
  /** Records read so far. */
  onProgress?: (records: number) => void;
  /** Every record is read and staged; the set-based writes begin. */
  onPhase?: (phase: 'writing') => void;
}

export async function importServiceRequests(
  ctx: Ctx,
  path: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  requirePermission(ctx, 'requests:write');
  const input = await readTextFile(path);
  const importId = await startImport(ctx, 'service_requests', path, input);
  const counts = emptyCounts();
  const problems: ImportProblem[] = [];
  try {
    const ref = await ensureGovernance(ctx.db);
    const locator = await areaLocator(ctx.db);
    if (locator.size === 0) throw invalidInput('there is no area tree yet: import the areas first');
    const byName = new Map(
      [...ref.categories.values()].flatMap((c) => [[c.code, c] as const, [c.name, c] as const]),
    );
    let valid = 0;
    await ctx.db.transaction(async (tx) => {
      await tx.exec(STAGING_TABLE);
      const seen = new Set<string>();
      let chunk: string[] = [];
      const flush = async () => {
        await tx.copyFrom(
          `COPY gov_request_staging (${STAGING_COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv)`,
          chunk.join(''),
        );
        chunk = [];
        options.onProgress?.(counts.total);
      };
      for (const { row, text } of lines(input.text)) {
        counts.total = row;
        const reject = (field: string | undefined, reason: string) => {
          counts.rejected += 1;
          problems.push({
            severity: 'error',
            file: path,
            row,
            field,
            reason,
            raw: { line: text.slice(0, 2000) },
          });
        };
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          reject(undefined, 'not a JSON object');
          continue;
        }
        const parsed = historicalRequestSchema.safeParse(json);
        if (!parsed.success) {
          const first = parsed.error.issues[0]!;
          reject(first.path.join('.') || undefined, first.message);
          continue;
        }
        const r = parsed.data;
        const category = r.category ? byName.get(r.category) : null;
        if (category === undefined) {
          reject('category', `unknown category ${r.category}`);
          continue;
        }
        const area = locator.locateArea(r.lng, r.lat);
        if (!area) {
          reject('lng', `(${r.lng}, ${r.lat}) lies outside the district`);
          continue;
        }
        const key = `${r.channel}|${r.order_no}`;
        if (seen.has(key)) {
          reject('order_no', `${r.order_no} appears twice for channel ${r.channel}`);
          continue;
        }
        seen.add(key);
        const chain = locator.chainOf(area.id) ?? {};
        chunk.push(
          stagingLine(ref, row, {
            r,
            category,
            districtId: chain.district?.id ?? locator.pathOf(area.id)[0] ?? area.id,
            subdistrictId: chain.subdistrict?.id ?? null,
            communityId: chain.community?.id ?? null,
            gridId: area.id,
          }),
        );
        valid += 1;
        if (chunk.length >= CHUNK) await flush();
      }
      if (chunk.length) await flush();
      options.onPhase?.('writing');
      counts.inserted = await writeStaged(tx, `import:${importId}`, ctx.actor.username);
      counts.unchanged = valid - counts.inserted;
      await recordProblems(tx, importId, problems);
      await finishImport(tx, importId, 'succeeded', counts);
      await audit(
        { ...ctx, db: tx },
        'requests.import',
        { kind: 'import', id: importId },
        { file: path, inserted: counts.inserted, unchanged: counts.unchanged, rejected: counts.rejected },
      );
    });
    // Statistics for the tables this load made much larger: the next intake and reads plan with them.
    if (counts.inserted > 0) await refreshGovernanceStatistics(ctx.db);
    return { importId, file: path, encoding: input.encoding, status: 'succeeded', problems, ...counts };
  } catch (error) {
    // The data rolled back; the run keeps its failure (and, for a refused file, where it failed).
    await failImport(ctx.db, importId, counts, error);
    throw error;
  }
}

interface Prepared {
  r: Historical;
  category: Category | null;
  districtId: string;
  subdistrictId: string | null;
  communityId: string | null;
  gridId: string;
}

/** Non-empty lines with their 1-based line number. */
function* lines(text: string): Generator<{ row: number; text: string }> {
  let start = 0;
  let row = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    row += 1;
    const line = text.slice(start, end).trim();
    if (line) yield { row, text: line };
    start = end + 1;
  }
}

// One row per valid record: the request, and (with a category) its order as the rules leave it and
// the texts and verdicts of its history steps. The statements below only fan it out.
const STAGING_COLUMNS = [
  'row',
  'district_id',
  'channel',
  'external_id',
  'status',
  'category_code',
  'description',
  'urgent',
  'lng',
  'lat',
  'subdistrict_id',
  'community_id',
  'grid_id',
  'location_source',
  'address_text',
  'reporter_name',
  'reporter_phone',
  'reopen_count',
  'submitted_at',
  'responded_at',
  'resolved_at',
  'closed_at',
  'order_status',
  'agency_code',
  'zone_id',
  'dispatch_reason',
  'response_due_at',
  'feedback_due_at',
  'resolve_due_at',
  'close_due_at',
  'response_overdue',
  'resolve_overdue',
  'next_due_at',
  'order_updated_at',
  'accept_detail',
  'resolve_detail',
  'rating',
  'rating_comment',
  'reopened',
  'visit_note',
] as const;

const STAGING_TABLE = `CREATE TEMP TABLE gov_request_staging (
  row integer NOT NULL, district_id text NOT NULL, channel text NOT NULL, external_id text NOT NULL,
  status text NOT NULL, category_code text, description text NOT NULL, urgent boolean NOT NULL,
  lng double precision NOT NULL, lat double precision NOT NULL, subdistrict_id text, community_id text,
  grid_id text NOT NULL, location_source text NOT NULL, address_text text, reporter_name text,
  reporter_phone text, reopen_count integer NOT NULL, submitted_at timestamptz NOT NULL,
  responded_at timestamptz, resolved_at timestamptz, closed_at timestamptz, order_status text,
  agency_code text, zone_id text, dispatch_reason text, response_due_at timestamptz,
  feedback_due_at timestamptz, resolve_due_at timestamptz, close_due_at timestamptz,
  response_overdue boolean, resolve_overdue boolean, next_due_at timestamptz, order_updated_at timestamptz,
  accept_detail jsonb, resolve_detail jsonb, rating smallint, rating_comment text, reopened boolean,
  visit_note text
) ON COMMIT DROP`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const date = (v: string | null | undefined) => (v ? new Date(v) : null);

/** A record's staging row: the rules applied in memory, once. */
function stagingLine(ref: GovernanceReference, row: number, p: Prepared): string {
  const { r, category } = p;
  // A request still in triage has no order; the old system's later times wait for its category.
  const o = category ? rebuildOrder(ref, p) : null;
  return csvLine([
    row,
    p.districtId,
    r.channel,
    r.order_no,
    !o ? 'triage' : o.closedAt ? 'closed' : o.resolvedAt ? 'resolved' : 'open',
    category?.code ?? null,
    r.description,
    category?.eventLevel === 'urgent',
    r.lng,
    r.lat,
    p.subdistrictId,
    p.communityId,
    p.gridId,
    r.address ? 'point_and_address' : 'point',
    r.address,
    r.reporter_name,
    r.reporter_phone,
    o && r.reopened ? 1 : 0,
    r.reported_at,
    iso(o?.respondedAt ?? null),
    iso(o?.resolvedAt ?? null),
    iso(o?.closedAt ?? null),
    o?.status ?? null,
    o?.agencyCode ?? null,
    o?.zoneId ?? null,
    o?.dispatchReason ?? null,
    iso(o?.responseDueAt ?? null),
    iso(o?.feedbackDueAt ?? null),
    iso(o?.resolveDueAt ?? null),
    iso(o?.closeDueAt ?? null),
    o?.responseOverdue ?? null,
    o?.resolveOverdue ?? null,
    iso(o ? nextDue(o) : null),
    iso(o?.updatedAt ?? null),
    o?.respondedAt ? JSON.stringify(timeliness(o, o.responseDueAt, o.respondedAt)) : null,
    o?.resolvedAt ? JSON.stringify(timeliness(o, o.resolveDueAt, o.resolvedAt)) : null,
    o ? (r.rating ?? null) : null,
    r.rating_comment,
    r.reopened,
    r.rating
      ? `rated ${r.rating}/5${r.rating_comment ? `: ${r.rating_comment}` : ''}${r.reopened ? ' (reopened, resolved again)' : ''}`
      : null,
  ]);
}

/** The staged records that are new, with their ids (i.id) beside their staged columns (n.*). */
const NEW_ROWS = 'gov_request_ids_new i JOIN gov_request_staging n ON n.row = i.row';

/**
 * Writes the staged records that are new (by district, channel and order number) and returns how
 * many. Ids follow the file's order. History rows take their ids in the order the join yields
 * them, staged row by staged row and step by step (both tables lie in file order), so steps at
 * one time read in the order they happened without sorting 200,000 rows.
 */
async function writeStaged(tx: Db, actor: string, submittedBy: string): Promise<number> {
  await tx.exec(`ANALYZE gov_request_staging (district_id, channel, external_id);
    CREATE TEMP TABLE gov_request_ids_new ON COMMIT DROP AS
    SELECT s.row, nextval('gov_request_ids') AS id
      FROM (SELECT t.row FROM gov_request_staging t
             WHERE NOT EXISTS (SELECT 1 FROM gov_requests g
                                WHERE g.district_id = t.district_id AND g.channel = t.channel
                                  AND g.external_id = t.external_id)
             ORDER BY t.row) s;`);
  const [created] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM gov_request_ids_new');
  if (!created?.n) return 0;
  await tx.query(
    `INSERT INTO gov_requests (district_id, id, channel, external_id, status, category_code, classified_by,
            description, urgent, lng, lat, subdistrict_id, community_id, grid_id, location_source, address_text,
            reporter_name, reporter_phone, reopen_count, submitted_by, submitted_at, resolved_at, closed_at,
            updated_at)
     SELECT n.district_id, i.id, n.channel, n.external_id, n.status, n.category_code,
            CASE WHEN n.category_code IS NOT NULL THEN 'operator' END, n.description, n.urgent, n.lng, n.lat,
            n.subdistrict_id, n.community_id, n.grid_id, n.location_source, n.address_text, n.reporter_name,
            n.reporter_phone, n.reopen_count, $1, n.submitted_at, n.resolved_at, n.closed_at,
            coalesce(n.closed_at, n.resolved_at, n.submitted_at)
       FROM ${NEW_ROWS}`,
    [submittedBy],
  );
  await tx.exec(`INSERT INTO gov_work_orders (district_id, request_id, status, category_code, agency_code, zone_id,
            dispatch_reason, urgent, dispatched_at, response_due_at, feedback_due_at, resolve_due_at, close_due_at,
            responded_at, resolved_at, closed_at, response_overdue, resolve_overdue, next_due_at, reopens,
            created_at, updated_at)
     SELECT n.district_id, i.id, n.order_status, n.category_code, n.agency_code, n.zone_id, n.dispatch_reason,
            n.urgent, n.submitted_at, n.response_due_at, n.feedback_due_at, n.resolve_due_at, n.close_due_at,
            n.responded_at, n.resolved_at, n.closed_at, n.response_overdue, n.resolve_overdue, n.next_due_at,
            n.reopen_count, n.submitted_at, n.order_updated_at
       FROM ${NEW_ROWS} WHERE n.order_status IS NOT NULL`);
  await tx.query(
    `INSERT INTO gov_work_order_history (district_id, request_id, action, from_status, to_status, actor, at, note, detail)
     SELECT n.district_id, i.id, h.action, h.from_status, h.to_status, h.actor, h.at, h.note, h.detail
       FROM ${NEW_ROWS}
      CROSS JOIN LATERAL (VALUES
        (1, 'submit', NULL, 'submitted', $1, n.submitted_at, NULL, '{"imported": true}'::jsonb),
        (2, 'dispatch', 'submitted', 'dispatched', $2, n.submitted_at, NULL,
         jsonb_build_object('imported', true, 'agency', n.agency_code, 'zone', n.zone_id, 'reason', n.dispatch_reason)),
        (3, 'accept', 'dispatched', 'accepted', $1, n.responded_at, NULL,
         '{"imported": true}'::jsonb || n.accept_detail),
        (4, 'resolve', CASE WHEN n.responded_at IS NULL THEN 'dispatched' ELSE 'accepted' END, 'resolved', $1,
         n.resolved_at, NULL, '{"imported": true}'::jsonb || n.resolve_detail),
        (5, 'visit', 'resolved', 'resolved', $1, coalesce(n.closed_at, n.resolved_at), n.visit_note,
         jsonb_build_object('imported', true, 'rating', n.rating, 'reopened', n.reopened)),
        (6, 'close', 'resolved', 'closed', $1, n.closed_at, NULL, '{"imported": true}'::jsonb)
      ) AS h(step, action, from_status, to_status, actor, at, note, detail)
      WHERE n.order_status IS NOT NULL
        AND CASE h.step WHEN 3 THEN n.responded_at IS NOT NULL
                        WHEN 4 THEN n.resolved_at IS NOT NULL
                        WHEN 5 THEN n.rating IS NOT NULL
                        WHEN 6 THEN n.closed_at IS NOT NULL
                        ELSE true END
      `,
    [actor, DISPATCHER],
  );
  await tx.query(
    `INSERT INTO gov_visits (district_id, request_id, rating, comment, channel, recorded_by, at, agency_code, reopened)
     SELECT n.district_id, i.id, n.rating, n.rating_comment, 'phone', $1, coalesce(n.closed_at, n.resolved_at),
            n.agency_code, n.reopened
       FROM ${NEW_ROWS} WHERE n.rating IS NOT NULL`,
    [actor],
  );
  return created.n;
}

/** The order as the old system's times leave it, dispatched by today's rule (its id comes later, in SQL). */
function rebuildOrder(ref: GovernanceReference, p: Prepared): OrderState {
  const { r, category } = p;
  const reported = new Date(r.reported_at);
  const o = newOrder(
    {
      districtId: p.districtId,
      requestId: '',
      categoryCode: category!.code,
      urgent: category!.eventLevel === 'urgent',
      lng: r.lng,
      lat: r.lat,
      subdistrictId: p.subdistrictId,
      communityId: p.communityId,
      gridId: p.gridId,
      description: r.description,
      reporterPhone: r.reporter_phone,
    },
    reported,
  );
  applyDispatch(o, dispatchRule(ref, category!, o).target, category!, reported);
  if (r.due_hours) o.resolveDueAt = new Date(reported.getTime() + r.due_hours * 3_600_000);
  o.respondedAt = date(r.responded_at);
  o.resolvedAt = date(r.resolved_at);
  o.closedAt = date(r.closed_at);
  if (o.respondedAt) o.status = 'accepted';
  if (o.resolvedAt) {
    o.status = 'resolved';
    o.closeDueAt = new Date(o.resolvedAt.getTime() + VISIT_WINDOW_HOURS * 3_600_000);
  }
  if (o.closedAt) o.status = 'closed';
  // A finished order's late steps are history; an open one's are flagged by the next SLA tick.
  if (o.closedAt) {
    o.responseOverdue = late(o.respondedAt, o.responseDueAt);
    o.resolveOverdue = late(o.resolvedAt, o.resolveDueAt);
  }
  o.reopens = r.reopened ? 1 : 0;
  o.updatedAt = o.closedAt ?? o.resolvedAt ?? o.respondedAt ?? reported;
  return o;
}

const late = (done: Date | null, due: Date | null) => done !== null && due !== null && done > due;

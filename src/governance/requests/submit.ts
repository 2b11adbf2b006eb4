// Intake: one request from any channel. It is placed (point, address or both), checked against open
// requests of its category nearby (a duplicate is linked, not dispatched again), and, when it has a
// category, given a work order dispatched by the rule. Without a category it waits in the triage
// queue for the classifier or an operator.
//
// Everything that needs no database (validation, placement, the dispatch rule, due times, texts) is
// worked out first from the in-memory reference; then one statement does the rest: the duplicate
// search, the grid worker for patrol items, the request, its order, the history and the notice. One
// round trip, atomic on its own, is what lets a server take hundreds of reports a second.
import type { Db } from '../../db/db.ts';
import { type Ctx, describeScope, requirePermission } from '../../foundation/access/context.ts';
import { enqueueForReview, needsReview } from '../../foundation/address/match/review.ts';
import { forbidden, invalidInput } from '../../lib/errors.ts';
import type { Category } from '../catalogue/model.ts';
import { dispatchRule, gridWorkerSql, patrolReason } from '../dispatch/dispatch.ts';
import { nearestOriginalSql } from '../duplicates/duplicates.ts';
import { parseInput } from '../input.ts';
import { ensureGovernance, type GovernanceReference } from '../reference.ts';
import { coversPlace } from '../scope.ts';
import { DISPATCHER } from '../workorders/open.ts';
import { applyDispatch, dispatchNotice, newOrder, ORDER_COLUMNS, orderRecord } from '../workorders/store.ts';
import { type Placement, placeRequest } from './locate.ts';
import { type NewServiceRequest, newServiceRequestSchema, type ServiceRequest } from './model.ts';
import { type RequestRow, readSubmitted, submittedView } from './read.ts';

/** Clocks disagree a little; a report "from the future" beyond this is refused. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** A character no text carries: the statement puts a value only it knows (an id, a worker) there. */
const SLOT = '\uE000';

export interface SubmitOptions {
  /**
   * One more row to write with a new request, in the intake's statement (Open311's tracking token):
   * `sql` gets a relation holding the new request's `id` (no row for a repeat of an external id)
   * and the number of its first parameter, and returns an INSERT; `name` names that variant of the
   * prepared statement.
   */
  alsoInsert?:
    | { name: string; sql: (created: string, firstParam: number) => string; params: unknown[] }
    | undefined;
}

export async function submitServiceRequest(
  ctx: Ctx,
  input: NewServiceRequest,
  options: SubmitOptions = {},
): Promise<ServiceRequest> {
  requirePermission(ctx, 'requests:submit');
  const req = parseInput(newServiceRequestSchema, input, 'invalid service request');
  const ref = await ensureGovernance(ctx.db);
  const category = req.category ? activeCategory(ref, req.category) : null;
  const at = new Date();
  const submittedAt = req.submittedAt ? new Date(req.submittedAt) : at;
  if (submittedAt.getTime() > at.getTime() + CLOCK_SKEW_MS)
    throw invalidInput('submittedAt lies in the future', [{ field: 'submittedAt', reason: 'in the future' }]);
  const { location, match } = await placeRequest(ctx.db, req);
  const { scope } = ctx.actor;
  if (scope.kind !== 'agency' && !coversPlace(ctx.actor, location))
    throw forbidden(`the reported place lies outside your scope ${describeScope(scope)}`);

  const urgent = req.urgent || category?.eventLevel === 'urgent';
  const columns: RequestColumns = {
    district_id: location.districtId,
    channel: req.channel,
    external_id: req.externalId ?? null,
    status: category ? 'open' : 'triage',
    category_code: category?.code ?? null,
    classified_by: category ? (req.classification?.by ?? 'reporter') : null,
    classification_confidence: category ? (req.classification?.confidence ?? null) : null,
    description: req.description,
    urgent,
    lng: location.lng,
    lat: location.lat,
    subdistrict_id: location.subdistrictId,
    community_id: location.communityId,
    grid_id: location.gridId,
    location_source: location.source,
    address_text: location.address?.text ?? null,
    address_id: location.address?.addressId ?? null,
    address_match: location.address?.match ?? null,
    location_conflict_m: location.conflictM,
    reporter_name: req.reporter.name ?? null,
    reporter_phone: req.reporter.phone ?? null,
    reporter_email: req.reporter.email ?? null,
    reporter_ref: req.reporter.ref ?? null,
    submitted_by: ctx.actor.username,
    submitted_at: submittedAt,
    received_at: at,
    updated_at: at,
  };
  const also = options.alsoInsert;
  const statement = intakeStatement(also);
  const params = intakeParams(ref, category, location, columns, at);
  if (also) params.push(...also.params);
  const review = match && req.address && needsReview(match) ? { address: req.address, match } : null;
  // The statement is its own transaction, unless an address waits for review beside it.
  const rows = review
    ? await ctx.db.transaction(async (tx) => {
        const inserted = await tx.query<IntakeRow>(statement.sql, params, statement);
        if (inserted[0])
          await enqueueForReview(
            { ...ctx, db: tx },
            review.address,
            review.match,
            `request:${inserted[0].id}`,
          );
        return inserted;
      })
    : await ctx.db.query<IntakeRow>(statement.sql, params, statement);
  const row = rows[0];
  // Nothing inserted: a repeat of an external id, answered with the stored request.
  if (!row) {
    const existing = await byExternalId(ctx.db, location.districtId, req.channel, req.externalId);
    if (!existing) throw new Error(`intake of ${req.channel} ${req.externalId} inserted nothing`);
    return readSubmitted(ctx.db, existing);
  }
  // A duplicate shows its original's order (read in the same statement), a new request its own.
  return submittedView(viewRow(columns, row), ref);
}

export function activeCategory(ref: GovernanceReference, code: string): Category {
  const category = ref.categories.get(code);
  if (!category?.active)
    throw invalidInput(`no active category ${code}`, [
      { field: 'category', reason: `unknown category ${code}` },
    ]);
  return category;
}

async function byExternalId(
  db: Db,
  districtId: string,
  channel: string,
  externalId: string | undefined,
): Promise<string | null> {
  if (!externalId) return null;
  const [row] = await db.query<{ id: string }>(
    'SELECT id::text FROM gov_requests WHERE district_id = $1 AND channel = $2 AND external_id = $3',
    [districtId, channel, externalId],
  );
  return row?.id ?? null;
}

type WorkOrderField =
  | 'agency_code'
  | 'zone_id'
  | 'assignee'
  | 'dispatch_reason'
  | 'dispatched_at'
  | 'response_due_at'
  | 'feedback_due_at'
  | 'resolve_due_at'
  | 'escalation_level'
  | 'wo_overdue';

/** The request as stored at intake (what the statement inserts). */
type RequestColumns = Omit<
  RequestRow,
  | 'id'
  | 'duplicate_of'
  | 'duplicate_distance_m'
  | 'reopen_count'
  | 'resolved_at'
  | 'closed_at'
  | 'photos'
  | 'duplicates'
  | 'wo_status'
  | WorkOrderField
> & { submitted_by: string };

/** What the statement returns: the request's id and link, and the order the reporter is shown. */
type IntakeRow = Pick<
  RequestRow,
  'id' | 'duplicate_of' | 'duplicate_distance_m' | 'wo_status' | WorkOrderField
>;

/** The stored request with what the statement returned, as read back (spelled out: no spreads here). */
function viewRow(c: RequestColumns, r: IntakeRow): RequestRow {
  return {
    district_id: c.district_id,
    id: r.id,
    channel: c.channel,
    external_id: c.external_id,
    status: c.status,
    category_code: c.category_code,
    classified_by: c.classified_by,
    classification_confidence: c.classification_confidence,
    description: c.description,
    urgent: c.urgent,
    lng: c.lng,
    lat: c.lat,
    subdistrict_id: c.subdistrict_id,
    community_id: c.community_id,
    grid_id: c.grid_id,
    location_source: c.location_source,
    address_text: c.address_text,
    address_id: c.address_id,
    address_match: c.address_match,
    location_conflict_m: c.location_conflict_m,
    reporter_name: c.reporter_name,
    reporter_phone: c.reporter_phone,
    reporter_email: c.reporter_email,
    reporter_ref: c.reporter_ref,
    duplicate_of: r.duplicate_of,
    duplicate_distance_m: r.duplicate_distance_m,
    reopen_count: 0,
    submitted_at: c.submitted_at,
    received_at: c.received_at,
    updated_at: c.updated_at,
    resolved_at: null,
    closed_at: null,
    photos: 0,
    duplicates: 0,
    wo_status: r.wo_status,
    agency_code: r.agency_code,
    zone_id: r.zone_id,
    assignee: r.assignee,
    dispatch_reason: r.dispatch_reason,
    dispatched_at: r.dispatched_at,
    response_due_at: r.response_due_at,
    feedback_due_at: r.feedback_due_at,
    resolve_due_at: r.resolve_due_at,
    escalation_level: r.escalation_level,
    wo_overdue: r.wo_overdue,
  };
}

/**
 * The order as the rule leaves it, worked out in memory. For a patrol item the grid worker is
 * chosen in the statement (by open orders, which only the database knows): the reason then has a
 * slot for the worker's name.
 */
function plannedOrder(
  ref: GovernanceReference,
  category: Category,
  location: Placement['location'],
  request: { urgent: boolean; description: string; reporter_phone: string | null },
  at: Date,
) {
  const o = newOrder(
    {
      districtId: location.districtId,
      requestId: SLOT,
      categoryCode: category.code,
      urgent: request.urgent,
      lng: location.lng,
      lat: location.lat,
      subdistrictId: location.subdistrictId,
      communityId: location.communityId,
      gridId: location.gridId,
      description: request.description,
      reporterPhone: request.reporter_phone,
    },
    at,
  );
  const rule = dispatchRule(ref, category, o);
  const detail = applyDispatch(o, rule.target, category, at);
  const notice = dispatchNotice(o, ref, category);
  return {
    order: orderRecord(o),
    detail,
    patrolGrid: rule.patrolOf,
    reasonWithWorker: rule.patrolOf ? patrolReason(ref, category, o, rule.target, SLOT) : null,
    reasonWithoutWorker: rule.patrolOf
      ? patrolReason(ref, category, o, rule.target, null)
      : rule.target.reason,
    noticeRecipient: notice.recipient,
    noticeBody: notice.body,
  };
}

function intakeParams(
  ref: GovernanceReference,
  category: Category | null,
  location: Placement['location'],
  columns: RequestColumns,
  at: Date,
): unknown[] {
  const planned = category ? plannedOrder(ref, category, location, columns, at) : null;
  if (planned) planned.order.dispatch_reason = planned.reasonWithoutWorker;
  return [
    JSON.stringify(columns),
    planned ? JSON.stringify(planned.order) : null,
    planned?.patrolGrid ?? null,
    planned?.reasonWithWorker ?? null,
    JSON.stringify(planned?.detail ?? {}),
    planned?.noticeRecipient ?? null,
    planned?.noticeBody ?? null,
    columns.submitted_by,
    at,
    DISPATCHER,
    SLOT,
    columns.district_id,
    columns.category_code,
    columns.lng,
    columns.lat,
  ];
}

// $1 the request's columns, $2 the planned order's (null: no order), $3 the grid whose worker takes a
// patrol item, $4 the reason naming that worker, $5 the dispatch history detail, $6 and $7 the
// notice's recipient and body, $8 who submitted, $9 when, $10 the dispatcher, $11 the slot, $12 to
// $15 the district, category and point again, typed, for the duplicate search.
const orderColumn = (c: (typeof ORDER_COLUMNS)[number]): string => {
  if (c === 'assignee') return 'coalesce(w.username, p.assignee)';
  if (c === 'dispatch_reason')
    return 'CASE WHEN w.username IS NULL THEN p.dispatch_reason ELSE replace($4, $11, w.username) END';
  return `p.${c}`;
};

const INTAKE_PARAMS = 15;

const statements = new Map<string, { name: string; sql: string }>();

/**
 * The intake statement, with the caller's extra insert if any. Each variant is prepared once per
 * connection: planning it costs more than running it.
 */
function intakeStatement(also: SubmitOptions['alsoInsert']): { name: string; sql: string } {
  const name = also ? `gov_intake_${also.name}` : 'gov_intake';
  let statement = statements.get(name);
  if (!statement) {
    const extra = also ? `,\nalso AS (${also.sql('req', INTAKE_PARAMS + 1)})` : '';
    statement = { name, sql: INTAKE_SQL.replace('/*also*/', extra) };
    statements.set(name, statement);
  }
  return statement;
}

const INTAKE_SQL = `
WITH input AS (SELECT * FROM jsonb_populate_record(NULL::gov_requests, $1::jsonb)),
original AS (${nearestOriginalSql({
  district: '$12::text',
  category: '$13::text',
  lng: '$14::double precision',
  lat: '$15::double precision',
  exclude: 'NULL::bigint',
})}),
req AS (
  INSERT INTO gov_requests (district_id, id, channel, external_id, status, category_code, classified_by,
         classification_confidence, description, urgent, lng, lat, subdistrict_id, community_id, grid_id,
         location_source, address_text, address_id, address_match, location_conflict_m, reporter_name,
         reporter_phone, reporter_email, reporter_ref, duplicate_of, duplicate_distance_m, submitted_by,
         submitted_at, received_at, updated_at)
  SELECT i.district_id, nextval('gov_request_ids'), i.channel, i.external_id, i.status, i.category_code,
         i.classified_by, i.classification_confidence, i.description, i.urgent, i.lng, i.lat, i.subdistrict_id,
         i.community_id, i.grid_id, i.location_source, i.address_text, i.address_id, i.address_match,
         i.location_conflict_m, i.reporter_name, i.reporter_phone, i.reporter_email, i.reporter_ref, o.id,
         o.distance_m, i.submitted_by, i.submitted_at, i.received_at, i.updated_at
    FROM input i LEFT JOIN original o ON true
  ON CONFLICT (district_id, channel, external_id) WHERE external_id IS NOT NULL DO NOTHING
  RETURNING district_id, id, duplicate_of, duplicate_distance_m
),
worker AS (${gridWorkerSql('$3')}),
planned AS (SELECT * FROM jsonb_populate_record(NULL::gov_work_orders, $2::jsonb)),
wo AS (
  INSERT INTO gov_work_orders (district_id, request_id, ${ORDER_COLUMNS.join(', ')}, created_at, updated_at)
  SELECT r.district_id, r.id, ${ORDER_COLUMNS.map(orderColumn).join(', ')}, $9, $9
    FROM req r CROSS JOIN planned p LEFT JOIN worker w ON true
   WHERE r.duplicate_of IS NULL AND $2::jsonb IS NOT NULL
  RETURNING district_id, request_id, status, agency_code, zone_id, assignee, dispatch_reason, dispatched_at,
            response_due_at, feedback_due_at, resolve_due_at, escalation_level
),
history AS (
  INSERT INTO gov_work_order_history (district_id, request_id, action, from_status, to_status, actor, at, detail)
  SELECT district_id, request_id, 'submit', NULL, 'submitted', $8, $9, '{}'::jsonb FROM wo
  UNION ALL
  SELECT district_id, request_id, 'dispatch', 'submitted', 'dispatched', $10, $9,
         $5::jsonb || jsonb_build_object('assignee', assignee, 'reason', dispatch_reason) FROM wo
  UNION ALL
  SELECT o.district_id, o.request_id, 'duplicate', o.status, o.status, $8, $9,
         jsonb_build_object('linked', r.id::text, 'distanceM', r.duplicate_distance_m)
    FROM req r JOIN gov_work_orders o ON o.district_id = r.district_id AND o.request_id = r.duplicate_of
),
notice AS (
  INSERT INTO gov_outbox (district_id, channel, recipient, kind, request_id, body)
  SELECT district_id, 'app', CASE WHEN assignee IS NULL THEN $6 ELSE 'user:' || assignee END, 'dispatched',
         request_id, replace($7, $11, request_id::text)
    FROM wo
),
shown AS (
  SELECT status, agency_code, zone_id, assignee, dispatch_reason, dispatched_at, response_due_at,
         feedback_due_at, resolve_due_at, escalation_level, false AS overdue
    FROM wo
  UNION ALL
  SELECT o.status, o.agency_code, o.zone_id, o.assignee, o.dispatch_reason, o.dispatched_at, o.response_due_at,
         o.feedback_due_at, o.resolve_due_at, o.escalation_level,
         o.response_overdue OR o.feedback_overdue OR o.resolve_overdue
    FROM req r JOIN gov_work_orders o ON o.district_id = r.district_id AND o.request_id = r.duplicate_of
)/*also*/
SELECT r.id::text AS id, r.duplicate_of::text AS duplicate_of, r.duplicate_distance_m, s.status AS wo_status,
       s.agency_code, s.zone_id, s.assignee, s.dispatch_reason, s.dispatched_at, s.response_due_at,
       s.feedback_due_at, s.resolve_due_at, s.escalation_level, s.overdue AS wo_overdue
  FROM req r LEFT JOIN shown s ON true`;

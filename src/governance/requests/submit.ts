// Intake: one request from any channel. It is placed (point, address or both), checked against open
// requests of its category nearby (a duplicate is linked, not dispatched again), and, when it has a
// category, given a work order dispatched by the rule. Without a category it waits in the triage
// queue for the classifier or an operator.
//
// Everything that needs no database (validation, placement, the dispatch rule, due times, texts) is
// worked out first from the in-memory reference; then one statement does the rest (intake-sql.ts):
// the duplicate search, the grid worker for patrol items, the request, its order, the history and
// the notice. Reports that arrive together share that statement (group-commit.ts): one round trip
// and one commit for all of them is what lets a server take hundreds of reports a second.
import type { Db } from '../../db/db.ts';
import { type Ctx, describeScope, requirePermission } from '../../foundation/access/context.ts';
import { enqueueForReview, needsReview } from '../../foundation/address/match/review.ts';
import { distanceM } from '../../foundation/areas/geometry.ts';
import { forbidden, invalidInput } from '../../lib/errors.ts';
import type { Category } from '../catalogue/model.ts';
import { dispatchRule, patrolReason } from '../dispatch/dispatch.ts';
import { DUPLICATE_RADIUS_M } from '../duplicates/duplicates.ts';
import { parseInput } from '../input.ts';
import { ensureGovernance, type GovernanceReference } from '../reference.ts';
import { coversPlace } from '../scope.ts';
import { DISPATCHER } from '../workorders/open.ts';
import { applyDispatch, dispatchNotice, newOrder, orderRecord } from '../workorders/store.ts';
import { groupCommit } from './group-commit.ts';
import {
  type IntakeExtra,
  type IntakeItem,
  type IntakeRow,
  intakeStatement,
  type WorkOrderField,
} from './intake-sql.ts';
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
   * `extra.sql` gets a relation holding each new request's `id` and its `extra` (jsonb: `row`) and
   * returns an INSERT; `extra.name` names that variant of the prepared statement.
   */
  alsoInsert?: { extra: IntakeExtra; row: Record<string, unknown> } | undefined;
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
  const item = intakeItem(ref, category, location, columns, at, also?.row ?? null);
  const review = match && req.address && needsReview(match) ? { address: req.address, match } : null;
  // The statement is its own transaction, shared with other reports arriving meanwhile, unless an
  // address waits for review beside it or the caller's transaction holds it.
  const row =
    review || ctx.db.inTransaction
      ? await ctx.db.transaction(async (tx) => {
          const [inserted] = await runIntake(tx, also?.extra, [item]);
          if (inserted && review)
            await enqueueForReview(
              { ...ctx, db: tx },
              review.address,
              review.match,
              `request:${inserted.id}`,
            );
          return inserted;
        })
      : await intakeQueue(ctx.db, also?.extra)(item);
  // Nothing inserted: a repeat of an external id, answered with the stored request.
  if (!row) {
    const existing = await byExternalId(ctx.db, location.districtId, req.channel, req.externalId);
    if (!existing) throw new Error(`intake of ${req.channel} ${req.externalId} inserted nothing`);
    return readSubmitted(ctx.db, existing);
  }
  // A duplicate shows its original's order (read in the same statement), a new request its own.
  return submittedView(viewRow(columns, row), ref);
}

/**
 * Intake statements in flight per process, database and variant (group-commit.ts says why few).
 * PGlite runs one statement at a time anyway; on a server two keep one slow statement from holding
 * up every report behind it.
 */
const IN_FLIGHT = { pglite: 1, postgres: 2 } as const;
const MAX_BATCH = 64;
/**
 * Reports of one category this close could be duplicates of each other, and patrol items of one
 * grid compete for its least busy worker: such pairs never share or overlap statements. (Twice the
 * radius: the statement measures distance its own way.)
 */
const APART_M = 2 * DUPLICATE_RADIUS_M;

function mayAffect(a: IntakeItem, b: IntakeItem): boolean {
  const ra = a.request as RequestColumns;
  const rb = b.request as RequestColumns;
  if (a.patrolGrid !== null && a.patrolGrid === b.patrolGrid) return true;
  return (
    ra.category_code !== null &&
    ra.category_code === rb.category_code &&
    distanceM([ra.lng, ra.lat], [rb.lng, rb.lat]) <= APART_M
  );
}

const queues = new WeakMap<Db, Map<string, (item: IntakeItem) => Promise<IntakeRow | undefined>>>();

/** The process's group-commit queue for this database and statement variant. */
function intakeQueue(db: Db, extra: IntakeExtra | undefined) {
  let byVariant = queues.get(db.root);
  if (!byVariant) {
    byVariant = new Map();
    queues.set(db.root, byVariant);
  }
  const name = intakeStatement(extra).name;
  let queue = byVariant.get(name);
  if (!queue) {
    const root = db.root;
    queue = groupCommit((items: IntakeItem[]) => runIntake(root, extra, items), {
      inFlight: IN_FLIGHT[root.kind],
      maxBatch: MAX_BATCH,
      conflicts: mayAffect,
    });
    byVariant.set(name, queue);
  }
  return queue;
}

/** Runs the intake statement on a batch: one answer per item, undefined for a repeat of an external id. */
async function runIntake(
  db: Db,
  extra: IntakeExtra | undefined,
  items: IntakeItem[],
): Promise<(IntakeRow | undefined)[]> {
  const statement = intakeStatement(extra);
  const rows = await db.query<IntakeRow>(statement.sql, [JSON.stringify(items), DISPATCHER, SLOT], statement);
  const byN = new Map(rows.map((r) => [Number(r.n), r]));
  return items.map((_, i) => byN.get(i + 1));
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

function intakeItem(
  ref: GovernanceReference,
  category: Category | null,
  location: Placement['location'],
  columns: RequestColumns,
  at: Date,
  extra: Record<string, unknown> | null,
): IntakeItem {
  const planned = category ? plannedOrder(ref, category, location, columns, at) : null;
  if (planned) planned.order.dispatch_reason = planned.reasonWithoutWorker;
  return {
    request: columns,
    order: planned?.order ?? null,
    patrolGrid: planned?.patrolGrid ?? null,
    reasonWithWorker: planned?.reasonWithWorker ?? null,
    detail: planned?.detail ?? {},
    noticeRecipient: planned?.noticeRecipient ?? null,
    noticeBody: planned?.noticeBody ?? null,
    submittedBy: columns.submitted_by,
    at,
    extra,
  };
}

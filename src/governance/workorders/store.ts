// Work orders as rows: loading one for change (locked), saving it, its history, and the dispatch step
// that every path (submission, classification, re-dispatch, reassignment, reopening) shares.
import type { Db } from '../../db/db.ts';
import { notFound } from '../../lib/errors.ts';
import { type Category, resolveHoursOf } from '../catalogue/model.ts';
import type { DispatchTarget } from '../dispatch/dispatch.ts';
import type { Notice } from '../outbox.ts';
import type { GovernanceReference } from '../reference.ts';
import { nextDue, type WorkOrderAction, type WorkOrderStatus } from './machine.ts';

/** A work order in memory, with the request fields its handling needs. */
export interface OrderState {
  districtId: string;
  requestId: string;
  status: WorkOrderStatus;
  categoryCode: string;
  agencyCode: string | null;
  zoneId: string | null;
  assignee: string | null;
  dispatchReason: string | null;
  urgent: boolean;
  escalationLevel: number;
  dispatchedAt: Date | null;
  responseDueAt: Date | null;
  feedbackDueAt: Date | null;
  resolveDueAt: Date | null;
  closeDueAt: Date | null;
  respondedAt: Date | null;
  feedbackAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  responseOverdue: boolean;
  feedbackOverdue: boolean;
  resolveOverdue: boolean;
  returns: number;
  reassignments: number;
  reopens: number;
  createdAt: Date;
  updatedAt: Date;
  // From the request:
  lng: number;
  lat: number;
  subdistrictId: string | null;
  communityId: string | null;
  gridId: string;
  description: string;
  reporterPhone: string | null;
}

export interface OrderRow {
  district_id: string;
  request_id: string;
  status: WorkOrderStatus;
  category_code: string;
  agency_code: string | null;
  zone_id: string | null;
  assignee: string | null;
  dispatch_reason: string | null;
  urgent: boolean;
  escalation_level: number;
  dispatched_at: Date | string | null;
  response_due_at: Date | string | null;
  feedback_due_at: Date | string | null;
  resolve_due_at: Date | string | null;
  close_due_at: Date | string | null;
  responded_at: Date | string | null;
  feedback_at: Date | string | null;
  resolved_at: Date | string | null;
  closed_at: Date | string | null;
  response_overdue: boolean;
  feedback_overdue: boolean;
  resolve_overdue: boolean;
  returns: number;
  reassignments: number;
  reopens: number;
  created_at: Date | string;
  updated_at: Date | string;
  lng: number;
  lat: number;
  subdistrict_id: string | null;
  community_id: string | null;
  grid_id: string;
  description: string;
  reporter_phone: string | null;
}

export const ORDER_SELECT = `SELECT w.district_id, w.request_id::text, w.status, w.category_code, w.agency_code, w.zone_id,
         w.assignee, w.dispatch_reason, w.urgent, w.escalation_level, w.dispatched_at, w.response_due_at,
         w.feedback_due_at, w.resolve_due_at, w.close_due_at, w.responded_at, w.feedback_at, w.resolved_at,
         w.closed_at, w.response_overdue, w.feedback_overdue, w.resolve_overdue, w.returns, w.reassignments,
         w.reopens, w.created_at, w.updated_at, r.lng, r.lat, r.subdistrict_id, r.community_id, r.grid_id,
         r.description, r.reporter_phone
    FROM gov_work_orders w JOIN gov_requests r ON r.district_id = w.district_id AND r.id = w.request_id`;

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

export function toOrderState(r: OrderRow): OrderState {
  return {
    districtId: r.district_id,
    requestId: r.request_id,
    status: r.status,
    categoryCode: r.category_code,
    agencyCode: r.agency_code,
    zoneId: r.zone_id,
    assignee: r.assignee,
    dispatchReason: r.dispatch_reason,
    urgent: r.urgent,
    escalationLevel: r.escalation_level,
    dispatchedAt: date(r.dispatched_at),
    responseDueAt: date(r.response_due_at),
    feedbackDueAt: date(r.feedback_due_at),
    resolveDueAt: date(r.resolve_due_at),
    closeDueAt: date(r.close_due_at),
    respondedAt: date(r.responded_at),
    feedbackAt: date(r.feedback_at),
    resolvedAt: date(r.resolved_at),
    closedAt: date(r.closed_at),
    responseOverdue: r.response_overdue,
    feedbackOverdue: r.feedback_overdue,
    resolveOverdue: r.resolve_overdue,
    returns: r.returns,
    reassignments: r.reassignments,
    reopens: r.reopens,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    lng: r.lng,
    lat: r.lat,
    subdistrictId: r.subdistrict_id,
    communityId: r.community_id,
    gridId: r.grid_id,
    description: r.description,
    reporterPhone: r.reporter_phone,
  };
}

/** The order of a request, locked for the rest of the transaction. */
export async function lockOrder(tx: Db, id: string): Promise<OrderState> {
  const [row] = await tx.query<OrderRow>(`${ORDER_SELECT} WHERE w.request_id = $1 FOR UPDATE OF w`, [id]);
  if (!row) throw notFound(`work order ${id}`);
  return toOrderState(row);
}

export const ORDER_COLUMNS = [
  'status',
  'category_code',
  'agency_code',
  'zone_id',
  'assignee',
  'dispatch_reason',
  'urgent',
  'escalation_level',
  'dispatched_at',
  'response_due_at',
  'feedback_due_at',
  'resolve_due_at',
  'close_due_at',
  'responded_at',
  'feedback_at',
  'resolved_at',
  'closed_at',
  'response_overdue',
  'feedback_overdue',
  'resolve_overdue',
  'next_due_at',
  'returns',
  'reassignments',
  'reopens',
] as const;

type OrderRecord = Record<(typeof ORDER_COLUMNS)[number], unknown>;

/** The order's stored columns by name (district_id and request_id aside). */
export function orderRecord(o: OrderState): OrderRecord {
  return {
    status: o.status,
    category_code: o.categoryCode,
    agency_code: o.agencyCode,
    zone_id: o.zoneId,
    assignee: o.assignee,
    dispatch_reason: o.dispatchReason,
    urgent: o.urgent,
    escalation_level: o.escalationLevel,
    dispatched_at: o.dispatchedAt,
    response_due_at: o.responseDueAt,
    feedback_due_at: o.feedbackDueAt,
    resolve_due_at: o.resolveDueAt,
    close_due_at: o.closeDueAt,
    responded_at: o.respondedAt,
    feedback_at: o.feedbackAt,
    resolved_at: o.resolvedAt,
    closed_at: o.closedAt,
    response_overdue: o.responseOverdue,
    feedback_overdue: o.feedbackOverdue,
    resolve_overdue: o.resolveOverdue,
    next_due_at: nextDue(o),
    returns: o.returns,
    reassignments: o.reassignments,
    reopens: o.reopens,
  };
}

function orderValues(o: OrderState): unknown[] {
  const record = orderRecord(o);
  return ORDER_COLUMNS.map((c) => record[c]);
}

export async function insertOrder(tx: Db, o: OrderState): Promise<void> {
  const cols = ['district_id', 'request_id', ...ORDER_COLUMNS, 'created_at', 'updated_at'];
  await tx.query(
    `INSERT INTO gov_work_orders (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
    [o.districtId, o.requestId, ...orderValues(o), o.createdAt, o.updatedAt],
  );
}

export async function saveOrder(tx: Db, o: OrderState): Promise<void> {
  const sets = ORDER_COLUMNS.map((c, i) => `${c} = $${i + 3}`).join(', ');
  await tx.query(
    `UPDATE gov_work_orders SET ${sets}, updated_at = $${ORDER_COLUMNS.length + 3}
      WHERE district_id = $1 AND request_id = $2`,
    [o.districtId, o.requestId, ...orderValues(o), o.updatedAt],
  );
}

export interface HistoryInput {
  districtId: string;
  requestId: string;
  action: WorkOrderAction | 'submit' | 'duplicate' | 'merge' | 'unmerge' | 'visit';
  from: WorkOrderStatus | null;
  to: WorkOrderStatus;
  actor: string;
  at: Date;
  note?: string | null | undefined;
  detail?: Record<string, unknown> | undefined;
}

export async function insertHistory(tx: Db, entries: readonly HistoryInput[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(
    `INSERT INTO gov_work_order_history (district_id, request_id, action, from_status, to_status, actor, at, note, detail)
     SELECT h."districtId", h."requestId"::bigint, h.action, h."from", h."to", h.actor, h.at, h.note,
            coalesce(h.detail, '{}')
       FROM jsonb_to_recordset($1::jsonb) AS h("districtId" text, "requestId" text, action text, "from" text,
            "to" text, actor text, at timestamptz, note text, detail jsonb)`,
    [JSON.stringify(entries.map((e) => ({ ...e, note: e.note ?? null, detail: e.detail ?? {} })))],
  );
}

const addMinutes = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);

/**
 * Gives the order to `target` with a fresh 10-30-24 clock: response, feedback and resolution due
 * from now by the category's service levels (24 h at most when urgent). Returns the history detail.
 */
export function applyDispatch(
  o: OrderState,
  target: DispatchTarget,
  category: Category,
  at: Date,
): Record<string, unknown> {
  const levels = category.serviceLevels;
  o.status = 'dispatched';
  o.agencyCode = target.agency;
  o.zoneId = target.zoneId;
  o.assignee = target.assignee;
  o.dispatchReason = target.reason;
  o.dispatchedAt = at;
  o.responseDueAt = addMinutes(at, levels.responseMinutes);
  o.feedbackDueAt = addMinutes(at, levels.feedbackMinutes);
  o.resolveDueAt = addMinutes(at, 60 * resolveHoursOf(levels, o.urgent));
  o.closeDueAt = null;
  o.respondedAt = null;
  o.feedbackAt = null;
  o.resolvedAt = null;
  o.closedAt = null;
  o.responseOverdue = false;
  o.feedbackOverdue = false;
  o.resolveOverdue = false;
  o.updatedAt = at;
  return {
    agency: target.agency,
    zone: target.zoneId,
    assignee: target.assignee,
    reason: target.reason,
    responseDueAt: o.responseDueAt.toISOString(),
    feedbackDueAt: o.feedbackDueAt.toISOString(),
    resolveDueAt: o.resolveDueAt.toISOString(),
  };
}

/** The app push to whoever now holds a dispatched order. */
export function dispatchNotice(o: OrderState, ref: GovernanceReference, category: Category): Notice {
  return {
    districtId: o.districtId,
    channel: 'app',
    recipient: o.assignee ? `user:${o.assignee}` : `agency:${o.agencyCode}`,
    kind: 'dispatched',
    requestId: o.requestId,
    body: `新工单 #${o.requestId}：${category.name}，${o.description.slice(0, 60)}；请在${category.serviceLevels.responseMinutes}分钟内响应（${ref.agencies.get(o.agencyCode ?? '')?.name ?? o.agencyCode}）`,
  };
}

/** A new order for a request, before dispatch. */
export function newOrder(
  request: {
    districtId: string;
    requestId: string;
    categoryCode: string;
    urgent: boolean;
    lng: number;
    lat: number;
    subdistrictId: string | null;
    communityId: string | null;
    gridId: string;
    description: string;
    reporterPhone: string | null;
  },
  at: Date,
): OrderState {
  // Spelled out: a spread followed by this many properties is some hundred times slower in V8, and
  // intake and history imports build one order per request.
  return {
    districtId: request.districtId,
    requestId: request.requestId,
    categoryCode: request.categoryCode,
    urgent: request.urgent,
    lng: request.lng,
    lat: request.lat,
    subdistrictId: request.subdistrictId,
    communityId: request.communityId,
    gridId: request.gridId,
    description: request.description,
    reporterPhone: request.reporterPhone,
    status: 'submitted',
    agencyCode: null,
    zoneId: null,
    assignee: null,
    dispatchReason: null,
    escalationLevel: 0,
    dispatchedAt: null,
    responseDueAt: null,
    feedbackDueAt: null,
    resolveDueAt: null,
    closeDueAt: null,
    respondedAt: null,
    feedbackAt: null,
    resolvedAt: null,
    closedAt: null,
    responseOverdue: false,
    feedbackOverdue: false,
    resolveOverdue: false,
    returns: 0,
    reassignments: 0,
    reopens: 0,
    createdAt: at,
    updatedAt: at,
  };
}

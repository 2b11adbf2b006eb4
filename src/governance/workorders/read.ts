// Reading work orders within the reader's scope: handlers see their agency's, grid workers and
// area-scoped operators those placed in their area, district-wide readers all.
import { type Ctx, requirePermission } from '../../foundation/access/context.ts';
import { notFound } from '../../lib/errors.ts';
import { requireId } from '../input.ts';
import { ensureGovernance, type GovernanceReference } from '../reference.ts';
import { requireSee, scopeSql } from '../scope.ts';
import { ACTIVE_STATES, nextDue, type WorkOrderStatus } from './machine.ts';
import { ORDER_SELECT, type OrderRow, type OrderState, toOrderState } from './store.ts';

export interface WorkOrder {
  id: string;
  districtId: string;
  status: WorkOrderStatus;
  category: string;
  categoryName: string | null;
  agency: string | null;
  agencyName: string | null;
  zone: string | null;
  assignee: string | null;
  dispatchReason: string | null;
  urgent: boolean;
  escalationLevel: number;
  description: string;
  location: {
    lng: number;
    lat: number;
    subdistrictId: string | null;
    communityId: string | null;
    gridId: string;
  };
  dispatchedAt: string | null;
  responseDueAt: string | null;
  feedbackDueAt: string | null;
  resolveDueAt: string | null;
  closeDueAt: string | null;
  nextDueAt: string | null;
  respondedAt: string | null;
  feedbackAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  overdue: { response: boolean; feedback: boolean; resolve: boolean };
  returns: number;
  reassignments: number;
  reopens: number;
  createdAt: string;
  updatedAt: string;
}

export interface HistoryEntry {
  at: string;
  action: string;
  from: string | null;
  to: string;
  actor: string;
  note: string | null;
  detail: Record<string, unknown>;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toWorkOrder(o: OrderState, ref: GovernanceReference): WorkOrder {
  return {
    id: o.requestId,
    districtId: o.districtId,
    status: o.status,
    category: o.categoryCode,
    categoryName: ref.categories.get(o.categoryCode)?.name ?? null,
    agency: o.agencyCode,
    agencyName: o.agencyCode ? (ref.agencies.get(o.agencyCode)?.name ?? null) : null,
    zone: o.zoneId,
    assignee: o.assignee,
    dispatchReason: o.dispatchReason,
    urgent: o.urgent,
    escalationLevel: o.escalationLevel,
    description: o.description,
    location: {
      lng: o.lng,
      lat: o.lat,
      subdistrictId: o.subdistrictId,
      communityId: o.communityId,
      gridId: o.gridId,
    },
    dispatchedAt: iso(o.dispatchedAt),
    responseDueAt: iso(o.responseDueAt),
    feedbackDueAt: iso(o.feedbackDueAt),
    resolveDueAt: iso(o.resolveDueAt),
    closeDueAt: iso(o.closeDueAt),
    nextDueAt: iso(nextDue(o)),
    respondedAt: iso(o.respondedAt),
    feedbackAt: iso(o.feedbackAt),
    resolvedAt: iso(o.resolvedAt),
    closedAt: iso(o.closedAt),
    overdue: { response: o.responseOverdue, feedback: o.feedbackOverdue, resolve: o.resolveOverdue },
    returns: o.returns,
    reassignments: o.reassignments,
    reopens: o.reopens,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

export async function getWorkOrder(ctx: Ctx, id: string): Promise<WorkOrder & { history: HistoryEntry[] }> {
  requirePermission(ctx, 'requests:read');
  requireId(id, 'work order');
  const ref = await ensureGovernance(ctx.db);
  const [row] = await ctx.db.query<OrderRow>(`${ORDER_SELECT} WHERE w.request_id = $1`, [id]);
  if (!row) throw notFound(`work order ${id}`);
  const o = toOrderState(row);
  requireSee(ctx.actor, { ...o, agency: o.agencyCode }, `work order ${id}`);
  return { ...toWorkOrder(o, ref), history: await workOrderHistory(ctx, o) };
}

async function workOrderHistory(ctx: Ctx, o: OrderState): Promise<HistoryEntry[]> {
  const rows = await ctx.db.query<{
    at: Date | string;
    action: string;
    from_status: string | null;
    to_status: string;
    actor: string;
    note: string | null;
    detail: Record<string, unknown>;
  }>(
    `SELECT at, action, from_status, to_status, actor, note, detail FROM gov_work_order_history
      WHERE district_id = $1 AND request_id = $2 ORDER BY at, id`,
    [o.districtId, o.requestId],
  );
  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    action: r.action,
    from: r.from_status,
    to: r.to_status,
    actor: r.actor,
    note: r.note,
    detail: r.detail,
  }));
}

export interface WorkOrderFilter {
  status?: WorkOrderStatus[] | undefined;
  agency?: string | undefined;
  assignee?: string | undefined;
  category?: string | undefined;
  /** Only orders with an overdue step that are still open. */
  overdue?: boolean | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

/** Orders within the reader's scope, the most pressing (earliest pending timer) first. */
export async function listWorkOrders(
  ctx: Ctx,
  filter: WorkOrderFilter = {},
): Promise<{ total: number; items: WorkOrder[] }> {
  requirePermission(ctx, 'requests:read');
  const ref = await ensureGovernance(ctx.db);
  const params: unknown[] = [
    filter.status ?? null,
    filter.agency ?? null,
    filter.assignee ?? null,
    filter.category ?? null,
    filter.overdue === true,
    ACTIVE_STATES,
  ];
  const where = `($1::text[] IS NULL OR w.status = ANY($1::text[])) AND ($2::text IS NULL OR w.agency_code = $2)
     AND ($3::text IS NULL OR w.assignee = $3) AND ($4::text IS NULL OR w.category_code = $4)
     AND (NOT $5 OR ((w.response_overdue OR w.feedback_overdue OR w.resolve_overdue) AND w.status = ANY($6::text[])))
     AND ${scopeSql(ctx.actor, params)}`;
  const [count] = await ctx.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM gov_work_orders w JOIN gov_requests r ON r.district_id = w.district_id AND r.id = w.request_id WHERE ${where}`,
    params,
  );
  const rows = await ctx.db.query<OrderRow>(
    `${ORDER_SELECT} WHERE ${where} ORDER BY w.next_due_at NULLS LAST, w.request_id DESC
      LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, filter.limit ?? 100, filter.offset ?? 0],
  );
  return { total: count?.n ?? 0, items: rows.map((r) => toWorkOrder(toOrderState(r), ref)) };
}

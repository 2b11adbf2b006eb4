// 10-30-24 timers. The timers are columns (due times, and `next_due_at`, the earliest pending one),
// so they survive any restart; a tick takes the orders whose next timer has passed, a batch at a time
// with FOR UPDATE SKIP LOCKED (several server processes tick side by side without taking the same
// order twice), and for each: flags the overdue steps, puts them in the supervision queue, escalates
// once and tells the agency; a resolved order nobody rated within the visit window closes itself.
import type { Db } from '../../db/db.ts';
import { type Actor, type Ctx, requirePermission } from '../../foundation/access/context.ts';
import type { Category } from '../catalogue/model.ts';
import { queueNotices } from '../outbox.ts';
import { ensureGovernance, type GovernanceReference } from '../reference.ts';
import { scopeSql } from '../scope.ts';
import { type DueKind, pendingTimers, VISIT_WINDOW_HOURS } from '../workorders/machine.ts';
import {
  insertHistory,
  ORDER_SELECT,
  type OrderRow,
  type OrderState,
  saveOrder,
  toOrderState,
} from '../workorders/store.ts';
import { applyAction, escalationNotice } from '../workorders/transitions.ts';

/** Who the scheduler acts as, in histories and the audit trail. */
export const SLA_ACTOR: Actor = {
  username: 'system:sla',
  role: 'admin',
  scope: { kind: 'district', id: '*' },
};

export interface TickResult {
  /** Orders with at least one step newly overdue. */
  escalated: number;
  overdue: Record<Exclude<DueKind, 'close'>, number>;
  /** Resolved orders closed at the end of the visit window. */
  closed: number;
}

const STEP_NAMES: Record<Exclude<DueKind, 'close'>, string> = {
  response: '未在时限内响应',
  feedback: '未在时限内反馈',
  resolve: '未在时限内办结',
};

/** One pass over every timer that has passed by `now` (default: the clock). */
export async function tickSla(
  ctx: Ctx,
  options: { now?: Date | undefined; batch?: number | undefined } = {},
): Promise<TickResult> {
  requirePermission(ctx, 'workorders:dispatch');
  const now = options.now ?? new Date();
  const batch = options.batch ?? 200;
  const ref = await ensureGovernance(ctx.db);
  const result: TickResult = { escalated: 0, overdue: { response: 0, feedback: 0, resolve: 0 }, closed: 0 };
  for (;;) {
    const taken = await ctx.db.transaction(async (tx) => {
      const rows = await tx.query<OrderRow>(
        `${ORDER_SELECT} WHERE w.next_due_at <= $1 ORDER BY w.next_due_at LIMIT $2 FOR UPDATE OF w SKIP LOCKED`,
        [now, batch],
      );
      for (const row of rows) await expire(tx, ref, toOrderState(row), now, result);
      return rows.length;
    });
    if (taken < batch) return result;
  }
}

async function expire(
  tx: Db,
  ref: GovernanceReference,
  o: OrderState,
  now: Date,
  result: TickResult,
): Promise<void> {
  // The timer acts, whoever runs the tick (a server's scheduler or `citybrain sla tick`).
  const actor = SLA_ACTOR.username;
  const due = pendingTimers(o).filter((t) => t.at <= now);
  if (due.some((t) => t.kind === 'close')) {
    await applyAction(tx, ref, o, 'close', {
      actor,
      note: `closed without a rating after the ${VISIT_WINDOW_HOURS} h return-visit window`,
      at: now,
    });
    result.closed += 1;
    return;
  }
  const steps = due.map((t) => ({ kind: t.kind as Exclude<DueKind, 'close'>, at: t.at }));
  if (steps.length === 0) {
    // Nothing due after all (timers changed under a stale next_due_at): store the right one.
    await saveOrder(tx, o);
    return;
  }
  const from = o.status;
  for (const step of steps) {
    if (step.kind === 'response') o.responseOverdue = true;
    if (step.kind === 'feedback') o.feedbackOverdue = true;
    if (step.kind === 'resolve') o.resolveOverdue = true;
    result.overdue[step.kind] += 1;
  }
  o.escalationLevel += 1;
  o.updatedAt = now;
  await saveOrder(tx, o);
  await tx.query(
    `INSERT INTO gov_supervision (district_id, request_id, kind, due_at, agency_code, flagged_at, escalation_level)
     SELECT $1, $2, s.kind, s.at, $3, $4, $5 FROM jsonb_to_recordset($6::jsonb) AS s(kind text, at timestamptz)
     ON CONFLICT DO NOTHING`,
    [o.districtId, o.requestId, o.agencyCode, now, o.escalationLevel, JSON.stringify(steps)],
  );
  const why = steps.map((s) => STEP_NAMES[s.kind]).join('、');
  await insertHistory(tx, [
    {
      districtId: o.districtId,
      requestId: o.requestId,
      action: 'escalate',
      from,
      to: o.status,
      actor,
      at: now,
      note: `overdue: ${steps.map((s) => `${s.kind} (due ${s.at.toISOString()})`).join(', ')}`,
      detail: { overdue: steps.map((s) => s.kind), level: o.escalationLevel },
    },
  ]);
  const category = ref.categories.get(o.categoryCode) as Category;
  if (o.agencyCode) await queueNotices(tx, [{ ...escalationNotice(o, category, why), kind: 'overdue' }]);
  result.escalated += 1;
}

export interface SlaScheduler {
  /** The first tick, run at start: it catches the timers that passed while no scheduler ran. */
  readonly started: Promise<TickResult>;
  stop(): Promise<void>;
}

/**
 * Runs the timers inside a server process: a tick at once, then one every `intervalMs`. Its state is
 * the database's, so stopping loses nothing and several processes may run one each.
 */
export function startSlaScheduler(
  db: Db,
  options: {
    intervalMs?: number;
    clock?: () => Date;
    onError?: (error: unknown) => void;
  } = {},
): SlaScheduler {
  const intervalMs = options.intervalMs ?? 5_000;
  const clock = options.clock ?? (() => new Date());
  const onError = options.onError ?? ((error) => console.error('SLA tick failed:', error));
  const ctx: Ctx = { db, actor: SLA_ACTOR };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tickSla(ctx, { now: clock() }).catch(onError).finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  const started = tickSla(ctx, { now: clock() });
  running = started.catch(onError).finally(schedule);
  return {
    started,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

export interface SupervisionItem {
  requestId: string;
  kind: Exclude<DueKind, 'close'>;
  dueAt: string;
  flaggedAt: string;
  doneAt: string | null;
  escalationLevel: number;
  agency: string | null;
  agencyName: string | null;
  category: string;
  categoryName: string | null;
  orderStatus: string;
}

/** The supervision queue (督办): overdue steps, still open ones first, most overdue first. */
export async function listSupervision(
  ctx: Ctx,
  filter: { open?: boolean | undefined; agency?: string | undefined; limit?: number | undefined } = {},
): Promise<SupervisionItem[]> {
  requirePermission(ctx, 'requests:read');
  const ref = await ensureGovernance(ctx.db);
  const params: unknown[] = [filter.open ?? true, filter.agency ?? null, filter.limit ?? 100];
  const rows = await ctx.db.query<{
    request_id: string;
    kind: Exclude<DueKind, 'close'>;
    due_at: Date | string;
    flagged_at: Date | string;
    done_at: Date | string | null;
    escalation_level: number;
    agency_code: string | null;
    category_code: string;
    status: string;
  }>(
    `SELECT s.request_id::text, s.kind, s.due_at, s.flagged_at, s.done_at, s.escalation_level, s.agency_code,
            w.category_code, w.status
       FROM gov_supervision s
       JOIN gov_work_orders w ON w.district_id = s.district_id AND w.request_id = s.request_id
       JOIN gov_requests r ON r.district_id = s.district_id AND r.id = s.request_id
      WHERE (NOT $1 OR s.done_at IS NULL) AND ($2::text IS NULL OR s.agency_code = $2)
        AND ${scopeSql(ctx.actor, params)}
      ORDER BY s.done_at IS NOT NULL, s.due_at, s.request_id LIMIT $3`,
    params,
  );
  const iso = (v: Date | string) => new Date(v).toISOString();
  return rows.map((r) => ({
    requestId: r.request_id,
    kind: r.kind,
    dueAt: iso(r.due_at),
    flaggedAt: iso(r.flagged_at),
    doneAt: r.done_at === null ? null : iso(r.done_at),
    escalationLevel: r.escalation_level,
    agency: r.agency_code,
    agencyName: r.agency_code ? (ref.agencies.get(r.agency_code)?.name ?? null) : null,
    category: r.category_code,
    categoryName: ref.categories.get(r.category_code)?.name ?? null,
    orderStatus: r.status,
  }));
}

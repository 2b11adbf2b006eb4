// Moving a work order through its states. `transitionWorkOrder` checks who may act; `applyAction`
// does the change (state, timers, history, notices, the request's status and its duplicates') and is
// shared with the return visit and the SLA scheduler, which act under their own authority.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/db.ts';
import {
  type Actor,
  type Ctx,
  can,
  describeScope,
  requirePermission,
} from '../../foundation/access/context.ts';
import { conflict, forbidden, invalidInput, notFound } from '../../lib/errors.ts';
import type { Category } from '../catalogue/model.ts';
import { type DispatchTarget, dispatchTarget, zoneContaining } from '../dispatch/dispatch.ts';
import { requireId } from '../input.ts';
import { type Notice, queueNotices } from '../outbox.ts';
import { ensureGovernance, type GovernanceReference } from '../reference.ts';
import { coversPlace } from '../scope.ts';
import { RULES, VISIT_WINDOW_HOURS, WORK_ORDER_ACTIONS, type WorkOrderAction } from './machine.ts';
import { toWorkOrder, type WorkOrder } from './read.ts';
import {
  applyDispatch,
  dispatchNotice,
  insertHistory,
  lockOrder,
  type OrderState,
  saveOrder,
} from './store.ts';

export interface TransitionTarget {
  /** reassign: the agency that takes the order over. */
  agency?: string | undefined;
  /** reassign: a named handler or grid worker within it. */
  assignee?: string | undefined;
}

export async function transitionWorkOrder(
  ctx: Ctx,
  id: string,
  action: WorkOrderAction,
  note?: string | undefined,
  target: TransitionTarget = {},
): Promise<WorkOrder> {
  requireId(id, 'work order');
  if (!WORK_ORDER_ACTIONS.includes(action))
    throw invalidInput(`unknown action ${action}; one of ${WORK_ORDER_ACTIONS.join(', ')}`);
  const text = note?.trim() || undefined;
  if (text && text.length > 2000) throw invalidInput('a note has at most 2000 characters');
  const ref = await ensureGovernance(ctx.db);
  const order = await ctx.db.transaction(async (tx) => {
    const o = await lockOrder(tx, id);
    requireMayAct(ctx, ref, o, action);
    await applyAction(tx, ref, o, action, { actor: ctx.actor.username, note: text, target, at: new Date() });
    return o;
  });
  return toWorkOrder(order, ref);
}

function requireMayAct(ctx: Ctx, ref: GovernanceReference, o: OrderState, action: WorkOrderAction): void {
  const { actor } = ctx;
  const by = RULES[action].by;
  if (by !== 'command' && can(actor, 'workorders:act') && holds(actor, ref, o)) return;
  if (by !== 'handler' && can(actor, 'workorders:dispatch') && coversPlace(actor, o)) return;
  if (by === 'handler' || (by === 'either' && !can(actor, 'workorders:dispatch')))
    requirePermission(ctx, 'workorders:act');
  if (by === 'command') requirePermission(ctx, 'workorders:dispatch');
  throw forbidden(
    by === 'command'
      ? `work order ${o.requestId} lies outside your scope ${describeScope(actor.scope)}`
      : `work order ${o.requestId} is held by ${o.agencyCode ?? 'the command centre'}, not by you`,
  );
}

/** The actor holds the order: its agency's handler, its grid worker, or a district-wide actor. */
function holds(actor: Actor, ref: GovernanceReference, o: OrderState): boolean {
  const { kind, id } = actor.scope;
  if (kind === 'agency') return o.agencyCode === id;
  if (id === '*') return true;
  if (o.assignee) return o.assignee === actor.username;
  // An unassigned patrol item: any grid worker of the place may take it up for the workstation.
  return ref.agencies.get(o.agencyCode ?? '')?.kind === 'community_workstation' && coversPlace(actor, o);
}

export interface ActionInput {
  actor: string;
  note?: string | undefined;
  target?: TransitionTarget | undefined;
  at: Date;
}

/** Applies one action to a locked order, inside the caller's transaction. */
export async function applyAction(
  tx: Db,
  ref: GovernanceReference,
  o: OrderState,
  action: WorkOrderAction,
  input: ActionInput,
): Promise<void> {
  const rule = RULES[action];
  if (!rule.from.includes(o.status))
    throw conflict(`cannot ${action} work order ${o.requestId}: it is ${o.status}`);
  if (rule.note && !input.note)
    throw invalidInput(`${action} needs a note`, [{ field: 'note', reason: `required for ${action}` }]);
  const { at } = input;
  const from = o.status;
  const category = ref.categories.get(o.categoryCode);
  if (!category) throw notFound(`category ${o.categoryCode}`);
  let detail: Record<string, unknown> = {};
  const notices: Notice[] = [];
  const done = (kinds: string[]) => closeSupervision(tx, o, kinds, at);

  switch (action) {
    case 'dispatch': {
      const target = await dispatchTarget(tx, ref, category, o);
      detail = applyDispatch(o, target, category, at);
      notices.push(dispatchNotice(o, ref, category));
      break;
    }
    case 'accept':
      o.status = 'accepted';
      o.respondedAt = at;
      detail = timeliness(o, o.responseDueAt, at);
      await done(['response']);
      break;
    case 'feedback':
      o.status = 'in_progress';
      o.feedbackAt = at;
      detail = timeliness(o, o.feedbackDueAt, at);
      await done(['response', 'feedback']);
      break;
    case 'note':
      break;
    case 'resolve':
      o.status = 'resolved';
      o.resolvedAt = at;
      detail = timeliness(o, o.resolveDueAt, at);
      o.closeDueAt = new Date(at.getTime() + VISIT_WINDOW_HOURS * 3_600_000);
      await done(['response', 'feedback', 'resolve']);
      notices.push(...(await resolveRequest(tx, o, category, at)));
      break;
    case 'close':
      o.status = 'closed';
      o.closedAt = at;
      await setRequestStatus(tx, o, 'closed', at);
      break;
    case 'return':
      detail = { agency: o.agencyCode, zone: o.zoneId, assignee: o.assignee };
      o.status = 'returned';
      o.returns += 1;
      o.agencyCode = null;
      o.zoneId = null;
      o.assignee = null;
      await done(['response', 'feedback', 'resolve']);
      notices.push({
        districtId: o.districtId,
        channel: 'app',
        recipient: 'operators',
        kind: 'returned',
        requestId: o.requestId,
        body: `工单 #${o.requestId}（${category.name}）被退回：${input.note}`,
      });
      break;
    case 'reassign': {
      const target = await reassignTarget(tx, ref, o, input);
      const previous = o.agencyCode;
      await done(['response', 'feedback', 'resolve']);
      o.reassignments += 1;
      detail = { ...applyDispatch(o, target, category, at), from: previous };
      notices.push(dispatchNotice(o, ref, category));
      break;
    }
    case 'escalate':
      o.escalationLevel += 1;
      detail = { level: o.escalationLevel };
      if (o.agencyCode) notices.push(escalationNotice(o, category, input.note ?? '指挥中心督办'));
      break;
    case 'reopen': {
      o.reopens += 1;
      const target: DispatchTarget = o.agencyCode
        ? {
            agency: o.agencyCode,
            zoneId: o.zoneId,
            assignee: o.assignee,
            reason: `reopened (${input.note}); back to ${ref.agencies.get(o.agencyCode)?.name ?? o.agencyCode}, which resolved it`,
          }
        : await dispatchTarget(tx, ref, category, o);
      detail = applyDispatch(o, target, category, at);
      await tx.query(
        `UPDATE gov_requests SET reopen_count = reopen_count + 1 WHERE district_id = $1 AND id = $2`,
        [o.districtId, o.requestId],
      );
      await setRequestStatus(tx, o, 'open', at);
      notices.push({ ...dispatchNotice(o, ref, category), kind: 'reopened' });
      break;
    }
  }
  o.updatedAt = at;
  await saveOrder(tx, o);
  await insertHistory(tx, [
    {
      districtId: o.districtId,
      requestId: o.requestId,
      action,
      from,
      to: o.status,
      actor: input.actor,
      at,
      note: input.note,
      detail,
    },
  ]);
  await queueNotices(tx, notices);
}

async function reassignTarget(
  tx: Db,
  ref: GovernanceReference,
  o: OrderState,
  input: ActionInput,
): Promise<DispatchTarget> {
  const code = input.target?.agency;
  if (!code)
    throw invalidInput('reassign needs the agency that takes it over', [
      { field: 'agency', reason: 'required' },
    ]);
  const agency = ref.agencies.get(code);
  if (!agency?.active)
    throw invalidInput(`no active agency ${code}`, [{ field: 'agency', reason: 'unknown' }]);
  const assignee = input.target?.assignee ?? null;
  if (assignee) {
    const [user] = await tx.query('SELECT 1 FROM users WHERE username = $1 AND disabled_at IS NULL', [
      assignee,
    ]);
    if (!user) throw invalidInput(`no active user ${assignee}`, [{ field: 'assignee', reason: 'unknown' }]);
  }
  const zone = zoneContaining(ref.zones.get(code) ?? [], o.lng, o.lat);
  return {
    agency: code,
    zoneId: zone?.zoneId ?? null,
    assignee,
    reason: `reassigned by ${input.actor} to ${agency.name}${zone ? ` (zone ${zone.name})` : ''}${input.note ? `: ${input.note}` : ''}`,
  };
}

/**
 * Whether a step met its due time, kept in the history: on-time rates count every response and
 * resolution, including those of cycles a reassignment or a reopening later restarted.
 */
export function timeliness(o: OrderState, dueAt: Date | null, at: Date): Record<string, unknown> {
  return { agency: o.agencyCode, dueAt: dueAt?.toISOString() ?? null, onTime: dueAt === null || at <= dueAt };
}

export function escalationNotice(o: OrderState, category: Category, why: string): Notice {
  return {
    districtId: o.districtId,
    channel: 'app',
    recipient: `agency:${o.agencyCode}`,
    kind: 'escalated',
    requestId: o.requestId,
    body: `督办：工单 #${o.requestId}（${category.name}）${why}，督办等级 ${o.escalationLevel}`,
  };
}

/** Marks overdue items of these steps done: the late step happened, or the order left it. */
async function closeSupervision(tx: Db, o: OrderState, kinds: string[], at: Date): Promise<void> {
  await tx.query(
    `UPDATE gov_supervision SET done_at = $3
      WHERE district_id = $1 AND request_id = $2 AND done_at IS NULL AND kind = ANY($4::text[])`,
    [o.districtId, o.requestId, at, kinds],
  );
}

/** The request and its duplicates follow the order. */
async function setRequestStatus(
  tx: Db,
  o: OrderState,
  status: 'open' | 'resolved' | 'closed',
  at: Date,
): Promise<void> {
  await tx.query(
    `UPDATE gov_requests SET status = $3,
            resolved_at = CASE WHEN $3 = 'open' THEN NULL WHEN $3 = 'resolved' THEN $4 ELSE resolved_at END,
            closed_at = CASE WHEN $3 = 'closed' THEN $4 END,
            updated_at = $4
      WHERE district_id = $1 AND (id = $2 OR duplicate_of = $2)`,
    [o.districtId, o.requestId, status, at],
  );
}

/**
 * Resolution: the request and its duplicates are resolved; the reporter gets the return-visit link,
 * each duplicate's reporter a notice that the problem they reported was handled.
 */
async function resolveRequest(tx: Db, o: OrderState, category: Category, at: Date): Promise<Notice[]> {
  await setRequestStatus(tx, o, 'resolved', at);
  const token = randomBytes(18).toString('base64url');
  await tx.query('UPDATE gov_requests SET visit_token_sha256 = $3 WHERE district_id = $1 AND id = $2', [
    o.districtId,
    o.requestId,
    hashVisitToken(token),
  ]);
  const notices: Notice[] = [];
  if (o.reporterPhone)
    notices.push({
      districtId: o.districtId,
      channel: 'sms',
      recipient: o.reporterPhone,
      kind: 'visit_link',
      requestId: o.requestId,
      body: `【福田区】您反映的${category.name}问题（#${o.requestId}）已办结，请为处理结果评分（1-5分）：${visitLink(token)}`,
    });
  const duplicates = await tx.query<{ id: string; reporter_phone: string }>(
    `SELECT id::text, reporter_phone FROM gov_requests
      WHERE district_id = $1 AND duplicate_of = $2 AND reporter_phone IS NOT NULL`,
    [o.districtId, o.requestId],
  );
  for (const d of duplicates)
    notices.push({
      districtId: o.districtId,
      channel: 'sms',
      recipient: d.reporter_phone,
      kind: 'duplicate_resolved',
      requestId: d.id,
      body: `【福田区】您反映的${category.name}问题（#${d.id}）与工单 #${o.requestId} 为同一问题，现已办结。`,
    });
  return notices;
}

export function hashVisitToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The link in the return-visit SMS; CITYBRAIN_PUBLIC_URL is where the reporter's page is served. */
function visitLink(token: string): string {
  const base = process.env.CITYBRAIN_PUBLIC_URL ?? 'http://127.0.0.1:8080';
  return `${base.replace(/\/$/, '')}/visit/${token}`;
}

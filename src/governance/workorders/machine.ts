// The work-order state machine (工单流转):
//   submitted → dispatched → accepted (the response) → in_progress (the feedback) → resolved → closed
// with returned (退单: the agency hands it back to the command centre), reassign, escalate, and
// reopen (the reporter was not satisfied). Each action lists the states it may start from; anything
// else is a conflict (409).

export const WORK_ORDER_STATES = [
  'submitted',
  'dispatched',
  'accepted',
  'in_progress',
  'resolved',
  'closed',
  'returned',
] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATES)[number];

export const WORK_ORDER_ACTIONS = [
  'dispatch',
  'accept',
  'feedback',
  'note',
  'resolve',
  'close',
  'return',
  'reassign',
  'escalate',
  'reopen',
] as const;
export type WorkOrderAction = (typeof WORK_ORDER_ACTIONS)[number];

/** handler: the agency (or grid worker) holding the order; command: the command centre. */
export type Actor = 'handler' | 'command' | 'either';

interface Rule {
  from: readonly WorkOrderStatus[];
  /** The state after the action; 'same' leaves it. */
  to: WorkOrderStatus | 'same';
  by: Actor;
  /** A note is required (feedback text, the resolution, the reason for a return …). */
  note: boolean;
}

const OPEN: readonly WorkOrderStatus[] = ['dispatched', 'accepted', 'in_progress', 'returned'];

export const RULES: Record<WorkOrderAction, Rule> = {
  dispatch: { from: ['submitted', 'returned'], to: 'dispatched', by: 'command', note: false },
  accept: { from: ['dispatched'], to: 'accepted', by: 'handler', note: false },
  feedback: { from: ['accepted'], to: 'in_progress', by: 'handler', note: true },
  note: { from: ['dispatched', 'accepted', 'in_progress'], to: 'same', by: 'either', note: true },
  resolve: { from: ['accepted', 'in_progress'], to: 'resolved', by: 'handler', note: true },
  close: { from: ['resolved'], to: 'closed', by: 'command', note: false },
  return: { from: ['dispatched', 'accepted'], to: 'returned', by: 'handler', note: true },
  reassign: { from: OPEN, to: 'dispatched', by: 'command', note: false },
  escalate: { from: OPEN, to: 'same', by: 'command', note: false },
  reopen: { from: ['resolved', 'closed'], to: 'dispatched', by: 'command', note: true },
};

/** States in which the request is still open to the reporter. */
export const ACTIVE_STATES: readonly WorkOrderStatus[] = [
  'submitted',
  'dispatched',
  'accepted',
  'in_progress',
  'returned',
];

/** The return-visit window: a resolved order nobody rated closes itself after it. */
export const VISIT_WINDOW_HOURS = 72;

export interface Timers {
  status: WorkOrderStatus;
  responseDueAt: Date | null;
  feedbackDueAt: Date | null;
  resolveDueAt: Date | null;
  closeDueAt: Date | null;
  responseOverdue: boolean;
  feedbackOverdue: boolean;
  resolveOverdue: boolean;
}

export type DueKind = 'response' | 'feedback' | 'resolve' | 'close';

/** The timers still pending in the order's state (not yet done, not yet flagged overdue). */
export function pendingTimers(t: Timers): { kind: DueKind; at: Date }[] {
  const out: { kind: DueKind; at: Date }[] = [];
  const s = t.status;
  if (s === 'dispatched' && t.responseDueAt && !t.responseOverdue)
    out.push({ kind: 'response', at: t.responseDueAt });
  if ((s === 'dispatched' || s === 'accepted') && t.feedbackDueAt && !t.feedbackOverdue)
    out.push({ kind: 'feedback', at: t.feedbackDueAt });
  if ((s === 'dispatched' || s === 'accepted' || s === 'in_progress') && t.resolveDueAt && !t.resolveOverdue)
    out.push({ kind: 'resolve', at: t.resolveDueAt });
  if (s === 'resolved' && t.closeDueAt) out.push({ kind: 'close', at: t.closeDueAt });
  return out;
}

/** The earliest pending timer: the order's `next_due_at`, what the scheduler polls. */
export function nextDue(t: Timers): Date | null {
  let next: Date | null = null;
  for (const { at } of pendingTimers(t)) if (!next || at < next) next = at;
  return next;
}

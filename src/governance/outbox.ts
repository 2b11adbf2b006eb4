// Notices to reporters (SMS) and handlers (app pushes), written in the transaction of the change that
// causes them, so a notice is queued exactly when its change commits. An SMS / push gateway (outside
// this package) reads the unsent ones and stamps sent_at.
import type { Db } from '../db/db.ts';
import { type Ctx, requirePermission } from '../foundation/access/context.ts';
import { maskPhone } from '../foundation/access/masking.ts';
import { scopeSql } from './scope.ts';

export type NoticeKind =
  | 'dispatched'
  | 'returned'
  | 'overdue'
  | 'escalated'
  | 'duplicate_resolved'
  | 'visit_link'
  | 'reopened';

export interface Notice {
  districtId: string;
  channel: 'sms' | 'app';
  /** A phone number (sms), or agency:<code>, user:<username> or operators (app). */
  recipient: string;
  kind: NoticeKind;
  requestId: string | null;
  body: string;
}

export async function queueNotices(db: Db, notices: readonly Notice[]): Promise<void> {
  if (notices.length === 0) return;
  await db.query(
    `INSERT INTO gov_outbox (district_id, channel, recipient, kind, request_id, body)
     SELECT n."districtId", n.channel, n.recipient, n.kind, n."requestId"::bigint, n.body
       FROM jsonb_to_recordset($1::jsonb) AS n("districtId" text, channel text, recipient text, kind text,
            "requestId" text, body text)`,
    [JSON.stringify(notices)],
  );
}

export interface OutboxMessage extends Notice {
  id: string;
  createdAt: string;
  sentAt: string | null;
}

/** Queued notices within the reader's scope, newest first; phone numbers and visit links are masked. */
export async function listOutbox(
  ctx: Ctx,
  filter: { requestId?: string | undefined; unsent?: boolean | undefined; limit?: number | undefined } = {},
): Promise<OutboxMessage[]> {
  requirePermission(ctx, 'requests:read');
  const params: unknown[] = [filter.requestId ?? null, filter.unsent === true, filter.limit ?? 100];
  const scope = scopeSql(ctx.actor, params);
  const rows = await ctx.db.query<{
    id: string;
    district_id: string;
    channel: 'sms' | 'app';
    recipient: string;
    kind: NoticeKind;
    request_id: string | null;
    body: string;
    created_at: Date | string;
    sent_at: Date | string | null;
  }>(
    `SELECT o.id::text, o.district_id, o.channel, o.recipient, o.kind, o.request_id::text, o.body, o.created_at, o.sent_at
       FROM gov_outbox o
       LEFT JOIN gov_requests r ON r.district_id = o.district_id AND r.id = o.request_id
       LEFT JOIN gov_work_orders w ON w.district_id = o.district_id AND w.request_id = o.request_id
      WHERE ($1::bigint IS NULL OR o.request_id = $1) AND (NOT $2 OR o.sent_at IS NULL) AND ${scope}
      ORDER BY o.id DESC LIMIT $3`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    districtId: r.district_id,
    channel: r.channel,
    recipient: r.channel === 'sms' ? maskPhone(r.recipient) : r.recipient,
    kind: r.kind,
    requestId: r.request_id,
    // The return-visit link is the reporter's credential: readers see that it was sent, not the link.
    body: r.body.replace(/\/visit\/[\w-]+/g, '/visit/…'),
    createdAt: new Date(r.created_at).toISOString(),
    sentAt: r.sent_at === null ? null : new Date(r.sent_at).toISOString(),
  }));
}

// Return visits (回访): after resolution the reporter rates the handling 1–5, through the link in the
// SMS (no login: the link's secret is the credential, used once) or to an operator on the phone.
// 3 and above close the order; 1 or 2 reopen it to the agency that resolved it, and count against it.
import { z } from 'zod';
import type { Db } from '../../db/db.ts';
import { type Ctx, describeScope, requirePermission } from '../../foundation/access/context.ts';
import { conflict, forbidden, notFound } from '../../lib/errors.ts';
import { parseInput, requireId } from '../input.ts';
import { ensureGovernance, type GovernanceReference } from '../reference.ts';
import { coversPlace } from '../scope.ts';
import { lockOrder, type OrderState } from '../workorders/store.ts';
import { applyAction, hashVisitToken } from '../workorders/transitions.ts';

/** Ratings at or below this are dissatisfied: the order reopens. */
export const DISSATISFIED_AT_MOST = 2;

export const ratingSchema = z.object({
  rating: z.number().int().min(1).max(5).describe('1 very dissatisfied … 5 very satisfied'),
  comment: z.string().trim().max(1000).optional(),
});
export type Rating = z.input<typeof ratingSchema>;

export const VISIT_CHANNELS = ['sms_link', 'phone', 'app'] as const;

export interface Visit {
  requestId: string;
  rating: number;
  comment: string | null;
  channel: (typeof VISIT_CHANNELS)[number];
  at: string;
  /** The order went back to the agency. */
  reopened: boolean;
}

/** An operator records what the reporter said on a return-visit call (or in the app). */
export async function recordVisit(
  ctx: Ctx,
  id: string,
  input: Rating & { channel?: 'phone' | 'app' | undefined },
): Promise<Visit> {
  requirePermission(ctx, 'requests:write');
  requireId(id);
  const rating = parseInput(ratingSchema, input, 'invalid rating');
  const ref = await ensureGovernance(ctx.db);
  return ctx.db.transaction(async (tx) => {
    const o = await lockOrder(tx, id);
    if (!coversPlace(ctx.actor, o))
      throw forbidden(`service request ${id} is outside your scope ${describeScope(ctx.actor.scope)}`);
    return rate(tx, ref, o, rating, input.channel ?? 'phone', ctx.actor.username);
  });
}

/** What the SMS link rates, for the reporter's page: reading it does not use the link up. */
export async function visitByToken(
  ctx: Ctx,
  token: string,
): Promise<{ requestId: string; categoryName: string | null; resolvedAt: string | null }> {
  const ref = await ensureGovernance(ctx.db);
  const [row] = await ctx.db.query<{
    id: string;
    category_code: string | null;
    resolved_at: Date | string | null;
  }>('SELECT id::text, category_code, resolved_at FROM gov_requests WHERE visit_token_sha256 = $1', [
    hashVisitToken(token),
  ]);
  if (!row) throw notFound('return-visit link (it was used already, or never issued)');
  return {
    requestId: row.id,
    categoryName: row.category_code ? (ref.categories.get(row.category_code)?.name ?? null) : null,
    resolvedAt: row.resolved_at === null ? null : new Date(row.resolved_at).toISOString(),
  };
}

/** The reporter's own rating through the SMS link; the link works once. */
export async function rateByVisitToken(ctx: Ctx, token: string, input: Rating): Promise<Visit> {
  const rating = parseInput(ratingSchema, input, 'invalid rating');
  const ref = await ensureGovernance(ctx.db);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      'SELECT id::text FROM gov_requests WHERE visit_token_sha256 = $1',
      [hashVisitToken(token)],
    );
    if (!row) throw notFound('return-visit link (it was used already, or never issued)');
    const o = await lockOrder(tx, row.id);
    return rate(tx, ref, o, rating, 'sms_link', 'reporter');
  });
}

async function rate(
  tx: Db,
  ref: GovernanceReference,
  o: OrderState,
  rating: { rating: number; comment?: string | undefined },
  channel: Visit['channel'],
  recordedBy: string,
): Promise<Visit> {
  if (o.status !== 'resolved' && o.status !== 'closed')
    throw conflict(`request ${o.requestId} is ${o.status}: it can be rated once it is resolved`);
  const [earlier] = await tx.query(
    'SELECT 1 FROM gov_visits WHERE district_id = $1 AND request_id = $2 AND at >= $3',
    [o.districtId, o.requestId, o.resolvedAt],
  );
  if (earlier) throw conflict(`request ${o.requestId} has been rated since it was resolved`);
  const at = new Date();
  const reopened = rating.rating <= DISSATISFIED_AT_MOST;
  await tx.query(
    `INSERT INTO gov_visits (district_id, request_id, rating, comment, channel, recorded_by, at, agency_code, reopened)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      o.districtId,
      o.requestId,
      rating.rating,
      rating.comment ?? null,
      channel,
      recordedBy,
      at,
      o.agencyCode,
      reopened,
    ],
  );
  await tx.query('UPDATE gov_requests SET visit_token_sha256 = NULL WHERE district_id = $1 AND id = $2', [
    o.districtId,
    o.requestId,
  ]);
  const said = `rated ${rating.rating}/5${rating.comment ? `: ${rating.comment}` : ''}`;
  if (reopened)
    await applyAction(tx, ref, o, 'reopen', {
      actor: recordedBy,
      note: `reporter dissatisfied, ${said}`,
      at,
    });
  else if (o.status === 'resolved')
    await applyAction(tx, ref, o, 'close', { actor: recordedBy, note: `reporter ${said}`, at });
  return {
    requestId: o.requestId,
    rating: rating.rating,
    comment: rating.comment ?? null,
    channel,
    at: at.toISOString(),
    reopened,
  };
}

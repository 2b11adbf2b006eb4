// Duplicates (uReport's "one ticket, many reports"): a new request of the same category within 250 m
// of an open original is linked to it instead of opening a second work order; its reporter hears when
// the original resolves. Operators merge reports the rule missed and unmerge ones it linked wrongly.
import type { Db } from '../../db/db.ts';
import { audit, type Ctx, describeScope, requirePermission } from '../../foundation/access/context.ts';
import { distanceM, EARTH_RADIUS_M } from '../../foundation/areas/geometry.ts';
import { conflict, forbidden, invalidInput, notFound } from '../../lib/errors.ts';
import { dispatchTarget } from '../dispatch/dispatch.ts';
import { requireId } from '../input.ts';
import { queueNotices } from '../outbox.ts';
import { ensureGovernance } from '../reference.ts';
import type { ServiceRequest } from '../requests/model.ts';
import { getServiceRequest } from '../requests/read.ts';
import { coversPlace } from '../scope.ts';
import { ACTIVE_STATES } from '../workorders/machine.ts';
import { openOrder } from '../workorders/open.ts';
import { applyDispatch, dispatchNotice, insertHistory, lockOrder, saveOrder } from '../workorders/store.ts';

export const DUPLICATE_RADIUS_M = 250;

const M_PER_DEGREE = 111_320;

/**
 * The nearest open original of the category within 250 m, as a query on the parameters it is
 * given (SQL expressions): `id` and `distance_m` (whole metres), no row when there is none. A box
 * on the partial index narrows the search; the great-circle distance (as `distanceM`) decides.
 */
export function nearestOriginalSql(p: {
  district: string;
  category: string;
  lng: string;
  lat: string;
  exclude: string;
}): string {
  const dLat = `${DUPLICATE_RADIUS_M / M_PER_DEGREE}`;
  const dLng = `(${DUPLICATE_RADIUS_M} / (${M_PER_DEGREE} * cos(radians(${p.lat}))))`;
  return `SELECT c.id, floor(c.d + 0.5)::double precision AS distance_m FROM (
      SELECT g.id, 2 * ${EARTH_RADIUS_M} * asin(sqrt(
               power(sin(radians(g.lat - ${p.lat}) / 2), 2) +
               cos(radians(${p.lat})) * cos(radians(g.lat)) * power(sin(radians(g.lng - ${p.lng}) / 2), 2))) AS d
        FROM gov_requests g
       WHERE g.district_id = ${p.district} AND g.category_code = ${p.category} AND g.status = 'open'
         AND g.duplicate_of IS NULL
         AND g.lat BETWEEN ${p.lat} - ${dLat} AND ${p.lat} + ${dLat}
         AND g.lng BETWEEN ${p.lng} - ${dLng} AND ${p.lng} + ${dLng}
         AND (${p.exclude} IS NULL OR g.id <> ${p.exclude})) c
     WHERE c.d <= ${DUPLICATE_RADIUS_M}
     ORDER BY c.d, c.id LIMIT 1`;
}

/** The nearest open original of the category within 250 m, if any. */
export async function findOriginal(
  db: Db,
  p: { districtId: string; category: string; lng: number; lat: number; exclude?: string | undefined },
): Promise<{ id: string; distanceM: number } | null> {
  const [row] = await db.query<{ id: string; distance_m: number }>(
    `SELECT o.id::text, o.distance_m FROM (${nearestOriginalSql({
      district: '$1',
      category: '$2',
      lng: '$3::double precision',
      lat: '$4::double precision',
      exclude: '$5::bigint',
    })}) o`,
    [p.districtId, p.category, p.lng, p.lat, p.exclude ?? null],
  );
  return row ? { id: row.id, distanceM: row.distance_m } : null;
}

interface RequestRow {
  district_id: string;
  id: string;
  status: string;
  category_code: string | null;
  duplicate_of: string | null;
  lng: number;
  lat: number;
  subdistrict_id: string | null;
  community_id: string | null;
  grid_id: string;
  urgent: boolean;
  description: string;
  reporter_phone: string | null;
}

async function lockRequest(tx: Db, id: string): Promise<RequestRow> {
  const [row] = await tx.query<RequestRow>(
    `SELECT district_id, id::text, status, category_code, duplicate_of::text, lng, lat, subdistrict_id,
            community_id, grid_id, urgent, description, reporter_phone
       FROM gov_requests WHERE id = $1 FOR UPDATE`,
    [id],
  );
  if (!row) throw notFound(`service request ${id}`);
  return row;
}

function requireCovers(ctx: Ctx, r: RequestRow): void {
  const place = {
    districtId: r.district_id,
    subdistrictId: r.subdistrict_id,
    communityId: r.community_id,
    gridId: r.grid_id,
  };
  if (!coversPlace(ctx.actor, place))
    throw forbidden(`service request ${r.id} is outside your scope ${describeScope(ctx.actor.scope)}`);
}

/**
 * Makes request `id` a duplicate of `intoId` (or of the original `intoId` is linked to). Its own work
 * order, if open, closes as merged; its duplicates follow it to the original.
 */
export async function mergeRequests(
  ctx: Ctx,
  id: string,
  intoId: string,
  note?: string,
): Promise<ServiceRequest> {
  requirePermission(ctx, 'requests:write');
  requireId(id);
  requireId(intoId);
  if (id === intoId) throw invalidInput('a request cannot be merged into itself');
  await ensureGovernance(ctx.db);
  await ctx.db.transaction(async (tx) => {
    // Lock in id order, so two merges of the same pair cannot deadlock.
    const [a, b] = BigInt(id) < BigInt(intoId) ? [id, intoId] : [intoId, id];
    const locked = new Map([
      [a, await lockRequest(tx, a)],
      [b, await lockRequest(tx, b)],
    ]);
    const r = locked.get(id)!;
    let into = locked.get(intoId)!;
    if (into.duplicate_of) into = await lockRequest(tx, into.duplicate_of);
    requireCovers(ctx, r);
    requireCovers(ctx, into);
    if (into.id === id) throw conflict(`request ${intoId} is already a duplicate of ${id}`);
    if (r.duplicate_of === into.id) throw conflict(`request ${id} is already a duplicate of ${into.id}`);
    if (r.district_id !== into.district_id)
      throw invalidInput('requests of different districts cannot be merged');
    if (r.status === 'resolved' || r.status === 'closed')
      throw conflict(`request ${id} is ${r.status}; only open requests are merged`);
    const at = new Date();
    const [order] = await tx.query<{ status: string }>(
      'SELECT status FROM gov_work_orders WHERE district_id = $1 AND request_id = $2',
      [r.district_id, id],
    );
    if (order && ACTIVE_STATES.includes(order.status as (typeof ACTIVE_STATES)[number])) {
      const o = await lockOrder(tx, id);
      const from = o.status;
      o.status = 'closed';
      o.closedAt = at;
      o.updatedAt = at;
      await saveOrder(tx, o);
      await tx.query(
        'UPDATE gov_supervision SET done_at = $3 WHERE district_id = $1 AND request_id = $2 AND done_at IS NULL',
        [r.district_id, id, at],
      );
      await insertHistory(tx, [
        {
          districtId: r.district_id,
          requestId: id,
          action: 'merge',
          from,
          to: 'closed',
          actor: ctx.actor.username,
          at,
          note,
          detail: { into: into.id },
        },
      ]);
    }
    const distance = Math.round(distanceM([r.lng, r.lat], [into.lng, into.lat]));
    await tx.query(
      `UPDATE gov_requests SET duplicate_of = $3, duplicate_distance_m = $4, status = $5,
              category_code = coalesce(category_code, $6), updated_at = $7
        WHERE district_id = $1 AND (id = $2 OR duplicate_of = $2)`,
      [
        r.district_id,
        id,
        into.id,
        distance,
        into.status === 'triage' ? 'open' : into.status,
        into.category_code,
        at,
      ],
    );
    await historyOnOriginal(tx, into, {
      action: 'duplicate',
      actor: ctx.actor.username,
      at,
      note,
      detail: { merged: id, distanceM: distance },
    });
    await audit(
      { ...ctx, db: tx },
      'request.merge',
      { kind: 'service_request', id },
      { into: into.id, note },
    );
  });
  return getServiceRequest(ctx, id);
}

/** Undoes a link: the request stands on its own again, with a work order dispatched afresh. */
export async function unmergeRequest(ctx: Ctx, id: string, note?: string): Promise<ServiceRequest> {
  requirePermission(ctx, 'requests:write');
  requireId(id);
  const ref = await ensureGovernance(ctx.db);
  await ctx.db.transaction(async (tx) => {
    const r = await lockRequest(tx, id);
    requireCovers(ctx, r);
    if (!r.duplicate_of) throw conflict(`request ${id} is not linked to another request`);
    const at = new Date();
    const status = r.category_code ? 'open' : 'triage';
    await tx.query(
      `UPDATE gov_requests SET duplicate_of = NULL, duplicate_distance_m = NULL, status = $3,
              resolved_at = NULL, closed_at = NULL, updated_at = $4
        WHERE district_id = $1 AND id = $2`,
      [r.district_id, id, status, at],
    );
    const [original] = await tx.query<RequestRow>(
      'SELECT district_id, id::text, status FROM gov_requests WHERE district_id = $1 AND id = $2',
      [r.district_id, r.duplicate_of],
    );
    if (original)
      await historyOnOriginal(tx, original, {
        action: 'unmerge',
        actor: ctx.actor.username,
        at,
        note,
        detail: { unmerged: id },
      });
    const category = r.category_code ? ref.categories.get(r.category_code) : undefined;
    if (category) {
      const [order] = await tx.query(
        'SELECT 1 FROM gov_work_orders WHERE district_id = $1 AND request_id = $2',
        [r.district_id, id],
      );
      const request = {
        districtId: r.district_id,
        requestId: id,
        categoryCode: category.code,
        urgent: r.urgent,
        lng: r.lng,
        lat: r.lat,
        subdistrictId: r.subdistrict_id,
        communityId: r.community_id,
        gridId: r.grid_id,
        description: r.description,
        reporterPhone: r.reporter_phone,
      };
      if (!order) await openOrder(tx, ref, category, request, ctx.actor.username, at);
      else {
        // The order closed when it was merged: it opens again on a fresh clock.
        const o = await lockOrder(tx, id);
        const from = o.status;
        const detail = applyDispatch(o, await dispatchTarget(tx, ref, category, o), category, at);
        await saveOrder(tx, o);
        await insertHistory(tx, [
          {
            districtId: o.districtId,
            requestId: id,
            action: 'unmerge',
            from,
            to: o.status,
            actor: ctx.actor.username,
            at,
            note,
            detail,
          },
        ]);
        await queueNotices(tx, [dispatchNotice(o, ref, category)]);
      }
    }
    await audit(
      { ...ctx, db: tx },
      'request.unmerge',
      { kind: 'service_request', id },
      { from: r.duplicate_of, note },
    );
  });
  return getServiceRequest(ctx, id);
}

/** A history line on the original's work order (when it has one) about a linked report. */
export async function historyOnOriginal(
  tx: Db,
  original: { district_id: string; id: string },
  entry: {
    action: 'duplicate' | 'unmerge';
    actor: string;
    at: Date;
    note?: string | undefined;
    detail: Record<string, unknown>;
  },
): Promise<void> {
  const [order] = await tx.query<{ status: (typeof ACTIVE_STATES)[number] | 'resolved' | 'closed' }>(
    'SELECT status FROM gov_work_orders WHERE district_id = $1 AND request_id = $2',
    [original.district_id, original.id],
  );
  if (!order) return;
  await insertHistory(tx, [
    {
      districtId: original.district_id,
      requestId: original.id,
      action: entry.action,
      from: order.status,
      to: order.status,
      actor: entry.actor,
      at: entry.at,
      note: entry.note,
      detail: entry.detail,
    },
  ]);
}

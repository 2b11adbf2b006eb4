// Giving a request its category: a triage item (no category yet) is checked for duplicates and
// dispatched; an order the agency returned (退单) or one still waiting to be dispatched gets the new
// category and is dispatched again by the rule.
import { type Ctx, describeScope, requirePermission } from '../../foundation/access/context.ts';
import { conflict, forbidden, notFound } from '../../lib/errors.ts';
import { findOriginal, historyOnOriginal } from '../duplicates/duplicates.ts';
import { requireId } from '../input.ts';
import { ensureGovernance } from '../reference.ts';
import { coversPlace } from '../scope.ts';
import { openOrder } from '../workorders/open.ts';
import { lockOrder, saveOrder } from '../workorders/store.ts';
import { applyAction } from '../workorders/transitions.ts';
import type { CLASSIFIERS, ServiceRequest } from './model.ts';
import { getServiceRequest } from './read.ts';
import { activeCategory } from './submit.ts';

export interface Classification {
  category: string;
  by?: (typeof CLASSIFIERS)[number] | undefined;
  /** The classifier's confidence, 0–1. */
  confidence?: number | undefined;
}

export async function classifyServiceRequest(
  ctx: Ctx,
  id: string,
  input: Classification,
): Promise<ServiceRequest> {
  requirePermission(ctx, 'requests:write');
  requireId(id);
  const ref = await ensureGovernance(ctx.db);
  const category = activeCategory(ref, input.category);
  const by = input.by ?? 'operator';
  await ctx.db.transaction(async (tx) => {
    const [r] = await tx.query<{
      district_id: string;
      status: string;
      duplicate_of: string | null;
      lng: number;
      lat: number;
      subdistrict_id: string | null;
      community_id: string | null;
      grid_id: string;
      urgent: boolean;
      description: string;
      reporter_phone: string | null;
    }>(
      `SELECT district_id, status, duplicate_of::text, lng, lat, subdistrict_id, community_id, grid_id, urgent,
              description, reporter_phone
         FROM gov_requests WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!r) throw notFound(`service request ${id}`);
    const place = {
      districtId: r.district_id,
      subdistrictId: r.subdistrict_id,
      communityId: r.community_id,
      gridId: r.grid_id,
    };
    if (!coversPlace(ctx.actor, place))
      throw forbidden(`service request ${id} is outside your scope ${describeScope(ctx.actor.scope)}`);
    if (r.duplicate_of) throw conflict(`request ${id} is a duplicate of ${r.duplicate_of}; unmerge it first`);
    const at = new Date();
    const urgent = r.urgent || category.eventLevel === 'urgent';
    const setCategory = (status: string, duplicate: { id: string; distanceM: number } | null) =>
      tx.query(
        `UPDATE gov_requests SET category_code = $3, classified_by = $4, classification_confidence = $5, status = $6,
                urgent = $7, duplicate_of = $8, duplicate_distance_m = $9, updated_at = $10
          WHERE district_id = $1 AND id = $2`,
        [
          r.district_id,
          id,
          category.code,
          by,
          input.confidence ?? null,
          status,
          urgent,
          duplicate?.id ?? null,
          duplicate?.distanceM ?? null,
          at,
        ],
      );

    if (r.status === 'triage') {
      const original = await findOriginal(tx, {
        districtId: r.district_id,
        category: category.code,
        lng: r.lng,
        lat: r.lat,
      });
      await setCategory('open', original);
      if (original)
        await historyOnOriginal(
          tx,
          { district_id: r.district_id, id: original.id },
          {
            action: 'duplicate',
            actor: ctx.actor.username,
            at,
            detail: { linked: id, distanceM: original.distanceM },
          },
        );
      else
        await openOrder(
          tx,
          ref,
          category,
          {
            ...place,
            requestId: id,
            categoryCode: category.code,
            urgent,
            lng: r.lng,
            lat: r.lat,
            description: r.description,
            reporterPhone: r.reporter_phone,
          },
          ctx.actor.username,
          at,
        );
      return;
    }
    const [order] = await tx.query<{ status: string }>(
      'SELECT status FROM gov_work_orders WHERE district_id = $1 AND request_id = $2',
      [r.district_id, id],
    );
    if (!order || (order.status !== 'returned' && order.status !== 'submitted'))
      throw conflict(
        `request ${id} is ${order ? `dispatched (${order.status})` : r.status}: only triage items and returned orders are (re)classified`,
      );
    await setCategory(r.status, null);
    const o = await lockOrder(tx, id);
    o.categoryCode = category.code;
    o.urgent = urgent;
    await saveOrder(tx, o);
    await applyAction(tx, ref, o, 'dispatch', {
      actor: ctx.actor.username,
      note: `reclassified as ${category.name} (${category.code}) by ${by}`,
      at,
    });
  });
  return getServiceRequest(ctx, id);
}

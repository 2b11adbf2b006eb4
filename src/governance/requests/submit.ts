// Intake: one request from any channel. It is placed (point, address or both), checked against open
// requests of its category nearby (a duplicate is linked, not dispatched again), and, when it has a
// category, given a work order dispatched by the rule — all in one transaction. Without a category it
// waits in the triage queue for the classifier or an operator.
import type { Db } from '../../db/db.ts';
import { type Ctx, describeScope, requirePermission } from '../../foundation/access/context.ts';
import { enqueueForReview, needsReview } from '../../foundation/address/match/review.ts';
import { forbidden, invalidInput } from '../../lib/errors.ts';
import type { Category } from '../catalogue/model.ts';
import { findOriginal, historyOnOriginal } from '../duplicates/duplicates.ts';
import { parseInput } from '../input.ts';
import { ensureGovernance, type GovernanceReference } from '../reference.ts';
import { coversPlace } from '../scope.ts';
import { openOrder } from '../workorders/open.ts';
import type { OrderState } from '../workorders/store.ts';
import { placeRequest } from './locate.ts';
import { type NewServiceRequest, newServiceRequestSchema, type ServiceRequest } from './model.ts';
import { readSubmitted, submittedView } from './read.ts';

/** Clocks disagree a little; a report "from the future" beyond this is refused. */
const CLOCK_SKEW_MS = 5 * 60_000;

export async function submitServiceRequest(ctx: Ctx, input: NewServiceRequest): Promise<ServiceRequest> {
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
  const result = await ctx.db.transaction(async (tx) => {
    if (req.externalId) {
      const existing = await byExternalId(tx, location.districtId, req.channel, req.externalId);
      if (existing) return { id: existing, fresh: false, order: null };
    }
    const original = category
      ? await findOriginal(tx, {
          districtId: location.districtId,
          category: category.code,
          lng: location.lng,
          lat: location.lat,
        })
      : null;
    const [inserted] = await tx.query<{ id: string }>(
      `INSERT INTO gov_requests (district_id, id, channel, external_id, status, category_code, classified_by,
              classification_confidence, description, urgent, lng, lat, subdistrict_id, community_id, grid_id,
              location_source, address_text, address_id, address_match, location_conflict_m, reporter_name,
              reporter_phone, reporter_email, reporter_ref, duplicate_of, duplicate_distance_m, submitted_by,
              submitted_at, received_at, updated_at)
       VALUES ($1, nextval('gov_request_ids'), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
               $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $28)
       ON CONFLICT (district_id, channel, external_id) WHERE external_id IS NOT NULL DO NOTHING
       RETURNING id::text`,
      [
        location.districtId,
        req.channel,
        req.externalId ?? null,
        category ? 'open' : 'triage',
        category?.code ?? null,
        category ? (req.classification?.by ?? 'reporter') : null,
        category ? (req.classification?.confidence ?? null) : null,
        req.description,
        urgent,
        location.lng,
        location.lat,
        location.subdistrictId,
        location.communityId,
        location.gridId,
        location.source,
        location.address?.text ?? null,
        location.address?.addressId ?? null,
        location.address?.match ?? null,
        location.conflictM,
        req.reporter.name ?? null,
        req.reporter.phone ?? null,
        req.reporter.email ?? null,
        req.reporter.ref ?? null,
        original?.id ?? null,
        original?.distanceM ?? null,
        ctx.actor.username,
        submittedAt,
        at,
      ],
    );
    // Lost a race with the same external id: that request is the answer.
    if (!inserted)
      return {
        id: (await byExternalId(tx, location.districtId, req.channel, req.externalId!))!,
        fresh: false,
        order: null,
      };
    const requestId = inserted.id;
    let order: OrderState | null = null;
    if (original)
      await historyOnOriginal(
        tx,
        { district_id: location.districtId, id: original.id },
        {
          action: 'duplicate',
          actor: ctx.actor.username,
          at,
          detail: { linked: requestId, distanceM: original.distanceM },
        },
      );
    else if (category)
      order = await openOrder(
        tx,
        ref,
        category,
        orderInput(requestId, location, category, req),
        ctx.actor.username,
        at,
      );
    if (match && req.address && needsReview(match))
      await enqueueForReview({ ...ctx, db: tx }, req.address, match, `request:${requestId}`);
    return { id: requestId, fresh: original === null, order };
  });
  // A repeat answers with the stored request, a duplicate with its original's order: read them back.
  // Otherwise everything is at hand, which spares the busiest path a query.
  if (!result.fresh) return readSubmitted(ctx.db, result.id);
  const o = result.order;
  return submittedView(
    {
      district_id: location.districtId,
      id: result.id,
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
      duplicate_of: null,
      duplicate_distance_m: null,
      reopen_count: 0,
      submitted_at: submittedAt,
      received_at: at,
      updated_at: at,
      resolved_at: null,
      closed_at: null,
      photos: 0,
      duplicates: 0,
      wo_status: o?.status ?? null,
      agency_code: o?.agencyCode ?? null,
      zone_id: o?.zoneId ?? null,
      assignee: o?.assignee ?? null,
      dispatch_reason: o?.dispatchReason ?? null,
      dispatched_at: o?.dispatchedAt ?? null,
      response_due_at: o?.responseDueAt ?? null,
      feedback_due_at: o?.feedbackDueAt ?? null,
      resolve_due_at: o?.resolveDueAt ?? null,
      escalation_level: o?.escalationLevel ?? null,
      wo_overdue: o ? false : null,
    },
    ref,
  );
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
  tx: Db,
  districtId: string,
  channel: string,
  externalId: string,
): Promise<string | null> {
  const [row] = await tx.query<{ id: string }>(
    'SELECT id::text FROM gov_requests WHERE district_id = $1 AND channel = $2 AND external_id = $3',
    [districtId, channel, externalId],
  );
  return row?.id ?? null;
}

function orderInput(
  requestId: string,
  location: Awaited<ReturnType<typeof placeRequest>>['location'],
  category: Category,
  req: { urgent: boolean; description: string; reporter: { phone?: string | undefined } },
) {
  return {
    districtId: location.districtId,
    requestId,
    categoryCode: category.code,
    urgent: req.urgent || category.eventLevel === 'urgent',
    lng: location.lng,
    lat: location.lat,
    subdistrictId: location.subdistrictId,
    communityId: location.communityId,
    gridId: location.gridId,
    description: req.description,
    reporterPhone: req.reporter.phone ?? null,
  };
}

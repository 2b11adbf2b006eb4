// Reading service requests within the reader's scope; reporters' personal fields are masked unless
// read with the unmask permission and a reason (written to the access log).
import { z } from 'zod';
import type { Db } from '../../db/db.ts';
import { type Ctx, requirePermission } from '../../foundation/access/context.ts';
import { maskRecord, revealRecord, type UnmaskRequest } from '../../foundation/access/masking.ts';
import { notFound } from '../../lib/errors.ts';
import { parseInput, requireId } from '../input.ts';
import { ensureGovernance, type GovernanceReference } from '../reference.ts';
import { requireSee, scopeSql } from '../scope.ts';
import { ACTIVE_STATES } from '../workorders/machine.ts';
import { boundedCount, estimatedCount } from './count.ts';
import {
  CHANNELS,
  type Channel,
  REQUEST_PERSONAL_FIELDS,
  REQUEST_STATUSES,
  type RequestStatus,
  type ServiceRequest,
} from './model.ts';

export interface RequestRow {
  district_id: string;
  id: string;
  channel: Channel;
  external_id: string | null;
  status: RequestStatus;
  category_code: string | null;
  classified_by: string | null;
  classification_confidence: number | null;
  description: string;
  urgent: boolean;
  lng: number;
  lat: number;
  subdistrict_id: string | null;
  community_id: string | null;
  grid_id: string;
  location_source: ServiceRequest['location']['source'];
  address_text: string | null;
  address_id: string | null;
  address_match: string | null;
  location_conflict_m: number | null;
  reporter_name: string | null;
  reporter_phone: string | null;
  reporter_email: string | null;
  reporter_ref: string | null;
  duplicate_of: string | null;
  duplicate_distance_m: number | null;
  reopen_count: number;
  submitted_at: Date | string;
  received_at: Date | string;
  updated_at: Date | string;
  resolved_at: Date | string | null;
  closed_at: Date | string | null;
  photos: number;
  duplicates: number;
  wo_status: string | null;
  agency_code: string | null;
  zone_id: string | null;
  assignee: string | null;
  dispatch_reason: string | null;
  dispatched_at: Date | string | null;
  response_due_at: Date | string | null;
  feedback_due_at: Date | string | null;
  resolve_due_at: Date | string | null;
  escalation_level: number | null;
  wo_overdue: boolean | null;
}

// A duplicate shows its original's work order: that is what is being done about its report.
const REQUEST_FROM = `FROM gov_requests r
  LEFT JOIN gov_work_orders w ON w.district_id = r.district_id AND w.request_id = coalesce(r.duplicate_of, r.id)`;

const REQUEST_SELECT = `SELECT r.district_id, r.id::text, r.channel, r.external_id, r.status, r.category_code,
       r.classified_by, r.classification_confidence, r.description, r.urgent, r.lng, r.lat, r.subdistrict_id,
       r.community_id, r.grid_id, r.location_source, r.address_text, r.address_id, r.address_match,
       r.location_conflict_m, r.reporter_name, r.reporter_phone, r.reporter_email, r.reporter_ref,
       r.duplicate_of::text, r.duplicate_distance_m, r.reopen_count, r.submitted_at, r.received_at, r.updated_at,
       r.resolved_at, r.closed_at,
       (SELECT count(*) FROM gov_request_photos p WHERE p.district_id = r.district_id AND p.request_id = r.id)::int AS photos,
       (SELECT count(*) FROM gov_requests d WHERE d.district_id = r.district_id AND d.duplicate_of = r.id)::int AS duplicates,
       w.status AS wo_status, w.agency_code, w.zone_id, w.assignee, w.dispatch_reason, w.dispatched_at,
       w.response_due_at, w.feedback_due_at, w.resolve_due_at, w.escalation_level,
       (w.response_overdue OR w.feedback_overdue OR w.resolve_overdue) AS wo_overdue
  ${REQUEST_FROM}`;

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

function toRequest(r: RequestRow, ref: GovernanceReference): ServiceRequest {
  return {
    id: r.id,
    channel: r.channel,
    externalId: r.external_id,
    status: r.status,
    category: r.category_code,
    categoryName: r.category_code ? (ref.categories.get(r.category_code)?.name ?? null) : null,
    classification: r.classified_by ? { by: r.classified_by, confidence: r.classification_confidence } : null,
    description: r.description,
    urgent: r.urgent,
    location: {
      lng: r.lng,
      lat: r.lat,
      source: r.location_source,
      districtId: r.district_id,
      subdistrictId: r.subdistrict_id,
      communityId: r.community_id,
      gridId: r.grid_id,
      address: r.address_text
        ? { text: r.address_text, addressId: r.address_id, match: r.address_match }
        : null,
      conflictM: r.location_conflict_m,
    },
    reporterName: r.reporter_name,
    reporterPhone: r.reporter_phone,
    reporterEmail: r.reporter_email,
    reporterRef: r.reporter_ref,
    duplicateOf: r.duplicate_of,
    duplicateDistanceM: r.duplicate_distance_m,
    duplicates: r.duplicates,
    photos: r.photos,
    workOrder: r.wo_status
      ? {
          status: r.wo_status,
          agency: r.agency_code,
          agencyName: r.agency_code ? (ref.agencies.get(r.agency_code)?.name ?? null) : null,
          zone: r.zone_id,
          assignee: r.assignee,
          dispatchReason: r.dispatch_reason,
          dispatchedAt: iso(r.dispatched_at),
          responseDueAt: iso(r.response_due_at),
          feedbackDueAt: iso(r.feedback_due_at),
          resolveDueAt: iso(r.resolve_due_at),
          escalationLevel: r.escalation_level ?? 0,
          overdue:
            r.wo_overdue === true && ACTIVE_STATES.includes(r.wo_status as (typeof ACTIVE_STATES)[number]),
        }
      : null,
    expectedAt: iso(r.resolve_due_at),
    reopenCount: r.reopen_count,
    submittedAt: iso(r.submitted_at)!,
    receivedAt: iso(r.received_at)!,
    updatedAt: iso(r.updated_at)!,
    resolvedAt: iso(r.resolved_at),
    closedAt: iso(r.closed_at),
  };
}

/** A request as its submitter sees it: masked. */
export function submittedView(row: RequestRow, ref: GovernanceReference): ServiceRequest {
  return maskRecord(toRequest(row, ref), REQUEST_PERSONAL_FIELDS);
}

/** One request by id, masked, with no scope check: for the submitter's own answer. */
export async function readSubmitted(db: Db, id: string): Promise<ServiceRequest> {
  const ref = await ensureGovernance(db);
  const [row] = await db.query<RequestRow>(`${REQUEST_SELECT} WHERE r.id = $1`, [id]);
  if (!row) throw notFound(`service request ${id}`);
  return submittedView(row, ref);
}

export async function getServiceRequest(
  ctx: Ctx,
  id: string,
  unmask: UnmaskRequest = { fields: [] },
): Promise<ServiceRequest> {
  requirePermission(ctx, 'requests:read');
  requireId(id);
  const ref = await ensureGovernance(ctx.db);
  const [row] = await ctx.db.query<RequestRow>(`${REQUEST_SELECT} WHERE r.id = $1`, [id]);
  if (!row) throw notFound(`service request ${id}`);
  requireSee(
    ctx.actor,
    {
      districtId: row.district_id,
      subdistrictId: row.subdistrict_id,
      communityId: row.community_id,
      gridId: row.grid_id,
      agency: row.agency_code,
    },
    `service request ${id}`,
  );
  return revealRecord(
    ctx,
    { kind: 'service_request', id },
    toRequest(row, ref),
    REQUEST_PERSONAL_FIELDS,
    unmask,
  );
}

const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item).min(1).max(1000),
  );
const time = z.iso.datetime({ offset: true });

export const requestFilterSchema = z.object({
  ids: csv(z.string().regex(/^[1-9]\d{0,17}$/))
    .optional()
    .describe('comma-separated request ids'),
  status: csv(z.enum(REQUEST_STATUSES))
    .optional()
    .describe('comma-separated: triage, open, resolved, closed'),
  category: csv(z.string().min(1).max(48)).optional().describe('comma-separated category codes'),
  channel: csv(z.enum(CHANNELS)).optional(),
  area: z.string().min(1).max(64).optional().describe('an area id of any level'),
  agency: z.string().min(1).max(64).optional().describe('the agency holding the work order'),
  from: time.optional().describe('submitted at or after'),
  to: time.optional().describe('submitted before'),
  updatedSince: time.optional(),
  duplicateOf: z
    .string()
    .regex(/^[1-9]\d{0,17}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  order: z.enum(['newest', 'oldest']).default('newest'),
});
export type RequestFilter = z.input<typeof requestFilterSchema>;

export interface ListOptions {
  /**
   * Count the matches exactly only up to this many; beyond, `total` is the planner's estimate and
   * `totalEstimated` is true. Unset: always exact (a count of every match).
   */
  exactTotalUpTo?: number | undefined;
}

/** Requests within the reader's scope, newest first (masked), and how many match in all. */
export async function listServiceRequests(
  ctx: Ctx,
  filter: RequestFilter = {},
  options: ListOptions = {},
): Promise<{ total: number; totalEstimated?: boolean; items: ServiceRequest[] }> {
  requirePermission(ctx, 'requests:read');
  const f = parseInput(requestFilterSchema, filter, 'invalid request filter');
  const ref = await ensureGovernance(ctx.db);
  const params: unknown[] = [
    f.ids ?? null,
    f.status ?? null,
    f.category ?? null,
    f.channel ?? null,
    f.area ?? null,
    f.agency ?? null,
    f.from ?? null,
    f.to ?? null,
    f.updatedSince ?? null,
    f.duplicateOf ?? null,
  ];
  // Only an agency filter or an agency's scope needs the work order to choose the rows: otherwise
  // the count and the page come from the requests alone, and only the page's rows are joined.
  const byOrder = f.agency !== undefined || ctx.actor.scope.kind === 'agency';
  const from = byOrder ? REQUEST_FROM : 'FROM gov_requests r';
  const where = `($1::bigint[] IS NULL OR r.id = ANY($1::bigint[]))
     AND ($2::text[] IS NULL OR r.status = ANY($2::text[]))
     AND ($3::text[] IS NULL OR r.category_code = ANY($3::text[]))
     AND ($4::text[] IS NULL OR r.channel = ANY($4::text[]))
     AND ($5::text IS NULL OR $5 IN (r.district_id, r.subdistrict_id, r.community_id, r.grid_id))
     AND ${byOrder ? '($6::text IS NULL OR w.agency_code = $6)' : '$6::text IS NULL'}
     AND ($7::timestamptz IS NULL OR r.submitted_at >= $7)
     AND ($8::timestamptz IS NULL OR r.submitted_at < $8)
     AND ($9::timestamptz IS NULL OR r.updated_at >= $9)
     AND ($10::bigint IS NULL OR r.duplicate_of = $10)
     AND ${scopeSql(ctx.actor, params)}`;
  const direction = f.order === 'oldest' ? 'ASC' : 'DESC';
  const order = `ORDER BY r.submitted_at ${direction}, r.id ${direction}`;
  const rows = await ctx.db.query<RequestRow>(
    `WITH page AS (
       SELECT r.district_id, r.id ${from} WHERE ${where} ${order}
        LIMIT $${params.length + 1} OFFSET $${params.length + 2})
     ${REQUEST_SELECT} JOIN page ON page.district_id = r.district_id AND page.id = r.id ${order}`,
    [...params, f.limit, f.offset],
  );
  const items = rows.map((r) => maskRecord(toRequest(r, ref), REQUEST_PERSONAL_FIELDS));
  const seen = f.offset + rows.length;
  // A page that ran short (not past the end) has counted every match already.
  if (rows.length < f.limit && (rows.length > 0 || f.offset === 0)) return { total: seen, items };
  const bound = options.exactTotalUpTo;
  if (bound === undefined) {
    const [count] = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n ${from} WHERE ${where}`,
      params,
    );
    return { total: count?.n ?? 0, items };
  }
  // Pages beyond the bound prove that more match: straight to the estimate.
  const { total, estimated } =
    seen > bound
      ? { total: await estimatedCount(ctx.db, `${from} WHERE ${where}`, params, seen), estimated: true }
      : await boundedCount(ctx.db, `${from} WHERE ${where}`, params, bound);
  return { total, ...(estimated ? { totalEstimated: true } : {}), items };
}

// Response shapes of the governance API; they also document it at /docs.
import { z } from 'zod';
import { AGENCY_KINDS } from './agencies/model.ts';
import { DISPATCH_MODES, EVENT_LEVELS } from './catalogue/model.ts';
import { CHANNELS, REQUEST_STATUSES } from './requests/model.ts';
import { WORK_ORDER_STATES } from './workorders/machine.ts';

const time = z.string().describe('ISO 8601');
const id = z.string().describe('request id (its work order shares it)');

export const categorySchema = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  group: z.object({ code: z.string(), name: z.string(), nameEn: z.string() }),
  agency: z.string().describe('the responsible agency (主管单位)'),
  eventLevel: z.enum(EVENT_LEVELS),
  dispatchMode: z.enum(DISPATCH_MODES),
  serviceLevels: z.object({
    responseMinutes: z.number(),
    feedbackMinutes: z.number(),
    resolveHours: z.number(),
  }),
  keywords: z.array(z.string()),
  description: z.string(),
  active: z.boolean(),
  editedBy: z.string().nullable(),
  updatedAt: time,
});

export const agencySchema = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  kind: z.enum(AGENCY_KINDS),
  areaId: z.string().nullable(),
  zoning: z.record(z.string(), z.unknown()).nullable(),
  active: z.boolean(),
});

export const agencyDetailSchema = agencySchema.extend({
  zones: z.array(
    z.object({
      agency: z.string(),
      zoneId: z.string(),
      name: z.string(),
      areaIds: z.array(z.string()),
      bbox: z.array(z.number()),
    }),
  ),
  categories: z.array(z.string()),
});

export const workOrderSummarySchema = z.object({
  status: z.string(),
  agency: z.string().nullable(),
  agencyName: z.string().nullable(),
  zone: z.string().nullable(),
  assignee: z.string().nullable(),
  dispatchReason: z.string().nullable().describe('why it went where it went'),
  dispatchedAt: time.nullable(),
  responseDueAt: time.nullable(),
  feedbackDueAt: time.nullable(),
  resolveDueAt: time.nullable(),
  escalationLevel: z.number(),
  overdue: z.boolean(),
});

export const serviceRequestSchema = z.object({
  id,
  channel: z.enum(CHANNELS),
  externalId: z.string().nullable(),
  status: z.enum(REQUEST_STATUSES),
  category: z.string().nullable(),
  categoryName: z.string().nullable(),
  classification: z.object({ by: z.string(), confidence: z.number().nullable() }).nullable(),
  description: z.string(),
  urgent: z.boolean(),
  location: z.object({
    lng: z.number(),
    lat: z.number(),
    source: z.enum(['point', 'address', 'point_and_address']),
    districtId: z.string(),
    subdistrictId: z.string().nullable(),
    communityId: z.string().nullable(),
    gridId: z.string(),
    address: z
      .object({ text: z.string(), addressId: z.string().nullable(), match: z.string().nullable() })
      .nullable(),
    conflictM: z
      .number()
      .nullable()
      .describe('metres between the point and the matched address, when over 300'),
  }),
  reporterName: z.string().nullable(),
  reporterPhone: z.string().nullable(),
  reporterEmail: z.string().nullable(),
  reporterRef: z.string().nullable(),
  duplicateOf: z.string().nullable(),
  duplicateDistanceM: z.number().nullable(),
  duplicates: z.number(),
  photos: z.number(),
  workOrder: workOrderSummarySchema.nullable().describe("the work order (a duplicate shows its original's)"),
  expectedAt: time.nullable(),
  reopenCount: z.number(),
  submittedAt: time,
  receivedAt: time,
  updatedAt: time,
  resolvedAt: time.nullable(),
  closedAt: time.nullable(),
});

export const workOrderSchema = z.object({
  id,
  districtId: z.string(),
  status: z.enum(WORK_ORDER_STATES),
  category: z.string(),
  categoryName: z.string().nullable(),
  agency: z.string().nullable(),
  agencyName: z.string().nullable(),
  zone: z.string().nullable(),
  assignee: z.string().nullable(),
  dispatchReason: z.string().nullable(),
  urgent: z.boolean(),
  escalationLevel: z.number(),
  description: z.string(),
  location: z.object({
    lng: z.number(),
    lat: z.number(),
    subdistrictId: z.string().nullable(),
    communityId: z.string().nullable(),
    gridId: z.string(),
  }),
  dispatchedAt: time.nullable(),
  responseDueAt: time.nullable(),
  feedbackDueAt: time.nullable(),
  resolveDueAt: time.nullable(),
  closeDueAt: time.nullable(),
  nextDueAt: time.nullable(),
  respondedAt: time.nullable(),
  feedbackAt: time.nullable(),
  resolvedAt: time.nullable(),
  closedAt: time.nullable(),
  overdue: z.object({ response: z.boolean(), feedback: z.boolean(), resolve: z.boolean() }),
  returns: z.number(),
  reassignments: z.number(),
  reopens: z.number(),
  createdAt: time,
  updatedAt: time,
});

export const historyEntrySchema = z.object({
  at: time,
  action: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  actor: z.string(),
  note: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});

export const idParams = z.object({ id: z.string().regex(/^[1-9]\d{0,17}$/, 'a positive whole number') });

export const unmaskQuery = z.object({
  unmask: z
    .string()
    .optional()
    .describe(
      'comma-separated personal fields to show in clear (reporterName, reporterPhone, reporterEmail)',
    ),
  reason: z.string().max(200).optional().describe('why you need the clear values (kept in the access log)'),
});

export const visitSchema = z.object({
  requestId: z.string(),
  rating: z.number(),
  comment: z.string().nullable(),
  channel: z.string(),
  at: time,
  reopened: z.boolean(),
});

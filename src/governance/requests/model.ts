// Service requests (诉求): what a reporter said, where, through which channel, and what became of it.
import { z } from 'zod';

/** The channels merged into one intake (the seeds count 41 in Futian; these are their kinds). */
export const CHANNELS = [
  'app',
  'web',
  'hotline_12345',
  'wechat',
  'grid_patrol',
  'sensor',
  'open311',
  'email',
  'public_opinion',
  'walk_in',
] as const;
export type Channel = (typeof CHANNELS)[number];

export const REQUEST_STATUSES = ['triage', 'open', 'resolved', 'closed'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const CLASSIFIERS = ['reporter', 'model', 'operator'] as const;

/** A point and a matched address further apart than this are flagged as a conflict. */
export const LOCATION_CONFLICT_M = 300;

const phone = z.string().regex(/^\+?[0-9][0-9 -]{4,19}$/, 'digits, optionally with +, spaces and -');

export const reporterSchema = z.object({
  name: z.string().trim().min(1).max(50).optional(),
  phone: phone.optional(),
  email: z.email().max(200).optional(),
  ref: z.string().max(100).optional().describe('a device or account id from the channel'),
});

export const newServiceRequestSchema = z
  .object({
    channel: z.enum(CHANNELS),
    description: z.string().trim().min(2).max(4000),
    category: z.string().min(1).max(48).nullish().describe('category code; absent → the triage queue'),
    classification: z
      .object({
        by: z.enum(CLASSIFIERS),
        confidence: z.number().min(0).max(1).optional(),
      })
      .optional()
      .describe('who chose the category (default: the reporter)'),
    lng: z.number().min(-180).max(180).optional().describe('WGS84 longitude'),
    lat: z.number().min(-90).max(90).optional().describe('WGS84 latitude'),
    address: z
      .string()
      .trim()
      .min(2)
      .max(200)
      .optional()
      .describe('free-text address, matched to the library'),
    urgent: z.boolean().default(false).describe('an urgent order: resolved within 24 hours'),
    reporter: reporterSchema.default({}),
    externalId: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('the id in the sending system; a repeat with the same channel and id returns the first'),
    submittedAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('when the reporter reported, if earlier than now'),
  })
  .refine((r) => (r.lng === undefined) === (r.lat === undefined), {
    message: 'give both lng and lat, or neither',
    path: ['lat'],
  })
  .refine((r) => r.lat !== undefined || r.address !== undefined, {
    message: 'a location is required: lng and lat, an address, or both',
    path: ['address'],
  });
export type NewServiceRequest = z.input<typeof newServiceRequestSchema>;

export interface RequestLocation {
  lng: number;
  lat: number;
  source: 'point' | 'address' | 'point_and_address';
  districtId: string;
  subdistrictId: string | null;
  communityId: string | null;
  /** The deepest area containing the point: a grid where the tree has grids. */
  gridId: string;
  address: { text: string; addressId: string | null; match: string | null } | null;
  /** Metres between the given point and the matched address, when more than 300 m. */
  conflictM: number | null;
}

export interface WorkOrderSummary {
  status: string;
  agency: string | null;
  agencyName: string | null;
  zone: string | null;
  assignee: string | null;
  dispatchReason: string | null;
  dispatchedAt: string | null;
  responseDueAt: string | null;
  feedbackDueAt: string | null;
  resolveDueAt: string | null;
  escalationLevel: number;
  overdue: boolean;
}

export interface ServiceRequest {
  id: string;
  channel: Channel;
  externalId: string | null;
  status: RequestStatus;
  category: string | null;
  categoryName: string | null;
  classification: { by: string; confidence: number | null } | null;
  description: string;
  urgent: boolean;
  location: RequestLocation;
  /** Personal fields: masked unless read with an unmask reason. */
  reporterName: string | null;
  reporterPhone: string | null;
  reporterEmail: string | null;
  reporterRef: string | null;
  duplicateOf: string | null;
  duplicateDistanceM: number | null;
  /** Requests linked to this one as duplicates. */
  duplicates: number;
  photos: number;
  workOrder: WorkOrderSummary | null;
  /** When it is expected to be resolved (Open311 expected_datetime). */
  expectedAt: string | null;
  reopenCount: number;
  submittedAt: string;
  receivedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
}

export const REQUEST_PERSONAL_FIELDS = {
  reporterName: 'name',
  reporterPhone: 'phone',
  reporterEmail: 'name',
} as const;

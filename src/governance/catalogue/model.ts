// Categories (事项清单): what can be reported, which agency answers for it, how it is dispatched and
// how fast it must be handled. The shipped list is categories.json; the database copy is editable.
import { z } from 'zod';

export const EVENT_LEVELS = ['general', 'important', 'urgent'] as const;
export type EventLevel = (typeof EVENT_LEVELS)[number];

/**
 * agency_zone: the responsible agency's handling zone containing the point; subdistrict_office: the
 * office of the subdistrict containing it; grid_worker: the worker of the grid (patrol items).
 */
export const DISPATCH_MODES = ['agency_zone', 'subdistrict_office', 'grid_worker'] as const;
export type DispatchMode = (typeof DISPATCH_MODES)[number];

/** The 10-30 rule's defaults; urgent orders are resolved within 24 hours. */
export const DEFAULT_RESPONSE_MINUTES = 10;
export const DEFAULT_FEEDBACK_MINUTES = 30;
export const URGENT_RESOLVE_HOURS = 24;

export interface ServiceLevels {
  responseMinutes: number;
  feedbackMinutes: number;
  resolveHours: number;
}

export interface CategoryGroup {
  code: string;
  name: string;
  nameEn: string;
}

export interface Category {
  code: string;
  name: string;
  nameEn: string;
  group: CategoryGroup;
  /** The responsible agency (主管单位; Open311 agency_responsible). */
  agency: string;
  eventLevel: EventLevel;
  dispatchMode: DispatchMode;
  serviceLevels: ServiceLevels;
  keywords: string[];
  description: string;
  active: boolean;
  /** Who last changed it through the API; null while it is as shipped. */
  editedBy: string | null;
  updatedAt: string;
}

const code = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,47}$/, 'lower-case letters, digits and - (2 to 48)')
  .describe('stable code, also the Open311 service_code');

export const categoryInputSchema = z.object({
  code,
  name: z.string().trim().min(1).max(50).describe('Chinese name, e.g. 占道经营'),
  nameEn: z.string().trim().min(1).max(100),
  group: z.object({
    code: z.string().regex(/^[a-z0-9-]{2,48}$/),
    name: z.string().trim().min(1).max(50),
    nameEn: z.string().trim().min(1).max(100),
  }),
  agency: z.string().min(1).max(64).describe('code of the responsible agency'),
  eventLevel: z.enum(EVENT_LEVELS),
  dispatchMode: z.enum(DISPATCH_MODES),
  serviceLevels: z.object({
    responseMinutes: z.number().int().min(1).max(10_080).default(DEFAULT_RESPONSE_MINUTES),
    feedbackMinutes: z.number().int().min(1).max(10_080).default(DEFAULT_FEEDBACK_MINUTES),
    resolveHours: z.number().int().min(1).max(8_760),
  }),
  keywords: z.array(z.string().trim().min(1).max(30)).max(50).default([]),
  description: z.string().max(2000).default(''),
  active: z.boolean().default(true),
});
export type CategoryInput = z.input<typeof categoryInputSchema>;
export type ValidCategoryInput = z.output<typeof categoryInputSchema>;

export const categoryPatchSchema = categoryInputSchema.omit({ code: true }).partial();
export type CategoryPatch = z.input<typeof categoryPatchSchema>;

/** Resolution hours of an order: the category's, capped at 24 h when the order is urgent. */
export function resolveHoursOf(levels: ServiceLevels, urgent: boolean): number {
  return urgent ? Math.min(levels.resolveHours, URGENT_RESOLVE_HOURS) : levels.resolveHours;
}

// HTTP routes of governance statistics and the notice outbox.
import { z } from 'zod';
import type { App } from '../../server/app.ts';
import { listOutbox } from '../outbox.ts';
import {
  hotspotQuerySchema,
  hotspots,
  onTimeRates,
  periodQuerySchema,
  requestVolumes,
  satisfaction,
  satisfactionQuerySchema,
  volumeQuerySchema,
} from './stats.ts';

const rate = z.number().nullable();
const onTimeRow = z.object({
  agency: z.string(),
  agencyName: z.string().nullable(),
  orders: z.number(),
  responded: z.number(),
  respondedOnTime: z.number(),
  fedBack: z.number(),
  fedBackOnTime: z.number(),
  resolved: z.number(),
  resolvedOnTime: z.number(),
  overdueOpen: z.number(),
  onTimeRate: rate,
  responseRate: rate,
  feedbackRate: rate,
});

export function registerStatsRoutes(app: App): void {
  app.get(
    '/api/governance/stats/volumes',
    {
      schema: {
        summary: 'Request volumes by category, group, channel, day or area level',
        tags: ['governance stats'],
        querystring: volumeQuerySchema,
        response: {
          200: z.object({
            rows: z.array(z.object({ key: z.string(), name: z.string().nullable(), count: z.number() })),
          }),
        },
      },
    },
    async (request) => ({ rows: await requestVolumes(request.ctx, request.query) }),
  );

  app.get(
    '/api/governance/stats/on-time',
    {
      schema: {
        summary: 'On-time response and resolution rates per agency (10-30-24)',
        tags: ['governance stats'],
        querystring: periodQuerySchema,
        response: { 200: z.object({ total: onTimeRow, agencies: z.array(onTimeRow) }) },
      },
    },
    async (request) => onTimeRates(request.ctx, request.query),
  );

  app.get(
    '/api/governance/stats/satisfaction',
    {
      schema: {
        summary: 'Return-visit satisfaction (rated 3–5 of 5), overall or per agency or category',
        tags: ['governance stats'],
        querystring: satisfactionQuerySchema,
        response: {
          200: z.object({
            rows: z.array(
              z.object({
                key: z.string(),
                name: z.string().nullable(),
                visits: z.number(),
                averageRating: rate,
                satisfied: z.number(),
                dissatisfied: z.number(),
                satisfactionRate: rate,
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ rows: await satisfaction(request.ctx, request.query) }),
  );

  app.get(
    '/api/governance/stats/hotspots',
    {
      schema: {
        summary: 'Hotspots: the grids with the most requests',
        tags: ['governance stats'],
        querystring: hotspotQuerySchema,
        response: {
          200: z.object({
            rows: z.array(
              z.object({
                gridId: z.string(),
                gridName: z.string().nullable(),
                communityId: z.string().nullable(),
                subdistrictId: z.string().nullable(),
                count: z.number(),
                topCategory: z.string().nullable(),
                topCategoryName: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ rows: await hotspots(request.ctx, request.query) }),
  );

  app.get(
    '/api/governance/outbox',
    {
      schema: {
        summary: 'Queued notices (SMS to reporters, app pushes to handlers), newest first; phones masked',
        tags: ['governance'],
        querystring: z.object({
          requestId: z.string().regex(/^\d+$/).optional(),
          unsent: z
            .enum(['true', 'false'])
            .optional()
            .transform((v) => v === 'true'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
    },
    async (request) => ({ messages: await listOutbox(request.ctx, request.query) }),
  );
}

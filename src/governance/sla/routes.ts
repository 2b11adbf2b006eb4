// HTTP route of the supervision queue (督办).
import { z } from 'zod';
import type { App } from '../../server/app.ts';
import { listSupervision } from './sla.ts';

export function registerSlaRoutes(app: App): void {
  app.get(
    '/api/supervision',
    {
      schema: {
        summary: 'The supervision queue: overdue response, feedback and resolution steps (open ones first)',
        tags: ['workorders'],
        querystring: z.object({
          open: z
            .enum(['true', 'false'])
            .default('true')
            .transform((v) => v === 'true'),
          agency: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                requestId: z.string(),
                kind: z.enum(['response', 'feedback', 'resolve']),
                dueAt: z.string(),
                flaggedAt: z.string(),
                doneAt: z.string().nullable(),
                escalationLevel: z.number(),
                agency: z.string().nullable(),
                agencyName: z.string().nullable(),
                category: z.string(),
                categoryName: z.string().nullable(),
                orderStatus: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await listSupervision(request.ctx, request.query) }),
  );
}

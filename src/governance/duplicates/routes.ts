// HTTP routes for operators' merge and unmerge of duplicate reports.
import { z } from 'zod';
import type { App } from '../../server/app.ts';
import { idParams, serviceRequestSchema } from '../schema.ts';
import { mergeRequests, unmergeRequest } from './duplicates.ts';

export function registerDuplicateRoutes(app: App): void {
  app.post(
    '/api/requests/:id/merge',
    {
      schema: {
        summary: 'Merge a request into another as its duplicate (its own open order closes)',
        tags: ['requests'],
        params: idParams,
        body: z.object({ into: z.string().regex(/^[1-9]\d{0,17}$/), note: z.string().max(2000).optional() }),
        response: { 200: serviceRequestSchema },
      },
    },
    async (request) => mergeRequests(request.ctx, request.params.id, request.body.into, request.body.note),
  );

  app.post(
    '/api/requests/:id/unmerge',
    {
      schema: {
        summary: 'Unlink a duplicate: it gets its own work order again',
        tags: ['requests'],
        params: idParams,
        body: z.object({ note: z.string().max(2000).optional() }).default({}),
        response: { 200: serviceRequestSchema },
      },
    },
    async (request) => unmergeRequest(request.ctx, request.params.id, request.body.note),
  );
}

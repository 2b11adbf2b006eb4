// HTTP routes of return visits: the reporter's SMS link (no login; its page in page.ts) and an
// operator's record.
import { z } from 'zod';
import type { App } from '../../server/app.ts';
import { idParams, visitSchema } from '../schema.ts';
import { registerVisitPage } from './page.ts';
import { rateByVisitToken, ratingSchema, recordVisit } from './visits.ts';

export async function registerVisitRoutes(app: App): Promise<void> {
  await registerVisitPage(app);
  app.post(
    '/api/visits/:token',
    {
      config: { public: true },
      schema: {
        summary:
          "The reporter's rating through the SMS link (1–5; 1 or 2 reopens the order); no token needed",
        tags: ['requests'],
        security: [],
        params: z.object({ token: z.string().min(10).max(100) }),
        body: ratingSchema,
        response: { 200: visitSchema },
      },
    },
    async (request) => rateByVisitToken(request.ctx, request.params.token, request.body),
  );

  app.post(
    '/api/requests/:id/visit',
    {
      schema: {
        summary: 'Record a return visit (回访) made by phone or in the app',
        tags: ['requests'],
        params: idParams,
        body: ratingSchema.extend({ channel: z.enum(['phone', 'app']).optional() }),
        response: { 200: visitSchema },
      },
    },
    async (request) => recordVisit(request.ctx, request.params.id, request.body),
  );
}

// Matching, parsing and the review queue over HTTP: thin adapters over service.ts and review.ts.

import { z } from 'zod';
import type { App } from '../../../server/app.ts';
import { confirmReview, dismissReview, listReviewItems } from './review.ts';
import {
  confirmBodySchema,
  dismissBodySchema,
  matchBodySchema,
  matchResultSchema,
  parseQuerySchema,
  parseViewSchema,
  reviewItemSchema,
  reviewListQuerySchema,
  reviewParamsSchema,
} from './schema.ts';
import { matchAddresses, parseAddressText } from './service.ts';

export async function registerAddressMatchRoutes(app: App): Promise<void> {
  app.post(
    '/api/addresses/match',
    {
      schema: {
        summary: 'Match free-text addresses to the standard library (batch of up to 1,000)',
        description:
          'One result per input, in order: `matched` (safe to use unreviewed, at room level when the room exists, else the building), `ambiguous` (ranked candidates need a person) or `unmatched` (with a reason). Each result carries its area chain.',
        tags: ['addresses'],
        body: matchBodySchema,
        response: { 200: z.object({ results: z.array(matchResultSchema) }) },
      },
    },
    async (request) => ({ results: await matchAddresses(request.ctx, request.body.addresses) }),
  );

  app.get(
    '/api/addresses/parse',
    {
      schema: {
        summary: 'Parse a free-text address into elements (CCKS 2021 labels)',
        tags: ['addresses'],
        querystring: parseQuerySchema,
        response: { 200: parseViewSchema },
      },
    },
    async (request) => parseAddressText(request.ctx, request.query.q),
  );

  app.get(
    '/api/addresses/review',
    {
      schema: {
        summary: 'The address review queue: texts the matcher could not place with confidence, in your scope',
        tags: ['addresses'],
        querystring: reviewListQuerySchema,
        response: { 200: z.array(reviewItemSchema) },
      },
    },
    async (request) => listReviewItems(request.ctx, request.query),
  );

  app.post(
    '/api/addresses/review/:id/confirm',
    {
      schema: {
        summary: 'Confirm the address a queued text means; the same text matches it from then on',
        tags: ['addresses'],
        params: reviewParamsSchema,
        body: confirmBodySchema,
        response: { 200: reviewItemSchema },
      },
    },
    async (request) =>
      confirmReview(request.ctx, request.params.id, {
        addressId: request.body.address_id,
        note: request.body.note,
      }),
  );

  app.post(
    '/api/addresses/review/:id/dismiss',
    {
      schema: {
        summary: 'Close a queued text that names no address in the library',
        tags: ['addresses'],
        params: reviewParamsSchema,
        body: dismissBodySchema,
        response: { 200: reviewItemSchema },
      },
    },
    async (request) => dismissReview(request.ctx, request.params.id, { note: request.body.note }),
  );
}

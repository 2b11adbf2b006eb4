// The classifier over HTTP: the model in use, classifying a text (the hotline desk's "suggest"),
// the triage queue's suggestions, and a pass over the queue on demand (`serve` also runs that pass
// in the background: startTriageClassifier).
import { z } from 'zod';
import { requirePermission } from '../../foundation/access/context.ts';
import { notFound } from '../../lib/errors.ts';
import type { App } from '../../server/app.ts';
import { cachedClassifier, classify } from './store.ts';
import { classifyTriage, suggestionsFor } from './triage.ts';

const ranked = z.array(z.object({ category: z.string(), probability: z.number() }));

export async function registerClassifierRoutes(app: App): Promise<void> {
  let current: ReturnType<typeof cachedClassifier> | undefined;
  const model = (request: { ctx: { db: Parameters<typeof cachedClassifier>[0] } }) => {
    current ??= cachedClassifier(request.ctx.db, 10_000);
    return current();
  };

  app.get(
    '/api/classifier',
    {
      schema: {
        summary: 'The category classifier in use and its held-out accuracy',
        tags: ['governance'],
        response: {
          200: z.object({
            id: z.string(),
            trainedAt: z.string(),
            threshold: z.number(),
            metrics: z.record(z.string(), z.number()),
          }),
        },
      },
    },
    async (request) => {
      requirePermission(request.ctx, 'requests:read');
      const loaded = await model(request);
      if (!loaded) throw notFound('a trained classifier (run `citybrain classifier train`)');
      return {
        id: loaded.id,
        trainedAt: loaded.trainedAt,
        threshold: loaded.threshold,
        metrics: { ...loaded.metrics },
      };
    },
  );

  app.post(
    '/api/classifier/classify',
    {
      schema: {
        summary: 'Suggest a category for a free-text report',
        tags: ['governance'],
        body: z.object({ text: z.string().trim().min(2).max(4000) }),
        response: {
          200: z.object({
            category: z.string(),
            confidence: z.number(),
            accepted: z.boolean().describe('confident enough to apply without an operator'),
            ranked,
            modelId: z.string(),
          }),
        },
      },
    },
    async (request) => {
      requirePermission(request.ctx, 'requests:read');
      const loaded = await model(request);
      if (!loaded) throw notFound('a trained classifier (run `citybrain classifier train`)');
      return classify(loaded, request.body.text);
    },
  );

  app.get(
    '/api/classifier/suggestions',
    {
      schema: {
        summary: "The model's best three categories for requests in triage",
        tags: ['governance'],
        querystring: z.object({
          ids: z
            .string()
            .regex(/^\d+(,\d+)*$/)
            .describe('comma-separated request ids'),
        }),
        response: {
          200: z.array(
            z.object({ requestId: z.string(), modelId: z.string(), applied: z.boolean(), ranked }),
          ),
        },
      },
    },
    async (request) => suggestionsFor(request.ctx, request.query.ids.split(',').slice(0, 1000)),
  );

  app.post(
    '/api/classifier/apply',
    {
      schema: {
        summary: 'Classify the requests waiting in triage now',
        tags: ['governance'],
        response: {
          200: z.object({
            modelId: z.string().nullable(),
            scored: z.number(),
            applied: z.number(),
            queued: z.number(),
          }),
        },
      },
    },
    async (request) => classifyTriage(request.ctx),
  );
}

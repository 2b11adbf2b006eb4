// The registries over HTTP: one entity with provenance, history and conflicts; the conflict report.
import { z } from 'zod';
import type { App } from '../../server/app.ts';
import { ENTITY_KINDS } from './model.ts';
import { conflictSummary, getEntity, listConflicts, parseEntityKind } from './read.ts';

export async function registerRegistryRoutes(app: App): Promise<void> {
  app.get(
    '/api/registry/conflicts',
    {
      schema: {
        summary: 'Fields on which sources disagree, with every claim (personal values masked)',
        tags: ['registry'],
        querystring: z.object({
          kind: z.enum(ENTITY_KINDS).optional(),
          field: z.string().optional(),
          source: z.string().optional().describe('conflicts in which this source has a claim'),
          include_resolved: z.coerce.boolean().default(false),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
    },
    async (request) => {
      const { include_resolved: includeResolved, ...filter } = request.query;
      return listConflicts(request.ctx, { ...filter, includeResolved });
    },
  );

  app.get(
    '/api/registry/conflicts/summary',
    {
      schema: { summary: 'Conflict counts per registry, field and disagreeing sources', tags: ['registry'] },
    },
    async (request) => conflictSummary(request.ctx),
  );

  app.get(
    '/api/registry/:kind/:id',
    {
      schema: {
        summary:
          'One entity: each field with its source record (source, feed, row, time), its history and conflicts',
        description:
          'Names, phone numbers and ID numbers are masked; `unmask=name,phone` with a `reason` shows them (needs personal:unmask; the read is logged).',
        tags: ['registry'],
        params: z.object({ kind: z.string(), id: z.string() }),
        querystring: z.object({
          unmask: z
            .string()
            .optional()
            .transform((v) =>
              v
                ? v
                    .split(',')
                    .map((f) => f.trim())
                    .filter(Boolean)
                : [],
            ),
          reason: z.string().max(200).optional(),
        }),
      },
    },
    async (request) =>
      getEntity(
        request.ctx,
        { kind: parseEntityKind(request.params.kind), id: request.params.id },
        { unmask: { fields: request.query.unmask, reason: request.query.reason } },
      ),
  );
}

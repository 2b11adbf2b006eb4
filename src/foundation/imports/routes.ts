import { z } from 'zod';
import type { App } from '../../server/app.ts';
import { getImport, listImportProblems, listImports } from './queries.ts';

const idParams = z.object({ id: z.string().regex(/^\d+$/, 'an import number') });

export async function registerImportRoutes(app: App): Promise<void> {
  app.get(
    '/api/imports',
    {
      schema: {
        summary: 'File imports, newest first, with their row counts',
        tags: ['imports'],
        querystring: z.object({
          kind: z.string().optional().describe('areas, addresses, …'),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      },
    },
    async (request) => listImports(request.ctx, request.query),
  );
  app.get(
    '/api/imports/:id',
    { schema: { summary: 'One import run', tags: ['imports'], params: idParams } },
    async (request) => getImport(request.ctx, request.params.id),
  );
  app.get(
    '/api/imports/:id/problems',
    {
      schema: {
        summary: 'Rejected rows and warnings of an import, with file, row, field, reason and the raw row',
        tags: ['imports'],
        params: idParams,
        querystring: z.object({
          severity: z.enum(['error', 'warning']).optional(),
          limit: z.coerce.number().int().min(1).max(10_000).default(1000),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
    },
    async (request) => listImportProblems(request.ctx, request.params.id, request.query),
  );
}

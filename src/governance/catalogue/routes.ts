// HTTP routes of the catalogue: thin adapters over catalogue.ts.
import { z } from 'zod';
import type { App } from '../../server/app.ts';
import { categorySchema } from '../schema.ts';
import { createCategory, getCategory, listCategories, updateCategory } from './catalogue.ts';
import { categoryInputSchema, categoryPatchSchema } from './model.ts';

const codeParams = z.object({ code: z.string().min(1).max(48) });

export function registerCatalogueRoutes(app: App): void {
  app.get(
    '/api/governance/categories',
    {
      schema: {
        summary:
          'The catalogue of reportable matters (事项清单) with agency, dispatch mode and service levels',
        tags: ['governance'],
        querystring: z.object({
          group: z.string().optional(),
          agency: z.string().optional(),
          active: z
            .enum(['true', 'false'])
            .default('true')
            .transform((v) => v === 'true'),
        }),
        response: { 200: z.object({ categories: z.array(categorySchema) }) },
      },
    },
    async (request) => ({ categories: await listCategories(request.ctx, request.query) }),
  );

  app.get(
    '/api/governance/categories/:code',
    {
      schema: {
        summary: 'One category',
        tags: ['governance'],
        params: codeParams,
        response: { 200: categorySchema },
      },
    },
    async (request) => getCategory(request.ctx, request.params.code),
  );

  app.post(
    '/api/governance/categories',
    {
      schema: {
        summary: 'Add a category (admin)',
        tags: ['governance'],
        body: categoryInputSchema,
        response: { 201: categorySchema },
      },
    },
    async (request, reply) => reply.status(201).send(await createCategory(request.ctx, request.body)),
  );

  app.patch(
    '/api/governance/categories/:code',
    {
      schema: {
        summary: 'Change a category (admin); a newer shipped catalogue no longer overwrites it',
        tags: ['governance'],
        params: codeParams,
        body: categoryPatchSchema,
        response: { 200: categorySchema },
      },
    },
    async (request) => updateCategory(request.ctx, request.params.code, request.body),
  );
}

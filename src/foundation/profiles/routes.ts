// Profiles over HTTP: one person, one company, one room, masked unless unmasked with a reason.
import { z } from 'zod';
import type { App } from '../../server/app.ts';
import { getCompanyProfile, getPersonProfile, getRoomProfile } from './profile.ts';

const unmaskQuery = z.object({
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
    )
    .describe(
      'personal fields of the subject to show in clear, e.g. name,phone,id_number (needs personal:unmask; logged)',
    ),
  reason: z.string().max(200).optional().describe('why the fields are read in clear'),
});

const description =
  'Every field with its source, feed, row and time; history; conflicts; links with the source row that names them. Personal fields masked unless `unmask` + `reason`.';

export async function registerProfileRoutes(app: App): Promise<void> {
  app.get(
    '/api/profiles/person/:id',
    {
      schema: {
        summary: '一人一档: a person, their household and members, employer, rooms, licences, companies',
        description,
        tags: ['profiles'],
        params: z.object({ id: z.string() }),
        querystring: unmaskQuery,
      },
    },
    async (request) =>
      getPersonProfile(request.ctx, request.params.id, {
        unmask: { fields: request.query.unmask, reason: request.query.reason },
      }),
  );
  app.get(
    '/api/profiles/company/:id',
    {
      schema: {
        summary: '一企一档: a legal entity, its rooms, licences, people and employees',
        description,
        tags: ['profiles'],
        params: z.object({ id: z.string() }),
        querystring: unmaskQuery,
      },
    },
    async (request) =>
      getCompanyProfile(request.ctx, request.params.id, {
        unmask: { fields: request.query.unmask, reason: request.query.reason },
      }),
  );
  app.get(
    '/api/profiles/room/:addressId',
    {
      schema: {
        summary:
          '一房一档: a room of the address library, its facts, owners, residents, companies, licences, components nearby',
        description,
        tags: ['profiles'],
        params: z.object({ addressId: z.string() }),
        querystring: unmaskQuery,
      },
    },
    async (request) =>
      getRoomProfile(request.ctx, request.params.addressId, {
        unmask: { fields: request.query.unmask, reason: request.query.reason },
      }),
  );
}

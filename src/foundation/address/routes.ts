// HTTP routes of the standard address library: thin adapters over queries.ts and update.ts.
import type { App } from '../../server/app.ts';
import { getAddress, listAddresses, listAddressRooms } from './queries.ts';
import {
  addressDetailSchema,
  addressIdParamsSchema,
  addressListQuerySchema,
  addressPageSchema,
  addressPatchSchema,
  pageQuerySchema,
} from './schema.ts';
import { updateAddress } from './update.ts';

const tags = ['addresses'];

export function registerAddressRoutes(app: App): void {
  app.get(
    '/api/addresses',
    {
      schema: {
        summary: 'List standard addresses within an area and your scope',
        description: '`q` matches a substring of the estate, building, road or an alias.',
        tags,
        querystring: addressListQuerySchema,
        response: { 200: addressPageSchema },
      },
    },
    (request) => listAddresses(request.ctx, request.query),
  );

  app.get(
    '/api/addresses/:id',
    {
      schema: {
        summary: 'One standard address with its area chain',
        description: 'A room comes with its building; a building with its room count and first rooms.',
        tags,
        params: addressIdParamsSchema,
        response: { 200: addressDetailSchema },
      },
    },
    (request) => getAddress(request.ctx, request.params.id),
  );

  app.get(
    '/api/addresses/:id/rooms',
    {
      schema: {
        summary: "A building's rooms, by floor and room",
        tags,
        params: addressIdParamsSchema,
        querystring: pageQuerySchema,
        response: { 200: addressPageSchema },
      },
    },
    (request) => listAddressRooms(request.ctx, request.params.id, request.query),
  );

  app.patch(
    '/api/addresses/:id',
    {
      schema: {
        summary: 'Correct an address: aliases, estate and building names, or its point',
        description:
          'A new point re-decides the grid. A building carries its change over to the rooms that shared its old value.',
        tags,
        params: addressIdParamsSchema,
        body: addressPatchSchema,
        response: { 200: addressDetailSchema },
      },
    },
    (request) => updateAddress(request.ctx, request.params.id, request.body),
  );
}

// HTTP routes of the area tree: thin adapters over queries.ts.
import type { App } from '../../server/app.ts';
import { type AreaLocator, cachedLocator } from './locator.ts';
import { getArea, listAreas, locatePoint } from './queries.ts';
import {
  areaDetail,
  areaList,
  areaParams,
  getAreaQuery,
  listAreasQuery,
  located,
  locateQuery,
} from './schema.ts';

export async function registerAreaRoutes(app: App): Promise<void> {
  // One locator per app, made on first use from the app's database (every request carries the same one).
  let locator: (() => Promise<AreaLocator>) | undefined;

  app.get(
    '/api/areas',
    {
      schema: {
        summary: 'List areas (district, subdistricts, communities, grids) with child and address counts',
        tags: ['areas'],
        querystring: listAreasQuery,
        response: { 200: areaList },
      },
    },
    async (request) => ({ areas: await listAreas(request.ctx, request.query) }),
  );

  app.get(
    '/api/areas/:id',
    {
      schema: {
        summary: 'One area with its chain of parents, its children and, on request, its geometry',
        tags: ['areas'],
        params: areaParams,
        querystring: getAreaQuery,
        response: { 200: areaDetail },
      },
    },
    async (request) => getArea(request.ctx, request.params.id, { geometry: request.query.geometry }),
  );

  app.get(
    '/api/locate',
    {
      schema: {
        summary: 'The district → subdistrict → community → grid chain containing a WGS84 point',
        tags: ['areas'],
        querystring: locateQuery,
        response: { 200: located },
      },
    },
    async (request) => {
      locator ??= cachedLocator(request.ctx.db);
      return locatePoint(request.ctx, await locator(), request.query.lng, request.query.lat);
    },
  );
}

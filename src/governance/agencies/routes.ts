// HTTP routes of agencies and their handling zones: thin adapters over agencies.ts.
import { z } from 'zod';
import type { App } from '../../server/app.ts';
import { agencyDetailSchema, agencySchema } from '../schema.ts';
import {
  generateHandlingZones,
  getAgency,
  listAgencies,
  listHandlingZones,
  setHandlingZones,
} from './agencies.ts';
import { AGENCY_KINDS } from './model.ts';

const codeParams = z.object({ code: z.string().min(1).max(64) });

const zoneCollection = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        properties: z.object({
          zone_id: z.string(),
          name: z.string(),
          area_ids: z.array(z.string()).optional(),
        }),
        geometry: z.unknown(),
      }),
    ),
  })
  .describe('GeoJSON FeatureCollection; properties zone_id and name; Polygon or MultiPolygon in WGS84');

export function registerAgencyRoutes(app: App): void {
  app.get(
    '/api/governance/agencies',
    {
      schema: {
        summary: 'Agencies (处置单位): departments, subdistrict offices, community workstations',
        tags: ['governance'],
        querystring: z.object({ kind: z.enum(AGENCY_KINDS).optional() }),
        response: { 200: z.object({ agencies: z.array(agencySchema) }) },
      },
    },
    async (request) => ({ agencies: await listAgencies(request.ctx, request.query) }),
  );

  app.get(
    '/api/governance/agencies/:code',
    {
      schema: {
        summary: 'One agency with its handling zones (no geometry) and categories',
        tags: ['governance'],
        params: codeParams,
        response: { 200: agencyDetailSchema },
      },
    },
    async (request) => getAgency(request.ctx, request.params.code),
  );

  app.get(
    '/api/governance/agencies/:code/zones',
    {
      schema: {
        summary: "An agency's handling zones (业务网格) as GeoJSON",
        tags: ['governance'],
        params: codeParams,
        response: { 200: zoneCollection },
      },
    },
    async (request) => ({
      type: 'FeatureCollection' as const,
      features: (await listHandlingZones(request.ctx, request.params.code)).map((z) => ({
        type: 'Feature' as const,
        properties: { zone_id: z.zoneId, name: z.name, area_ids: z.areaIds },
        geometry: z.geometry,
      })),
    }),
  );

  app.put(
    '/api/governance/agencies/:code/zones',
    {
      schema: {
        summary: "Replace an agency's handling zones with a GeoJSON FeatureCollection (admin)",
        tags: ['governance'],
        params: codeParams,
        body: zoneCollection,
        response: { 200: z.object({ agency: z.string(), zones: z.number() }) },
      },
    },
    async (request) => ({
      agency: request.params.code,
      zones: await setHandlingZones(
        request.ctx,
        request.params.code,
        request.body.features.map((f) => ({
          zoneId: f.properties.zone_id,
          name: f.properties.name,
          areaIds: f.properties.area_ids ?? [],
          geometry: f.geometry,
        })),
      ),
    }),
  );

  app.post(
    '/api/governance/agencies/zones/generate',
    {
      schema: {
        summary:
          "Cut every department's handling zones from the area tree by its zoning (admin; the demo's zones)",
        tags: ['governance'],
        response: {
          200: z.object({ agencies: z.array(z.object({ agency: z.string(), zones: z.number() })) }),
        },
      },
    },
    async (request) => ({ agencies: await generateHandlingZones(request.ctx) }),
  );
}

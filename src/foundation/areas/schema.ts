// Request and response shapes of the area routes; they also document the API at /docs.
import { z } from 'zod';
import { AREA_LEVELS, type AreaLevel } from './locator.ts';

const level = z.enum(AREA_LEVELS as [AreaLevel, ...AreaLevel[]]);

/** A query-string number: required, finite, within bounds ("" and "abc" are rejected, not read as 0). */
const coordinate = (name: string, what: string, limit: number) =>
  z
    .string()
    .trim()
    .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, `${name} must be a decimal number`)
    .transform(Number)
    .refine((n) => Math.abs(n) <= limit, `${name} must be between −${limit} and ${limit}`)
    .describe(`${what}, WGS84 degrees (−${limit} to ${limit})`);

export const listAreasQuery = z.object({
  level: level.optional().describe('only areas of this level'),
  parent: z.string().min(1).max(64).optional().describe('only the children of this area id'),
});

export const areaParams = z.object({
  id: z.string().min(1).max(64).describe('area code, e.g. 440304010004'),
});

export const getAreaQuery = z.object({
  geometry: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe('include the GeoJSON geometry'),
});

export const locateQuery = z.object({
  lng: coordinate('lng', 'longitude', 180),
  lat: coordinate('lat', 'latitude', 90),
});

const areaRef = z.object({ id: z.string(), name: z.string(), level });

export const areaChain = z
  .object({
    district: areaRef.optional(),
    subdistrict: areaRef.optional(),
    community: areaRef.optional(),
    grid: areaRef.optional(),
  })
  .describe('the containing areas from the district down');

export const areaItem = z.object({
  id: z.string(),
  name: z.string(),
  level,
  parentId: z.string().nullable(),
  reference: z
    .boolean()
    .describe(
      'an ancestor of your scope: shown by name only, with counts, geometry and other children withheld',
    ),
  areaM2: z.number().nullable().describe('area in square metres'),
  childCount: z.number().int().nullable(),
  buildings: z.number().int().nullable().describe('standard addresses at building level inside the area'),
  rooms: z.number().int().nullable().describe('standard addresses at room level inside the area'),
});

const geometry = z
  .object({ type: z.enum(['Polygon', 'MultiPolygon']), coordinates: z.array(z.unknown()) })
  .describe('GeoJSON geometry, WGS84');

export const areaDetail = areaItem.extend({
  path: z.array(z.string()).describe('ancestor ids from the district down to this area'),
  bbox: z.array(z.number()).length(4).nullable().describe('[minLng, minLat, maxLng, maxLat]'),
  chain: areaChain,
  children: z.array(areaItem),
  geometry: geometry.optional(),
});

export const areaList = z.object({ areas: z.array(areaItem) });

export const located = z.object({ lng: z.number(), lat: z.number(), chain: areaChain });

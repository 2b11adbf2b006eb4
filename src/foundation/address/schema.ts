// The address API's shapes: request parameters and bodies, and what each route answers. The
// domain functions return these types, and the routes declare them for validation and /docs.
import { z } from 'zod';
import { ADDRESS_LEVELS } from './format.ts';

export const addressLevelSchema = z.enum(ADDRESS_LEVELS);

export const standardAddressSchema = z.object({
  addressId: z.string(),
  level: addressLevelSchema,
  parentId: z.string().nullable().describe("a room's building"),
  districtId: z.string(),
  subdistrictId: z.string().nullable(),
  communityId: z.string().nullable(),
  gridId: z.string(),
  road: z.string().nullable(),
  roadNo: z.string().nullable(),
  estate: z.string().nullable(),
  building: z.string().nullable(),
  entrance: z.string().nullable(),
  floor: z.string().nullable(),
  room: z.string().nullable(),
  aliases: z.array(z.string()),
  lng: z.number().nullable().describe('WGS84'),
  lat: z.number().nullable().describe('WGS84'),
  updatedAt: z.string(),
});
export type StandardAddress = z.infer<typeof standardAddressSchema>;

const areaRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  level: z.enum(['district', 'subdistrict', 'community', 'grid']),
});

export const areaChainSchema = z.object({
  district: areaRefSchema.optional(),
  subdistrict: areaRefSchema.optional(),
  community: areaRefSchema.optional(),
  grid: areaRefSchema.optional(),
});

export const addressDetailSchema = z.object({
  address: standardAddressSchema,
  chain: areaChainSchema.describe("the areas of the address's grid, from the district down"),
  building: standardAddressSchema.nullable().optional().describe('for a room: its building'),
  rooms: z
    .object({ total: z.number().int(), first: z.array(standardAddressSchema) })
    .optional()
    .describe('for a building: how many rooms it has and the first of them by floor and room'),
});
export type AddressDetail = z.infer<typeof addressDetailSchema>;

export const addressPageSchema = z.object({
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
  items: z.array(standardAddressSchema),
});
export type AddressPage = z.infer<typeof addressPageSchema>;

export const addressIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

const pageFields = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};
export const pageQuerySchema = z.object(pageFields);
export type PageQuery = z.infer<typeof pageQuerySchema>;

export const addressListQuerySchema = z.object({
  area: z.string().min(1).max(64).optional().describe('an area id: district, subdistrict, community or grid'),
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('a substring of the estate, building, road or an alias'),
  level: addressLevelSchema.optional(),
  ...pageFields,
});
export type AddressListQuery = z.infer<typeof addressListQuerySchema>;

const nameSchema = z.string().trim().max(200);

export const addressPatchSchema = z
  .strictObject({
    aliases: z.array(nameSchema).max(50).optional(),
    estate: nameSchema.nullable().optional(),
    building: nameSchema.nullable().optional(),
    lng: z.number().min(-180).max(180).optional(),
    lat: z.number().min(-90).max(90).optional(),
  })
  .refine((patch) => (patch.lng === undefined) === (patch.lat === undefined), {
    message: 'lng and lat go together',
    path: ['lng'],
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: 'nothing to change: give aliases, estate, building or lng and lat',
  });
export type AddressPatch = z.infer<typeof addressPatchSchema>;

// Reading the address library: one address with its area chain, a building's rooms, and lists
// within an area. Reads need 'addresses:read' and the address's grid within the reader's scope.
import type { Db } from '../../db/db.ts';
import { invalidInput, notFound } from '../../lib/errors.ts';
import { type Ctx, requireAreaRead, requirePermission } from '../access/context.ts';
import type { AddressDetail, AddressListQuery, AddressPage, PageQuery, StandardAddress } from './schema.ts';
import { addressLocator, areaConditions } from './scope.ts';

/** Rooms shown with their building in the detail view. */
export const FIRST_ROOMS = 20;

export const ADDRESS_SELECT = `SELECT district_id, address_id, level, parent_id, subdistrict_id, community_id, grid_id,
       road, road_no, estate, building, entrance, floor, room, aliases, lng, lat, updated_at FROM addresses`;

// Floors and rooms are text ('B1', '12A'); their leading number orders them as people expect.
const ROOM_ORDER = `ORDER BY substring(floor from '^-?[0-9]+')::numeric NULLS LAST, floor NULLS LAST,
         substring(room from '^[0-9]+')::numeric NULLS LAST, room NULLS LAST, address_id`;

export interface AddressRecord {
  district_id: string;
  address_id: string;
  level: StandardAddress['level'];
  parent_id: string | null;
  subdistrict_id: string | null;
  community_id: string | null;
  grid_id: string;
  road: string | null;
  road_no: string | null;
  estate: string | null;
  building: string | null;
  entrance: string | null;
  floor: string | null;
  room: string | null;
  aliases: string[];
  lng: number | null;
  lat: number | null;
  updated_at: Date | string;
}

export const toStandardAddress = (r: AddressRecord): StandardAddress => ({
  addressId: r.address_id,
  level: r.level,
  parentId: r.parent_id,
  districtId: r.district_id,
  subdistrictId: r.subdistrict_id,
  communityId: r.community_id,
  gridId: r.grid_id,
  road: r.road,
  roadNo: r.road_no,
  estate: r.estate,
  building: r.building,
  entrance: r.entrance,
  floor: r.floor,
  room: r.room,
  aliases: r.aliases,
  lng: r.lng,
  lat: r.lat,
  updatedAt: new Date(r.updated_at).toISOString(),
});

export async function findAddressRecord(db: Db, addressId: string): Promise<AddressRecord | undefined> {
  const [row] = await db.query<AddressRecord>(`${ADDRESS_SELECT} WHERE address_id = $1`, [addressId]);
  return row;
}

/** The address if it exists and the actor may read it. */
async function readableAddress(ctx: Ctx, addressId: string): Promise<AddressRecord> {
  requirePermission(ctx, 'addresses:read');
  const row = await findAddressRecord(ctx.db, addressId);
  if (!row) throw notFound(`address ${addressId}`);
  const locator = await addressLocator(ctx.db);
  requireAreaRead(ctx, locator.pathOf(row.grid_id), `address ${addressId}`);
  return row;
}

export async function getAddress(ctx: Ctx, addressId: string): Promise<AddressDetail> {
  const row = await readableAddress(ctx, addressId);
  const locator = await addressLocator(ctx.db);
  const detail: AddressDetail = {
    address: toStandardAddress(row),
    chain: locator.chainOf(row.grid_id) ?? {},
  };
  if (row.level === 'room' && row.parent_id) {
    const [building] = await ctx.db.query<AddressRecord>(
      `${ADDRESS_SELECT} WHERE district_id = $1 AND address_id = $2`,
      [row.district_id, row.parent_id],
    );
    detail.building = building ? toStandardAddress(building) : null;
  }
  if (row.level === 'building') detail.rooms = await roomsOf(ctx.db, row, { limit: FIRST_ROOMS, offset: 0 });
  return detail;
}

export async function listAddressRooms(ctx: Ctx, addressId: string, page: PageQuery): Promise<AddressPage> {
  const building = await readableAddress(ctx, addressId);
  if (building.level !== 'building') throw invalidInput(`address ${addressId} is a room, not a building`);
  const { total, first } = await roomsOf(ctx.db, building, page);
  return { total, limit: page.limit, offset: page.offset, items: first };
}

async function roomsOf(
  db: Db,
  building: AddressRecord,
  page: PageQuery,
): Promise<{ total: number; first: StandardAddress[] }> {
  const key = [building.district_id, building.address_id];
  const [count] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM addresses WHERE district_id = $1 AND parent_id = $2',
    key,
  );
  const rows = await db.query<AddressRecord>(
    `${ADDRESS_SELECT} WHERE district_id = $1 AND parent_id = $2 ${ROOM_ORDER} LIMIT $3 OFFSET $4`,
    [...key, page.limit, page.offset],
  );
  return { total: count?.n ?? 0, first: rows.map(toStandardAddress) };
}

/** Addresses within an area (and always within the actor's scope), optionally matching `q`. */
export async function listAddresses(ctx: Ctx, query: AddressListQuery): Promise<AddressPage> {
  requirePermission(ctx, 'addresses:read');
  const { where, params } = await areaConditions(ctx.db, ctx.actor, query.area);
  if (query.level) {
    params.push(query.level);
    where.push(`level = $${params.length}`);
  }
  if (query.q) {
    params.push(`%${query.q.replace(/[\\%_]/g, '\\$&')}%`);
    const p = `$${params.length}`;
    // ILIKE folds case character by character and is several times slower than LIKE on Chinese
    // text; a query without cased letters matches the same either way.
    const like = query.q.toLowerCase() === query.q.toUpperCase() ? 'LIKE' : 'ILIKE';
    where.push(
      `(estate ${like} ${p} OR building ${like} ${p} OR road ${like} ${p} OR array_to_string(aliases, '|') ${like} ${p})`,
    );
  }
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const [count] = await ctx.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM addresses ${filter}`,
    params,
  );
  const rows = await ctx.db.query<AddressRecord>(
    `${ADDRESS_SELECT} ${filter} ORDER BY district_id, address_id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, query.limit, query.offset],
  );
  return {
    total: count?.n ?? 0,
    limit: query.limit,
    offset: query.offset,
    items: rows.map(toStandardAddress),
  };
}

// Correcting one address by hand: its aliases, estate and building names, or its point (which
// re-decides its grid). A building's correction carries over to those of its rooms that still
// shared the building's old value, so a renamed or moved building does not leave its rooms behind.
import { bumpDataVersion } from '../../db/data-versions.ts';
import type { Db } from '../../db/db.ts';
import { invalidInput, notFound } from '../../lib/errors.ts';
import { audit, type Ctx, requireAreaWrite, requirePermission } from '../access/context.ts';
import { normaliseAliases } from './format.ts';
import { ADDRESS_SELECT, type AddressRecord, getAddress } from './queries.ts';
import { type AddressDetail, type AddressPatch, addressPatchSchema } from './schema.ts';
import { addressLocator, areaConditions } from './scope.ts';

type Changes = Partial<
  Pick<
    AddressRecord,
    'estate' | 'building' | 'aliases' | 'lng' | 'lat' | 'grid_id' | 'subdistrict_id' | 'community_id'
  >
>;

export async function updateAddress(
  ctx: Ctx,
  addressId: string,
  input: AddressPatch,
): Promise<AddressDetail> {
  requirePermission(ctx, 'addresses:write');
  const parsed = addressPatchSchema.safeParse(input);
  if (!parsed.success)
    throw invalidInput(
      'invalid address change',
      parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), reason: issue.message })),
    );
  const patch = parsed.data;
  const locator = await addressLocator(ctx.db);

  await ctx.db.transaction(async (tx) => {
    const [before] = await tx.query<AddressRecord>(`${ADDRESS_SELECT} WHERE address_id = $1 FOR UPDATE`, [
      addressId,
    ]);
    if (!before) throw notFound(`address ${addressId}`);
    requireAreaWrite(ctx, locator.pathOf(before.grid_id), `address ${addressId}`);

    const next: Changes = {};
    if (patch.estate !== undefined) next.estate = patch.estate || null;
    if (patch.building !== undefined) next.building = patch.building || null;
    if (patch.aliases !== undefined) next.aliases = normaliseAliases(patch.aliases);
    if (patch.lng !== undefined && patch.lat !== undefined) {
      const grid = locator.locateArea(patch.lng, patch.lat);
      if (grid?.level !== 'grid')
        throw invalidInput('the point lies outside every grid', [
          { field: 'lng', reason: `${patch.lng},${patch.lat} is outside every grid` },
        ]);
      const chain = locator.chainOf(grid.id)!;
      if (chain.district?.id !== before.district_id)
        throw invalidInput(`the point lies in ${chain.district?.name ?? 'another district'}`, [
          { field: 'lng', reason: `an address cannot move out of district ${before.district_id}` },
        ]);
      requireAreaWrite(ctx, locator.pathOf(grid.id), `grid ${grid.id}`);
      Object.assign(next, {
        lng: patch.lng,
        lat: patch.lat,
        grid_id: grid.id,
        subdistrict_id: chain.subdistrict?.id ?? null,
        community_id: chain.community?.id ?? null,
      });
    }
    const changed = (Object.keys(next) as (keyof Changes)[]).filter(
      (key) => JSON.stringify(next[key]) !== JSON.stringify(before[key]),
    );
    if (changed.length === 0) return;

    const params: unknown[] = [before.district_id, before.address_id];
    const sets = changed.map((key) => {
      params.push(next[key]);
      return `${key} = $${params.length}`;
    });
    await tx.query(
      `UPDATE addresses SET ${sets.join(', ')}, updated_at = now() WHERE district_id = $1 AND address_id = $2`,
      params,
    );
    const roomsUpdated = before.level === 'building' ? await carryToRooms(ctx, tx, before, next, changed) : 0;
    await audit(
      { ...ctx, db: tx },
      'address.update',
      { kind: 'address', id: addressId },
      {
        changes: Object.fromEntries(changed.map((key) => [key, { from: before[key], to: next[key] }])),
        roomsUpdated,
      },
    );
    await bumpDataVersion(tx, 'addresses');
  });
  return getAddress(ctx, addressId);
}

/**
 * Applies a building's changes to its rooms where the room had the building's old value; the
 * location (point, grid and its areas) moves as one. Returns how many rooms changed.
 */
async function carryToRooms(
  ctx: Ctx,
  tx: Db,
  before: AddressRecord,
  next: Changes,
  changed: (keyof Changes)[],
): Promise<number> {
  const params: unknown[] = [before.district_id, before.address_id];
  const p = (value: unknown, type: string) => {
    params.push(value);
    return `$${params.length}::${type}`;
  };
  const sets: string[] = [];
  const conditions: string[] = [];
  for (const key of ['estate', 'building'] as const) {
    if (!changed.includes(key)) continue;
    const same = `${key} IS NOT DISTINCT FROM ${p(before[key], 'text')}`;
    sets.push(`${key} = CASE WHEN ${same} THEN ${p(next[key], 'text')} ELSE ${key} END`);
    conditions.push(same);
  }
  if (changed.includes('aliases')) {
    const same = `aliases = ${p(before.aliases, 'text[]')}`;
    sets.push(`aliases = CASE WHEN ${same} THEN ${p(next.aliases, 'text[]')} ELSE aliases END`);
    conditions.push(same);
  }
  if (
    next.grid_id !== undefined &&
    changed.some((key) => key === 'lng' || key === 'lat' || key === 'grid_id')
  ) {
    const same = `(lng, lat, grid_id) IS NOT DISTINCT FROM (${p(before.lng, 'float8')}, ${p(before.lat, 'float8')}, ${p(before.grid_id, 'text')})`;
    const types = {
      lng: 'float8',
      lat: 'float8',
      grid_id: 'text',
      subdistrict_id: 'text',
      community_id: 'text',
    };
    for (const [key, type] of Object.entries(types) as [keyof Changes, string][])
      sets.push(`${key} = CASE WHEN ${same} THEN ${p(next[key], type)} ELSE ${key} END`);
    conditions.push(same);
  }
  if (sets.length === 0) return 0;
  // A room placed in another grid than its building is left alone when that grid is outside the scope.
  const scope = await areaConditions(tx, ctx.actor, undefined, params);
  const rows = await tx.query(
    `UPDATE addresses SET ${sets.join(', ')}, updated_at = now()
      WHERE ${['district_id = $1', 'parent_id = $2', `(${conditions.join(' OR ')})`, ...scope.where].join(' AND ')}
      RETURNING address_id`,
    params,
  );
  return rows.length;
}

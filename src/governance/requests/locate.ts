// Where a report is: from a point, from a free-text address matched to the standard library, or
// both. With both, the point wins (it is usually the reporter's phone on the spot) and a distance over
// 300 m to the matched address is kept as a conflict for the command centre to look at.
import type { Db } from '../../db/db.ts';
import { currentMatchIndex } from '../../foundation/address/match/index.ts';
import { type MatchResult, matchAddress } from '../../foundation/address/match/match.ts';
import { bboxOf, distanceM } from '../../foundation/areas/geometry.ts';
import { type AreaLocator, cachedLocator } from '../../foundation/areas/locator.ts';
import { invalidInput } from '../../lib/errors.ts';
import { LOCATION_CONFLICT_M, type RequestLocation } from './model.ts';

const locators = new WeakMap<Db, { get: (via?: Db) => Promise<AreaLocator>; last?: AreaLocator }>();

/**
 * The process's area locator for this database (or a transaction on it), rebuilt when the tree
 * changes. Outside a transaction the locator in hand answers at once while the once-a-second check
 * for a changed tree runs beside it: requests never queue behind that query.
 */
export function areaLocator(db: Db): Promise<AreaLocator> {
  let entry = locators.get(db.root);
  if (!entry) {
    entry = { get: cachedLocator(db.root) };
    locators.set(db.root, entry);
  }
  if (db.inTransaction) return entry.get(db);
  const e = entry;
  const checked = e.get(db).then((locator) => {
    e.last = locator;
    return locator;
  });
  if (!e.last) return checked;
  checked.catch(() => {});
  return Promise.resolve(e.last);
}

export interface Placement {
  location: RequestLocation;
  /** The matcher's answer for the address, when one was given (for the review queue). */
  match: MatchResult | null;
}

export async function placeRequest(
  db: Db,
  input: { lng?: number | undefined; lat?: number | undefined; address?: string | undefined },
): Promise<Placement> {
  const locator = await areaLocator(db);
  let match: MatchResult | null = null;
  let addressPoint: [number, number] | null = null;
  if (input.address) {
    // The index is cached per database object: the root's, unless a caller's transaction must be used.
    match = matchAddress(await currentMatchIndex(db.inTransaction ? db : db.root), input.address);
    if (match.status === 'matched' && match.address_id)
      addressPoint = await addressCoordinates(db, locator, match.address_id, match.grid_id);
  }
  const point: [number, number] | null =
    input.lng !== undefined && input.lat !== undefined ? [input.lng, input.lat] : null;
  const at = point ?? addressPoint;
  if (!at) {
    const candidates = match?.candidates ?? [];
    throw invalidInput(
      `the address "${input.address}" could not be placed (${match?.status ?? 'unmatched'}${match?.reason ? `: ${match.reason}` : ''}); give lng and lat or a fuller address`,
      candidates.slice(0, 5).map((c) => ({ field: 'address', reason: `candidate ${c.address_id}` })),
    );
  }
  // An address alone is placed in the grid the library gives it; a point by point-in-polygon.
  const libraryGrid = !point && match?.grid_id ? locator.get(match.grid_id) : undefined;
  const area = libraryGrid ?? locator.locateArea(at[0], at[1]);
  if (!area)
    throw invalidInput(
      `the location (${at[0]}, ${at[1]}) lies outside the district: no area of the tree contains it`,
      [{ field: point ? 'lat' : 'address', reason: 'outside the district' }],
    );
  const chain = locator.chainOf(area.id) ?? {};
  const gap = point && addressPoint ? distanceM(point, addressPoint) : null;
  return {
    match,
    location: {
      lng: at[0],
      lat: at[1],
      source: point && input.address ? 'point_and_address' : point ? 'point' : 'address',
      districtId: chain.district?.id ?? locator.pathOf(area.id)[0] ?? area.id,
      subdistrictId: chain.subdistrict?.id ?? null,
      communityId: chain.community?.id ?? null,
      gridId: area.id,
      address: input.address
        ? {
            text: input.address,
            addressId: match?.status === 'matched' ? match.address_id : null,
            match: match?.status ?? null,
          }
        : null,
      conflictM: gap !== null && gap > LOCATION_CONFLICT_M ? Math.round(gap) : null,
    },
  };
}

/** A matched address's point: its own, its building's, or the middle of its grid. */
async function addressCoordinates(
  db: Db,
  locator: AreaLocator,
  addressId: string,
  gridId: string | null,
): Promise<[number, number] | null> {
  const [row] = await db.query<{ lng: number | null; lat: number | null }>(
    `SELECT coalesce(a.lng, b.lng) AS lng, coalesce(a.lat, b.lat) AS lat
       FROM addresses a LEFT JOIN addresses b ON b.address_id = a.parent_id
      WHERE a.address_id = $1`,
    [addressId],
  );
  if (row?.lng != null && row.lat != null) return [row.lng, row.lat];
  const grid = gridId ? locator.get(gridId) : undefined;
  if (!grid) return null;
  const [x0, y0, x1, y1] = bboxOf(grid.geometry);
  return [(x0 + x1) / 2, (y0 + y1) / 2];
}

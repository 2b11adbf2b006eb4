// Exports the address library as the import CSV (DESIGN.md §4): importing the output back changes
// nothing. Buildings come first, then rooms, so every room follows its building; each level is
// read in key order in batches, so memory stays flat however large the district.
import { type Ctx, requirePermission } from '../access/context.ts';
import { loadLocator } from '../areas/locator.ts';
import { ADDRESS_COLUMNS, ADDRESS_LEVELS, csvRecord, joinAliases } from './format.ts';
import type { AddressRecord } from './queries.ts';
import { areaConditions } from './scope.ts';

const EXPORT_BATCH_ROWS = 10_000;

type ExportRow = Omit<AddressRecord, 'updated_at'>;

/**
 * CSV text in pieces (the header, then batches of rows): the addresses within `areaId` when given,
 * and always within the actor's scope.
 */
export async function* exportAddresses(
  ctx: Ctx,
  options: { areaId?: string | undefined } = {},
): AsyncGenerator<string> {
  requirePermission(ctx, 'addresses:read');
  const { where, params } = await areaConditions(ctx.db, ctx.actor, options.areaId);
  const locator = await loadLocator(ctx.db);
  const nameOf = (id: string | null) => (id ? (locator.get(id)?.name ?? '') : '');

  yield csvRecord(ADDRESS_COLUMNS);
  for (const level of ADDRESS_LEVELS) {
    let after: [string, string] = ['', ''];
    for (;;) {
      const n = params.length;
      const rows = await ctx.db.query<ExportRow>(
        `SELECT district_id, address_id, level, parent_id, subdistrict_id, community_id, grid_id, road, road_no,
                estate, building, entrance, floor, room, aliases, lng, lat
           FROM addresses
          WHERE ${[...where, `level = $${n + 1}`, `(district_id, address_id) > ($${n + 2}, $${n + 3})`].join(' AND ')}
          ORDER BY district_id, address_id
          LIMIT ${EXPORT_BATCH_ROWS}`,
        [...params, level, ...after],
      );
      if (rows.length === 0) break;
      yield rows
        .map((r) =>
          csvRecord([
            r.address_id,
            r.level,
            r.parent_id,
            nameOf(r.subdistrict_id),
            nameOf(r.community_id),
            r.road,
            r.road_no,
            r.estate,
            r.building,
            r.entrance,
            r.floor,
            r.room,
            joinAliases(r.aliases),
            r.lng,
            r.lat,
            r.grid_id,
          ]),
        )
        .join('');
      const last = rows.at(-1)!;
      after = [last.district_id, last.address_id];
    }
  }
}

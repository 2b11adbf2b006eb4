// addresses.csv in the standard-address interchange format (DESIGN.md §4): each building row followed
// by its rooms, some rows without grid_id (the importer locates them from the point) and the planted
// bad rows among them.
import { ADDRESS_COLUMNS, type AddressColumn } from '../foundation/address/format.ts';
import { type DemoBuilding, type DemoRoom, roomsOf } from './addresses.ts';
import { openCsv } from './csv.ts';
import type { DemoDistrict } from './model.ts';

export type AddressRow = Record<AddressColumn, string>;

export interface AreaNames {
  subdistrict: ReadonlyMap<string, string>;
  community: ReadonlyMap<string, string>;
}

export function areaNames(district: Pick<DemoDistrict, 'subdistricts' | 'communities'>): AreaNames {
  return {
    subdistrict: new Map(district.subdistricts.map((a) => [a.id, a.name])),
    community: new Map(district.communities.map((a) => [a.id, a.name])),
  };
}

export function buildingRow(b: DemoBuilding, names: AreaNames): AddressRow {
  return {
    address_id: b.id,
    level: 'building',
    parent_id: '',
    subdistrict: names.subdistrict.get(b.subdistrictId)!,
    community: names.community.get(b.communityId)!,
    road: b.road,
    road_no: b.roadNo,
    estate: b.estate,
    building: b.building,
    entrance: '',
    floor: '',
    room: '',
    aliases: b.aliases.join('|'),
    lng: b.lng.toFixed(6),
    lat: b.lat.toFixed(6),
    grid_id: b.gridId,
  };
}

export function roomRow(b: DemoBuilding, room: DemoRoom, names: AreaNames): AddressRow {
  return {
    ...buildingRow(b, names),
    address_id: room.id,
    level: 'room',
    parent_id: b.id,
    entrance: room.entrance,
    floor: room.floor,
    room: room.room,
    aliases: '',
  };
}

export interface AddressFileStats {
  /** Data rows, header excluded. */
  rows: number;
  buildings: number;
  rooms: number;
  rowsWithoutGridId: number;
  /** Row numbers (1-based, header not counted, as import problems count) of the planted bad rows. */
  errorRows: number[];
}

export async function writeAddresses(district: DemoDistrict, path: string): Promise<AddressFileStats> {
  const names = areaNames(district);
  const { withoutGridId, errors } = district.addressFile;
  const errorsAfter = new Map<number, number[]>();
  errors.forEach((error, i) => {
    errorsAfter.set(error.afterBuilding, [...(errorsAfter.get(error.afterBuilding) ?? []), i]);
  });
  const csv = openCsv(path, ADDRESS_COLUMNS);
  const stats: AddressFileStats = { rows: 0, buildings: 0, rooms: 0, rowsWithoutGridId: 0, errorRows: [] };
  const put = async (row: AddressRow) => {
    await csv.write(ADDRESS_COLUMNS.map((column) => row[column]));
    stats.rows++;
    if (row.grid_id === '') stats.rowsWithoutGridId++;
  };
  for (const [index, b] of district.buildings.entries()) {
    const blank = withoutGridId.has(b.id);
    const building = buildingRow(b, names);
    await put(blank ? { ...building, grid_id: '' } : building);
    stats.buildings++;
    for (const room of roomsOf(b)) {
      const row = roomRow(b, room, names);
      await put(blank ? { ...row, grid_id: '' } : row);
      stats.rooms++;
    }
    for (const i of errorsAfter.get(index) ?? []) {
      await put(errors[i]!.row);
      stats.errorRows[i] = csv.rows;
    }
  }
  await csv.close();
  return stats;
}

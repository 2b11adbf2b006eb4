// How the address library arrives from the bureau: most rows complete, some without grid_id (the
// importer must locate them from the point), and a few planted bad rows that the import must reject.
// The bad rows and their reasons go to truth/ so a benchmark can check every one was caught.

import type { AddressColumn } from '../foundation/address/format.ts';
import type { DemoBuilding } from './addresses.ts';
import type { DemoAreas } from './areas.ts';
import { createRng } from './random.ts';
import { type AddressRow, areaNames, buildingRow, roomRow } from './write-addresses.ts';

export interface PlantedAddressError {
  /** The bad row follows this building (an index into the buildings) and its rooms. */
  afterBuilding: number;
  row: AddressRow;
  field: AddressColumn;
  reason: string;
}

export interface AddressFilePlan {
  /** Buildings whose rows (the building's and its rooms') leave grid_id empty. */
  withoutGridId: ReadonlySet<string>;
  errors: PlantedAddressError[];
}

/** Share of buildings delivered without grid_id. */
const WITHOUT_GRID_SHARE = 0.05;

export function planAddressFile(
  seed: number,
  areas: DemoAreas,
  buildings: readonly DemoBuilding[],
): AddressFilePlan {
  const rng = createRng(seed, 'address-file');
  const withoutGridId = new Set(buildings.filter(() => rng.chance(WITHOUT_GRID_SHARE)).map((b) => b.id));
  const names = areaNames(areas);
  // Each bad row copies a real building, under a building sequence (9999x) no grid reaches.
  const bad = (field: AddressColumn, reason: string, change: (b: DemoBuilding) => Partial<AddressRow>) => {
    const afterBuilding = rng.int(0, buildings.length - 1);
    const b = buildings[afterBuilding]!;
    return { afterBuilding, field, reason, row: { ...buildingRow(b, names), ...change(b) } };
  };
  const errors: PlantedAddressError[] = [
    bad('parent_id', 'parent building does not exist', (b) => {
      const room = roomRow(b, { id: '', entrance: '', floor: '3', room: '301' }, names);
      return { ...room, address_id: `${b.gridId}99999000001`, parent_id: `${b.gridId}99999` };
    }),
    bad('lng', 'longitude out of range', (b) => ({
      address_id: `${b.gridId}99998`,
      lng: (b.lng + 100).toFixed(6), // a typo'd leading digit: 214.05
    })),
    bad('community', 'no such community in the area tree', (b) => ({
      address_id: `${b.gridId}99997`,
      community: '沙河社区', // a Nanshan community
    })),
    bad('grid_id', 'empty, and the point lies outside every grid', (b) => ({
      address_id: `${b.gridId}99996`,
      lng: '114.125000', // in Luohu, east of the district
      lat: '22.548000',
      grid_id: '',
    })),
    bad('grid_id', 'no such grid', (b) => ({
      address_id: `${b.gridId}99995`,
      grid_id: `${b.communityId}00`, // grid sequences start at 01
    })),
    bad('level', 'level must be building or room', (b) => ({
      address_id: `${b.gridId}99994`,
      level: '楼栋',
    })),
  ];
  return { withoutGridId, errors };
}

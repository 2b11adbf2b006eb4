// The standard address library as the messy-address generator sees it: buildings with their rooms,
// read from the address CSV of DESIGN.md §4, and exact structured look-ups used to check that the
// text we write still names exactly one building (and room). This is ground truth bookkeeping, not
// matching: every look-up compares whole library values, never parsed text.
import { csvRecords } from '../../lib/csv.ts';
import { invalidInput } from '../../lib/errors.ts';

export interface LibBuilding {
  id: string;
  subdistrict: string;
  community: string;
  road: string;
  roadNo: string;
  estate: string;
  building: string;
  aliases: string[];
  rooms: LibRoom[];
}

export interface LibRoom {
  id: string;
  entrance: string;
  floor: string;
  room: string;
  building: LibBuilding;
}

/** What a written address pins down, in library values. Absent keys constrain nothing. */
export interface BuildingKeys {
  road?: string;
  roadNo?: string;
  /** An estate name or one of the building's aliases. */
  name?: string;
  building?: string;
}

export interface Library {
  buildings: LibBuilding[];
  rooms: LibRoom[];
  subdistricts: string[];
  /** Community names by subdistrict name. */
  communities: Map<string, string[]>;
  /** Every road, estate, alias and building label: typos must not land on one of these. */
  names: Set<string>;
  /** Buildings whose keys are exactly these, in file order. */
  find(keys: BuildingKeys): LibBuilding[];
}

const REQUIRED = ['address_id', 'level', 'parent_id', 'subdistrict', 'community'] as const;

/** Reads the address CSV text (header row, columns by name). Rooms whose building is missing are skipped. */
export function loadLibrary(csvText: string): Library {
  const records = csvRecords(csvText);
  const header = records.next().value?.map((h) => h.trim()) ?? [];
  for (const column of REQUIRED) {
    if (!header.includes(column)) throw invalidInput(`address CSV: no ${column} column`);
  }
  const index = new Map(header.map((name, i) => [name, i]));
  const cell = (row: string[], name: string) => {
    const i = index.get(name);
    return i === undefined ? '' : (row[i] ?? '').trim();
  };

  const byId = new Map<string, LibBuilding>();
  // Rooms may come before their building: keep only what a room needs until all buildings are read.
  const pending: { parent: string; room: Omit<LibRoom, 'building'> }[] = [];
  for (const row of records) {
    const level = cell(row, 'level');
    if (level === 'room') {
      const room = cell(row, 'room');
      if (room) {
        pending.push({
          parent: cell(row, 'parent_id'),
          room: {
            id: cell(row, 'address_id'),
            entrance: cell(row, 'entrance'),
            floor: cell(row, 'floor'),
            room,
          },
        });
      }
    } else if (level === 'building') {
      const id = cell(row, 'address_id');
      if (!id) continue;
      byId.set(id, {
        id,
        subdistrict: cell(row, 'subdistrict'),
        community: cell(row, 'community'),
        road: cell(row, 'road'),
        roadNo: cell(row, 'road_no'),
        estate: cell(row, 'estate'),
        building: cell(row, 'building'),
        aliases: [
          ...new Set(
            cell(row, 'aliases')
              .split('|')
              .map((a) => a.trim())
              .filter(Boolean),
          ),
        ],
        rooms: [],
      });
    }
  }
  const rooms: LibRoom[] = [];
  for (const { parent, room } of pending) {
    const building = byId.get(parent);
    if (!building) continue;
    const entry: LibRoom = { ...room, building };
    building.rooms.push(entry);
    rooms.push(entry);
  }
  return indexLibrary([...byId.values()], rooms);
}

function indexLibrary(buildings: LibBuilding[], rooms: LibRoom[]): Library {
  const byDoor = new Map<string, LibBuilding[]>();
  const byName = new Map<string, LibBuilding[]>();
  const byRoad = new Map<string, LibBuilding[]>();
  const communities = new Map<string, string[]>();
  const names = new Set<string>();
  const push = (map: Map<string, LibBuilding[]>, key: string, b: LibBuilding) => {
    const list = map.get(key);
    if (list) {
      if (list[list.length - 1] !== b) list.push(b);
    } else map.set(key, [b]);
  };
  for (const b of buildings) {
    if (b.road && b.roadNo) push(byDoor, doorKey(b.road, b.roadNo), b);
    if (b.road) push(byRoad, b.road, b);
    for (const name of [b.estate, ...b.aliases]) if (name) push(byName, name, b);
    for (const name of [b.road, b.estate, b.building, ...b.aliases]) if (name) names.add(name);
    if (b.subdistrict) {
      const list = communities.get(b.subdistrict) ?? [];
      if (b.community && !list.includes(b.community)) list.push(b.community);
      communities.set(b.subdistrict, list);
    }
  }
  const find = (keys: BuildingKeys): LibBuilding[] => {
    const pool =
      keys.road && keys.roadNo
        ? byDoor.get(doorKey(keys.road, keys.roadNo))
        : keys.name
          ? byName.get(keys.name)
          : keys.road
            ? byRoad.get(keys.road)
            : buildings;
    return (pool ?? []).filter(
      (b) =>
        (keys.road === undefined || b.road === keys.road) &&
        (keys.roadNo === undefined || b.roadNo === keys.roadNo) &&
        (keys.name === undefined || b.estate === keys.name || b.aliases.includes(keys.name)) &&
        (keys.building === undefined || b.building === keys.building),
    );
  };
  return { buildings, rooms, subdistricts: [...communities.keys()], communities, names, find };
}

const doorKey = (road: string, roadNo: string) => `${road}\u0000${roadNo}`;

/** Rooms of `building` written as `room` (and `entrance`, when given). */
export function findRooms(building: LibBuilding, room: string, entrance?: string): LibRoom[] {
  return building.rooms.filter((r) => r.room === room && (entrance === undefined || r.entrance === entrance));
}

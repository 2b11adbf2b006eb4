// Buildings and rooms of the demo district: estates (residential compounds, office towers, mixed) and
// urban-village buildings, filled into each grid until it holds its share of rooms. Rooms are not stored:
// `roomsOf` expands a building on demand, so scale 1 (~600,000 rooms) stays small in memory.
import type { DemoArea, DemoAreas } from './areas.ts';
import {
  ESTATE_WORDS,
  GENERIC_SUFFIXES,
  LANDMARKS,
  type Landmark,
  MIXED_SUFFIXES,
  OFFICE_COMMUNITIES,
  OFFICE_SUFFIXES,
  OLD_ESTATE_SUFFIXES,
  PHASES,
  RESIDENTIAL_SUFFIXES,
  ROAD_NUMBER_START,
  ROADS_BY_SUBDISTRICT,
  URBAN_VILLAGES,
  type UrbanVillage,
} from './names.ts';
import { createRng, type Rng } from './random.ts';
import { round6 } from './tiling.ts';

export type BuildingKind = 'village' | 'lowrise' | 'highrise' | 'office' | 'annex';

export interface DemoBuilding {
  /** 19 digits: grid code + 5-digit sequence. */
  id: string;
  kind: BuildingKind;
  subdistrictId: string;
  communityId: string;
  gridId: string;
  road: string;
  roadNo: string;
  /** Estate, tower complex or urban village (`石厦村`). */
  estate: string;
  /** `3栋`, `B座`; empty where the door plate is the building (urban villages, single towers). */
  building: string;
  aliases: string[];
  lng: number;
  lat: number;
  floors: number;
  /** Entrances (单元) with their own room numbering; 0 when the building has none. */
  entrances: number;
  roomsPerFloor: number;
  /** Floors 4, 13 and 14 are labelled 3A, 12A and 13A, as many Shenzhen towers do. */
  skipsUnluckyFloors: boolean;
}

export interface DemoRoom {
  /** 25 digits: building code + 6-digit sequence. */
  id: string;
  entrance: string;
  floor: string;
  room: string;
}

export function roomCount(b: Pick<DemoBuilding, 'entrances' | 'floors' | 'roomsPerFloor'>): number {
  return Math.max(1, b.entrances) * b.floors * b.roomsPerFloor;
}

export function floorLabel(b: DemoBuilding, floor: number): string {
  if (b.skipsUnluckyFloors && (floor === 4 || floor === 13 || floor === 14)) return `${floor - 1}A`;
  return String(floor);
}

export function* roomsOf(b: DemoBuilding): Generator<DemoRoom> {
  let seq = 0;
  for (let e = 1; e <= Math.max(1, b.entrances); e++) {
    const entrance = b.entrances > 0 ? `${e}单元` : '';
    for (let f = 1; f <= b.floors; f++) {
      const floor = floorLabel(b, f);
      for (let u = 1; u <= b.roomsPerFloor; u++) {
        seq++;
        yield { id: `${b.id}${String(seq).padStart(6, '0')}`, entrance, floor, room: `${floor}${pad2(u)}` };
      }
    }
  }
}

type Development = 'village' | 'lowrise' | 'highrise' | 'office' | 'mixed';

/** What gets built where: villages in village communities, towers in the CBD, old low-rise estates in 园岭/华富. */
function developmentMix(community: DemoArea, village: UrbanVillage | undefined): Record<Development, number> {
  if (village) return { village: 6, lowrise: 1.5, highrise: 2, office: 0.5, mixed: 0 };
  if (OFFICE_COMMUNITIES.has(community.id))
    return { village: 0, lowrise: 1.5, highrise: 3, office: 4, mixed: 1.5 };
  if (
    community.parentId === '440304002' ||
    community.parentId === '440304009' ||
    community.name.includes('村')
  )
    return { village: 0, lowrise: 6, highrise: 2, office: 0.5, mixed: 0.5 };
  return { village: 0, lowrise: 6, highrise: 2.5, office: 1, mixed: 0.5 };
}

/** Shared across the district while generating: door-plate counters and the estate names in use. */
interface Registry {
  roadNumbers: Map<string, { odd: number; even: number }>;
  /** Landmark door plates (`益田路3013`) no generated estate may take. */
  reservedPlates: Set<string>;
  laneNumbers: Map<string, number>;
  estateNames: Set<string>;
}

export function buildAddresses(seed: number, areas: DemoAreas): DemoBuilding[] {
  const registry: Registry = {
    roadNumbers: new Map(),
    reservedPlates: new Set(LANDMARKS.map((l) => `${l.road}${l.roadNo}`)),
    laneNumbers: new Map(),
    estateNames: new Set(LANDMARKS.map((l) => l.estate)),
  };
  const communities = new Map(areas.communities.map((c) => [c.id, c]));
  const villages = new Map(URBAN_VILLAGES.map((v) => [v.community, v]));
  const seenCommunities = new Set<string>();
  const buildings: DemoBuilding[] = [];
  for (const grid of areas.grids) {
    const community = communities.get(grid.parentId!)!;
    const firstGrid = !seenCommunities.has(community.id);
    seenCommunities.add(community.id);
    const landmarks = firstGrid ? LANDMARKS.filter((l) => l.community === community.id) : [];
    const rng = createRng(seed, `addresses/${grid.id}`);
    buildings.push(...fillGrid(rng, registry, grid, community, villages.get(community.id), landmarks));
  }
  return buildings;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

type Draft = Omit<DemoBuilding, 'id' | 'subdistrictId' | 'communityId' | 'gridId' | 'lng' | 'lat'>;

function fillGrid(
  rng: Rng,
  registry: Registry,
  grid: DemoArea,
  community: DemoArea,
  village: UrbanVillage | undefined,
  landmarks: readonly Landmark[],
): DemoBuilding[] {
  const rect = grid.rect!;
  // Points stay well inside the grid, so rounding to 1e-6° never moves one onto or over an edge.
  const mx = Math.max((rect.east - rect.west) * 0.08, 2e-5);
  const my = Math.max((rect.north - rect.south) * 0.08, 2e-5);
  const inner = {
    west: rect.west + mx,
    south: rect.south + my,
    east: rect.east - mx,
    north: rect.north - my,
  };
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const out: DemoBuilding[] = [];
  let rooms = 0;
  const place = (drafts: Draft[]) => {
    const cx = rng.float(inner.west, inner.east);
    const cy = rng.float(inner.south, inner.north);
    for (const draft of drafts) {
      out.push({
        ...draft,
        id: `${grid.id}${String(out.length + 1).padStart(5, '0')}`,
        subdistrictId: community.parentId!,
        communityId: community.id,
        gridId: grid.id,
        lng: round6(clamp(cx + rng.float(-4e-4, 4e-4), inner.west, inner.east)),
        lat: round6(clamp(cy + rng.float(-4e-4, 4e-4), inner.south, inner.north)),
      });
      rooms += roomCount(draft);
    }
  };
  for (const landmark of landmarks) place(landmarkBuildings(rng, landmark));

  const roads = ROADS_BY_SUBDISTRICT[community.parentId!]!;
  const gridRoads = [rng.pick(roads), rng.pick(roads)];
  const gridLanes = village ? [rng.pick(village.lanes), rng.pick(village.lanes)] : [];
  for (let misses = 0; misses < 6 && rooms < grid.rooms; ) {
    const drafts: Draft[] = [];
    let pending = 0;
    // A building joins only while the grid is at most half of it short of its target, so totals come
    // out unbiased instead of always overshooting by the last building. Every grid gets one at least.
    const admit = (draft: Draft): boolean => {
      const size = roomCount(draft);
      if (out.length + drafts.length > 0 && rooms + pending + size / 2 > grid.rooms) return false;
      drafts.push(draft);
      pending += size;
      return true;
    };
    const kind = rng.weighted(developmentMix(community, village));
    if (kind === 'village') villageBuildings(rng, registry, village!, rng.pick(gridLanes), admit);
    else estateBuildings(rng, registry, kind, rng.pick(gridRoads), admit);
    if (drafts.length === 0) misses++;
    else place(drafts);
  }
  return out;
}

type Admit = (draft: Draft) => boolean;

/** Hand-built 握手楼 (handshake buildings): mostly 6–8 storeys. */
const VILLAGE_FLOORS = [5, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 9];

function villageBuildings(rng: Rng, registry: Registry, village: UrbanVillage, lane: string, admit: Admit) {
  const count = rng.int(4, 12);
  for (let i = 0; i < count; i++) {
    const number = (registry.laneNumbers.get(lane) ?? 0) + rng.int(1, 2);
    const ok = admit({
      kind: 'village',
      road: lane,
      roadNo: String(number),
      estate: village.name,
      building: '',
      aliases: [],
      floors: rng.pick(VILLAGE_FLOORS),
      entrances: 0,
      roomsPerFloor: rng.int(2, 4),
      skipsUnluckyFloors: false,
    });
    if (!ok) return;
    registry.laneNumbers.set(lane, number);
  }
}

function estateBuildings(
  rng: Rng,
  registry: Registry,
  kind: Exclude<Development, 'village'>,
  road: string,
  admit: Admit,
) {
  const suffixes = {
    lowrise: OLD_ESTATE_SUFFIXES,
    highrise: RESIDENTIAL_SUFFIXES,
    office: OFFICE_SUFFIXES,
    mixed: MIXED_SUFFIXES,
  }[kind];
  const estate = estateName(rng, registry, suffixes);
  const admitInEstate: Admit = (draft) => {
    if (!admit(draft)) return false;
    registry.estateNames.add(estate);
    return true;
  };
  const roadNo = nextRoadNumber(rng, registry, road);
  const aliases = rng.chance(kind === 'lowrise' ? 0.08 : 0.15) ? aliasesOf(rng, estate, kind) : [];
  const base = { road, roadNo, estate, aliases, skipsUnluckyFloors: false };
  const letters = rng.chance(0.3);
  const name = (i: number) => (letters ? `${String.fromCharCode(65 + i)}栋` : `${i + 1}栋`);
  if (kind === 'lowrise') {
    const count = rng.int(2, 8);
    for (let i = 0; i < count; i++) {
      const draft: Draft = {
        ...base,
        kind: 'lowrise',
        building: name(i),
        floors: rng.int(6, 9),
        entrances: rng.pick([0, 0, 2, 2, 3]),
        roomsPerFloor: rng.chance(0.8) ? 2 : 3,
      };
      if (!admitInEstate(draft)) return;
    }
    return;
  }
  if (kind === 'highrise') {
    const count = rng.int(1, 4);
    for (let i = 0; i < count; i++) {
      const entrances = rng.chance(0.2) ? 2 : 0;
      const draft: Draft = {
        ...base,
        kind: 'highrise',
        building: name(i),
        floors: rng.int(18, 34),
        entrances,
        roomsPerFloor: entrances ? 2 : rng.int(2, 4),
        skipsUnluckyFloors: rng.chance(0.3),
      };
      if (!admitInEstate(draft)) return;
    }
    // Shops, a kindergarten or a clubhouse beside the towers.
    if (rng.chance(0.6))
      admitInEstate({
        ...base,
        kind: 'annex',
        building: name(count),
        floors: rng.int(2, 4),
        entrances: 0,
        roomsPerFloor: rng.int(1, 3),
      });
    return;
  }
  const towers = kind === 'mixed' ? rng.int(2, 3) : rng.pick([1, 1, 1, 1, 2, 2, 3]);
  for (let i = 0; i < towers; i++) {
    const residential = kind === 'mixed' && i > 0;
    const draft: Draft = {
      ...base,
      kind: residential ? 'highrise' : 'office',
      building: towers === 1 ? '' : `${String.fromCharCode(65 + i)}座`,
      floors: residential ? rng.int(20, 34) : rng.int(20, 50),
      entrances: 0,
      roomsPerFloor: residential ? rng.int(2, 4) : rng.int(2, 6),
      skipsUnluckyFloors: rng.chance(0.4),
    };
    if (!admitInEstate(draft)) return;
  }
}

function landmarkBuildings(rng: Rng, landmark: Landmark): Draft[] {
  return landmark.buildings.map((building) => ({
    kind: 'office',
    road: landmark.road,
    roadNo: landmark.roadNo,
    estate: landmark.estate,
    building,
    aliases: [...landmark.aliases],
    floors: landmark.floors,
    entrances: 0,
    roomsPerFloor: rng.int(4, 8),
    skipsUnluckyFloors: false,
  }));
}

/** A name no estate uses yet; the caller registers it once a building is admitted. */
function estateName(rng: Rng, registry: Registry, suffixes: readonly string[]): string {
  let name = '';
  for (let attempt = 0; attempt < 40; attempt++) {
    name = `${rng.pick(ESTATE_WORDS)}${rng.pick(suffixes)}`;
    if (attempt >= 20) name += rng.pick(PHASES);
    if (!registry.estateNames.has(name)) break;
  }
  for (let n = 2; registry.estateNames.has(name); n++) name = `${name.replace(/\d+$/, '')}${n}`;
  return name;
}

/** `华强广场` → `华强`, sometimes with another generic ending: `华强大厦`. */
function aliasesOf(rng: Rng, estate: string, kind: Exclude<Development, 'village'>): string[] {
  const suffix = GENERIC_SUFFIXES.find((s) => estate.endsWith(s) && estate.length - s.length >= 2);
  if (!suffix) return [];
  const short = estate.slice(0, -suffix.length);
  const aliases = [short];
  const other = kind === 'office' || kind === 'mixed' ? '大厦' : '小区';
  if (rng.chance(0.5) && !estate.endsWith(other)) aliases.push(`${short}${other}`);
  return aliases;
}

/** Door numbers run odd on one side of a road and even on the other, with gaps between plates. */
function nextRoadNumber(rng: Rng, registry: Registry, road: string): string {
  let counter = registry.roadNumbers.get(road);
  if (!counter) {
    const start = ROAD_NUMBER_START[road] ?? 1;
    counter = { odd: start | 1, even: (start | 1) + 1 };
    registry.roadNumbers.set(road, counter);
  }
  const side = rng.chance(0.5) ? 'odd' : 'even';
  let number = counter[side];
  while (registry.reservedPlates.has(`${road}${number}`)) number += 2;
  counter[side] = number + 2 * rng.int(1, 8);
  return String(number);
}

// The demo's area tree: Futian's real subdistricts and communities (national statistics codes), laid
// out roughly where they are, and grids sized so that scale 1 gives Futian's ~1,990 grids.
import type { Polygon } from '../foundation/areas/geometry.ts';
import type { AreaLevel } from '../foundation/areas/locator.ts';
import divisions from './data/futian-divisions.json' with { type: 'json' };
import { URBAN_VILLAGES } from './names.ts';
import { createRng } from './random.ts';
import { coveragePolygons, outlinePolygon, type Rect, round6, splitRect } from './tiling.ts';

/** Scale 1 is the real district. */
export const ROOMS_AT_SCALE_1 = 600_000;
export const GRIDS_AT_SCALE_1 = 1_990;
/** Grid codes have two digits for the sequence within a community. */
const MAX_GRIDS_PER_COMMUNITY = 99;

export interface DemoArea {
  id: string;
  name: string;
  level: AreaLevel;
  parentId: string | null;
  geometry: Polygon;
  /** The area's rectangle; the district is their union, so it has none. */
  rect: Rect | null;
  /** Rooms the area holds at this scale (a target the address generator fills). */
  rooms: number;
}

export interface DemoAreas {
  district: DemoArea;
  subdistricts: DemoArea[];
  communities: DemoArea[];
  grids: DemoArea[];
}

/**
 * Subdistrict rectangles in 0.001° from (114.000 E, 22.500 N): 沙头/福保 south-west/south, 香蜜湖 west,
 * 梅林 north, 莲花 north-centre, 福田/华富 centre, 华强北/园岭 east, 南园 south-east. Together about 78 km²
 * between 113.992–114.104 E and 22.504–22.586 N. `people` is the 2020 population in 10,000s, rounded:
 * it sets each subdistrict's share of rooms.
 */
const LAYOUT: Readonly<
  Record<string, { west: number; south: number; east: number; north: number; people: number }>
> = {
  '440304001': { west: 78, south: 22, east: 104, north: 41, people: 12 }, // 南园
  '440304002': { west: 94, south: 41, east: 104, north: 72, people: 11 }, // 园岭
  '440304004': { west: 40, south: 22, east: 78, north: 41, people: 27 }, // 福田
  '440304005': { west: -8, south: 12, east: 40, north: 38, people: 24 }, // 沙头
  '440304006': { west: 5, south: 38, east: 40, north: 64, people: 16 }, // 香蜜湖
  '440304007': { west: 25, south: 64, east: 82, north: 86, people: 19 }, // 梅林
  '440304008': { west: 40, south: 41, east: 70, north: 64, people: 15 }, // 莲花
  '440304009': { west: 70, south: 52, east: 94, north: 64, people: 10 }, // 华富
  '440304010': { west: 40, south: 4, east: 78, north: 22, people: 11 }, // 福保
  '440304011': { west: 70, south: 41, east: 94, north: 52, people: 8 }, // 华强北
};

const lng = (units: number) => round6(114 + units / 1000);
const lat = (units: number) => round6(22.5 + units / 1000);
const pad2 = (n: number) => String(n).padStart(2, '0');

const VILLAGE_COMMUNITIES = new Set(URBAN_VILLAGES.map((v) => v.community));

export function buildAreas(seed: number, scale: number): DemoAreas {
  const rng = createRng(seed, 'areas');
  const totalPeople = Object.values(LAYOUT).reduce((sum, s) => sum + s.people, 0);
  const totalRooms = ROOMS_AT_SCALE_1 * scale;
  const district: Omit<DemoArea, 'geometry'> = {
    id: divisions.district.code,
    name: divisions.district.name,
    level: 'district',
    parentId: null,
    rect: null,
    rooms: 0,
  };
  const subdistricts: Omit<DemoArea, 'geometry'>[] = [];
  const communities: Omit<DemoArea, 'geometry'>[] = [];
  const grids: Omit<DemoArea, 'geometry'>[] = [];

  for (const sub of divisions.subdistricts) {
    const layout = LAYOUT[sub.code];
    if (!layout) throw new Error(`no layout for subdistrict ${sub.code}`);
    const rect = {
      west: lng(layout.west),
      south: lat(layout.south),
      east: lng(layout.east),
      north: lat(layout.north),
    };
    const subRooms = (totalRooms * layout.people) / totalPeople;
    subdistricts.push({
      id: sub.code,
      name: sub.name,
      level: 'subdistrict',
      parentId: district.id,
      rect,
      rooms: 0,
    });

    // A community's land share and its density vary independently; urban villages are denser.
    const land = sub.communities.map(() => rng.float(0.6, 1.5));
    const people = sub.communities.map(
      (c, i) => land[i]! * rng.float(0.7, 1.4) * (VILLAGE_COMMUNITIES.has(c.code) ? 1.6 : 1),
    );
    const peopleTotal = people.reduce((a, b) => a + b, 0);
    const communityRects = splitRect(rect, land);
    sub.communities.forEach((c, i) => {
      const rooms = (subRooms * people[i]!) / peopleTotal;
      communities.push({
        id: c.code,
        name: c.name,
        level: 'community',
        parentId: sub.code,
        rect: communityRects[i]!,
        rooms,
      });
      const gridCount = Math.min(
        MAX_GRIDS_PER_COMMUNITY,
        Math.max(1, Math.round((GRIDS_AT_SCALE_1 * rooms) / ROOMS_AT_SCALE_1)),
      );
      const gridRng = rng.fork(c.code);
      const weights = Array.from({ length: gridCount }, () => gridRng.float(0.7, 1.3));
      const weightTotal = weights.reduce((a, b) => a + b, 0);
      splitRect(communityRects[i]!, weights).forEach((gridRect, g) => {
        grids.push({
          id: `${c.code}${pad2(g + 1)}`,
          name: `${c.name}第${pad2(g + 1)}网格`,
          level: 'grid',
          parentId: c.code,
          rect: gridRect,
          rooms: Math.max(1, Math.round((rooms * weights[g]!) / weightTotal)),
        });
      });
    });
  }

  // Parents hold what their children hold, so counts add up at every level.
  const sumRooms = (parents: Omit<DemoArea, 'geometry'>[], children: Omit<DemoArea, 'geometry'>[]) => {
    const byId = new Map(parents.map((p) => [p.id, p]));
    for (const child of children) byId.get(child.parentId!)!.rooms += child.rooms;
  };
  for (const c of communities) c.rooms = 0;
  sumRooms(communities, grids);
  sumRooms(subdistricts, communities);
  sumRooms([district], subdistricts);

  const withGeometry = (areas: Omit<DemoArea, 'geometry'>[]): DemoArea[] => {
    const polygons = coveragePolygons(areas.map((a) => a.rect!));
    return areas.map((a, i) => ({ ...a, geometry: polygons[i]! }));
  };
  return {
    district: { ...district, geometry: outlinePolygon(subdistricts.map((s) => s.rect!)) },
    subdistricts: withGeometry(subdistricts),
    communities: withGeometry(communities),
    grids: withGeometry(grids),
  };
}

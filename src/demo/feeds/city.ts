// Urban management's two registers: city components (城市部件: manhole covers, lamps, hydrants, trees…)
// surveyed grid by grid with codes in the layout of CJ/T 214-2007 (district 6 + major class 2 + minor
// class 2 + sequence 6), and illegal-construction cases (违法建设), mostly rooftop additions in the urban
// villages and the old low-rise estates.

import type { DemoBuilding } from '../addresses.ts';
import { roomsOf } from '../addresses.ts';
import type { DemoArea } from '../areas.ts';
import { createRng } from '../random.ts';
import { DELIVERY_1, dayOf, yearOf } from './dates.ts';
import { picker } from './draw.ts';
import type { Place } from './population.ts';
import { placeId } from './population.ts';
import type { Party, Property } from './property.ts';

export interface ComponentType {
  major: string;
  majorName: string;
  minor: string;
  name: string;
  agency: string;
  maintainer: string;
  weight: number;
}

const type = (
  major: string,
  majorName: string,
  minor: string,
  name: string,
  agency: string,
  maintainer: string,
  weight: number,
): ComponentType => ({ major, majorName, minor, name, agency, maintainer, weight });

/** Classes after CJ/T 214-2007; the minor numbers are the demo's own. */
export const COMPONENT_TYPES: readonly ComponentType[] = [
  type('01', '公用设施', '01', '上水井盖', '深圳市水务局', '深圳市水务（集团）有限公司', 8),
  type('01', '公用设施', '02', '污水井盖', '深圳市水务局', '深圳市水务（集团）有限公司', 10),
  type('01', '公用设施', '03', '雨水井盖', '福田区水务局', '福田区水务工程养护中心', 10),
  type('01', '公用设施', '05', '电力井盖', '深圳供电局有限公司', '深圳供电局福田供电分局', 7),
  type('01', '公用设施', '07', '通信井盖', '深圳市通信管理局', '中国电信股份有限公司深圳分公司', 6),
  type('01', '公用设施', '11', '燃气井盖', '深圳市住房和建设局', '深圳市燃气集团股份有限公司', 4),
  type('01', '公用设施', '16', '消防栓', '福田区消防救援大队', '深圳市水务（集团）有限公司', 4),
  type('01', '公用设施', '23', '路灯', '福田区城市管理和综合执法局', '福田区城市照明管理所', 20),
  type('02', '道路交通', '01', '公交站亭', '深圳市交通运输局', '深圳巴士集团股份有限公司', 1.5),
  type(
    '02',
    '道路交通',
    '07',
    '交通信号灯',
    '深圳市公安局交通警察局福田大队',
    '深圳市交通信号设施管理中心',
    1.5,
  ),
  type('02', '道路交通', '12', '电子眼', '深圳市公安局交通警察局福田大队', '深圳市交通信号设施管理中心', 1),
  type('03', '市容环境', '02', '果皮箱', '福田区城市管理和综合执法局', '福田区环境卫生管理所', 8),
  type('03', '市容环境', '05', '公共厕所', '福田区城市管理和综合执法局', '福田区环境卫生管理所', 0.5),
  type('04', '园林绿化', '01', '行道树', '福田区城市管理和综合执法局', '福田区园林绿化管理所', 18),
];

export const COMPONENT_STATES = { 完好: 92, 破损: 4, 丢失: 0.5, 被占用: 2, 废弃: 1.5 } as const;
export type ComponentState = keyof typeof COMPONENT_STATES;

export interface CityComponent {
  code: string;
  type: ComponentType;
  gridId: string;
  /** The building the location is described from. */
  near: DemoBuilding;
  direction: string;
  /** WGS84. */
  lng: number;
  lat: number;
  state: ComponentState;
  surveyed: number;
  updated: number;
}

/** Components per room of the grid: scale 1 has about 250,000. */
const PER_ROOM = 0.42;
const DIRECTIONS = ['东侧', '西侧', '南侧', '北侧', '门口', '对面', '东北角', '西南角'];

export function buildComponents(
  seed: number,
  grids: readonly DemoArea[],
  buildings: readonly DemoBuilding[],
): CityComponent[] {
  const rng = createRng(seed, 'feeds/components');
  const byGrid = new Map<string, DemoBuilding[]>();
  for (const b of buildings) {
    const list = byGrid.get(b.gridId) ?? [];
    list.push(b);
    byGrid.set(b.gridId, list);
  }
  const typeOf = picker(Object.fromEntries(COMPONENT_TYPES.map((t, i) => [String(i), t.weight])));
  const stateOf = picker(COMPONENT_STATES);
  const seqs = new Map<ComponentType, number>();
  const components: CityComponent[] = [];
  for (const grid of grids) {
    const near = byGrid.get(grid.id);
    if (!near) continue;
    const count = Math.round(grid.rooms * PER_ROOM * rng.float(0.8, 1.2));
    for (let i = 0; i < count; i++) {
      const t = COMPONENT_TYPES[Number(typeOf(rng))]!;
      const seq = (seqs.get(t) ?? 0) + 1;
      seqs.set(t, seq);
      const building = rng.pick(near);
      const surveyed = dayOf(rng.int(2019, 2023), rng.int(1, 12), rng.int(1, 28));
      components.push({
        code: `440304${t.major}${t.minor}${String(seq).padStart(6, '0')}`,
        type: t,
        gridId: grid.id,
        near: building,
        direction: rng.pick(DIRECTIONS),
        // Within ~60 m of the building: still inside its grid, as the building sits well inside.
        lng: Math.round((building.lng + rng.float(-5e-4, 5e-4)) * 1e6) / 1e6,
        lat: Math.round((building.lat + rng.float(-5e-4, 5e-4)) * 1e6) / 1e6,
        state: stateOf(rng),
        surveyed,
        updated: rng.chance(0.4) ? rng.int(surveyed, DELIVERY_1) : surveyed,
      });
    }
  }
  return components;
}

export const CONSTRUCTION_TYPES = [
  '楼顶加建',
  '天台搭建',
  '阳台外扩',
  '占用公共空间搭建',
  '违规加层',
  '搭建铁皮房',
  '封闭架空层',
];
export const CASE_STATES = ['立案调查', '责令整改', '限期拆除', '已拆除', '已结案'] as const;

export interface IllegalConstruction {
  id: string;
  place: Place;
  party: Party;
  type: string;
  area: number;
  found: number;
  state: (typeof CASE_STATES)[number];
  measure: string;
  closed: number | null;
  team: string;
}

const CASES_AT_SCALE_1 = 5_000;

export function buildCases(
  seed: number,
  scale: number,
  buildings: readonly DemoBuilding[],
  property: Property,
  subdistrictNames: ReadonlyMap<string, string>,
): IllegalConstruction[] {
  const rng = createRng(seed, 'feeds/cases');
  const pools = {
    village: buildings.filter((b) => b.kind === 'village'),
    lowrise: buildings.filter((b) => b.kind === 'lowrise'),
    highrise: buildings.filter((b) => b.kind === 'highrise'),
  };
  const kindOf = picker({ village: 60, lowrise: 30, highrise: 10 });
  const count = Math.round(CASES_AT_SCALE_1 * scale);
  const cases: IllegalConstruction[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kindOf(rng);
    if (pools[kind].length === 0) continue;
    const building = rng.pick(pools[kind]);
    const place = topRoom(building, kind === 'village');
    const ownership =
      property.ownerships[property.ownerOf.get(placeId(place)) ?? property.ownerOf.get(building.id) ?? -1];
    if (!ownership) continue;
    const found = rng.int(dayOf(2023, 1, 1), DELIVERY_1 - 1);
    const state = rng.pick(CASE_STATES);
    const done = state === '已拆除' || state === '已结案';
    cases.push(newCase(rng, cases.length, place, ownership.owners[0]!, found, state, done, subdistrictNames));
  }
  return cases;
}

export function newCase(
  rng: ReturnType<typeof createRng>,
  index: number,
  place: Place,
  party: Party,
  found: number,
  state: IllegalConstruction['state'],
  done: boolean,
  subdistrictNames: ReadonlyMap<string, string>,
  type?: string,
): IllegalConstruction {
  const year = yearOf(found);
  const construction = type ?? rng.pick(CONSTRUCTION_TYPES);
  return {
    id: `福城违建〔${year}〕${String(index + 1).padStart(5, '0')}号`,
    place,
    party,
    type: construction,
    area: Math.round(rng.float(4, 80) * 10) / 10,
    found,
    state,
    measure: state === '立案调查' ? '调查取证' : state === '责令整改' ? '责令限期整改' : '依法拆除',
    closed: done ? Math.min(DELIVERY_1, found + rng.int(20, 200)) : null,
    team: `${subdistrictNames.get(place.building.subdistrictId) ?? ''}执法队`,
  };
}

/** Rooftop additions sit on the top floor: the building itself for a village house. */
function topRoom(building: DemoBuilding, whole: boolean): Place {
  if (whole) return { building, room: null };
  let last = null;
  for (const room of roomsOf(building)) last = room;
  return { building, room: last };
}

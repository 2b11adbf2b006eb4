// A small library for matcher tests, written straight into the tables as an import leaves them:
// one district with two subdistricts, estates with towers, an urban village of numbered lanes, an
// old estate whose entrances repeat room numbers, estates sharing a short name, and single towers.
import { bumpDataVersion } from '../../../db/data-versions.ts';
import { csvLine, type Db } from '../../../db/db.ts';
import { type BoxArea, insertBoxAreas } from '../../areas/testing.ts';

export const AREAS = {
  district: '440304',
  fubao: '440304010',
  mingyue: '440304010004',
  mingyueGrid: '44030401000401',
  shixia: '440304010003',
  shixiaGrid: '44030401000301',
  huaqiangbei: '440304011',
  fuqiang: '440304011006',
  fuqiangGrid: '44030401100601',
} as const;

const TREE: BoxArea[] = [
  [AREAS.district, '福田区', 'district', null, [114.0, 22.5, 114.04, 22.54]],
  [AREAS.fubao, '福保街道', 'subdistrict', AREAS.district, [114.0, 22.5, 114.02, 22.54]],
  [AREAS.mingyue, '明月社区', 'community', AREAS.fubao, [114.0, 22.5, 114.02, 22.52]],
  [AREAS.mingyueGrid, '明月社区第01网格', 'grid', AREAS.mingyue, [114.0, 22.5, 114.02, 22.52]],
  [AREAS.shixia, '石厦社区', 'community', AREAS.fubao, [114.0, 22.52, 114.02, 22.54]],
  [AREAS.shixiaGrid, '石厦社区第01网格', 'grid', AREAS.shixia, [114.0, 22.52, 114.02, 22.54]],
  [AREAS.huaqiangbei, '华强北街道', 'subdistrict', AREAS.district, [114.02, 22.5, 114.04, 22.54]],
  [AREAS.fuqiang, '福强社区', 'community', AREAS.huaqiangbei, [114.02, 22.5, 114.04, 22.54]],
  [AREAS.fuqiangGrid, '福强社区第01网格', 'grid', AREAS.fuqiang, [114.02, 22.5, 114.04, 22.54]],
];

export interface FixtureBuilding {
  id: string;
  grid: string;
  road: string;
  roadNo: string;
  estate: string;
  building: string;
  aliases?: string[];
  /** [entrance, floor, room] */
  rooms: [string, string, string][];
}

const tower = (floors: string[]): [string, string, string][] =>
  floors.flatMap((f) => ['01', '02'].map((u): [string, string, string] => ['', f, `${f}${u}`]));

export const BUILDINGS: FixtureBuilding[] = [
  {
    id: 'NF-A',
    grid: AREAS.mingyueGrid,
    road: '益田路',
    roadNo: '3013',
    estate: '南方国际广场',
    building: 'A座',
    aliases: ['南方国际'],
    rooms: tower(['12', '12A', '23']),
  },
  {
    id: 'NF-B',
    grid: AREAS.mingyueGrid,
    road: '益田路',
    roadNo: '3013',
    estate: '南方国际广场',
    building: 'B座',
    aliases: ['南方国际'],
    rooms: tower(['12', '23']),
  },
  {
    id: 'SX-5',
    grid: AREAS.shixiaGrid,
    road: '石厦北二街',
    roadNo: '5',
    estate: '石厦村',
    building: '',
    rooms: [
      ['', '1', '101'],
      ['', '2', '201'],
    ],
  },
  {
    id: 'SX-7',
    grid: AREAS.shixiaGrid,
    road: '石厦北二街',
    roadNo: '7',
    estate: '石厦村',
    building: '',
    rooms: [['', '1', '101']],
  },
  {
    id: 'HQ-A',
    grid: AREAS.fuqiangGrid,
    road: '华强北路',
    roadNo: '1019',
    estate: '华强广场',
    building: 'A座',
    aliases: ['华强', '华强广场大厦'],
    rooms: tower(['38']),
  },
  {
    id: 'HQ-B',
    grid: AREAS.fuqiangGrid,
    road: '华强北路',
    roadNo: '1019',
    estate: '华强广场',
    building: 'B座',
    aliases: ['华强', '华强广场大厦'],
    rooms: tower(['38']),
  },
  {
    id: 'FH-1',
    grid: AREAS.mingyueGrid,
    road: '福华路',
    roadNo: '100',
    estate: '福华新村',
    building: '1栋',
    rooms: [
      ['1单元', '2', '201'],
      ['2单元', '2', '201'],
      ['1单元', '3', '301'],
    ],
  },
  {
    id: 'FH-2',
    grid: AREAS.mingyueGrid,
    road: '福华路',
    roadNo: '100',
    estate: '福华新村',
    building: '2栋',
    rooms: [['1单元', '2', '201']],
  },
  {
    id: 'JD',
    grid: AREAS.mingyueGrid,
    road: '益田路',
    roadNo: '3001',
    estate: '金地大厦',
    building: '',
    rooms: [['', '10', '1001']],
  },
  // A second lane of the village: door 5 is on both lanes, door 9 on this one only.
  {
    id: 'SX3-5',
    grid: AREAS.shixiaGrid,
    road: '石厦北三街',
    roadNo: '5',
    estate: '石厦村',
    building: '',
    rooms: [['', '1', '101']],
  },
  {
    id: 'SX3-9',
    grid: AREAS.shixiaGrid,
    road: '石厦北三街',
    roadNo: '9',
    estate: '石厦村',
    building: '',
    rooms: [['', '2', '201']],
  },
  // 福华 is the short name of 福华新村, 福华花园 and 福华大厦 alike.
  {
    id: 'FHY-1',
    grid: AREAS.mingyueGrid,
    road: '福华路',
    roadNo: '200',
    estate: '福华花园',
    building: '1栋',
    rooms: [['', '1', '101']],
  },
  {
    id: 'FHD',
    grid: AREAS.mingyueGrid,
    road: '福华路',
    roadNo: '1',
    estate: '福华大厦',
    building: '',
    rooms: [['', '5', '501']],
  },
];

const COMMUNITY_OF: Record<string, [subdistrict: string, community: string]> = {
  [AREAS.mingyueGrid]: [AREAS.fubao, AREAS.mingyue],
  [AREAS.shixiaGrid]: [AREAS.fubao, AREAS.shixia],
  [AREAS.fuqiangGrid]: [AREAS.huaqiangbei, AREAS.fuqiang],
};

/** Room ids: the building id, entrance and room (`NF-B-2301`, `FH-1-2-201`). */
export function roomId(building: string, room: string, entrance = ''): string {
  return [building, entrance.replace('单元', ''), room].filter(Boolean).join('-');
}

export async function seedMatchLibrary(db: Db): Promise<void> {
  await insertBoxAreas(db, TREE);
  const addressLines: string[] = [];
  for (const b of BUILDINGS) {
    const [subdistrict, community] = COMMUNITY_OF[b.grid]!;
    const common = [AREAS.district, subdistrict, community, b.grid];
    addressLines.push(
      csvLine([
        b.id,
        'building',
        null,
        ...common,
        b.road,
        b.roadNo,
        b.estate,
        b.building || null,
        null,
        null,
        null,
        b.aliases ?? [],
      ]),
    );
    for (const [entrance, floor, room] of b.rooms)
      addressLines.push(
        csvLine([
          roomId(b.id, room, entrance),
          'room',
          b.id,
          ...common,
          b.road,
          b.roadNo,
          b.estate,
          b.building || null,
          entrance || null,
          floor,
          room,
          [],
        ]),
      );
  }
  await db.transaction(async (tx) => {
    await tx.copyFrom(
      `COPY addresses (address_id, level, parent_id, district_id, subdistrict_id, community_id, grid_id,
         road, road_no, estate, building, entrance, floor, room, aliases) FROM STDIN WITH (FORMAT csv)`,
      addressLines.join(''),
    );
    await bumpDataVersion(tx, 'addresses');
  });
}

// A small standard address CSV (DESIGN.md §4) with real Futian names, for the messy-set tests:
// estates with lettered and numbered buildings, entrances that repeat room numbers, an alias,
// rooms like 12A, urban-village door plates, and a building with no rooms on file.

const HEADER =
  'address_id,level,parent_id,subdistrict,community,road,road_no,estate,building,entrance,floor,room,aliases,lng,lat,grid_id';

interface FixtureBuilding {
  subdistrict: string;
  community: string;
  /** 12-digit community code. */
  code: string;
  road: string;
  roadNo: string;
  estate: string;
  building: string;
  aliases: string[];
  entrances: string[];
  floors: number;
  /** Room suffixes per floor: `01`, `02` → 2301, 2302; `A`, `B` → 12A, 12B. */
  doors: string[];
}

const FUBAO = '福保街道';
const SHATOU = '沙头街道';
const HUAQIANGBEI = '华强北街道';

const BUILDINGS: FixtureBuilding[] = [
  ...['A座', 'B座'].map((building) => ({
    subdistrict: FUBAO,
    community: '明月社区',
    code: '440304010004',
    road: '益田路',
    roadNo: '3013',
    estate: '南方国际广场',
    building,
    aliases: ['南方国际', '南方国际大厦'],
    entrances: [],
    floors: 30,
    doors: ['01', '02', '03', '04', '05', '06'],
  })),
  ...['1栋', '2栋', '3栋', '12栋'].map((building) => ({
    subdistrict: FUBAO,
    community: '益田社区',
    code: '440304010002',
    road: '福强路',
    roadNo: '4001',
    estate: '益田村',
    building,
    aliases: [],
    entrances: ['1单元', '2单元'],
    floors: 8,
    doors: ['01', '02'],
  })),
  ...['5', '7', '9'].map((roadNo) => ({
    subdistrict: FUBAO,
    community: '石厦社区',
    code: '440304010003',
    road: '石厦北二街',
    roadNo,
    estate: '',
    building: '',
    aliases: [],
    entrances: [],
    floors: 7,
    doors: ['01', '02'],
  })),
  {
    subdistrict: SHATOU,
    community: '天安社区',
    code: '440304005040',
    road: '泰然九路',
    roadNo: '1',
    estate: '天安数码时代大厦',
    building: '主楼',
    aliases: ['天安数码大厦'],
    entrances: [],
    floors: 20,
    doors: ['A', 'B', 'C', 'D'],
  },
  ...['A座', 'B座'].map((building) => ({
    subdistrict: HUAQIANGBEI,
    community: '华航社区',
    code: '440304011002',
    road: '华强北路',
    roadNo: '1019',
    estate: '华强广场',
    building,
    aliases: ['华强', '华强广场大厦'],
    entrances: [],
    floors: 25,
    doors: ['01', '02', '03', '04'],
  })),
  {
    subdistrict: '福田街道',
    community: '岗厦社区',
    code: '440304004030',
    road: '岗厦东三坊',
    roadNo: '12',
    estate: '',
    building: '',
    aliases: [],
    entrances: [],
    floors: 0,
    doors: [],
  },
];

/** The fixture library as CSV text: 14 buildings, about 1,400 rooms. */
export function fixtureLibraryCsv(): string {
  const lines = [HEADER];
  BUILDINGS.forEach((b, i) => {
    const id = `${b.code}01${String(i + 1).padStart(5, '0')}`;
    const place = [b.subdistrict, b.community, b.road, b.roadNo, b.estate, b.building];
    lines.push(
      [id, 'building', '', ...place, '', '', '', b.aliases.join('|'), '114.05', '22.52', ''].join(','),
    );
    let n = 0;
    for (const entrance of b.entrances.length > 0 ? b.entrances : ['']) {
      for (let floor = 1; floor <= b.floors; floor++) {
        for (const door of b.doors) {
          n++;
          const roomId = `${id}${String(n).padStart(6, '0')}`;
          const room = `${floor}${door}`;
          lines.push([roomId, 'room', id, ...place, entrance, floor, room, '', '', '', ''].join(','));
        }
      }
    }
  });
  return `${lines.join('\n')}\n`;
}

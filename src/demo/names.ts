// Names for the demo district. Roads and urban villages are real Futian names, listed under the
// subdistrict they (roughly) run through; village lanes, estates and towers are plausible inventions.

/** Real roads by subdistrict code. A road crossing several subdistricts is listed under each. */
export const ROADS_BY_SUBDISTRICT: Readonly<Record<string, readonly string[]>> = {
  // 南园
  '440304001': ['深南中路', '红岭南路', '华强南路', '上步南路', '南园路', '滨河大道', '福华路'],
  // 园岭
  '440304002': [
    '红岭中路',
    '红荔路',
    '八卦一路',
    '八卦二路',
    '八卦三路',
    '八卦四路',
    '百花二路',
    '上步中路',
    '笋岗西路',
    '泥岗西路',
  ],
  // 福田
  '440304004': [
    '深南大道',
    '福华路',
    '福华一路',
    '福华三路',
    '益田路',
    '金田路',
    '民田路',
    '彩田路',
    '皇岗路',
    '福民路',
    '福强路',
    '滨河大道',
    '福星路',
  ],
  // 沙头
  '440304005': [
    '深南大道',
    '滨河大道',
    '新洲路',
    '沙嘴路',
    '福荣路',
    '福强路',
    '泰然四路',
    '泰然九路',
    '金地一路',
    '农轩路',
  ],
  // 香蜜湖
  '440304006': [
    '香蜜湖路',
    '侨香路',
    '农林路',
    '农园路',
    '红荔西路',
    '深南大道',
    '香梅路',
    '侨城东路',
    '紫竹七道',
    '香林路',
  ],
  // 梅林
  '440304007': ['梅林路', '梅华路', '梅村路', '中康路', '凯丰路', '北环大道', '彩田路', '皇岗路', '新洲路'],
  // 莲花
  '440304008': [
    '莲花路',
    '福中路',
    '福中一路',
    '红荔路',
    '景田路',
    '新洲路',
    '商报路',
    '益田路',
    '金田路',
    '彩田路',
    '北环大道',
    '香梅路',
  ],
  // 华富
  '440304009': ['华富路', '莲花路', '红荔路', '笋岗西路', '泥岗西路', '皇岗路', '彩田路', '燕南路'],
  // 福保
  '440304010': ['福强路', '福荣路', '益田路', '福民路', '桂花路', '红花路', '市花路', '金田路', '皇岗路'],
  // 华强北
  '440304011': [
    '华强北路',
    '振华路',
    '振兴路',
    '振中路',
    '燕南路',
    '中航路',
    '红荔路',
    '深南中路',
    '华发北路',
    '上步中路',
  ],
};

/** Long roads whose door numbers in Futian run in the thousands; others start at 1. */
export const ROAD_NUMBER_START: Readonly<Record<string, number>> = {
  深南大道: 6001,
  深南中路: 2001,
  滨河大道: 5001,
  北环大道: 7001,
  益田路: 3001,
  红荔路: 1001,
  红荔西路: 7001,
  香蜜湖路: 1001,
  新洲路: 1,
  皇岗路: 3001,
  彩田路: 3001,
  金田路: 3001,
};

export interface UrbanVillage {
  /** The community the village lies in. */
  community: string;
  name: string;
  /** Lanes whose door plates number the village's buildings one by one (`石厦北二街5号`). */
  lanes: readonly string[];
}

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二'];

/** `lanes('下沙', '坊', 8)` → 下沙一坊 … 下沙八坊. */
function lanes(prefix: string, suffix: string, count: number): string[] {
  return NUMERALS.slice(0, count).map((n) => `${prefix}${n}${suffix}`);
}

/** Futian's urban villages (城中村), by community code. */
export const URBAN_VILLAGES: readonly UrbanVillage[] = [
  {
    community: '440304005026',
    name: '上沙村',
    lanes: [...lanes('上沙东村', '巷', 6), ...lanes('上沙椰树村', '巷', 4)],
  },
  { community: '440304005036', name: '下沙村', lanes: lanes('下沙', '坊', 8) },
  {
    community: '440304005033',
    name: '沙尾村',
    lanes: [...lanes('沙尾东村', '巷', 5), ...lanes('沙尾西村', '巷', 4)],
  },
  { community: '440304005024', name: '沙嘴村', lanes: lanes('沙嘴', '坊', 6) },
  { community: '440304005023', name: '新洲村', lanes: lanes('新洲', '街', 11) },
  { community: '440304005021', name: '沙头村', lanes: lanes('沙头', '巷', 5) },
  {
    community: '440304010003',
    name: '石厦村',
    lanes: [...lanes('石厦北', '街', 5), ...lanes('石厦西村', '巷', 3)],
  },
  { community: '440304004030', name: '岗厦村', lanes: lanes('岗厦村东', '坊', 6) },
  {
    community: '440304004034',
    name: '皇岗村',
    lanes: [...lanes('皇岗上围', '坊', 4), ...lanes('皇岗下围', '坊', 4)],
  },
  { community: '440304004028', name: '水围村', lanes: lanes('水围', '街', 6) },
  { community: '440304004029', name: '渔农村', lanes: lanes('渔农村', '巷', 5) },
  { community: '440304004033', name: '福田村', lanes: lanes('福田村', '坊', 6) },
  { community: '440304007025', name: '上梅林村', lanes: lanes('上梅林村', '巷', 5) },
  { community: '440304007022', name: '下梅林村', lanes: lanes('下梅林', '街', 4) },
  { community: '440304001031', name: '赤尾村', lanes: lanes('赤尾村', '坊', 5) },
  { community: '440304001019', name: '沙埔头村', lanes: lanes('沙埔头', '巷', 4) },
  { community: '440304009006', name: '田面村', lanes: lanes('田面村', '坊', 4) },
];

/** Communities dominated by office towers (the CBD, 车公庙, 华强北, the bonded zone). */
export const OFFICE_COMMUNITIES: ReadonlySet<string> = new Set([
  '440304008001', // 福中
  '440304004022', // 福华
  '440304004023', // 福安
  '440304004036', // 福南
  '440304005040', // 天安
  '440304010002', // 益田
  '440304010005', // 福保
  '440304011001', // 华红
  '440304011002', // 华航
  '440304011006', // 福强
]);

/** Two-character words estates are named from. */
export const ESTATE_WORDS: readonly string[] = words(
  '福华 福景 福莲 华富 华茂 景田 景蜜 莲花 香蜜 香榭 荔景 荔园 彩福 彩虹 碧海 碧云 翠海 金地 金海 金城 天安 天健 星河 新天 城市 中海 鹏盛 鹏程 宏业 泰然 嘉汇 怡景 雅园 锦绣 丽阳 德福 信和 恒福 瑞和 百花 园岭 梅林 梅岭 上林 紫荆 海滨 滨江 南华 南天 皇庭 时代 世纪 东方 港丽 新港 益田 明月 福安 福民 福源 福星 万福 祥和 安华 康欣 兴华 振华 华林 华红 通新 荔村 竹林 竹园 香岭 香梅 侨香 农园 东海 金碧 翠湾 新华 梅富 梅京 梅丰 新阁 翰岭 锦龙 鹏福 嘉麟 华盛 长城 天骄 御景 中城 金众 景鹏 福盈 华业 鸿福 银庄 深业 中银 国投 卓越',
);

export const RESIDENTIAL_SUFFIXES: readonly string[] = words(
  '花园 苑 华庭 家园 名苑 雅居 豪庭 公寓 山庄 御园 阁 华府 嘉园 名居',
);
/** Older low-rise compounds (1980s–90s): 园岭新村, 莲花北村… */
export const OLD_ESTATE_SUFFIXES: readonly string[] = words('新村 小区 住宅区 花园 宿舍');
export const OFFICE_SUFFIXES: readonly string[] = words(
  '大厦 中心 广场 国际大厦 商务中心 金融中心 科技大厦 商务大厦 国际中心 时代广场',
);
export const MIXED_SUFFIXES: readonly string[] = words('广场 城 中心 大厦 汇');
/** Suffixes an alias drops or swaps: `华强广场` is also called `华强`. */
export const GENERIC_SUFFIXES: readonly string[] = [
  ...new Set([...OFFICE_SUFFIXES, ...MIXED_SUFFIXES, ...RESIDENTIAL_SUFFIXES, ...OLD_ESTATE_SUFFIXES]),
].sort((a, b) => b.length - a.length);
/** Phases that keep a repeated estate name unique: `莲花花园二期`. */
export const PHASES: readonly string[] = ['二期', '三期', '东区', '西区', '南区', '北区', '四期', '五期'];

export interface Landmark {
  community: string;
  estate: string;
  road: string;
  roadNo: string;
  buildings: readonly string[];
  floors: number;
  aliases: readonly string[];
}

/** Fixed examples the docs can point at, e.g. DESIGN.md's `益田路3013号南方国际B座2301房`. */
export const LANDMARKS: readonly Landmark[] = [
  {
    community: '440304010004', // 明月
    estate: '南方国际广场',
    road: '益田路',
    roadNo: '3013',
    buildings: ['A座', 'B座'],
    floors: 32,
    aliases: ['南方国际'],
  },
  {
    community: '440304011006', // 福强
    estate: '华强广场',
    road: '华强北路',
    roadNo: '1019',
    buildings: ['A座', 'B座'],
    floors: 38,
    aliases: ['华强', '华强广场大厦'],
  },
];

// The parser's vocabulary: the library's own names (roads, estates and their aliases, areas) in a
// character trie, plus the administrative names of China the parser needs to recognise an address
// in another district or city. Built from data, so a newly imported district needs no code change.
import { nameKey, toSimplified } from './normalise.ts';

export type LexKind = 'prov' | 'city' | 'district' | 'town' | 'community' | 'road' | 'poi';

export interface LexEntry {
  kind: LexKind;
  /** Index into the caller's table for this kind (roads, pois, areas); -1 for built-in names. */
  ref: number;
  /** The canonical name, as the library spells it. */
  value: string;
  /** A short form (`益田` for `益田路`, `南方国际` for `南方国际广场`): usable only in context. */
  short: boolean;
  /** An administrative area outside the library (another district, city or province). */
  outside: boolean;
}

export interface TrieNode {
  /** By character code: lookups allocate no one-character strings. */
  next: Map<number, TrieNode>;
  entries?: LexEntry[];
  /** The kinds among `entries` (KIND_BITS), and the entries of each kind when they are mixed. */
  kinds: number;
  byKind?: Map<number, LexEntry[]>;
}

/** One bit per kind of entry a name can be (a road's or estate's short form apart). */
export const KIND_BITS = {
  road: 1,
  roadShort: 2,
  poi: 4,
  poiShort: 8,
  town: 16,
  community: 32,
  admin: 64,
} as const;

function kindBit(e: LexEntry): number {
  switch (e.kind) {
    case 'road':
      return e.short ? KIND_BITS.roadShort : KIND_BITS.road;
    case 'poi':
      return e.short ? KIND_BITS.poiShort : KIND_BITS.poi;
    case 'town':
      return KIND_BITS.town;
    case 'community':
      return KIND_BITS.community;
    default:
      return KIND_BITS.admin;
  }
}

/** The entries of `node` of the kinds in `bits`: the same list object every time. */
export function entriesOf(node: TrieNode, bits: number): LexEntry[] {
  if ((node.kinds & ~bits) === 0) return node.entries!;
  node.byKind ??= new Map();
  let list = node.byKind.get(bits);
  if (!list) {
    list = node.entries!.filter((e) => (kindBit(e) & bits) !== 0);
    node.byKind.set(bits, list);
  }
  return list;
}

export interface Lexicon {
  root: TrieNode;
  /** The root's children by character code, as a flat array: the scan looks up every character. */
  first: (TrieNode | undefined)[];
  size: number;
}

export interface LexiconName {
  /** How the name is written (any spelling: it is normalised here). */
  name: string;
  kind: LexKind;
  ref: number;
  /** Canonical value; defaults to `name`. */
  value?: string;
  outside?: boolean;
}

/** A name's characters in canonical width, script and case, numerals left as written. */
export function charsOnly(name: string): string {
  return toSimplified(name.normalize('NFKC').toUpperCase()).replace(/\s/g, '');
}

/** What a match at one position can be, longest first. */
export interface LexMatch {
  end: number;
  entries: LexEntry[];
}

/** Road endings people drop: `益田3013号` is 益田路3013号. */
export const ROAD_SUFFIXES = ['大道', '大街', '路', '街', '巷', '道', '坊', '弄'];

/** Generic estate endings people drop or swap: `南方国际` is 南方国际广场, so is `南方国际大厦`. */
export const ESTATE_SUFFIXES = [
  '国际大厦',
  '商务中心',
  '金融中心',
  '科技大厦',
  '商务大厦',
  '国际中心',
  '时代广场',
  '住宅小区',
  '住宅区',
  '写字楼',
  '大厦',
  '大楼',
  '商厦',
  '中心',
  '广场',
  '花园',
  '花苑',
  '雅苑',
  '名苑',
  '华庭',
  '家园',
  '雅居',
  '豪庭',
  '公寓',
  '山庄',
  '御园',
  '华府',
  '嘉园',
  '名居',
  '新村',
  '小区',
  '宿舍',
  '苑',
  '阁',
  '城',
  '汇',
].sort((a, b) => b.length - a.length);

/** The short form of a name without its generic ending, if what remains is still a name. */
export function shortForm(name: string, suffixes: readonly string[], numbered = false): string | undefined {
  const suffix = suffixes.find((s) => name.endsWith(s) && name.length - s.length >= 2);
  if (!suffix) return undefined;
  const short = name.slice(0, -suffix.length);
  // `石厦北2街` without 街 would read as a door number.
  return !numbered && /\d$/.test(short) ? undefined : short;
}

/**
 * How a name can be written, as the lexicon reads it: its canonical key, and for roads and estates
 * the short form without the generic ending. A lane numbered in words keeps them without its suffix
 * (`下沙四坊` → `下沙四`), the spelling that still reads apart from the door number after it.
 */
export function nameSurfaces(name: string, kind: LexKind): { surface: string; short: boolean }[] {
  const surface = nameKey(name);
  const out = [{ surface, short: false }];
  const suffixes = kind === 'road' ? ROAD_SUFFIXES : kind === 'poi' ? ESTATE_SUFFIXES : undefined;
  if (!suffixes) return out;
  const short = shortForm(surface, suffixes);
  if (short) out.push({ surface: short, short: true });
  const spoken = shortForm(charsOnly(name), suffixes, true);
  if (spoken && /[零〇一二三四五六七八九十]$/.test(spoken)) out.push({ surface: spoken, short: true });
  return out;
}

export function buildLexicon(names: readonly LexiconName[]): Lexicon {
  const root: TrieNode = { next: new Map(), kinds: 0 };
  let size = 0;
  const add = (surface: string, entry: LexEntry) => {
    if (surface.length < 2) return;
    let node = root;
    for (let i = 0; i < surface.length; i++) {
      const code = surface.charCodeAt(i);
      let child = node.next.get(code);
      if (!child) {
        child = { next: new Map(), kinds: 0 };
        node.next.set(code, child);
      }
      node = child;
    }
    node.entries ??= [];
    const duplicate = node.entries.some(
      (e) => e.kind === entry.kind && e.ref === entry.ref && e.short === entry.short,
    );
    if (!duplicate) {
      node.entries.push(entry);
      node.kinds |= kindBit(entry);
      size += 1;
    }
  };
  for (const n of names) {
    const entry = { kind: n.kind, ref: n.ref, value: n.value ?? n.name, outside: n.outside ?? false };
    for (const { surface, short } of nameSurfaces(n.name, n.kind)) add(surface, { ...entry, short });
  }
  const first = new Array<TrieNode | undefined>(0x10000).fill(undefined);
  for (const [code, node] of root.next) first[code] = node;
  return { root, first, size };
}

/** Whether the lexicon knows a longer name that starts with text[from, to). */
export function continues(lexicon: Lexicon, text: string, from: number, to: number): boolean {
  let node: TrieNode | undefined = lexicon.root;
  for (let i = from; i < to && node; i++) node = node.next.get(text.charCodeAt(i));
  return node !== undefined && node.next.size > 0;
}

/** Every name that starts at `start`, longest first. */
export function lookup(lexicon: Lexicon, text: string, start: number): LexMatch[] {
  const matches: LexMatch[] = [];
  let node: TrieNode | undefined = lexicon.root;
  for (let i = start; i < text.length; i++) {
    node = node.next.get(text.charCodeAt(i));
    if (!node) break;
    if (node.entries) matches.push({ end: i + 1, entries: node.entries });
  }
  return matches.reverse();
}

// ---- administrative names ---------------------------------------------------------------------

/** Provincial-level divisions by GB/T 2260 code: [code, full name, short name]. */
const PROVINCES: [string, string, string][] = [
  ['11', '北京市', '北京'],
  ['12', '天津市', '天津'],
  ['13', '河北省', '河北'],
  ['14', '山西省', '山西'],
  ['15', '内蒙古自治区', '内蒙古'],
  ['21', '辽宁省', '辽宁'],
  ['22', '吉林省', '吉林'],
  ['23', '黑龙江省', '黑龙江'],
  ['31', '上海市', '上海'],
  ['32', '江苏省', '江苏'],
  ['33', '浙江省', '浙江'],
  ['34', '安徽省', '安徽'],
  ['35', '福建省', '福建'],
  ['36', '江西省', '江西'],
  ['37', '山东省', '山东'],
  ['41', '河南省', '河南'],
  ['42', '湖北省', '湖北'],
  ['43', '湖南省', '湖南'],
  ['44', '广东省', '广东'],
  ['45', '广西壮族自治区', '广西'],
  ['46', '海南省', '海南'],
  ['50', '重庆市', '重庆'],
  ['51', '四川省', '四川'],
  ['52', '贵州省', '贵州'],
  ['53', '云南省', '云南'],
  ['54', '西藏自治区', '西藏'],
  ['61', '陕西省', '陕西'],
  ['62', '甘肃省', '甘肃'],
  ['63', '青海省', '青海'],
  ['64', '宁夏回族自治区', '宁夏'],
  ['65', '新疆维吾尔自治区', '新疆'],
  ['71', '台湾省', '台湾'],
  ['81', '香港特别行政区', '香港'],
  ['82', '澳门特别行政区', '澳门'],
];

/** Cities people name in a Shenzhen address: Guangdong's, and the large ones elsewhere. */
const CITIES: [string, string][] = [
  ['4401', '广州'],
  ['4402', '韶关'],
  ['4403', '深圳'],
  ['4404', '珠海'],
  ['4405', '汕头'],
  ['4406', '佛山'],
  ['4407', '江门'],
  ['4408', '湛江'],
  ['4409', '茂名'],
  ['4412', '肇庆'],
  ['4413', '惠州'],
  ['4414', '梅州'],
  ['4415', '汕尾'],
  ['4416', '河源'],
  ['4417', '阳江'],
  ['4418', '清远'],
  ['4419', '东莞'],
  ['4420', '中山'],
  ['4451', '潮州'],
  ['4452', '揭阳'],
  ['4453', '云浮'],
  ['1301', '石家庄'],
  ['1401', '太原'],
  ['1501', '呼和浩特'],
  ['2101', '沈阳'],
  ['2102', '大连'],
  ['2201', '长春'],
  ['2301', '哈尔滨'],
  ['3201', '南京'],
  ['3202', '无锡'],
  ['3205', '苏州'],
  ['3301', '杭州'],
  ['3302', '宁波'],
  ['3303', '温州'],
  ['3401', '合肥'],
  ['3501', '福州'],
  ['3502', '厦门'],
  ['3601', '南昌'],
  ['3701', '济南'],
  ['3702', '青岛'],
  ['4101', '郑州'],
  ['4201', '武汉'],
  ['4301', '长沙'],
  ['4501', '南宁'],
  ['4601', '海口'],
  ['4602', '三亚'],
  ['5101', '成都'],
  ['5201', '贵阳'],
  ['5301', '昆明'],
  ['5401', '拉萨'],
  ['6101', '西安'],
  ['6201', '兰州'],
  ['6301', '西宁'],
  ['6401', '银川'],
  ['6501', '乌鲁木齐'],
];

/** Shenzhen's districts, the neighbours a Futian address is most often confused with. */
const SHENZHEN_DISTRICTS: [string, string][] = [
  ['440303', '罗湖区'],
  ['440304', '福田区'],
  ['440305', '南山区'],
  ['440306', '宝安区'],
  ['440307', '龙岗区'],
  ['440308', '盐田区'],
  ['440309', '龙华区'],
  ['440310', '坪山区'],
  ['440311', '光明区'],
  ['440312', '大鹏新区'],
];

/**
 * The administrative names the parser knows, each marked inside or outside the library. The
 * library's districts come as area rows; their division codes (when they are codes) give their city
 * and province. A library whose ids are not division codes treats every city and province as
 * neutral, and only districts it does not hold as outside.
 */
export function adminNames(districts: readonly { id: string; name: string }[]): LexiconName[] {
  const ownNames = new Set(districts.map((d) => nameKey(d.name)));
  const codes = districts.map((d) => d.id).filter((id) => /^\d{6}$/.test(id));
  const ownProvinces = new Set(codes.map((c) => c.slice(0, 2)));
  const ownCities = new Set(codes.map((c) => c.slice(0, 4)));
  const known = codes.length > 0;
  const out: LexiconName[] = [];
  for (const [code, full, short] of PROVINCES) {
    const outside = known && !ownProvinces.has(code);
    // Municipalities are cities as much as provinces.
    const kind = full.endsWith('市') ? 'city' : 'prov';
    out.push({ name: full, kind, ref: -1, value: full, outside });
    out.push({ name: short, kind, ref: -1, value: full, outside });
  }
  for (const [code, name] of CITIES) {
    const outside = known && !ownCities.has(code);
    out.push({ name: `${name}市`, kind: 'city', ref: -1, value: `${name}市`, outside });
    out.push({ name, kind: 'city', ref: -1, value: `${name}市`, outside });
  }
  const districtNames = [...SHENZHEN_DISTRICTS.map(([, name]) => name), ...districts.map((d) => d.name)];
  for (const name of new Set(districtNames)) {
    const outside = !ownNames.has(nameKey(name));
    out.push({ name, kind: 'district', ref: -1, value: name, outside });
    const short = name.replace(/新?区$/, '');
    if (short.length >= 2 && short !== name)
      out.push({ name: short, kind: 'district', ref: -1, value: name, outside });
  }
  return out;
}

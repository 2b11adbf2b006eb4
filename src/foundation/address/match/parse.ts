// Free text → address elements with the CCKS 2021 labels, pure. A left-to-right scan over the
// normalised text: at each position the longest name the lexicon knows (roads, estates, areas),
// else a number with its unit (door number, building, entrance, floor, room), else an unknown
// character that joins a span labelled afterwards (an estate the library lacks, or noise).
import {
  ESTATE_SUFFIXES,
  entriesOf,
  KIND_BITS,
  type LexEntry,
  type Lexicon,
  type LexKind,
  lookup,
  ROAD_SUFFIXES,
  type TrieNode,
} from './lexicon.ts';
import { type Noise, normaliseAddress } from './normalise.ts';

export const LABELS = [
  'prov',
  'city',
  'district',
  'devzone',
  'town',
  'community',
  'village_group',
  'road',
  'roadno',
  'intersection',
  'distance',
  'poi',
  'subpoi',
  'houseno',
  'cellno',
  'floorno',
  'roomno',
  'assist',
  'subroad',
  'subroadno',
  'person',
  'redundant',
] as const;
export type Label = (typeof LABELS)[number];

export interface Element {
  label: Label;
  /** The text as written (after normalisation). */
  text: string;
  /** Canonical value: the library's name for a known road or estate, the bare number or letter for units. */
  value: string;
  /** For names the lexicon knew: every library entry the text can mean (one kind). */
  entries?: LexEntry[];
  /** The text was a short form (`益田` for 益田路). */
  short?: boolean;
  /** Where the element starts in the normalised text (unset for noise). */
  start?: number;
}

export interface Parsed {
  /** The normalised text the elements were read from. */
  text: string;
  elements: Element[];
  /** The first administrative name outside the library (`南山区`, `广州市`), if any. */
  outside?: string;
}

const ADMIN_KINDS: ReadonlySet<LexKind> = new Set(['prov', 'city', 'district']);
const LABEL_OF_KIND: Record<LexKind, Label> = {
  prov: 'prov',
  city: 'city',
  district: 'district',
  town: 'town',
  community: 'community',
  road: 'road',
  poi: 'poi',
};

// Sticky patterns, tried at the scan position in this order.
const BUILDING = /(\d+[A-Z]?|[A-Z]\d*|[东南西北中])(?:栋|座)/y;
const ENTRANCE = /(\d+|[A-Z])单元/y;
const LETTER_BEFORE_UNIT = /([A-Z])(?=\d+(?:楼|单元))/y;
const FLOOR_ROOM = /(-?\d+[A-Z]?)楼(\d+[A-Z]?\d*)(?:室|号)?/y;
const FLOOR = /(-?\d+[A-Z]?)楼/y;
const ROOM = /([A-Z]?)(\d+[A-Z]?\d*)室/y;
// A door's sub-number is short: `17-403号` is door 17, room 403.
const NUMBER_HAO = /(\d+)(?:-(\d{1,2}))?号/y;
const PHASE = /(\d+)期|([A-Z]|[东南西北中]|\d+)区/y;
const GROUP = /(\d+)组|村民小组/y;
// Not a number that belongs to a name after it (`泰然4路`, `3坊`) or to a unit (`1-2栋`).
const CODES = /[0-9A-Z]+(?:-[0-9A-Z]+)*(?![0-9A-Z栋单楼室路街巷坊道弄里])/y;
/** Right after a road, `42A2601` is door number 42, building A (号 and 座 left out), then the rest. */
const PLATE_LETTER = /(\d+)([A-Z])(?=\d)/y;
const CONNECTOR = /与|和|交|及|&/y;
const CONNECTOR_WORDS: ReadonlySet<string> = new Set(['与', '和', '交', '及', '&']);
const CROSSING_START: ReadonlySet<string> = new Set('交十路');
const CROSSING = /交叉口|交汇处|交界处|十字路口|路口|交口/y;
const DEVZONE = /[\u4e00-\u9fff]{2,4}?(?:保税区|开发区|高新区|科技园|工业园|产业园|工业区)/y;
const DEVZONE_HINT = /保税区|开发区|高新区|科技园|工业园|产业园|工业区/;
const TOWN = /[\u4e00-\u9fff]{2,4}?街道(?:办事处|办)?/y;
const COMMUNITY = /[\u4e00-\u9fff]{2,4}?社区(?:居委会|居民委员会|工作站|居委)?/y;
const PROVINCE = /[\u4e00-\u9fff]{2,3}?(?:省|自治区)/y;
const CITY = /[\u4e00-\u9fff]{2,4}?(?<![超集门菜夜股都城])市/y;
const COUNTY = /[\u4e00-\u9fff]{2,4}?(?:区|县)/y;
const TOWN_TAIL = /办事处|办/y;
const COMMUNITY_TAIL = /居委会|居民委员会|工作站|居委/y;
/** Digits that read as a door number after a road's short form: `益田3013号`, not `益田3栋`. */
const ROAD_NO_AHEAD = /-?\d+(?:-\d{1,3})?(?:号|$|(?=[^\d栋座楼室单元期区A-Z-]))/y;
const PLACE_END = /[园苑庭居阁轩湾府城厦楼场心寓舍村坊里汇院湖岸台轩墅邸]$/;
const TWO_CJK = /[\u4e00-\u9fff].*[\u4e00-\u9fff]/;
const TWO_CJK_IN_A_ROW = /[\u4e00-\u9fff]{2}/;

function stickyMatch(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

/** Parses one free-text address. `lexicon` carries the library's vocabulary. */
export function parseAddress(raw: string, lexicon: Lexicon): Parsed {
  const { text, noise } = normaliseAddress(raw);
  return parseNormalised(text, noise, lexicon);
}

/** The scan's state, passed to its helpers (no closures per call). */
interface Scan {
  text: string;
  elements: Element[];
  /** The labels read so far. */
  has: Set<Label>;
  /** Where the unknown text being collected starts (-1: none). */
  unknownStart: number;
  /** Still at the administrative names the address starts with. */
  admin: boolean;
  /** The road (or subroad) still waiting for its door number. */
  roadOpen: 'road' | 'subroad' | undefined;
  /** The first administrative name outside the library. */
  outside: string | undefined;
  /** The text holds 街道 / 社区 at all. */
  towns: boolean;
  communities: boolean;
}

function flushUnknown(scan: Scan, end: number, next: Label | undefined): void {
  if (scan.unknownStart < 0) return;
  const span = scan.text.slice(scan.unknownStart, end);
  scan.unknownStart = -1;
  if (span === '-' || span === '') return;
  const beforeUnits =
    next === 'houseno' || next === 'cellno' || next === 'floorno' || next === 'roomno' || next === 'subpoi';
  const isPlace = TWO_CJK_IN_A_ROW.test(span) && (PLACE_END.test(span) || beforeUnits || next === 'road');
  const label: Label = isPlace && !scan.has.has('poi') ? 'poi' : isPlace ? 'subpoi' : 'redundant';
  scan.elements.push({ label, text: span, value: span, start: end - span.length });
  if (label !== 'redundant') scan.has.add(label);
}

function emit(scan: Scan, element: Element, at: number): void {
  flushUnknown(scan, at, element.label);
  element.start ??= at;
  scan.elements.push(element);
  scan.has.add(element.label);
  if (!ADMIN_KINDS.has(element.label as LexKind)) scan.admin = false;
}

const isDigitCode = (code: number) => code >= 48 && code <= 57;
const isUpperCode = (code: number) => code >= 65 && code <= 90;
const codes = (chars: string) => new Set([...chars].map((c) => c.charCodeAt(0)));
const DASH = 0x2d;
const SPACE = 0x20;
/** CJK characters a unit can start with (`东栋`, `北区`, `村民小组`); every other unit starts with a digit or letter. */
const UNIT_START_CJK = codes('东南西北中村');
/** Characters a crossing or connector starts with. */
const KEYWORD_START = codes('交十路与和及&');

export function parseNormalised(text: string, noise: readonly Noise[], lexicon: Lexicon): Parsed {
  const scan: Scan = {
    text,
    elements: [],
    has: new Set(),
    unknownStart: -1,
    admin: true,
    roadOpen: undefined,
    outside: undefined,
    towns: text.includes('街道'),
    communities: text.includes('社区'),
  };
  const { elements, has } = scan;
  const devzones = DEVZONE_HINT.test(text);

  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === DASH || code === SPACE) {
      flushUnknown(scan, i, undefined);
      i += 1;
      continue;
    }
    const latin = isDigitCode(code) || isUpperCode(code);

    // An unknown name ending like a road, right before a number, is a road the library lacks.
    if (scan.unknownStart >= 0 && isDigitCode(code)) {
      const span = text.slice(scan.unknownStart, i);
      if (TWO_CJK.test(span) && ROAD_SUFFIXES.some((s) => span.endsWith(s))) {
        scan.unknownStart = -1;
        scan.roadOpen = has.has('road') ? 'subroad' : 'road';
        emit(scan, { label: scan.roadOpen, text: span, value: span, start: i - span.length }, i);
      }
    }

    const named = lexicon.first[code] ? chooseName(lexicon, text, i, scan.admin) : undefined;
    // A zone named after a place (福田保税区) is read whole, unless the lexicon knows a longer name.
    const zone = devzones && !latin ? stickyMatch(DEVZONE, text, i) : null;
    if (zone) {
      const fullAdmin =
        named && ADMIN_KINDS.has(named.entries[0]!.kind) && /[省市区]$/.test(text[named.end - 1]!);
      if (!fullAdmin && (!named || named.end < i + zone[0].length)) {
        emit(scan, el('devzone', zone[0], zone[0]), i);
        i += zone[0].length;
        continue;
      }
    }
    if (named) {
      let end = named.end;
      const kind = named.entries[0]!.kind;
      const tail =
        kind === 'poi'
          ? ESTATE_SUFFIX_START.has(text.charCodeAt(end))
            ? ESTATE_SUFFIXES.find((s) => text.startsWith(s, end))
            : undefined
          : kind === 'town'
            ? stickyMatch(TOWN_TAIL, text, end)?.[0]
            : kind === 'community'
              ? stickyMatch(COMMUNITY_TAIL, text, end)?.[0]
              : undefined;
      if (tail) end += tail.length;
      const first = named.entries[0]!;
      if (first.outside && !scan.outside) scan.outside = first.value;
      let label = LABEL_OF_KIND[kind];
      if (kind === 'road') {
        const previous = elements.at(-1);
        const crossing = previous?.label === 'assist' && CONNECTOR_WORDS.has(previous.text);
        label = crossing ? 'intersection' : has.has('road') ? 'subroad' : 'road';
        scan.roadOpen = label === 'intersection' ? undefined : (label as 'road' | 'subroad');
      } else if (kind === 'poi') {
        if (has.has('poi')) label = 'subpoi';
        // A number after the estate is the estate's, not the door number of a road before it.
        scan.roadOpen = undefined;
      }
      emit(
        scan,
        { label, text: text.slice(i, end), value: first.value, entries: named.entries, short: named.short },
        i,
      );
      i = end;
      continue;
    }

    const unit = latin || UNIT_START_CJK.has(code) ? readUnit(text, i, scan) : undefined;
    if (unit) {
      for (const element of unit.elements) emit(scan, element, i);
      // A door number closes its road; so does any other unit.
      scan.roadOpen = undefined;
      i = unit.end;
      continue;
    }

    const keyword =
      latin || !(scan.admin || scan.towns || scan.communities || KEYWORD_START.has(code))
        ? undefined
        : readKeyword(text, i, scan);
    // `投诉深圳市`, `你好莲花街道`: words before a known name are no unknown city or subdistrict.
    const guessed =
      keyword &&
      (keyword.outside || keyword.element.label === 'town' || keyword.element.label === 'community');
    if (guessed && knownNameWithin(lexicon, text, i + 1, keyword.end)) {
      if (scan.unknownStart < 0) scan.unknownStart = i;
      i += 1;
      continue;
    }
    if (keyword) {
      if (keyword.outside && !scan.outside) scan.outside = keyword.element.value;
      emit(scan, keyword.element, i);
      i = keyword.end;
      continue;
    }

    if (scan.unknownStart < 0) scan.unknownStart = i;
    i += 1;
  }
  flushUnknown(scan, text.length, undefined);
  for (const n of noise) elements.push({ label: n.label, text: n.text, value: n.text });
  return scan.outside ? { text, elements, outside: scan.outside } : { text, elements };
}

/** Whether a name the lexicon knows starts inside [from, to) and reaches at least `to`. */
function knownNameWithin(lexicon: Lexicon, text: string, from: number, to: number): boolean {
  for (let j = from; j < to; j++) if (lookup(lexicon, text, j).some((m) => m.end >= to)) return true;
  return false;
}

interface Named {
  end: number;
  entries: LexEntry[];
  short: boolean;
}

// The names found at one position, reused between calls: the scan is synchronous.
const foundEnds: number[] = [];
const foundNodes: TrieNode[] = [];

const { road: ROAD, roadShort: ROAD_SHORT, poi: POI, poiShort: POI_SHORT, admin: ADMIN } = KIND_BITS;
/** What a name is read as, in order: before a door number a road, else an estate. */
const ORDER_BEFORE_NUMBER = [ROAD, ROAD_SHORT, POI, POI_SHORT, KIND_BITS.town, KIND_BITS.community];
const ORDER_OTHERWISE = [POI, ROAD, POI_SHORT, KIND_BITS.town, KIND_BITS.community];

/**
 * The lexicon name to read at `at`, longest first. A short road name needs a door number after it;
 * administrative names count only at the start (before any road or estate). When one text is
 * several kinds, what follows decides: a door number makes it a road, else an estate wins.
 */
function chooseName(lexicon: Lexicon, text: string, at: number, admin: boolean): Named | undefined {
  let found = 0;
  let node = lexicon.first[text.charCodeAt(at)];
  for (let i = at + 1; node; i++) {
    if (node.entries) {
      foundEnds[found] = i;
      foundNodes[found] = node;
      found += 1;
    }
    if (i >= text.length) break;
    node = node.next.get(text.charCodeAt(i));
  }
  for (let k = found - 1; k >= 0; k--) {
    const end = foundEnds[k]!;
    const named = foundNodes[k]!;
    const kinds = admin ? named.kinds : named.kinds & ~ADMIN;
    if (kinds === 0) continue;
    // A full administrative name (广州市) outranks an estate; a bare one (中山) does not.
    if (kinds & ADMIN && FULL_ADMIN_END.has(text.charCodeAt(end - 1)))
      return { end, entries: entriesOf(named, ADMIN), short: false };
    const roadNoAhead = (kinds & (ROAD | ROAD_SHORT)) !== 0 && stickyMatch(ROAD_NO_AHEAD, text, end) !== null;
    // An estate's name before a road ending (`香蜜路`, `渔农村巷`) is part of a road's name.
    const roadAhead = ROAD_ENDING_START.has(text.charCodeAt(end)) && roadEndingAt(text, end);
    for (const bit of roadNoAhead ? ORDER_BEFORE_NUMBER : ORDER_OTHERWISE) {
      if (!(kinds & bit) || (roadAhead && (bit === POI || bit === POI_SHORT))) continue;
      return { end, entries: entriesOf(named, bit), short: bit === ROAD_SHORT || bit === POI_SHORT };
    }
    if (kinds & ADMIN) return { end, entries: entriesOf(named, ADMIN), short: false };
  }
  return undefined;
}

const FULL_ADMIN_END: ReadonlySet<number> = codes('省市区');
const ROAD_ENDING_START: ReadonlySet<number> = codes(ROAD_SUFFIXES.map((s) => s[0]!).join(''));
const ESTATE_SUFFIX_START: ReadonlySet<number> = codes(ESTATE_SUFFIXES.map((s) => s[0]!).join(''));

function roadEndingAt(text: string, at: number): boolean {
  return ROAD_SUFFIXES.some((s) => text.startsWith(s, at)) && !stickyMatch(CROSSING, text, at);
}

interface UnitState {
  roadOpen: Scan['roadOpen'];
  has: ReadonlySet<Label>;
}

const el = (label: Label, text: string, value: string): Element => ({ label, text, value });

/** `3` `03` → floor + two-digit room (`2301`); a full room number after its floor stays as written. */
function roomOnFloor(floor: string, room: string): string {
  return room.length >= 3 ? room : `${floor}${room.padStart(2, '0')}`;
}

/** A number with its unit, or a run of bare numbers read by position. */
function readUnit(
  text: string,
  at: number,
  state: UnitState,
): { end: number; elements: Element[] } | undefined {
  // Every pattern but the zone, group and plate ones reads one run of digits and letters, then its
  // unit: the character after the run says which can match at all.
  let k = at;
  while (k < text.length && isCodeChar(text.charCodeAt(k))) k++;
  const unit = text[k];
  const cjk = k === at;
  let m = cjk || unit === '栋' || unit === '座' ? stickyMatch(BUILDING, text, at) : null;
  if (m) {
    // Right after a road, `2E栋` is door number 2, building E (号 left out).
    const plate = state.roadOpen ? /^(\d+)([A-Z])$/.exec(m[1]!) : null;
    if (plate)
      return {
        end: at + m[0].length,
        elements: [
          el(`${state.roadOpen!}no`, plate[1]!, plate[1]!),
          el('houseno', m[0].slice(plate[1]!.length), plate[2]!),
        ],
      };
    return { end: at + m[0].length, elements: [el('houseno', m[0], m[1]!)] };
  }
  // `A1单元`, `A3楼01`: building A (栋 left out), then its entrance or floor.
  m = unit === '楼' || unit === '单' ? stickyMatch(LETTER_BEFORE_UNIT, text, at) : null;
  if (m && !state.has.has('houseno')) return { end: at + 1, elements: [el('houseno', m[1]!, m[1]!)] };
  m = unit === '单' ? stickyMatch(ENTRANCE, text, at) : null;
  if (m) return { end: at + m[0].length, elements: [el('cellno', m[0], m[1]!)] };
  m = unit === '楼' ? stickyMatch(FLOOR_ROOM, text, at) : null;
  if (m) {
    const floorText = `${m[1]}楼`;
    return {
      end: at + m[0].length,
      elements: [
        el('floorno', floorText, m[1]!),
        el('roomno', m[0].slice(floorText.length), roomOnFloor(m[1]!, m[2]!)),
      ],
    };
  }
  m = unit === '楼' ? stickyMatch(FLOOR, text, at) : null;
  if (m) return { end: at + m[0].length, elements: [el('floorno', m[0], m[1]!)] };
  m = unit === '室' ? stickyMatch(ROOM, text, at) : null;
  if (m) {
    const elements: Element[] = [];
    if (m[1] && !state.has.has('houseno')) elements.push(el('houseno', m[1], m[1]));
    elements.push(el('roomno', m[0], m[1] && elements.length === 0 ? `${m[1]}${m[2]}` : m[2]!));
    return { end: at + m[0].length, elements };
  }
  m = unit === '号' || unit === '-' ? stickyMatch(NUMBER_HAO, text, at) : null;
  if (m) {
    const value = m[2] ? `${m[1]}-${m[2]}` : m[1]!;
    if (state.roadOpen) return { end: at + m[0].length, elements: [el(`${state.roadOpen}no`, m[0], value)] };
    // `花园3号` names a building; a second 号, or one of three digits or more, is a room.
    const label: Label = state.has.has('houseno') || m[1]!.length >= 3 ? 'roomno' : 'houseno';
    return { end: at + m[0].length, elements: [el(label, m[0], value)] };
  }
  m = cjk || unit === '期' || unit === '区' ? stickyMatch(PHASE, text, at) : null;
  if (m) return { end: at + m[0].length, elements: [el('subpoi', m[0], m[0])] };
  m = cjk || unit === '组' ? stickyMatch(GROUP, text, at) : null;
  if (m) return { end: at + m[0].length, elements: [el('village_group', m[0], m[0])] };
  m = state.roadOpen ? stickyMatch(PLATE_LETTER, text, at) : null;
  if (m)
    return {
      end: at + m[0].length,
      elements: [el(`${state.roadOpen!}no`, m[1]!, m[1]!), el('houseno', m[2]!, m[2]!)],
    };
  m = cjk ? null : stickyMatch(CODES, text, at);
  if (m) return { end: at + m[0].length, elements: readCodes(m[0], state) };
  return undefined;
}

const isCodeChar = (code: number) => (code >= 48 && code <= 57) || (code >= 65 && code <= 90);

/**
 * Bare numbers and letters, split at dashes: `3-2-2301` is building 3, entrance 2, room 2301;
 * `23-01` is room 2301 on floor 23; `B2301` is building B, room 2301; right after a road the first
 * number is the door number.
 */
function readCodes(codes: string, state: UnitState): Element[] {
  const parts = codes.split('-');
  const out: Element[] = [];
  if (state.roadOpen && /^\d+$/.test(parts[0]!)) {
    out.push(el(`${state.roadOpen}no`, parts[0]!, parts.shift()!));
  }
  if (parts.length === 0) return out;
  const last = parts.at(-1)!;
  const beforeLast = parts.at(-2);
  const tail: Element[] = [];
  if (last.length <= 2 && /^\d+$/.test(last) && beforeLast && /^\d{1,2}[A-Z]?$/.test(beforeLast)) {
    // 23-01: floor and room on it.
    parts.splice(-2, 2);
    tail.push(
      el('floorno', beforeLast, beforeLast),
      el('roomno', `${beforeLast}-${last}`, roomOnFloor(beforeLast, last)),
    );
  } else if (/^[A-Z]\d{3,}$/.test(last) && !state.has.has('houseno') && parts.length === 1) {
    parts.pop();
    tail.push(el('houseno', last[0]!, last[0]!), el('roomno', last.slice(1), last.slice(1)));
  } else if (last.length >= 3 || parts.length > 1 || state.has.has('houseno') || state.has.has('floorno')) {
    parts.pop();
    tail.push(el('roomno', last, last));
  }
  // What is left before the room: building, then entrance.
  const slots: Label[] = [];
  if (!state.has.has('houseno') && !tail.some((e) => e.label === 'houseno')) slots.push('houseno');
  if (!state.has.has('cellno')) slots.push('cellno');
  for (const part of parts) {
    // A long number is no building or entrance: `2301-2302` lists two rooms.
    const label =
      part.length >= 3 && tail.some((e) => e.label === 'roomno') ? 'roomno' : (slots.shift() ?? 'redundant');
    out.push(el(label, part, part));
  }
  return [...out, ...tail];
}

function readKeyword(
  text: string,
  at: number,
  scan: Scan,
): { end: number; element: Element; outside?: boolean } | undefined {
  const previous = scan.unknownStart < 0 ? scan.elements.at(-1)?.label : 'redundant';
  const atStart = at === 0;
  const afterRoad = previous === 'road' || previous === 'subroad';
  const char = text[at]!;
  let m =
    (afterRoad || previous === 'intersection') && CROSSING_START.has(char)
      ? stickyMatch(CROSSING, text, at)
      : null;
  if (m) return { end: at + m[0].length, element: el('intersection', m[0], m[0]) };
  m = afterRoad && scan.roadOpen && CONNECTOR_WORDS.has(char) ? stickyMatch(CONNECTOR, text, at) : null;
  // 与 between two roads: the scan reads the second road next, as an intersection.
  if (m) return { end: at + m[0].length, element: el('assist', m[0], m[0]) };
  // Provinces and cities the table lacks, read only at the very start: `超市` is no city.
  if (scan.admin) {
    m = atStart ? stickyMatch(PROVINCE, text, at) : null;
    if (m) return { end: at + m[0].length, element: el('prov', m[0], m[0]), outside: true };
    m = atStart || previous === 'prov' ? stickyMatch(CITY, text, at) : null;
    if (m) return { end: at + m[0].length, element: el('city', m[0], m[0]), outside: true };
    // After a city outside the library, its county; after one's own, no unknown district.
    if (previous === 'city' && scan.outside !== undefined) {
      m = stickyMatch(COUNTY, text, at);
      if (m) return { end: at + m[0].length, element: el('district', m[0], m[0]), outside: true };
    }
  }
  m = scan.towns ? stickyMatch(TOWN, text, at) : null;
  if (m) return { end: at + m[0].length, element: el('town', m[0], m[0]) };
  m = scan.communities ? stickyMatch(COMMUNITY, text, at) : null;
  if (m) return { end: at + m[0].length, element: el('community', m[0], m[0]) };
  return undefined;
}

/** The elements as one record per label (DESIGN.md §4): the first of each label. */
export function elementRecord(elements: readonly Element[]): Partial<Record<Label, string>> {
  // Filled in label order, so records share their shapes however the text ran.
  const firsts: (string | undefined)[] = new Array(LABELS.length);
  for (const e of elements) firsts[LABEL_INDEX[e.label]] ??= e.value;
  const record: Partial<Record<Label, string>> = {};
  for (let i = 0; i < LABELS.length; i++) if (firsts[i] !== undefined) record[LABELS[i]!] = firsts[i];
  return record;
}

const LABEL_INDEX = Object.fromEntries(LABELS.map((label, i) => [label, i])) as Record<Label, number>;

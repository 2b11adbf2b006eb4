// Free text → address elements with the CCKS 2021 labels, pure. A left-to-right scan over the
// normalised text: at each position the longest name the lexicon knows (roads, estates, areas),
// else a number with its unit (door number, building, entrance, floor, room), else an unknown
// character that joins a span labelled afterwards (an estate the library lacks, or noise).
import {
  ESTATE_SUFFIXES,
  type LexEntry,
  type Lexicon,
  type LexKind,
  lookup,
  ROAD_SUFFIXES,
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
const NUMBER_HAO = /(\d+)(?:-(\d{1,3}))?号/y;
const PHASE = /(\d+)期|([A-Z]|[东南西北中]|\d+)区/y;
const GROUP = /(\d+)组|村民小组/y;
const CODES = /[0-9A-Z]+(?:-[0-9A-Z]+)*/y;
const CONNECTOR = /与|和|交|及|&/y;
const CONNECTOR_WORDS: ReadonlySet<string> = new Set(['与', '和', '交', '及', '&']);
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
const ROAD_NO_AHEAD = /\d+(?:-\d{1,3})?(?:号|$|(?=[^\d栋座楼室单元期区A-Z-]))/y;
const PLACE_END = /[园苑庭居阁轩湾府城厦楼场心寓舍村坊里汇院湖岸台轩墅邸]$/;

function stickyMatch(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

/** Parses one free-text address. `lexicon` carries the library's vocabulary. */
export function parseAddress(raw: string, lexicon: Lexicon): Parsed {
  const { text, noise } = normaliseAddress(raw);
  return parseNormalised(text, noise, lexicon);
}

export function parseNormalised(text: string, noise: readonly Noise[], lexicon: Lexicon): Parsed {
  const elements: Element[] = [];
  let outside: string | undefined;
  let unknownStart = -1;
  let admin = true;
  // The road (or subroad) still waiting for its door number, and which units the address already has.
  let roadOpen: 'road' | 'subroad' | undefined;
  const devzones = DEVZONE_HINT.test(text);
  const has = new Set<Label>();

  const flushUnknown = (end: number, next: Label | undefined) => {
    if (unknownStart < 0) return;
    const span = text.slice(unknownStart, end);
    unknownStart = -1;
    if (span === '-' || span === '') return;
    const beforeUnits =
      next === 'houseno' || next === 'cellno' || next === 'floorno' || next === 'roomno' || next === 'subpoi';
    const isPlace =
      /[\u4e00-\u9fff]{2}/.test(span) && (PLACE_END.test(span) || beforeUnits || next === 'road');
    const label: Label = isPlace && !has.has('poi') ? 'poi' : isPlace ? 'subpoi' : 'redundant';
    elements.push({ label, text: span, value: span, start: end - span.length });
    if (label !== 'redundant') has.add(label);
  };
  const emit = (element: Element, at: number) => {
    flushUnknown(at, element.label);
    element.start ??= at;
    elements.push(element);
    has.add(element.label);
    if (!ADMIN_KINDS.has(element.label as LexKind)) admin = false;
  };

  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '-' || char === ' ') {
      flushUnknown(i, undefined);
      i += 1;
      continue;
    }

    // An unknown name ending like a road, right before a number, is a road the library lacks.
    if (unknownStart >= 0 && char >= '0' && char <= '9') {
      const span = text.slice(unknownStart, i);
      if (/[\u4e00-\u9fff]{2}/.test(span) && ROAD_SUFFIXES.some((s) => span.endsWith(s))) {
        unknownStart = -1;
        roadOpen = has.has('road') ? 'subroad' : 'road';
        emit({ label: roadOpen, text: span, value: span, start: i - span.length }, i);
      }
    }

    const named = chooseName(lexicon, text, i, admin);
    // A zone named after a place (福田保税区) is read whole, unless the lexicon knows a longer name.
    const zone = devzones ? stickyMatch(DEVZONE, text, i) : null;
    const fullAdmin =
      named && ADMIN_KINDS.has(named.entries[0]!.kind) && /[省市区]$/.test(text[named.end - 1]!);
    if (zone && !fullAdmin && (!named || named.end < i + zone[0].length)) {
      emit(el('devzone', zone[0], zone[0]), i);
      i += zone[0].length;
      continue;
    }
    if (named) {
      let end = named.end;
      const kind = named.entries[0]!.kind;
      const tail =
        kind === 'poi'
          ? ESTATE_SUFFIXES.find((s) => text.startsWith(s, end))
          : kind === 'town'
            ? stickyMatch(TOWN_TAIL, text, end)?.[0]
            : kind === 'community'
              ? stickyMatch(COMMUNITY_TAIL, text, end)?.[0]
              : kind === 'road' && named.short
                ? ROAD_SUFFIXES.find((s) => text.startsWith(s, end))
                : undefined;
      if (tail) end += tail.length;
      const first = named.entries[0]!;
      if (first.outside && !outside) outside = first.value;
      let label = LABEL_OF_KIND[kind];
      if (kind === 'road') {
        const previous = elements.at(-1);
        const crossing = previous?.label === 'assist' && CONNECTOR_WORDS.has(previous.text);
        label = crossing ? 'intersection' : has.has('road') ? 'subroad' : 'road';
        roadOpen = label === 'intersection' ? undefined : (label as 'road' | 'subroad');
      } else if (kind === 'poi') {
        if (has.has('poi')) label = 'subpoi';
        // A number after the estate is the estate's, not the door number of a road before it.
        roadOpen = undefined;
      }
      emit(
        { label, text: text.slice(i, end), value: first.value, entries: named.entries, short: named.short },
        i,
      );
      i = end;
      continue;
    }

    const unit = readUnit(text, i, { roadOpen, has });
    if (unit) {
      for (const element of unit.elements) {
        emit(element, i);
        if (element.label === 'roadno' || element.label === 'subroadno') roadOpen = undefined;
      }
      if (unit.elements.some((e) => e.label !== 'roadno' && e.label !== 'subroadno')) roadOpen = undefined;
      i = unit.end;
      continue;
    }

    const previous = unknownStart < 0 ? elements.at(-1)?.label : 'redundant';
    const keyword = readKeyword(text, i, { admin, roadOpen, previous, atStart: i === 0 });
    // `投诉深圳市`: a complaint word before a known name is no unknown city.
    if (keyword?.outside && knownNameWithin(lexicon, text, i + 1, keyword.end)) {
      if (unknownStart < 0) unknownStart = i;
      i += 1;
      continue;
    }
    if (keyword) {
      if (keyword.outside && !outside) outside = keyword.element.value;
      emit(keyword.element, i);
      i = keyword.end;
      continue;
    }

    if (unknownStart < 0) unknownStart = i;
    i += 1;
  }
  flushUnknown(text.length, undefined);
  for (const n of noise) elements.push({ label: n.label, text: n.text, value: n.text });
  return outside ? { text, elements, outside } : { text, elements };
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

/**
 * The lexicon name to read at `at`, longest first. A short road name needs a door number after it;
 * administrative names count only at the start (before any road or estate). When one text is
 * several kinds, what follows decides: a door number makes it a road, else an estate wins.
 */
function chooseName(lexicon: Lexicon, text: string, at: number, admin: boolean): Named | undefined {
  for (const match of lookup(lexicon, text, at)) {
    const usable = match.entries.filter((e) => (ADMIN_KINDS.has(e.kind) ? admin : true));
    if (usable.length === 0) continue;
    const roadNoAhead = stickyMatch(ROAD_NO_AHEAD, text, match.end) !== null;
    const pick = (kind: LexKind, short: boolean) =>
      usable.filter((e) => e.kind === kind && e.short === short);
    const order: [LexKind, boolean][] = roadNoAhead
      ? [
          ['road', false],
          ['road', true],
          ['poi', false],
          ['poi', true],
        ]
      : [
          ['poi', false],
          ['road', false],
          ['poi', true],
        ];
    // A full administrative name (广州市) outranks an estate; a bare one (中山) does not.
    const adminFirst = usable.filter(
      (e) => ADMIN_KINDS.has(e.kind) && /[省市区]$/.test(text[match.end - 1]!),
    );
    if (adminFirst.length > 0) return { end: match.end, entries: adminFirst, short: false };
    for (const [kind, short] of [...order, ['town', false], ['community', false]] as [LexKind, boolean][]) {
      const entries = pick(kind, short);
      if (entries.length > 0) return { end: match.end, entries, short };
    }
    const adminEntries = usable.filter((e) => ADMIN_KINDS.has(e.kind));
    if (adminEntries.length > 0) return { end: match.end, entries: adminEntries, short: false };
  }
  return undefined;
}

interface UnitState {
  roadOpen: 'road' | 'subroad' | undefined;
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
  let m = stickyMatch(BUILDING, text, at);
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
  m = stickyMatch(LETTER_BEFORE_UNIT, text, at);
  if (m && !state.has.has('houseno')) return { end: at + 1, elements: [el('houseno', m[1]!, m[1]!)] };
  m = stickyMatch(ENTRANCE, text, at);
  if (m) return { end: at + m[0].length, elements: [el('cellno', m[0], m[1]!)] };
  m = stickyMatch(FLOOR_ROOM, text, at);
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
  m = stickyMatch(FLOOR, text, at);
  if (m) return { end: at + m[0].length, elements: [el('floorno', m[0], m[1]!)] };
  m = stickyMatch(ROOM, text, at);
  if (m) {
    const elements: Element[] = [];
    if (m[1] && !state.has.has('houseno')) elements.push(el('houseno', m[1], m[1]));
    elements.push(el('roomno', m[0], m[1] && elements.length === 0 ? `${m[1]}${m[2]}` : m[2]!));
    return { end: at + m[0].length, elements };
  }
  m = stickyMatch(NUMBER_HAO, text, at);
  if (m) {
    const value = m[2] ? `${m[1]}-${m[2]}` : m[1]!;
    if (state.roadOpen) return { end: at + m[0].length, elements: [el(`${state.roadOpen}no`, m[0], value)] };
    // `花园3号` names a building; a second 号, or one of three digits or more, is a room.
    const label: Label = state.has.has('houseno') || m[1]!.length >= 3 ? 'roomno' : 'houseno';
    return { end: at + m[0].length, elements: [el(label, m[0], value)] };
  }
  m = stickyMatch(PHASE, text, at);
  if (m) return { end: at + m[0].length, elements: [el('subpoi', m[0], m[0])] };
  m = stickyMatch(GROUP, text, at);
  if (m) return { end: at + m[0].length, elements: [el('village_group', m[0], m[0])] };
  m = stickyMatch(CODES, text, at);
  if (m) return { end: at + m[0].length, elements: readCodes(m[0], state) };
  return undefined;
}

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

interface KeywordState {
  admin: boolean;
  atStart: boolean;
  roadOpen: 'road' | 'subroad' | undefined;
  previous: Label | undefined;
}

/** Words that are not names in the lexicon: crossings, zones, unknown areas, other places. */
function readKeyword(
  text: string,
  at: number,
  state: KeywordState,
): { end: number; element: Element; outside?: boolean } | undefined {
  const afterRoad = state.previous === 'road' || state.previous === 'subroad';
  let m = stickyMatch(CROSSING, text, at);
  if (m && (afterRoad || state.previous === 'intersection'))
    return { end: at + m[0].length, element: el('intersection', m[0], m[0]) };
  m = stickyMatch(CONNECTOR, text, at);
  // 与 between two roads: the scan reads the second road next, as an intersection.
  if (m && afterRoad && state.roadOpen) return { end: at + m[0].length, element: el('assist', m[0], m[0]) };
  // Provinces and cities the table lacks, read only at the very start: `超市` is no city.
  if (state.admin) {
    m = state.atStart ? stickyMatch(PROVINCE, text, at) : null;
    if (m) return { end: at + m[0].length, element: el('prov', m[0], m[0]), outside: true };
    m = state.atStart || state.previous === 'prov' ? stickyMatch(CITY, text, at) : null;
    if (m) return { end: at + m[0].length, element: el('city', m[0], m[0]), outside: true };
    if (state.previous === 'city') {
      m = stickyMatch(COUNTY, text, at);
      if (m) return { end: at + m[0].length, element: el('district', m[0], m[0]), outside: true };
    }
  }
  m = stickyMatch(TOWN, text, at);
  if (m) return { end: at + m[0].length, element: el('town', m[0], m[0]) };
  m = stickyMatch(COMMUNITY, text, at);
  if (m) return { end: at + m[0].length, element: el('community', m[0], m[0]) };
  return undefined;
}

/** The elements as one record per label (DESIGN.md §4): the first of each label. */
export function elementRecord(elements: readonly Element[]): Partial<Record<Label, string>> {
  const record: Partial<Record<Label, string>> = {};
  for (const e of elements) record[e.label] ??= e.value;
  return record;
}

// The messy-address test set for issue 3's benchmark: free text as people write it, each with the
// standard address it means (or null when it must not match) and the variations it carries. Built
// from the address library alone, with its own catalogue of writing habits (writing.ts), so it
// tests a matcher without sharing its rules.
import { invalidInput } from '../../lib/errors.ts';
import { findRooms, type LibBuilding, type LibRoom, type Library, loadLibrary } from './library.ts';
import { mulberry32, type Rng } from './rng.ts';
import * as W from './writing.ts';

export interface Place {
  province: string;
  city: string;
  district: string;
}

export const FUTIAN: Place = { province: '广东省', city: '深圳市', district: '福田区' };

export interface MessyExpect {
  /** The standard address meant, or null when the input must not match. */
  address_id: string | null;
  level: 'room' | 'building' | null;
  /** The building the truth lies in: the room's building, or the building itself. */
  building_id: string | null;
  subdistrict: string | null;
  community: string | null;
}

export interface MessyRecord {
  input: string;
  expect: MessyExpect;
  /** Variation kinds present in the input; the first is the one the record was written for. */
  variation: string[];
}

/** Inputs whose truth is a library address. */
export const MATCHABLE_KINDS = [
  'traditional',
  'fullwidth',
  'chinese-numerals',
  'building-spelling',
  'building-room-compact',
  'room-spelling',
  'entrance',
  'prefix',
  'no-prefix',
  'with-area',
  'repeated-prefix',
  'road-suffix-dropped',
  'door-suffix-dropped',
  'road-without-number',
  'estate-only',
  'estate-alias',
  'urban-village',
  'reordered',
  'person-phone',
  'brackets',
  'direction',
  'hotline-sentence',
  'emoji-noise',
  'typo',
  'missing-char',
  'spaces',
  'punctuation',
  'wrong-subdistrict',
  'missing-room',
  'floor-only',
  'building-only',
] as const;

/** Inputs that must not match (truth address_id null). */
export const UNMATCHABLE_KINDS = [
  'other-district',
  'other-city',
  'other-district-library-road',
  'nonexistent-door',
  'nonexistent-building',
  'road-only',
  'area-only',
  'gibberish',
  'placeholder',
  'empty',
  'very-long',
  'emoji-only',
  'english',
  'control-chars',
] as const;

export type MatchableKind = (typeof MATCHABLE_KINDS)[number];
export type UnmatchableKind = (typeof UNMATCHABLE_KINDS)[number];
export type Kind = MatchableKind | UnmatchableKind;

/** How often each kind is written, relative to the others: about a quarter of the set must not match. */
const WEIGHTS: Record<Kind, number> = {
  ...(Object.fromEntries(MATCHABLE_KINDS.map((k) => [k, 1])) as Record<MatchableKind, number>),
  'other-district': 1.5,
  'other-city': 1,
  'other-district-library-road': 1,
  'nonexistent-door': 1.5,
  'nonexistent-building': 1.5,
  'road-only': 0.7,
  'area-only': 0.7,
  gibberish: 0.5,
  placeholder: 0.5,
  empty: 0.3,
  'very-long': 0.2,
  'emoji-only': 0.3,
  english: 0.4,
  'control-chars': 0.3,
};

export interface GenerateOptions {
  /** The standard address CSV (DESIGN.md §4) as text. */
  libraryCsv: string;
  seed: number;
  count: number;
  /** Province, city and district the library lies in; written as prefixes. */
  place?: Place;
}

/** Writes `count` messy inputs with ground truth; the first records cover every kind the library allows. */
export function generateMessyAddresses(options: GenerateOptions): MessyRecord[] {
  const lib = loadLibrary(options.libraryCsv);
  if (lib.buildings.length === 0) throw invalidInput('address CSV: no buildings to write addresses for');
  const rng = mulberry32(options.seed);
  const ctx: Ctx = { lib, rng, place: options.place ?? FUTIAN, pools: pools(lib) };
  const kinds = [...MATCHABLE_KINDS, ...UNMATCHABLE_KINDS] as Kind[];
  const unavailable = new Set<Kind>();
  const records: MessyRecord[] = [];
  for (let i = 0; records.length < options.count; i++) {
    let kind = i < kinds.length ? kinds[i]! : weightedKind(rng, unavailable);
    let record = attempt(ctx, kind);
    while (!record) {
      unavailable.add(kind);
      kind = weightedKind(rng, unavailable);
      record = attempt(ctx, kind);
    }
    records.push(record);
  }
  return records;
}

function weightedKind(rng: Rng, unavailable: Set<Kind>): Kind {
  const entries = (Object.entries(WEIGHTS) as [Kind, number][]).filter(([k]) => !unavailable.has(k));
  if (entries.length === 0) throw invalidInput('address CSV: no variation can be written from this library');
  let roll = rng.next() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [kind, weight] of entries) {
    roll -= weight;
    if (roll < 0) return kind;
  }
  return entries[entries.length - 1]![0];
}

interface Pools {
  doors: LibBuilding[];
  estates: LibBuilding[];
  aliased: LibBuilding[];
  villages: LibBuilding[];
  labelled: LibBuilding[];
  entranceRooms: LibRoom[];
}

interface Ctx {
  lib: Library;
  rng: Rng;
  place: Place;
  pools: Pools;
}

function pools(lib: Library): Pools {
  const b = lib.buildings;
  return {
    doors: b.filter((x) => x.road && x.roadNo),
    estates: b.filter((x) => x.estate),
    aliased: b.filter((x) => x.aliases.length > 0 && (x.estate || x.building)),
    villages: b.filter((x) => x.road && x.roadNo && !x.estate),
    labelled: b.filter((x) => x.estate && parseLabel(x.building)),
    entranceRooms: lib.rooms.filter((r) => r.entrance),
  };
}

/** A record written for `kind`, trying fresh targets until one carries it; null when none can. */
function attempt(ctx: Ctx, kind: Kind): MessyRecord | null {
  for (let tries = 0; tries < 40; tries++) {
    const record = (MATCHABLE_KINDS as readonly string[]).includes(kind)
      ? writeMatchable(ctx, kind as MatchableKind)
      : writeUnmatchable(ctx, kind as UnmatchableKind);
    if (record?.variation.includes(kind)) {
      record.variation = [kind, ...record.variation.filter((v) => v !== kind)];
      return record;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Addresses that exist

type Mode = 'door+estate' | 'door' | 'estate' | 'road+estate';
type Unit = 'room' | 'missing-room' | 'floor' | 'direction' | 'none';
type Role = 'prefix' | 'area' | 'road' | 'door' | 'estate' | 'building' | 'entrance' | 'unit' | 'note';

interface Segment {
  role: Role;
  text: string;
}

/** Which habits one input shows. Mostly off, so each record differs from the clean form in a few ways. */
interface Style {
  prefix: boolean;
  repeatPrefix: boolean;
  area: 'none' | 'right' | 'wrong';
  modes: Mode[];
  alias: boolean;
  roadSuffixDropped: boolean;
  doorSuffixDropped: boolean;
  buildingSpelling: boolean;
  compact: boolean;
  roomSpelling: boolean;
  numerals: boolean;
  entrance: boolean;
  typo: 'none' | 'typo' | 'missing-char';
  reordered: boolean;
  personPhone: boolean;
  brackets: boolean;
  hotline: boolean;
  emoji: boolean;
  joiner: 'none' | 'spaces' | 'punctuation';
  traditional: boolean;
  fullwidth: boolean;
}

const ALL_MODES: Mode[] = ['door+estate', 'door', 'estate', 'road+estate'];

function randomStyle(rng: Rng): Style {
  const c = (p: number) => rng.chance(p);
  const repeatPrefix = c(0.02);
  // One suffix dropped at a time (益田3013号, 益田路3013): with both gone the door plate is unreadable.
  const roadSuffixDropped = c(0.05);
  return {
    prefix: repeatPrefix || c(0.5),
    repeatPrefix,
    area: c(0.04) ? 'wrong' : c(0.15) ? 'right' : 'none',
    modes: ALL_MODES,
    alias: c(0.1),
    roadSuffixDropped,
    doorSuffixDropped: !roadSuffixDropped && c(0.08),
    buildingSpelling: c(0.2),
    compact: c(0.05),
    roomSpelling: c(0.35),
    numerals: c(0.06),
    entrance: c(0.5),
    typo: c(0.03) ? 'typo' : c(0.03) ? 'missing-char' : 'none',
    reordered: c(0.04),
    personPhone: c(0.08),
    brackets: c(0.06),
    hotline: c(0.06),
    emoji: c(0.03),
    joiner: c(0.08) ? 'spaces' : c(0.06) ? 'punctuation' : 'none',
    traditional: c(0.04),
    fullwidth: c(0.06),
  };
}

/** Turns on the habit a record is written for. */
function force(style: Style, kind: MatchableKind): void {
  switch (kind) {
    case 'traditional':
      style.traditional = true;
      break;
    case 'fullwidth':
      style.fullwidth = true;
      break;
    case 'chinese-numerals':
      style.numerals = true;
      break;
    case 'building-spelling':
      style.buildingSpelling = true;
      break;
    case 'building-room-compact':
      style.compact = true;
      break;
    case 'room-spelling':
      style.roomSpelling = true;
      break;
    case 'entrance':
      style.entrance = true;
      break;
    case 'prefix':
      style.prefix = true;
      break;
    case 'no-prefix':
      style.prefix = false;
      style.repeatPrefix = false;
      break;
    case 'with-area':
      style.area = 'right';
      break;
    case 'wrong-subdistrict':
      style.area = 'wrong';
      break;
    case 'repeated-prefix':
      style.prefix = true;
      style.repeatPrefix = true;
      break;
    case 'road-suffix-dropped':
      style.roadSuffixDropped = true;
      style.doorSuffixDropped = false;
      style.modes = ['door+estate', 'door'];
      break;
    case 'door-suffix-dropped':
      style.doorSuffixDropped = true;
      style.roadSuffixDropped = false;
      style.modes = ['door+estate', 'door'];
      break;
    case 'road-without-number':
      style.modes = ['road+estate'];
      break;
    case 'estate-only':
      style.modes = ['estate'];
      break;
    case 'estate-alias':
      style.alias = true;
      break;
    case 'urban-village':
      style.modes = ['door'];
      break;
    case 'reordered':
      style.reordered = true;
      style.modes = ['door+estate'];
      break;
    case 'person-phone':
      style.personPhone = true;
      break;
    case 'brackets':
      style.brackets = true;
      break;
    case 'hotline-sentence':
      style.hotline = true;
      break;
    case 'emoji-noise':
      style.emoji = true;
      break;
    case 'typo':
      style.typo = 'typo';
      break;
    case 'missing-char':
      style.typo = 'missing-char';
      break;
    case 'spaces':
      style.joiner = 'spaces';
      break;
    case 'punctuation':
      style.joiner = 'punctuation';
      break;
    case 'missing-room':
    case 'floor-only':
    case 'direction':
    case 'building-only':
      break;
  }
}

const BUILDING_UNITS: Partial<Record<MatchableKind, Unit>> = {
  'missing-room': 'missing-room',
  'floor-only': 'floor',
  direction: 'direction',
  'building-only': 'none',
};

const ROOM_KINDS: readonly MatchableKind[] = ['room-spelling', 'building-room-compact', 'entrance'];

function pickTarget(
  ctx: Ctx,
  kind: MatchableKind,
): { building: LibBuilding; room: LibRoom | null; unit: Unit } {
  const { rng, lib, pools: p } = ctx;
  const fixedUnit = BUILDING_UNITS[kind];
  if (fixedUnit) return { building: rng.pick(lib.buildings), room: null, unit: fixedUnit };
  const pool =
    kind === 'urban-village'
      ? p.villages
      : kind === 'estate-alias'
        ? p.aliased
        : kind === 'estate-only' || kind === 'road-without-number' || kind === 'reordered'
          ? p.estates
          : kind === 'road-suffix-dropped' || kind === 'door-suffix-dropped'
            ? p.doors
            : lib.buildings;
  if (kind === 'entrance' && p.entranceRooms.length > 0) {
    const room = rng.pick(p.entranceRooms);
    return { building: room.building, room, unit: 'room' };
  }
  if (pool.length === 0) return { building: rng.pick(lib.buildings), room: null, unit: 'none' };
  const building = rng.pick(pool);
  if (building.rooms.length > 0 && (ROOM_KINDS.includes(kind) || rng.chance(0.75))) {
    return { building, room: rng.pick(building.rooms), unit: 'room' };
  }
  const unit = rng.pick<Unit>(['none', 'none', 'none', 'floor', 'direction', 'missing-room']);
  return { building, room: null, unit };
}

function writeMatchable(ctx: Ctx, kind: MatchableKind): MessyRecord | null {
  const { rng, lib } = ctx;
  const style = randomStyle(rng);
  force(style, kind);
  const { building: b, room, unit } = pickTarget(ctx, kind);
  const tags: string[] = [];

  // Which keys the text gives: it must still name exactly this building.
  const name = style.alias && b.aliases.length > 0 ? rng.pick(b.aliases) : b.estate;
  if (name !== b.estate) tags.push('estate-alias');
  const modes = style.modes.filter(
    (m) =>
      (m === 'door+estate'
        ? b.road && b.roadNo && name
        : m === 'door'
          ? b.road && b.roadNo && !(style.alias && name !== b.estate)
          : m === 'estate'
            ? name
            : b.road && name) && !(style.roadSuffixDropped && !m.startsWith('door')),
  );
  const withLabel = !!b.building;
  const pinned = (m: Mode, label: boolean) =>
    lib.find({
      ...(m.startsWith('door') || m === 'road+estate' ? { road: b.road } : {}),
      ...(m.startsWith('door') ? { roadNo: b.roadNo } : {}),
      ...(m === 'door' ? {} : { name }),
      ...(label ? { building: b.building } : {}),
    });
  const mode = shuffled(rng, modes).find((m) => {
    const found = pinned(m, withLabel);
    return found.length === 1 && found[0] === b;
  });
  if (!mode) return null;
  const dropLabel =
    withLabel &&
    !style.buildingSpelling &&
    !style.compact &&
    rng.chance(0.15) &&
    pinned(mode, false).length === 1;
  if (mode === 'estate') tags.push('estate-only');
  if (mode === 'road+estate') tags.push('road-without-number');
  if (mode === 'door' && !b.estate) tags.push('urban-village');

  // The room (or its absence), and an entrance when it is given or needed.
  let entrance: string | undefined;
  let roomText: string | undefined;
  const label = withLabel && !dropLabel ? parseLabel(b.building) : undefined;
  // `B2301`, `3-2301`: building and room run together, only readable for plain numbered rooms.
  let compact: string | undefined;
  if (room) {
    const needsEntrance = findRooms(b, room.room).length > 1;
    if ((style.entrance || needsEntrance) && room.entrance) entrance = room.entrance;
    const same = findRooms(b, room.room, entrance);
    if (same.length !== 1 || same[0] !== room) return null;
    if (style.compact && label && !entrance && /^\d{3,4}$/.test(room.room)) {
      compact = `${label.letter ?? label.n}${label.letter && rng.chance(0.5) ? '' : '-'}${room.room}`;
      tags.push('building-room-compact');
    } else roomText = writeRoom(rng, style, room.floor, room.room, tags);
  } else if (unit === 'missing-room') {
    const fake = missingRoom(rng, b);
    roomText = writeRoom(rng, style, fake.floor, fake.room, tags);
    tags.push('missing-room');
  } else if (unit === 'floor') {
    roomText = writeFloor(rng, style, b, tags);
    tags.push('floor-only');
  }

  const segments: Segment[] = [];
  writePrefix(ctx, style, b, segments, tags);
  if (mode === 'door+estate' || mode === 'door' || mode === 'road+estate') {
    segments.push({ role: 'road', text: writeRoad(lib, style, b.road, mode, tags) });
  }
  if (mode === 'door+estate' || mode === 'door') {
    segments.push({ role: 'door', text: writeDoor(style, b.roadNo, tags) });
  }
  if (mode !== 'door') segments.push({ role: 'estate', text: name });
  if (compact) segments.push({ role: 'building', text: compact });
  else if (withLabel && !dropLabel)
    segments.push({ role: 'building', text: writeBuilding(rng, style, b.building, tags) });
  if (entrance) segments.push({ role: 'entrance', text: writeEntrance(style, entrance, tags) });
  if (roomText !== undefined) segments.push({ role: 'unit', text: roomText });
  if (unit === 'direction') {
    segments.push({ role: 'unit', text: rng.pick(W.DIRECTIONS) });
    tags.push('direction');
  }
  if (unit === 'none' && !room) tags.push('building-only');

  if (style.typo !== 'none' && !misspell(ctx, style.typo, segments)) return null;
  if (style.typo !== 'none') tags.push(style.typo);
  if (style.reordered && reorder(rng, segments)) tags.push('reordered');
  if (style.brackets) {
    const at = segments.findIndex((s) => s.role === 'door');
    const note = { role: 'note' as const, text: rng.pick(W.BRACKET_NOTES) };
    if (at >= 0 && rng.chance(0.4)) segments.splice(at + 1, 0, note);
    else segments.push(note);
    tags.push('brackets');
  }
  const input = decorate(rng, style, segments, tags);
  const target = room ?? b;
  return {
    input,
    expect: {
      address_id: target.id,
      level: room ? 'room' : 'building',
      building_id: b.id,
      subdistrict: b.subdistrict || null,
      community: b.community || null,
    },
    variation: [...new Set(tags)],
  };
}

function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function writePrefix(ctx: Ctx, style: Style, b: LibBuilding, segments: Segment[], tags: string[]): void {
  const { rng, place, lib } = ctx;
  if (style.prefix) {
    const short = (name: string) => name.replace(/[省市区]$/, '');
    const forms = [
      [place.district],
      [place.city, place.district],
      [place.province, place.city, place.district],
      [short(place.city), short(place.district)],
      [short(place.province), short(place.city), place.district],
      [place.city],
      [short(place.city)],
    ];
    const pieces = [...rng.pick(forms)];
    if (style.repeatPrefix) {
      // Spreadsheet columns pasted together: a piece, or the whole prefix, written twice.
      if (rng.chance(0.5)) pieces.push(...pieces);
      else {
        const i = rng.int(0, pieces.length - 1);
        pieces.splice(i, 0, pieces[i]!);
      }
      tags.push('repeated-prefix');
    }
    for (const text of pieces) segments.push({ role: 'prefix', text });
    tags.push('prefix');
  } else tags.push('no-prefix');

  if (style.area === 'right' && b.subdistrict) {
    const form = rng.int(0, 2);
    if (form !== 2) segments.push({ role: 'area', text: b.subdistrict });
    if (form !== 0 && b.community) segments.push({ role: 'area', text: b.community });
    tags.push('with-area');
  } else if (style.area === 'wrong') {
    const others = lib.subdistricts.filter((s) => s !== b.subdistrict);
    if (others.length === 0) return;
    const wrong = rng.pick(others);
    segments.push({ role: 'area', text: wrong });
    const communities = lib.communities.get(wrong) ?? [];
    if (communities.length > 0 && rng.chance(0.4))
      segments.push({ role: 'area', text: rng.pick(communities) });
    tags.push('wrong-subdistrict');
  }
}

const ROAD_SUFFIX = /(大道|大街|路|街|道|巷|坊)$/;

function writeRoad(lib: Library, style: Style, road: string, mode: Mode, tags: string[]): string {
  if (!style.roadSuffixDropped || !mode.startsWith('door')) return road;
  const stem = road.replace(ROAD_SUFFIX, '');
  // Dropping the suffix must not leave another library name (福华一路 → 福华一 is fine, 福华 may not be).
  if (stem === road || stem.length < 2 || lib.names.has(stem)) return road;
  tags.push('road-suffix-dropped');
  return stem;
}

function writeDoor(style: Style, roadNo: string, tags: string[]): string {
  const n = /^\d+$/.test(roadNo) ? Number(roadNo) : undefined;
  const spoken = style.numerals && n !== undefined ? W.chineseNumber(n) : undefined;
  if (spoken) tags.push('chinese-numerals');
  if (style.doorSuffixDropped && !spoken) {
    tags.push('door-suffix-dropped');
    return roadNo;
  }
  return `${spoken ?? roadNo}号`;
}

interface Label {
  n?: number;
  letter?: string;
  template: string;
}

/** `3栋`, `第3栋`, `12号楼`, `B座`, `b栋`: the number or letter, and the way the label wraps it. */
function parseLabel(label: string): Label | undefined {
  const num = /^(第?)(\d{1,2})(栋|座|幢|号楼|号|楼)$/.exec(label);
  if (num) return { n: Number(num[2]), template: `${num[1]}{}${num[3]}` };
  const letter = /^([A-Za-z])(栋|座|幢|塔)?$/.exec(label);
  if (letter) return { letter: letter[1]!.toUpperCase(), template: `{}${letter[2] ?? ''}` };
  return undefined;
}

const NUMBER_TEMPLATES = ['{}栋', '{}号楼', '第{}栋', '{}幢', '{}座', '{}栋楼', '第{}幢'];
const LETTER_TEMPLATES = ['{}座', '{}栋', '{}幢', '{}塔', '{}'];

function writeBuilding(rng: Rng, style: Style, label: string, tags: string[]): string {
  const parsed = parseLabel(label);
  const spoken = style.numerals && parsed?.n !== undefined ? W.chineseNumber(parsed.n) : undefined;
  if (!parsed || (!style.buildingSpelling && !spoken)) return label;
  let template = parsed.template;
  let head = spoken ?? parsed.letter ?? String(parsed.n);
  if (style.buildingSpelling) {
    const others = (parsed.n !== undefined ? NUMBER_TEMPLATES : LETTER_TEMPLATES).filter(
      (t) => t !== template,
    );
    template = rng.pick(others);
    if (parsed.letter && rng.chance(0.4)) head = head.toLowerCase();
    tags.push('building-spelling');
  }
  if (spoken) tags.push('chinese-numerals');
  return template.replace('{}', head);
}

function writeEntrance(style: Style, entrance: string, tags: string[]): string {
  tags.push('entrance');
  const m = /^(\d{1,2})(单元|门)$/.exec(entrance);
  const spoken = style.numerals && m ? W.chineseNumber(Number(m[1])) : undefined;
  if (!spoken || !m) return entrance;
  tags.push('chinese-numerals');
  return `${spoken}${m[2]}`;
}

/**
 * Ways to write a room, with flags: s = a different spelling from the library's, n = Chinese numerals,
 * d = only for all-digit rooms. Placeholders: {room} 2301, {floor} 23, {suffix} 01, {cn} 二十三,
 * {spoken} 二三零一, {yao} 二三零幺, {lower} 12a.
 */
const ROOM_TEMPLATES: [template: string, flags: string][] = [
  ['{room}室', 's'],
  ['{room}房', 's'],
  ['{room}号', 'sd'],
  ['{room}号房', 'sd'],
  ['{floor}楼{suffix}', 's'],
  ['{floor}层{suffix}号', 's'],
  ['{floor}F{suffix}', 's'],
  ['{floor}-{suffix}', 's'],
  ['{floor}楼{room}', 's'],
  ['{floor}楼{room}室', 's'],
  ['{floor}层{suffix}室', 's'],
  ['{lower}', 's'],
  ['{cn}楼{suffix}', 'sn'],
  ['{cn}层{room}', 'sn'],
  ['{cn}楼{room}房', 'sn'],
  ['{spoken}房', 'snd'],
  ['{spoken}', 'nd'],
  ['{yao}室', 'snd'],
];

/** The floor a room is on: its own floor column, else what its number implies (2301 → 23). */
function floorOf(floor: string, room: string): string {
  if (/^\d+$/.test(floor)) return String(Number(floor));
  const m = /^(\d{1,2})(\d{2})$/.exec(room) ?? /^(\d{1,2})[A-Za-z]$/.exec(room);
  return m ? m[1]! : '';
}

function writeRoom(rng: Rng, style: Style, floorColumn: string, room: string, tags: string[]): string {
  if (!style.roomSpelling && !style.numerals) return room;
  const floor = floorOf(floorColumn, room);
  const digits = /^\d+$/.test(room);
  const values: Record<string, string> = {
    room,
    floor,
    suffix: floor && room.startsWith(floor) && room.length > floor.length ? room.slice(floor.length) : '',
    cn: floor ? (W.chineseNumber(Number(floor)) ?? '') : '',
    spoken: digits ? W.spokenDigits(room, false) : '',
    yao: digits && room.includes('1') ? W.spokenDigits(room, true) : '',
    lower: room.toLowerCase() === room ? '' : room.toLowerCase(),
  };
  const usable = ROOM_TEMPLATES.filter(
    ([template, flags]) =>
      flags.includes('n') === style.numerals &&
      (flags.includes('s') || !style.roomSpelling) &&
      (!flags.includes('d') || digits) &&
      [...template.matchAll(/\{(\w+)\}/g)].every((m) => values[m[1]!]),
  );
  if (usable.length === 0) return room;
  const [template, flags] = rng.pick(usable);
  if (flags.includes('s')) tags.push('room-spelling');
  if (flags.includes('n')) tags.push('chinese-numerals');
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key]!);
}

function writeFloor(rng: Rng, style: Style, b: LibBuilding, tags: string[]): string {
  const floors = b.rooms.map((r) => floorOf(r.floor, r.room)).filter(Boolean);
  const floor = floors.length > 0 ? Number(rng.pick(floors)) : rng.int(2, 30);
  const spoken = style.numerals ? W.chineseNumber(floor) : undefined;
  if (spoken) tags.push('chinese-numerals');
  return rng.pick(spoken ? [`${spoken}楼`, `${spoken}层`] : [`${floor}楼`, `${floor}层`, `${floor}F`]);
}

/** A room number the building does not have: above its top floor, or past the last door on a floor. */
function missingRoom(rng: Rng, b: LibBuilding): { floor: string; room: string } {
  const taken = new Set(b.rooms.map((r) => r.room));
  const floors = b.rooms.map((r) => Number(floorOf(r.floor, r.room))).filter((n) => n > 0);
  const top = floors.length > 0 ? Math.max(...floors) : rng.int(3, 30);
  for (;;) {
    const floor = rng.chance(0.5) || floors.length === 0 ? top + rng.int(1, 5) : rng.pick(floors);
    const room = `${floor}${String(rng.int(1, 12)).padStart(2, '0')}`;
    if (!taken.has(room)) return { floor: String(floor), room };
  }
}

/** A homophone or a dropped character in the road or estate name; never one that makes another library name. */
function misspell(ctx: Ctx, how: 'typo' | 'missing-char', segments: Segment[]): boolean {
  const { rng, lib } = ctx;
  const targets = shuffled(
    rng,
    segments.filter((s) => s.role === 'estate' || s.role === 'road'),
  );
  const names = [...lib.names];
  for (const segment of targets) {
    const chars = Array.from(segment.text);
    const options: string[] = [];
    if (how === 'typo') {
      chars.forEach((ch, i) => {
        const swap = W.HOMOPHONES.get(ch);
        if (swap) options.push([...chars.slice(0, i), swap, ...chars.slice(i + 1)].join(''));
      });
    } else if (chars.length >= 4) {
      for (let i = 1; i < chars.length - 1; i++)
        options.push([...chars.slice(0, i), ...chars.slice(i + 1)].join(''));
    }
    for (const text of shuffled(rng, options)) {
      if (!names.some((n) => n.includes(text))) {
        segment.text = text;
        return true;
      }
    }
  }
  return false;
}

/** Estate first, door plate last or in brackets: `南方国际广场B座2301（益田路3013号）`. */
function reorder(rng: Rng, segments: Segment[]): boolean {
  const road = segments.findIndex((s) => s.role === 'road');
  const door = segments.findIndex((s) => s.role === 'door');
  if (road < 0 || door !== road + 1 || !segments.some((s) => s.role === 'estate')) return false;
  const [r, d] = segments.splice(road, 2) as [Segment, Segment];
  const plate = `${r.text}${d.text}`;
  const estate = segments.findIndex((s) => s.role === 'estate');
  if (rng.chance(0.5)) segments.splice(estate + 1, 0, { role: 'note', text: `（${plate}）` });
  else segments.push({ role: 'note', text: rng.pick([`（${plate}）`, `，${plate}`, ` ${plate}`]) });
  return true;
}

/** Joins the segments and adds what surrounds an address in real messages. */
function decorate(rng: Rng, style: Style, segments: Segment[], tags: string[]): string {
  let text = '';
  segments.forEach((segment, i) => {
    let sep = '';
    if (i > 0 && style.joiner === 'spaces' && rng.chance(0.6)) sep = rng.pick([' ', ' ', '  ', '\u3000']);
    if (i > 0 && style.joiner === 'punctuation' && rng.chance(0.5))
      sep = rng.pick(['，', ',', '-', '/', '、', ' - ']);
    // Two numbers written next to each other would read as one: people put a space or dash between.
    if (!sep && /\d$/.test(text) && /^\d/.test(segment.text)) sep = rng.pick([' ', '-']);
    if (sep && style.joiner !== 'none') tags.push(style.joiner);
    text += sep + segment.text;
  });
  if (style.joiner === 'spaces' && rng.chance(0.4)) {
    text = `${rng.pick([' ', '  ', '\t'])}${text}${rng.pick(['', ' ', '   '])}`;
    tags.push('spaces');
  }
  if (style.hotline) {
    text = rng.pick(W.REPORT_FRAMES)(text, rng.pick(W.COMPLAINTS));
    tags.push('hotline-sentence');
  }
  if (style.personPhone) {
    text = rng.pick(W.DELIVERY_FRAMES)(text, rng.pick(W.PERSON_NAMES), W.phoneNumber(rng));
    tags.push('person-phone');
  }
  if (style.emoji) {
    text = rng.pick(W.EMOJI_DECORATIONS)(text);
    tags.push('emoji-noise');
  }
  if (style.traditional) {
    const converted = W.toTraditional(text);
    if (converted !== text) tags.push('traditional');
    text = converted;
  }
  if (style.fullwidth) {
    const converted = W.toFullWidth(text);
    if (converted !== text) tags.push('fullwidth');
    text = converted;
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Inputs that must not match

const NOTHING: MessyExpect = {
  address_id: null,
  level: null,
  building_id: null,
  subdistrict: null,
  community: null,
};

function writeUnmatchable(ctx: Ctx, kind: UnmatchableKind): MessyRecord | null {
  const { rng } = ctx;
  const record = (input: string, tags: string[] = [], expect: MessyExpect = NOTHING): MessyRecord => ({
    input,
    expect,
    variation: [kind, ...tags],
  });
  switch (kind) {
    case 'other-district':
    case 'other-city':
    case 'other-district-library-road':
    case 'nonexistent-door':
    case 'nonexistent-building':
    case 'road-only': {
      const segments = elsewhere(ctx, kind);
      if (!segments) return null;
      // The same clutter as real addresses, so these fail on the place, not on the clutter.
      const style = randomStyle(rng);
      const tags: string[] = [];
      if (style.brackets) {
        segments.push({ role: 'note', text: rng.pick(W.BRACKET_NOTES) });
        tags.push('brackets');
      }
      return record(decorate(rng, style, segments, tags), [...new Set(tags)]);
    }
    case 'area-only':
      return areaOnly(ctx, record);
    case 'gibberish':
      return record(
        rng.chance(0.5)
          ? rng.pick(W.GIBBERISH)
          : Array.from({ length: rng.int(3, 12) }, () => String.fromCharCode(rng.int(0x4e00, 0x9fa5))).join(
              '',
            ),
      );
    case 'placeholder':
      return record(rng.pick(W.PLACEHOLDERS));
    case 'empty':
      return record(rng.pick(['', ' ', '   ', '\u3000', '\t']));
    case 'very-long': {
      const pieces: string[] = [];
      let length = 0;
      while (length < 10_000) {
        const piece = rng.chance(0.5)
          ? rng.pick(W.COMPLAINTS)
          : Array.from({ length: 8 }, () => String.fromCharCode(rng.int(0x4e00, 0x9fa5))).join('');
        pieces.push(piece);
        length += piece.length;
      }
      return record(pieces.join('').slice(0, 10_000));
    }
    case 'emoji-only':
      return record(rng.pick(W.EMOJI_ONLY));
    case 'english':
      return record(rng.pick(W.ENGLISH));
    case 'control-chars':
      return record(rng.pick(W.CONTROL_CHARS));
  }
}

function areaOnly(
  ctx: Ctx,
  record: (input: string, tags?: string[], expect?: MessyExpect) => MessyRecord,
): MessyRecord | null {
  const { rng, lib, place } = ctx;
  const b = rng.pick(lib.buildings);
  if (!b.subdistrict) return null;
  // A community named alone must belong to one subdistrict only, or the truth would be a guess.
  const homes = lib.subdistricts.filter((s) => lib.communities.get(s)?.includes(b.community));
  const withCommunity = !!b.community && rng.chance(0.7);
  const alone = withCommunity && homes.length === 1 && rng.chance(0.4);
  const pieces = [
    ...(rng.chance(0.5) ? [place.district] : []),
    ...(alone ? [] : [b.subdistrict]),
    ...(withCommunity ? [b.community] : []),
  ];
  return record(pieces.join(rng.chance(0.2) ? ' ' : ''), [], {
    ...NOTHING,
    subdistrict: b.subdistrict,
    community: withCommunity ? b.community : null,
  });
}

/** Address-shaped text for a place the library does not hold. */
function elsewhere(ctx: Ctx, kind: UnmatchableKind): Segment[] | null {
  const { rng, lib, place, pools: p } = ctx;
  const segments: Segment[] = [];
  const add = (role: Role, text: string) => segments.push({ role, text });
  const room = () => {
    if (rng.chance(0.5))
      add('unit', `${rng.int(1, 33)}${String(rng.int(1, 8)).padStart(2, '0')}${rng.pick(['', '室', '房'])}`);
  };
  const unknown = (name: string) => !lib.names.has(name);
  switch (kind) {
    case 'other-district': {
      const d = rng.pick(W.OTHER_DISTRICTS);
      if (rng.chance(0.6)) add('prefix', rng.pick([place.city, `${place.province}${place.city}`, '深圳']));
      add('prefix', d.district);
      if (rng.chance(0.3)) add('area', rng.pick(d.subdistricts));
      const roads = d.roads.filter(unknown);
      const spots = d.places.filter(unknown);
      if (roads.length === 0 || spots.length === 0) return null;
      const road = rng.pick(roads);
      const spot = rng.pick(spots);
      if (rng.chance(0.7)) {
        add('road', road);
        add('door', `${rng.int(1, 9999)}号`);
      }
      if (rng.chance(0.6) || segments.every((s) => s.role !== 'road')) add('estate', spot);
      room();
      return segments;
    }
    case 'other-city': {
      const c = rng.pick(W.OTHER_CITIES);
      add('prefix', c.prefix);
      add('road', rng.pick(c.roads));
      add('door', `${rng.int(1, 999)}号`);
      if (rng.chance(0.4)) add('estate', rng.pick(c.places));
      room();
      return segments;
    }
    case 'other-district-library-road': {
      if (p.doors.length === 0) return null;
      const b = rng.pick(p.doors);
      if (rng.chance(0.5)) add('prefix', place.city);
      add('prefix', rng.pick(W.OTHER_DISTRICTS).district);
      add('road', b.road);
      add('door', `${b.roadNo}号`);
      room();
      return segments;
    }
    case 'nonexistent-door': {
      if (p.doors.length === 0) return null;
      const b = rng.pick(p.doors);
      const taken = new Set(lib.find({ road: b.road }).map((x) => x.roadNo));
      const near = Number.parseInt(b.roadNo, 10) || rng.int(1, 200);
      const candidates = [2, 4, 6, 1, 3, 100, 1000].flatMap((d) => [near + d, near - d]).filter((n) => n > 0);
      const number = shuffled(rng, candidates).find((n) => !taken.has(String(n)));
      if (number === undefined) return null;
      if (rng.chance(0.5)) add('prefix', place.district);
      add('road', b.road);
      add('door', `${number}号`);
      room();
      return segments;
    }
    case 'nonexistent-building': {
      if (p.labelled.length === 0) return null;
      const b = rng.pick(p.labelled);
      const parsed = parseLabel(b.building)!;
      const siblings = lib.find({ name: b.estate }).map((x) => parseLabel(x.building));
      let label: string;
      if (parsed.n !== undefined) {
        const top = Math.max(...siblings.map((s) => s?.n ?? 0));
        label = parsed.template.replace('{}', String(top + rng.int(1, 3)));
      } else {
        const used = new Set(siblings.map((s) => s?.letter));
        const free = [...'ABCDEFGHJK'].filter((l) => !used.has(l));
        if (free.length === 0) return null;
        label = parsed.template.replace('{}', rng.pick(free));
      }
      if (rng.chance(0.5)) add('prefix', place.district);
      if (b.road && b.roadNo && rng.chance(0.5)) {
        add('road', b.road);
        add('door', `${b.roadNo}号`);
      }
      add('estate', b.estate);
      add('building', label);
      room();
      return segments;
    }
    case 'road-only': {
      if (p.doors.length === 0) return null;
      const b = rng.pick(p.doors);
      if (rng.chance(0.5)) add('prefix', place.district);
      add('road', b.road);
      if (rng.chance(0.4)) add('unit', rng.pick(W.DIRECTIONS));
      return segments;
    }
    default:
      return null;
  }
}

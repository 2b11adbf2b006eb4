// Free text → a standard address, pure and synchronous over a MatchIndex. Blocking finds the
// buildings the text can mean (door plate, estate name or alias, a misspelt estate); each is scored
// on the elements that agree or disagree; only a clear, high-scoring winner is `matched`, at the
// finest level the text supports (a room that exists, else its building — never another room).
import {
  type AreaChain,
  bigrams,
  FUZZY_MIN_CHARS,
  leadKey,
  type MatchIndex,
  type NameForm,
} from './index.ts';
import { continues, type LexEntry, ROAD_SUFFIXES } from './lexicon.ts';
import { type Noise, normaliseAddress } from './normalise.ts';
import { type Element, elementRecord, type Label, parseNormalised } from './parse.ts';

export type MatchStatus = 'matched' | 'ambiguous' | 'unmatched';
export type MatchLevel = 'building' | 'room';

export interface MatchCandidate {
  address_id: string;
  level: MatchLevel;
  score: number;
  grid_id: string;
  /** The candidate written out, for a person choosing between them. */
  address: string;
}

/** The area chain of a match: grid, community and subdistrict (and district). */
export type MatchChain = AreaChain;

export interface MatchResult {
  input: string;
  status: MatchStatus;
  address_id: string | null;
  level: MatchLevel | null;
  score: number;
  grid_id: string | null;
  elements: Partial<Record<Label, string>>;
  candidates: MatchCandidate[];
  /** For a match: its areas. For an ambiguous answer: the areas all its candidates share, if any. */
  chain: MatchChain | null;
  reason: string | null;
}

/** Lowest score of a `matched` answer. */
export const MATCH_THRESHOLD = 0.85;
/** How far the winner must lead the next candidate. */
const MARGIN = 0.05;
/** Longer lines are not addresses (a pasted document, a runaway field). */
const MAX_INPUT_CHARS = 200;
const MAX_CANDIDATES = 5;
const FUZZY_MIN = 0.5;

const CJK = /[\u3400-\u9fff]/;

/** Why a line cannot be an address at all, before any parsing. */
export function inputProblem(input: string): string | undefined {
  if (input.trim() === '') return 'empty input';
  if (input.length > MAX_INPUT_CHARS)
    return `too long for an address (${input.length} characters, at most ${MAX_INPUT_CHARS})`;
  if (input.includes('\u0000') || input.includes('\ufffd')) return 'binary data, not text';
  if (!CJK.test(input)) return 'no Chinese address text';
  return undefined;
}

/** An `unmatched` answer with its reason. */
export function unmatched(
  input: string,
  reason: string,
  elements: readonly Element[] = [],
  candidates: MatchCandidate[] = [],
): MatchResult {
  return {
    input,
    status: 'unmatched',
    address_id: null,
    level: null,
    score: 0,
    grid_id: null,
    elements: elementRecord(elements),
    candidates,
    chain: null,
    reason,
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const clamp = (n: number) => Math.min(0.99, Math.max(0, n));

export function matchAddress(index: MatchIndex, input: string): MatchResult {
  const problem = inputProblem(input);
  if (problem) return unmatched(input, problem);
  const { text, noise } = normaliseAddress(input);
  if (!text) return unmatched(input, 'nothing left once names, phone numbers and noise are removed');
  const parsed = parseNormalised(text, noise, index.lexicon);
  const { elements } = parsed;

  const confirmed = index.aliases.get(text);
  if (confirmed) {
    const room = confirmed.room;
    return {
      input,
      status: 'matched',
      address_id: room >= 0 ? index.data.rooms.id[room]! : index.data.buildings.id[confirmed.building]!,
      level: room >= 0 ? 'room' : 'building',
      score: 1,
      grid_id: index.data.buildings.gridId[confirmed.building]!,
      elements: elementRecord(elements),
      candidates: [],
      chain: index.chains.get(index.data.buildings.gridId[confirmed.building]!) ?? null,
      reason: 'confirmed by a person in the review queue',
    };
  }
  if (parsed.outside) return unmatched(input, `outside the library: ${parsed.outside}`, elements);

  const first = judge(index, elements, readEvidence(index, text, elements));
  if (first.status === 'matched') return render(index, input, first);
  return readAgain(index, input, text, noise, elements) ?? render(index, input, first);
}

/**
 * Names a character off the library's are read as each library name they are one edit from; a
 * reading wins only when it is matched and leads every other reading that names another building.
 */
function readAgain(
  index: MatchIndex,
  input: string,
  text: string,
  noise: readonly Noise[],
  elements: readonly Element[],
): MatchResult | undefined {
  const readings: Verdict[] = [];
  let winner: Verdict | undefined;
  for (const corrected of spellingFixes(index, text, elements)) {
    const reading = parseNormalised(corrected, noise, index.lexicon);
    if (reading.outside) continue;
    const e = readEvidence(index, corrected, reading.elements);
    e.corrected = true;
    const v = judge(index, reading.elements, e);
    readings.push(v);
    if (v.status === 'matched' && (!winner || v.ranked[0]!.score > winner.ranked[0]!.score)) winner = v;
  }
  if (!winner) return undefined;
  const top = winner.ranked[0]!;
  const rivals = readings.filter((v) => {
    const other = v.status === 'unmatched' ? undefined : v.ranked[0];
    return other && other.building !== top.building && other.score > top.score - MARGIN;
  });
  if (rivals.length === 0) return render(index, input, winner);
  const seen = new Set<string>();
  const candidates = [winner, ...rivals]
    .flatMap((v) => candidatesOf(index, v.ranked, v.e))
    .sort((a, b) => b.score - a.score)
    .filter((c) => !seen.has(c.address_id) && seen.add(c.address_id))
    .slice(0, MAX_CANDIDATES);
  return {
    input,
    status: 'ambiguous',
    address_id: null,
    level: null,
    score: round2(top.score),
    grid_id: null,
    elements: elementRecord(winner.elements),
    candidates,
    chain: null,
    reason: 'the text is one character off several library names',
  };
}

/** What the evidence decides, before it is written out. */
interface Verdict {
  elements: readonly Element[];
  e: Evidence;
  status: MatchStatus;
  /** The best candidates, best first; for `unmatched`, the near misses (if any). */
  ranked: Scored[];
  /** For `matched`: the room the text names (-1: the building is the answer) and why. */
  room: number;
  reason: string | null;
  /** For `ambiguous`: the buildings within the margin of the best. */
  tied: number[];
}

/** The answer the evidence supports: a clear winner above the threshold, else candidates. */
function judge(index: MatchIndex, elements: readonly Element[], e: Evidence): Verdict {
  const v: Verdict = { elements, e, status: 'unmatched', ranked: [], room: -1, reason: null, tied: [] };
  if (e.intersection && e.plateBuildings.size === 0 && e.poiBuildings.size === 0) {
    v.reason = 'a road intersection, not a building';
    return v;
  }
  const c = scoreCandidates(index, e);
  if (c.buildings.length === 0) {
    v.reason = noCandidateReason(e);
    return v;
  }
  if (c.wrong.every(Boolean)) {
    v.reason = `no building ${e.houseno} at ${e.poiNames[0] ?? e.plateNames[0] ?? 'that address'}`;
    // Near misses, at half their score: the building the text names is not among them.
    v.ranked = best(c, MAX_CANDIDATES, false).map((s) => ({ ...s, score: s.score * 0.5 }));
    return v;
  }
  v.ranked = best(c, MAX_CANDIDATES + 1, true);
  const [top, second] = v.ranked as [Scored, ...Scored[]];
  if ((!second || top.score - second.score >= MARGIN) && top.score >= MATCH_THRESHOLD) {
    const room = resolveRoom(index, top.building, e);
    v.status = 'matched';
    v.room = room.room;
    v.reason = room.reason;
    return v;
  }
  v.status = 'ambiguous';
  for (let i = 0; i < c.buildings.length; i++)
    if (!c.wrong[i] && top.score - c.scores[i]! < MARGIN) v.tied.push(c.buildings[i]!);
  v.reason = ambiguityReason(e, v.tied.length, top.score);
  return v;
}

/** The verdict as DESIGN.md §4 writes it. */
function render(index: MatchIndex, input: string, v: Verdict): MatchResult {
  if (v.status === 'unmatched')
    return unmatched(input, v.reason!, v.elements, candidatesOf(index, v.ranked, v.e));
  const b = index.data.buildings;
  const top = v.ranked[0]!;
  if (v.status === 'matched') {
    const room = v.room >= 0;
    const gridId = b.gridId[top.building]!;
    return {
      input,
      status: 'matched',
      address_id: room ? index.data.rooms.id[v.room]! : b.id[top.building]!,
      level: room ? 'room' : 'building',
      score: round2(Math.min(0.99, top.score + (room ? 0.01 : 0))),
      grid_id: gridId,
      elements: elementRecord(v.elements),
      candidates: candidatesOf(index, v.ranked.slice(1), v.e),
      chain: index.chains.get(gridId) ?? null,
      reason: v.reason,
    };
  }
  const chain = sharedChain(index, v.tied);
  return {
    input,
    status: 'ambiguous',
    address_id: null,
    level: null,
    score: round2(top.score),
    grid_id: chain?.grid?.id ?? null,
    elements: elementRecord(v.elements),
    candidates: candidatesOf(index, v.ranked, v.e),
    chain,
    reason: v.reason,
  };
}

// ---- evidence -----------------------------------------------------------------------------------

interface Evidence {
  /** Buildings at a door plate the text names. */
  plateBuildings: ReadonlySet<number>;
  /** A road with a number was written (whether or not the library has that plate). */
  plateGiven: boolean;
  /** The plate was read from `路 + 5栋` (urban-village spelling). */
  plateFromBuilding: boolean;
  plateNames: readonly string[];
  roadRefs: ReadonlySet<number>;
  /** Buildings of the estates or aliases named, and how sure the name is (a short form less). */
  poiBuildings: ReadonlySet<number>;
  poiStrength: number;
  poiGiven: boolean;
  poiNames: readonly string[];
  /** Buildings of estates the unknown text resembles, with the similarity. */
  fuzzyBuildings: ReadonlyMap<number, number>;
  unknownPlace: string | undefined;
  /** Roads with a door number that the library does not have. */
  unknownRoads: readonly string[];
  intersection: boolean;
  houseno: string | undefined;
  /** The building was written with its unit (`5栋`), not as a bare number. */
  housenoExplicit: boolean;
  /** The text names two different buildings. */
  housenoConflict: boolean;
  cellno: string | undefined;
  roomno: string | undefined;
  /** A name in the text was read as the library name one character away. */
  corrected: boolean;
  /** The text lists more than one room (`2301、2302`): only their building is one answer. */
  severalRooms: boolean;
  subdistricts: readonly string[];
  communities: readonly string[];
  /** A named community lies in a named subdistrict: the two agree with each other. */
  communityInSubdistrict: boolean;
  unknownAreas: readonly string[];
}

// Shared empties: most texts name one road, one estate and no areas, and evidence is read often.
const NO_BUILDINGS: ReadonlySet<number> = new Set();
const NO_SIMILAR: ReadonlyMap<number, number> = new Map();
const NONE: readonly string[] = [];
const more = (list: readonly string[], item: string): readonly string[] =>
  list === NONE ? [item] : [...list, item];

function readEvidence(index: MatchIndex, text: string, elements: readonly Element[]): Evidence {
  const e: Evidence = {
    plateBuildings: NO_BUILDINGS,
    plateGiven: false,
    plateFromBuilding: false,
    plateNames: NONE,
    roadRefs: NO_BUILDINGS,
    poiBuildings: NO_BUILDINGS,
    poiStrength: 1,
    poiGiven: false,
    poiNames: NONE,
    fuzzyBuildings: NO_SIMILAR,
    unknownPlace: undefined,
    unknownRoads: NONE,
    intersection: false,
    houseno: undefined,
    housenoExplicit: false,
    housenoConflict: false,
    cellno: undefined,
    roomno: undefined,
    corrected: false,
    severalRooms: false,
    subdistricts: NONE,
    communities: NONE,
    communityInSubdistrict: false,
    unknownAreas: NONE,
  };
  let plate: Set<number> | undefined;
  let roads: Set<number> | undefined;
  let poiSets: ReadonlySet<number>[] | undefined;

  for (let i = 0; i < elements.length; i++) {
    const el = elements[i]!;
    switch (el.label) {
      case 'houseno': {
        // A building written with its unit outranks a bare number; two of a kind contradict.
        const explicit = el.text.endsWith('栋');
        if (e.houseno === undefined || (explicit && !e.housenoExplicit)) {
          e.houseno = el.value;
          e.housenoExplicit = explicit;
        } else if (e.houseno !== el.value && explicit === e.housenoExplicit) e.housenoConflict = true;
        break;
      }
      case 'cellno':
        e.cellno ??= el.value;
        break;
      case 'roomno':
        if (e.roomno !== undefined && e.roomno !== el.value) e.severalRooms = true;
        e.roomno ??= el.value;
        break;
      case 'road':
      case 'subroad': {
        const next = elements[i + 1];
        const number = next?.label === 'roadno' || next?.label === 'subroadno' ? next.value : undefined;
        if (!el.entries) {
          if (number) e.unknownRoads = more(e.unknownRoads, el.value);
          break;
        }
        roads ??= new Set();
        for (const entry of el.entries) roads.add(entry.ref);
        if (!number) break;
        e.plateGiven = true;
        e.plateNames = more(e.plateNames, `${el.value}${number}号`);
        for (const entry of el.entries)
          for (const b of index.plates.get(`${entry.ref}|${number}`) ?? []) {
            plate ??= new Set();
            plate.add(b);
          }
        break;
      }
      case 'poi':
      case 'subpoi': {
        if (!el.entries) {
          // `荔国住宅区` + `4期` read as one name: the phase is part of what the library calls it.
          const next = elements[i + 1];
          const phase = next?.label === 'subpoi' && !next.entries ? next.value : '';
          if (TWO_CJK.test(el.value)) e.unknownPlace ??= el.value + phase;
          break;
        }
        e.poiGiven = true;
        e.poiNames = more(e.poiNames, el.value);
        const members = poiMembers(index, el.entries);
        poiSets ??= [];
        if (!poiSets.includes(members)) poiSets.push(members);
        if (el.short) e.poiStrength = Math.min(e.poiStrength, 0.98);
        if (partialName(index, text, el, elements[i + 1]))
          e.poiStrength = Math.min(e.poiStrength, POI_PARTIAL_STRENGTH);
        break;
      }
      case 'intersection':
        e.intersection = true;
        break;
      case 'town':
      case 'community': {
        if (!el.entries) e.unknownAreas = more(e.unknownAreas, el.value);
        else
          for (const entry of el.entries) {
            const id = index.namedAreas[entry.ref]!.id;
            if (el.label === 'town') e.subdistricts = more(e.subdistricts, id);
            else e.communities = more(e.communities, id);
          }
        break;
      }
    }
  }
  if (plate) e.plateBuildings = plate;
  if (roads) e.roadRefs = roads;

  if (e.communities.length > 0 && e.subdistricts.length > 0)
    e.communityInSubdistrict = e.communities.some((c) =>
      e.subdistricts.includes(index.areaById.get(c)?.parentId ?? ''),
    );
  // Two estate names: the buildings both name, else any of them.
  if (poiSets?.length === 1) e.poiBuildings = poiSets[0]!;
  else if (poiSets) {
    const both = new Set<number>();
    for (const b of poiSets[0]!) if (poiSets.every((set) => set.has(b))) both.add(b);
    if (both.size > 0) e.poiBuildings = both;
    else {
      const union = new Set<number>();
      for (const set of poiSets) for (const b of set) union.add(b);
      e.poiBuildings = union;
    }
  }

  // In an urban village the door plate is the building: 石厦北二街5栋 means plate 5 — where
  // plate 5 is a building without a name of its own, not an estate of 1栋, 2栋…, and not outside
  // the estate the text names.
  if (!plate && !e.plateGiven && e.houseno && roads) {
    let village: Set<number> | undefined;
    for (const ref of roads)
      for (const b of index.plates.get(`${ref}|${e.houseno}`) ?? [])
        if (index.buildingKeys[b] === null && (e.poiBuildings.size === 0 || e.poiBuildings.has(b))) {
          village ??= new Set();
          village.add(b);
        }
    if (village) {
      e.plateBuildings = village;
      e.plateFromBuilding = true;
      e.plateGiven = true;
    }
  }

  if (e.poiBuildings.size === 0 && e.unknownPlace) {
    const similar = new Map<number, number>();
    for (const { poi, similarity } of fuzzyPois(index, e.unknownPlace))
      for (const b of index.pois[poi]!.members) similar.set(b, Math.max(similarity, similar.get(b) ?? 0));
    if (similar.size > 0) e.fuzzyBuildings = similar;
  }
  return e;
}

const TWO_CJK = /[\u4e00-\u9fff]{2}/;

// The buildings of a name that means several estates, once per lexicon entry list.
const unions = new WeakMap<readonly LexEntry[], ReadonlySet<number>>();

function poiMembers(index: MatchIndex, entries: readonly LexEntry[]): ReadonlySet<number> {
  if (entries.length === 1) return index.pois[entries[0]!.ref]!.members;
  let union = unions.get(entries);
  if (!union) {
    const set = new Set<number>();
    for (const entry of entries) for (const b of index.pois[entry.ref]!.members) set.add(b);
    union = set;
    unions.set(entries, union);
  }
  return union;
}

/** How sure an estate name is when more of a name follows it that the library does not know. */
const POI_PARTIAL_STRENGTH = 0.83;

/**
 * Whether an estate name read from the lexicon runs on into unknown text that could continue it:
 * `梅富园` is 梅富 + 园, where the library has 梅富花园 and 梅富新村 — the person wrote a name the
 * reading did not find, so the short one is not evidence enough.
 */
function partialName(index: MatchIndex, text: string, el: Element, next: Element | undefined): boolean {
  if (!next || next.entries || next.start === undefined || el.start === undefined) return false;
  const end = el.start + el.text.length;
  if (next.start !== end || !UNKNOWN_TEXT.has(next.label) || !CJK.test(next.text)) return false;
  return continues(index.lexicon, text, el.start, end);
}

/** A pair in this many names (花园, 3期) finds nothing by itself; it still counts in the similarity. */
const FREQUENT_PAIR = 200;

/** Estates whose name or alias shares most character pairs with `text` (Dice ≥ FUZZY_MIN). */
function fuzzyPois(index: MatchIndex, text: string): { poi: number; similarity: number }[] {
  const grams = new Set(bigrams(text));
  if (grams.size === 0) return [];
  const { names, byGram, hits } = index.fuzzy;
  const touched: number[] = [];
  const frequent: string[] = [];
  for (const gram of grams) {
    const list = byGram.get(gram);
    if (!list) continue;
    if (list.length > FREQUENT_PAIR) frequent.push(gram);
    else
      for (const at of list) {
        if (hits[at] === 0) touched.push(at);
        hits[at]! += 1;
      }
  }
  const best = new Map<number, number>();
  for (const at of touched) {
    const name = names[at]!;
    let common = hits[at]!;
    hits[at] = 0;
    for (const gram of frequent) if (name.gramSet.has(gram)) common += 1;
    const similarity = (2 * common) / (grams.size + name.grams.length);
    if (similarity >= FUZZY_MIN && similarity > (best.get(name.poi) ?? 0)) best.set(name.poi, similarity);
  }
  let top = 0;
  for (const s of best.values()) if (s > top) top = s;
  // Only the closest names: a second estate far behind is no candidate.
  return [...best]
    .filter(([, s]) => s >= top - 0.1)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([poi, similarity]) => ({ poi, similarity }));
}

// ---- spelling -----------------------------------------------------------------------------------

const UNKNOWN_TEXT: ReadonlySet<Label> = new Set(['poi', 'subpoi', 'redundant']);
const ROAD_ENDINGS: ReadonlySet<string> = new Set(ROAD_SUFFIXES.map((s) => s.at(-1)!));
/** Readings tried per text: more near names than this say nothing anyway. */
const MAX_FIXES = 12;
const MAX_POI_SPAN = 16;

interface Fix {
  from: number;
  to: number;
  name: string;
  edits: number;
}

/**
 * The text once per library name a part of it is one edit from: the words before a door number
 * against the roads that have that number (`红利路1150号`, `渔农村巷25号`), and unknown words
 * beside or after an estate name against the estates (`华红寓` → 华红公寓). Never a name the text
 * already spells right.
 */
function spellingFixes(index: MatchIndex, text: string, elements: readonly Element[]): string[] {
  const fixes: Fix[] = [];
  for (let p = 1; p < text.length; p++) {
    if (!isDigit(text.charCodeAt(p)) || isDigit(text.charCodeAt(p - 1))) continue;
    const before = text.charCodeAt(p - 1);
    const end = before === 0x2d || before === 0x20 ? p - 1 : p;
    const last = text.charCodeAt(end - 1);
    if (end < 1 || !isIdeograph(last) || UNIT_ENDS.has(last) || knownRoadEndsAt(elements, end)) continue;
    let q = p;
    while (q < text.length && isDigit(text.charCodeAt(q))) q++;
    roadFixes(index, text, end, text.slice(p, q), fixes);
  }
  poiFixes(index, text, elements, fixes);
  fixes.sort((a, b) => a.edits - b.edits);
  const out = new Set<string>();
  for (const fix of fixes) {
    const corrected = text.slice(0, fix.from) + fix.name + text.slice(fix.to);
    if (corrected !== text) out.add(corrected);
    if (out.size === MAX_FIXES) break;
  }
  return [...out];
}

const isDigit = (code: number) => code >= 48 && code <= 57;
/** After a unit (`B栋2301`, `3楼01`) a number is the next unit, never a door number. */
const UNIT_ENDS: ReadonlySet<number> = new Set(
  [...'栋座楼室元层号期区组梯门户间'].map((c) => c.charCodeAt(0)),
);
const isIdeograph = (code: number) => code >= 0x3400 && code <= 0x9fff;

function knownRoadEndsAt(elements: readonly Element[], end: number): boolean {
  for (const el of elements)
    if (
      (el.label === 'road' || el.label === 'subroad') &&
      el.entries !== undefined &&
      !el.short &&
      el.start !== undefined &&
      el.start + el.text.length === end
    )
      return true;
  return false;
}

/** Roads with door number `number` whose name is one edit from the text just before `end`. */
function roadFixes(index: MatchIndex, text: string, end: number, number: string, fixes: Fix[]): void {
  for (const ref of index.roadsByNumber.get(number) ?? []) {
    let fix: Fix | undefined;
    for (const form of index.fuzzy.roadForms[ref]!)
      for (let length = form.length + 1; length >= form.length - 1; length--) {
        if (length < FUZZY_MIN_CHARS || length > end) continue;
        const edits = editsUpToOne(text, end - length, end, form);
        // The fewest edits, then the most text explained.
        if (edits > 1 || (fix && (fix.edits < edits || (fix.edits === edits && fix.to - fix.from >= length))))
          continue;
        fix = { from: end - length, to: end, name: index.fuzzy.roadKeys[ref]!, edits };
      }
    if (fix) fixes.push(fix);
  }
}

/**
 * Runs of estate-like words (estate names, unknown words, phases) that hold something the reading
 * did not know, against the estates one edit away — and, when a stretch ends like a road, the roads
 * (`八一路` before an estate is 八卦一路). Per run only the fixes that explain the most of it.
 */
function poiFixes(index: MatchIndex, text: string, elements: readonly Element[], fixes: Fix[]): void {
  let run: Element[] = [];
  let unknown = false;
  for (const el of elements) {
    if (el.start === undefined) continue;
    const last = run.at(-1);
    const joins = UNKNOWN_TEXT.has(el.label) && CJK.test(el.text);
    if (last && (!joins || last.start! + last.text.length !== el.start)) {
      if (unknown) runFixes(index, text, run, fixes);
      run = [];
      unknown = false;
    }
    if (joins) {
      run.push(el);
      if (!el.entries) unknown = true;
    }
  }
  if (unknown) runFixes(index, text, run, fixes);
}

/** Every stretch of the run, widest first; the fixes of the widest stretches that have any. */
function runFixes(index: MatchIndex, text: string, run: readonly Element[], fixes: Fix[]): void {
  const spans: { from: number; to: number }[] = [];
  for (let a = 0; a < run.length; a++) {
    const el = run[a]!;
    // Words glued before a name (`市民来电反映美京名苑`): a long unknown word may start anywhere in it.
    const inner = !el.entries && el.text.length > 4 ? el.text.length - FUZZY_MIN_CHARS : 0;
    for (let skip = 0; skip <= inner; skip++)
      for (let b = a; b < run.length; b++) {
        // A name the reading found whole is no fix.
        if (a === b && skip === 0 && el.entries) continue;
        const from = el.start! + skip;
        const to = run[b]!.start! + run[b]!.text.length;
        if (to - from >= FUZZY_MIN_CHARS && to - from <= MAX_POI_SPAN) spans.push({ from, to });
      }
  }
  spans.sort((x, y) => y.to - y.from - (x.to - x.from));
  let widest = 0;
  for (const { from, to } of spans) {
    if (to - from < widest) break;
    const roadLike = ROAD_ENDINGS.has(text[to - 1]!);
    nearForms(index, text, from, to, (form, edits) => {
      if (form.kind === 'road' && !roadLike) return;
      const name = form.kind === 'poi' ? index.fuzzy.poiKeys[form.ref]! : index.fuzzy.roadKeys[form.ref]!;
      fixes.push({ from, to, name, edits });
      widest = to - from;
    });
  }
}

/**
 * The road and estate forms text[from, to) is at most one edit from (exact ones too). One edit
 * keeps the first or the second character in place, and the length within one: the forms are
 * indexed by both.
 */
function nearForms(
  index: MatchIndex,
  text: string,
  from: number,
  to: number,
  visit: (form: NameForm, edits: number) => void,
): void {
  const length = to - from;
  if (length < FUZZY_MIN_CHARS) return;
  const { byLead, forms, stamps } = index.fuzzy;
  if (index.fuzzy.lookups === 0x7fffffff) {
    stamps.fill(0);
    index.fuzzy.lookups = 0;
  }
  const stamp = ++index.fuzzy.lookups;
  for (let lead = from; lead <= from + 1; lead++)
    for (let l = length - 1; l <= length + 1; l++)
      for (const at of byLead.get(leadKey(text.charCodeAt(lead), l)) ?? []) {
        if (stamps[at] === stamp) continue;
        stamps[at] = stamp;
        const form = forms[at]!;
        const edits = editsUpToOne(text, from, to, form.text);
        if (edits <= 1) visit(form, edits);
      }
}

/** Whether `a` becomes `b` by at most one substitution, insertion or deletion. */
export function withinOneEdit(a: string, b: string): boolean {
  return editsUpToOne(a, 0, a.length, b) <= 1;
}

/** 0 when text[from, to) equals `b`, 1 when one edit apart, 2 when further; without copying. */
function editsUpToOne(text: string, from: number, to: number, b: string): number {
  const la = to - from;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return 2;
  let i = 0;
  while (i < la && i < lb && text[from + i] === b[i]) i++;
  if (i === la && i === lb) return 0;
  // Skip the differing character in the longer string (both, for a substitution); the rest must agree.
  const skipA = la >= lb ? 1 : 0;
  const skipB = lb >= la ? 1 : 0;
  for (let j = i; j + skipA < la || j + skipB < lb; j++)
    if (text[from + j + skipA] !== b[j + skipB]) return 2;
  return 1;
}

/** How much `text` looks like the estate name or an alias of `building` (Dice over bigrams). */
function estateSimilarity(index: MatchIndex, building: number, text: string): number {
  const grams = new Set(bigrams(text));
  let best = 0;
  for (const ref of index.fuzzy.buildingPois[building]!) {
    const name = index.fuzzy.names[ref]!;
    let common = 0;
    for (const gram of grams) if (name.gramSet.has(gram)) common += 1;
    best = Math.max(best, (2 * common) / (grams.size + name.grams.length || 1));
  }
  return best;
}

// ---- scoring ------------------------------------------------------------------------------------

interface Scored {
  building: number;
  score: number;
}

/** The buildings blocking found, scored: parallel arrays, so a village's hundreds take no object each. */
interface Candidates {
  buildings: number[];
  scores: number[];
  /** The text names a building (`C座`) this one is not. */
  wrong: boolean[];
}

function scoreCandidates(index: MatchIndex, e: Evidence): Candidates {
  // When the door plate lies in the named estate, the estate's other buildings cannot win (a
  // village holds hundreds): score the plate's buildings only.
  let plateInPoi = false;
  for (const b of e.plateBuildings) if (e.poiBuildings.has(b)) plateInPoi = true;
  const sources: Iterable<number>[] = plateInPoi
    ? [e.plateBuildings]
    : [e.plateBuildings, e.poiBuildings, e.fuzzyBuildings.keys()];
  // A named building (`3栋`) rules out the others, unless none has that name (then they are the
  // near misses reported).
  const keys = index.buildingKeys;
  const named = e.houseno && !e.plateFromBuilding ? e.houseno : undefined;
  let narrow = false;
  if (named) for (const b of e.plateBuildings) if (keys[b] === named) narrow = true;
  if (named && !narrow && !plateInPoi) {
    for (const b of e.poiBuildings) if (keys[b] === named) narrow = true;
    for (const b of e.fuzzyBuildings.keys()) if (keys[b] === named) narrow = true;
  }
  const out: Candidates = { buildings: [], scores: [], wrong: [] };
  // Buildings both at the plate and in the estate come up twice.
  const seen = e.plateBuildings.size > 0 && !plateInPoi ? new Set<number>() : undefined;
  for (const source of sources)
    for (const building of source) {
      const key = keys[building];
      if (narrow && key !== named && key !== null) continue;
      if (seen) {
        if (seen.has(building)) continue;
        seen.add(building);
      }
      out.buildings.push(building);
      out.scores.push(scoreOne(index, e, building));
      out.wrong.push(named !== undefined && key !== null && key !== named);
    }
  return out;
}

function scoreOne(index: MatchIndex, e: Evidence, building: number): number {
  const b = index.data.buildings;
  const plate = e.plateBuildings.has(building);
  const poi = e.poiBuildings.has(building);
  const fuzzy = e.fuzzyBuildings.get(building);
  let score: number;
  if (plate && poi) score = 0.96;
  else if (plate && fuzzy !== undefined) score = 0.92 + 0.04 * fuzzy;
  else if (plate) score = e.poiGiven ? 0.72 : e.plateFromBuilding ? 0.9 : 0.92;
  else if (poi) {
    // A door plate that disagrees: the same road with another number is likelier a typo. A plate
    // on a road the library lacks cannot confirm the estate either; nor can another road named.
    const sameRoad = e.roadRefs.has(index.buildingRoad[building]!);
    const base = e.plateGiven ? (sameRoad ? 0.8 : 0.72) : e.unknownRoads.length > 0 ? 0.8 : 0.92;
    score = base - (1 - e.poiStrength) - (e.roadRefs.size > 0 && !sameRoad && !e.plateGiven ? 0.12 : 0);
  } else score = 0.5 + 0.3 * (fuzzy ?? 0) - (e.plateGiven ? 0.1 : 0);
  // Unknown text beside a door plate: the plate's own estate misspelt agrees; a name like
  // another estate disagrees; anything else is noise.
  if (plate && !poi && fuzzy === undefined && e.unknownPlace) {
    const own = estateSimilarity(index, building, e.unknownPlace);
    if (own >= FUZZY_MIN) score += 0.04 * own;
    else score -= e.fuzzyBuildings.size > 0 ? 0.2 : 0.02;
  }

  const key = index.buildingKeys[building];
  if (e.houseno && !e.plateFromBuilding) {
    if (key === e.houseno) score += 0.03;
    else if (key === null) score -= plate ? 0.02 : 0.1;
  }
  if (e.housenoConflict) score -= 0.2;
  // People often get the subdistrict or community wrong: it lowers the score, a strong match stays.
  // A wrong community inside the wrong subdistrict named with it is one mistake, not two.
  const wrongSubdistrict =
    e.subdistricts.length > 0 && !e.subdistricts.includes(b.subdistrictId[building] ?? '');
  const wrongCommunity = e.communities.length > 0 && !e.communities.includes(b.communityId[building] ?? '');
  if (e.subdistricts.length > 0) score += wrongSubdistrict ? -0.03 : 0.01;
  if (e.communities.length > 0) score += wrongCommunity ? -0.03 : 0.01;
  if (wrongSubdistrict && wrongCommunity && e.communityInSubdistrict) score += 0.02;
  score -= 0.01 * e.unknownAreas.length;
  if (e.corrected) score -= 0.04;
  return clamp(score);
}

/**
 * The `k` best candidates, best first (ties by library order), of all or only those not `wrong`:
 * no full sort of a village's hundreds.
 */
function best(c: Candidates, k: number, rightOnly: boolean): Scored[] {
  const top: Scored[] = [];
  for (let i = 0; i < c.buildings.length; i++) {
    if (rightOnly && c.wrong[i]) continue;
    const building = c.buildings[i]!;
    const score = c.scores[i]!;
    const last = top[k - 1];
    if (top.length === k && last && !before(score, building, last)) continue;
    let at = top.length === k ? k - 1 : top.length;
    while (at > 0 && before(score, building, top[at - 1]!)) at -= 1;
    top.splice(at, 0, { building, score });
    if (top.length > k) top.pop();
  }
  return top;
}

const before = (score: number, building: number, y: Scored) =>
  score > y.score || (score === y.score && building < y.building);

function noCandidateReason(e: Evidence): string {
  if (e.plateGiven) return `no door plate ${e.plateNames.join(', ')} in the library`;
  if (e.unknownPlace) return `no estate like "${e.unknownPlace}" in the library`;
  if (e.unknownRoads.length > 0) return `no road ${e.unknownRoads.join(', ')} in the library`;
  if (e.roadRefs.size > 0) return 'a road without a door number or estate';
  if (e.subdistricts.length + e.communities.length > 0) return 'only an area is named, no road or estate';
  return 'no road, door plate or estate found';
}

function ambiguityReason(e: Evidence, tied: number, top: number): string {
  if (e.housenoConflict) return 'the text names two different buildings';
  if (tied > 1) {
    const where = e.poiNames[0] ?? e.plateNames[0] ?? 'the named place';
    return e.houseno
      ? `${tied} buildings fit ${where} ${e.houseno}`
      : `${tied} buildings at ${where}; the text names none of them`;
  }
  if (e.plateGiven && e.poiGiven && e.plateBuildings.size > 0)
    return 'the door plate and the estate name disagree';
  if (e.fuzzyBuildings.size > 0 && e.poiBuildings.size === 0)
    return `the estate "${e.unknownPlace}" is only similar to a library name`;
  if (e.communities.length + e.subdistricts.length > 0 && top < MATCH_THRESHOLD)
    return 'the named subdistrict or community disagrees with the address';
  return `score ${round2(top)} is below ${MATCH_THRESHOLD}`;
}

// ---- the answer ---------------------------------------------------------------------------------

/** The room the text names inside `building`, or -1 with the reason the building is the answer. */
function resolveRoom(
  index: MatchIndex,
  building: number,
  e: Evidence,
): { room: number; reason: string | null } {
  if (!e.roomno) return { room: -1, reason: null };
  if (e.severalRooms) return { room: -1, reason: 'several rooms named; matched their building' };
  const rooms = index.roomsByKey[building]?.get(e.roomno) ?? [];
  const inEntrance = e.cellno
    ? rooms.filter((r) => {
        const entrance = index.roomEntranceKeys[r];
        return entrance === null || entrance === e.cellno;
      })
    : rooms;
  if (inEntrance.length === 1) return { room: inEntrance[0]!, reason: null };
  if (inEntrance.length > 1)
    return {
      room: -1,
      reason: `room ${e.roomno} exists in ${inEntrance.length} entrances; matched the building`,
    };
  if (rooms.length > 0)
    return { room: -1, reason: `room ${e.roomno} is not in entrance ${e.cellno}; matched the building` };
  return { room: -1, reason: `room ${e.roomno} is not in the library; matched the building` };
}

function candidatesOf(index: MatchIndex, scored: readonly Scored[], e: Evidence): MatchCandidate[] {
  return scored.slice(0, MAX_CANDIDATES).map((c) => {
    const rooms = e.roomno ? (index.roomsByKey[c.building]?.get(e.roomno) ?? []) : [];
    const room = rooms.length === 1 ? rooms[0]! : -1;
    const b = index.data.buildings;
    return {
      address_id: room >= 0 ? index.data.rooms.id[room]! : b.id[c.building]!,
      level: room >= 0 ? 'room' : 'building',
      score: round2(c.score),
      grid_id: b.gridId[c.building]!,
      address: describe(index, c.building, room),
    };
  });
}

/** `益田路3013号 南方国际广场 B座 2301室`. */
function describe(index: MatchIndex, building: number, room = -1): string {
  const b = index.data.buildings;
  const r = index.data.rooms;
  const plate = b.road[building]
    ? `${b.road[building]}${b.roadNo[building] ? `${b.roadNo[building]}号` : ''}`
    : '';
  const parts = [plate, b.estate[building], b.building[building]];
  if (room >= 0) parts.push(r.entrance[room], r.room[room] ? `${r.room[room]}室` : null);
  return parts.filter(Boolean).join(' ');
}

/** The areas every one of `buildings` lies in (finest first), or null when they share none. */
function sharedChain(index: MatchIndex, buildings: readonly number[]): MatchChain | null {
  const b = index.data.buildings;
  const grids = new Set(buildings.map((x) => b.gridId[x]!));
  if (grids.size === 1) return index.chains.get([...grids][0]!) ?? null;
  const communities = new Set(buildings.map((x) => b.communityId[x]));
  const [community] = communities;
  if (communities.size === 1 && community) return index.chains.get(community) ?? null;
  const subdistricts = new Set(buildings.map((x) => b.subdistrictId[x]));
  const [subdistrict] = subdistricts;
  if (subdistricts.size === 1 && subdistrict) return index.chains.get(subdistrict) ?? null;
  return null;
}

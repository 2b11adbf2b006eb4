// Free text → a standard address, pure and synchronous over a MatchIndex. Blocking finds the
// buildings the text can mean (door plate, estate name or alias, a misspelt estate); each is scored
// on the elements that agree or disagree; only a clear, high-scoring winner is `matched`, at the
// finest level the text supports (a room that exists, else its building — never another room).
import type { AreaRef } from '../../areas/locator.ts';
import { bigrams, type MatchIndex } from './index.ts';
import { nameKey, normaliseAddress } from './normalise.ts';
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
export type MatchChain = Partial<Record<'district' | 'subdistrict' | 'community' | 'grid', AreaRef>>;

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
    return answer(index, input, elements, {
      building: confirmed.building,
      room: confirmed.room,
      score: 1,
      reason: 'confirmed by a person in the review queue',
    });
  }
  if (parsed.outside) return unmatched(input, `outside the library: ${parsed.outside}`, elements);

  const first = decide(index, input, elements, readEvidence(index, elements));
  if (first.status === 'matched') return first;
  // A name one character off a single library name is read as that name, at a lower score.
  const corrected = correctSpelling(index, text, elements);
  if (!corrected) return first;
  const reading = parseNormalised(corrected, noise, index.lexicon);
  if (reading.outside) return first;
  const e = readEvidence(index, reading.elements);
  e.corrected = true;
  const second = decide(index, input, reading.elements, e);
  return second.status === 'matched' ? second : first;
}

/** The answer the evidence supports: a clear winner above the threshold, else candidates. */
function decide(index: MatchIndex, input: string, elements: readonly Element[], e: Evidence): MatchResult {
  if (e.intersection && e.plateBuildings.size === 0 && e.poiBuildings.size === 0)
    return unmatched(input, 'a road intersection, not a building', elements);

  const scored = scoreCandidates(index, e);
  if (scored.length === 0) return unmatched(input, noCandidateReason(e), elements);

  const kept = scored.filter((c) => !c.wrongBuilding);
  if (kept.length === 0) {
    const where = e.poiNames[0] ?? e.plateNames[0] ?? 'that address';
    return unmatched(
      input,
      `no building ${e.houseno} at ${where}`,
      elements,
      candidatesOf(index, best(scored, MAX_CANDIDATES), e, 0.5),
    );
  }
  const ranked = best(kept, MAX_CANDIDATES + 1);
  const [top, second] = ranked as [Scored, ...Scored[]];
  const clear = !second || top.score - second.score >= MARGIN;
  if (clear && top.score >= MATCH_THRESHOLD) {
    const room = resolveRoom(index, top.building, e);
    return answer(index, input, elements, {
      building: top.building,
      room: room.room,
      score: Math.min(0.99, top.score + (room.room >= 0 ? 0.01 : 0)),
      reason: room.reason,
      candidates: candidatesOf(index, ranked.slice(1), e),
    });
  }
  const tied = kept.filter((c) => top.score - c.score < MARGIN).map((c) => c.building);
  const chain = sharedChain(index, tied);
  return {
    input,
    status: 'ambiguous',
    address_id: null,
    level: null,
    score: round2(top.score),
    grid_id: chain?.grid?.id ?? null,
    elements: elementRecord(elements),
    candidates: candidatesOf(index, ranked, e),
    chain,
    reason: ambiguityReason(e, tied.length, top.score),
  };
}

// ---- evidence -----------------------------------------------------------------------------------

interface Evidence {
  /** Buildings at a door plate the text names. */
  plateBuildings: Set<number>;
  /** A road with a number was written (whether or not the library has that plate). */
  plateGiven: boolean;
  /** The plate was read from `路 + 5栋` (urban-village spelling). */
  plateFromBuilding: boolean;
  plateNames: string[];
  roadRefs: Set<number>;
  /** Buildings of the estates or aliases named, and how sure the name is (a short form less). */
  poiBuildings: ReadonlySet<number>;
  poiStrength: number;
  poiGiven: boolean;
  poiNames: string[];
  /** Buildings of estates the unknown text resembles, with the similarity. */
  fuzzyBuildings: Map<number, number>;
  unknownPlace: string | undefined;
  /** Roads with a door number that the library does not have. */
  unknownRoads: string[];
  intersection: boolean;
  houseno?: string;
  cellno?: string;
  roomno?: string;
  /** A name in the text was read as the library name one character away. */
  corrected?: boolean;
  /** The text lists more than one room (`2301、2302`): only their building is one answer. */
  severalRooms?: boolean;
  subdistricts: string[];
  communities: string[];
  unknownAreas: string[];
}

function readEvidence(index: MatchIndex, elements: readonly Element[]): Evidence {
  const e: Evidence = {
    plateBuildings: new Set(),
    plateGiven: false,
    plateFromBuilding: false,
    plateNames: [],
    roadRefs: new Set(),
    poiBuildings: new Set(),
    poiStrength: 1,
    poiGiven: false,
    poiNames: [],
    fuzzyBuildings: new Map(),
    unknownPlace: undefined,
    unknownRoads: [],
    intersection: false,
    subdistricts: [],
    communities: [],
    unknownAreas: [],
  };
  const poiSets: ReadonlySet<number>[] = [];

  for (let i = 0; i < elements.length; i++) {
    const el = elements[i]!;
    switch (el.label) {
      case 'houseno':
        e.houseno ??= el.value;
        break;
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
          if (number) e.unknownRoads.push(el.value);
          break;
        }
        for (const entry of el.entries) e.roadRefs.add(entry.ref);
        if (!number) break;
        e.plateGiven = true;
        e.plateNames.push(`${el.value}${number}号`);
        for (const entry of el.entries)
          for (const b of index.plates.get(`${entry.ref}|${number}`) ?? []) e.plateBuildings.add(b);
        break;
      }
      case 'poi':
      case 'subpoi': {
        if (!el.entries) {
          // `荔国住宅区` + `4期` read as one name: the phase is part of what the library calls it.
          const next = elements[i + 1];
          const phase = next?.label === 'subpoi' && !next.entries ? next.value : '';
          if (/[\u4e00-\u9fff]{2}/.test(el.value)) e.unknownPlace ??= el.value + phase;
          break;
        }
        e.poiGiven = true;
        e.poiNames.push(el.value);
        const sets = el.entries.map((entry) => index.pois[entry.ref]!.members);
        poiSets.push(sets.length === 1 ? sets[0]! : new Set(sets.flatMap((set) => [...set])));
        if (el.short) e.poiStrength = 0.98;
        break;
      }
      case 'intersection':
        e.intersection = true;
        break;
      case 'town':
      case 'community': {
        const list = el.label === 'town' ? e.subdistricts : e.communities;
        if (el.entries) for (const entry of el.entries) list.push(index.namedAreas[entry.ref]!.id);
        else e.unknownAreas.push(el.value);
        break;
      }
    }
  }

  // Two estate names: the buildings both name, else any of them.
  if (poiSets.length === 1) e.poiBuildings = poiSets[0]!;
  else if (poiSets.length > 1) {
    const union = new Set(poiSets.flatMap((set) => [...set]));
    const both = new Set([...union].filter((b) => poiSets.every((set) => set.has(b))));
    e.poiBuildings = both.size > 0 ? both : union;
  }

  // In an urban village the door plate is the building: 石厦北二街5栋 means plate 5 — where
  // plate 5 is a building without a name of its own, not an estate of 1栋, 2栋….
  if (e.plateBuildings.size === 0 && !e.plateGiven && e.houseno && e.roadRefs.size > 0) {
    for (const ref of e.roadRefs)
      for (const b of index.plates.get(`${ref}|${e.houseno}`) ?? [])
        if (index.buildingKeys[b] === null) e.plateBuildings.add(b);
    if (e.plateBuildings.size > 0) {
      e.plateFromBuilding = true;
      e.plateGiven = true;
    }
  }

  if (e.poiBuildings.size === 0 && e.unknownPlace) {
    for (const { poi, similarity } of fuzzyPois(index, e.unknownPlace))
      for (const b of index.pois[poi]!.members)
        e.fuzzyBuildings.set(b, Math.max(similarity, e.fuzzyBuildings.get(b) ?? 0));
  }
  return e;
}

/** Estates whose name or alias shares most character pairs with `text` (Dice ≥ FUZZY_MIN). */
function fuzzyPois(index: MatchIndex, text: string): { poi: number; similarity: number }[] {
  const grams = new Set(bigrams(text));
  if (grams.size === 0) return [];
  const hits = new Map<number, number>();
  for (const gram of grams) {
    const list = index.fuzzy.byGram.get(gram);
    // A pair in thousands of names (花园) finds nothing by itself; it still counts in the exact score.
    if (!list || list.length > 2_000) continue;
    for (const at of list) hits.set(at, (hits.get(at) ?? 0) + 1);
  }
  const best = new Map<number, number>();
  const ranked = [...hits].sort((a, b) => b[1] - a[1]).slice(0, 50);
  for (const [at] of ranked) {
    const name = index.fuzzy.names[at]!;
    const own = new Set(name.grams);
    let common = 0;
    for (const gram of grams) if (own.has(gram)) common += 1;
    const similarity = (2 * common) / (grams.size + own.size);
    if (similarity >= FUZZY_MIN && similarity > (best.get(name.poi) ?? 0)) best.set(name.poi, similarity);
  }
  const top = Math.max(0, ...best.values());
  // Only the closest names: a second estate far behind is no candidate.
  return [...best]
    .filter(([, s]) => s >= top - 0.1)
    .map(([poi, similarity]) => ({ poi, similarity }))
    .slice(0, 10);
}

// ---- spelling -----------------------------------------------------------------------------------

const UNKNOWN_TEXT: ReadonlySet<Label> = new Set(['poi', 'subpoi', 'redundant']);

/**
 * The text with names one edit off a single library name replaced by it: the words before a door
 * number against the roads (`红利路1150号`, `新州十街19号`), unknown text elsewhere against the
 * estates and aliases. Undefined when nothing changes.
 */
function correctSpelling(index: MatchIndex, text: string, elements: readonly Element[]): string | undefined {
  // Only unknown words are corrected: never a name the lexicon read, so never away from one.
  // named[i]: how many of the first i characters belong to names the lexicon read.
  const named = new Uint16Array(text.length + 1);
  const inName = new Uint8Array(text.length);
  for (const el of elements)
    if (el.entries && el.start !== undefined) inName.fill(1, el.start, el.start + el.text.length);
  for (let i = 0; i < text.length; i++) named[i + 1] = named[i]! + inName[i]!;
  const fixes: { from: number; to: number; name: string }[] = [];
  for (let p = 1; p < text.length; p++) {
    if (!isDigit(text[p]!) || isDigit(text[p - 1]!) || inName[p - 1] || !/[\u4e00-\u9fff]/.test(text[p - 1]!))
      continue;
    const road = closestRoad(index, text, p, named);
    if (road) fixes.push({ from: p - road.length, to: p, name: road.name });
  }
  for (const el of elements) {
    if (el.entries || el.start === undefined || !UNKNOWN_TEXT.has(el.label) || el.text.length < 3) continue;
    const name = closestPoi(index, el.text);
    if (name) fixes.push({ from: el.start, to: el.start + el.text.length, name });
  }
  let out = '';
  let at = 0;
  for (const fix of fixes.sort((a, b) => a.from - b.from)) {
    if (fix.from < at) continue;
    out += text.slice(at, fix.from) + fix.name;
    at = fix.to;
  }
  out += text.slice(at);
  return out === text ? undefined : out;
}

const isDigit = (char: string) => char >= '0' && char <= '9';

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

/**
 * The road whose name is one edit from the text just before `end`, among those that have the door
 * number written at `end`: `红利路1150号` is 红荔路 when 红荔路 has a 1150 and 红花路 has none.
 */
function closestRoad(
  index: MatchIndex,
  text: string,
  end: number,
  named: Uint16Array,
): { name: string; length: number } | undefined {
  const number = /^\d+/.exec(text.slice(end, end + 8))?.[0];
  let found: { name: string; length: number } | undefined;
  const keys = index.fuzzy.roadKeys;
  for (let ref = 0; ref < keys.length; ref++) {
    const key = keys[ref]!;
    if (key.length < 3) continue;
    for (let length = key.length - 1; length <= key.length + 1; length++) {
      if (length < 3 || length > end || named[end]! - named[end - length]! > 0) continue;
      const edits = editsUpToOne(text, end - length, end, key);
      if (edits === 0) return undefined;
      if (edits > 1 || !index.plates.has(`${ref}|${number}`)) continue;
      if (found && found.name !== key) return undefined;
      found = { name: key, length };
      break;
    }
  }
  return found;
}

/** The single estate name or alias one edit from `span`. */
function closestPoi(index: MatchIndex, span: string): string | undefined {
  const { names, byLead } = index.fuzzy;
  let found: string | undefined;
  for (const lead of new Set(span.slice(0, 2)))
    for (const at of byLead.get(lead) ?? []) {
      const key = names[at]!.key;
      if (key.length < 3 || key === span || !withinOneEdit(span, key)) continue;
      if (found !== undefined && found !== key) return undefined;
      found = key;
    }
  return found;
}

/** How much `text` looks like the estate name or an alias of `building` (Dice over bigrams). */
function estateSimilarity(index: MatchIndex, building: number, text: string): number {
  const b = index.data.buildings;
  const grams = new Set(bigrams(nameKey(text)));
  let best = 0;
  for (const name of [b.estate[building], ...b.aliases[building]!]) {
    if (!name) continue;
    const own = new Set(bigrams(nameKey(name)));
    let common = 0;
    for (const gram of grams) if (own.has(gram)) common += 1;
    best = Math.max(best, (2 * common) / (grams.size + own.size || 1));
  }
  return best;
}

// ---- scoring ------------------------------------------------------------------------------------

interface Scored {
  building: number;
  score: number;
  /** The text names a building (`C座`) this one is not. */
  wrongBuilding: boolean;
}

function scoreCandidates(index: MatchIndex, e: Evidence): Scored[] {
  // When the door plate lies in the named estate, the estate's other buildings cannot win (a
  // village holds hundreds): score the plate's buildings only.
  const plate = [...e.plateBuildings];
  const sources: (readonly number[])[] = plate.some((b) => e.poiBuildings.has(b))
    ? [plate]
    : [plate, [...e.poiBuildings], [...e.fuzzyBuildings.keys()]];
  // A named building (`3栋`) rules out the others, unless none has that name (then they are the
  // near misses reported).
  const keys = index.buildingKeys;
  const named = e.houseno && !e.plateFromBuilding ? e.houseno : undefined;
  let fits: ((b: number) => boolean) | undefined;
  if (named && sources.some((source) => source.some((b) => keys[b] === named)))
    fits = (b) => keys[b] === named || keys[b] === null;
  const out: Scored[] = [];
  const seen = new Set<number>();
  for (const source of sources)
    for (const building of source) {
      if (seen.has(building) || (fits && !fits(building))) continue;
      seen.add(building);
      out.push(scoreOne(index, e, building));
    }
  return out;
}

function scoreOne(index: MatchIndex, e: Evidence, building: number): Scored {
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

  let wrongBuilding = false;
  const key = index.buildingKeys[building];
  if (e.houseno && !e.plateFromBuilding) {
    if (key === e.houseno) score += 0.03;
    else if (key === null) score -= plate ? 0.02 : 0.1;
    else wrongBuilding = true;
  }
  // People often get the subdistrict or community wrong: it lowers the score, a strong match stays.
  if (e.subdistricts.length > 0)
    score += e.subdistricts.includes(b.subdistrictId[building] ?? '') ? 0.01 : -0.03;
  if (e.communities.length > 0) score += e.communities.includes(b.communityId[building] ?? '') ? 0.01 : -0.03;
  score -= 0.01 * e.unknownAreas.length;
  if (e.corrected) score -= 0.04;
  return { building, score: clamp(score), wrongBuilding };
}

/** The `k` best, best first (ties by library order): no full sort of a village's hundreds. */
function best(scored: readonly Scored[], k: number): Scored[] {
  const top: Scored[] = [];
  for (const c of scored) {
    if (top.length === k && !before(c, top[k - 1]!)) continue;
    let at = top.length === k ? k - 1 : top.length;
    while (at > 0 && before(c, top[at - 1]!)) at -= 1;
    top.splice(at, 0, c);
    if (top.length > k) top.pop();
  }
  return top;
}

const before = (x: Scored, y: Scored) =>
  x.score > y.score || (x.score === y.score && x.building < y.building);

function noCandidateReason(e: Evidence): string {
  if (e.plateGiven) return `no door plate ${e.plateNames.join(', ')} in the library`;
  if (e.unknownPlace) return `no estate like "${e.unknownPlace}" in the library`;
  if (e.unknownRoads.length > 0) return `no road ${e.unknownRoads.join(', ')} in the library`;
  if (e.roadRefs.size > 0) return 'a road without a door number or estate';
  if (e.subdistricts.length + e.communities.length > 0) return 'only an area is named, no road or estate';
  return 'no road, door plate or estate found';
}

function ambiguityReason(e: Evidence, tied: number, top: number): string {
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

function answer(
  index: MatchIndex,
  input: string,
  elements: readonly Element[],
  found: {
    building: number;
    room: number;
    score: number;
    reason: string | null;
    candidates?: MatchCandidate[];
  },
): MatchResult {
  const b = index.data.buildings;
  const room = found.room >= 0;
  return {
    input,
    status: 'matched',
    address_id: room ? index.data.rooms.id[found.room]! : b.id[found.building]!,
    level: room ? 'room' : 'building',
    score: round2(Math.min(1, found.score)),
    grid_id: b.gridId[found.building]!,
    elements: elementRecord(elements),
    candidates: found.candidates ?? [],
    chain: chainOf(index, b.gridId[found.building]!),
    reason: found.reason,
  };
}

function candidatesOf(
  index: MatchIndex,
  scored: readonly Scored[],
  e: Evidence,
  factor = 1,
): MatchCandidate[] {
  return scored.slice(0, MAX_CANDIDATES).map((c) => {
    const rooms = e.roomno ? (index.roomsByKey[c.building]?.get(e.roomno) ?? []) : [];
    const room = rooms.length === 1 ? rooms[0]! : -1;
    const b = index.data.buildings;
    return {
      address_id: room >= 0 ? index.data.rooms.id[room]! : b.id[c.building]!,
      level: room >= 0 ? 'room' : 'building',
      score: round2(c.score * factor),
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

function chainOf(index: MatchIndex, areaId: string): MatchChain {
  const chain: MatchChain = {};
  let area = index.areaById.get(areaId);
  for (let guard = 0; area && guard < 10; guard++) {
    chain[area.level] = { id: area.id, name: area.name, level: area.level };
    area = area.parentId ? index.areaById.get(area.parentId) : undefined;
  }
  return chain;
}

/** The areas every one of `buildings` lies in (finest first), or null when they share none. */
function sharedChain(index: MatchIndex, buildings: readonly number[]): MatchChain | null {
  const b = index.data.buildings;
  const grids = new Set(buildings.map((x) => b.gridId[x]!));
  if (grids.size === 1) return chainOf(index, [...grids][0]!);
  const communities = new Set(buildings.map((x) => b.communityId[x]));
  const [community] = communities;
  if (communities.size === 1 && community) return chainOf(index, community);
  const subdistricts = new Set(buildings.map((x) => b.subdistrictId[x]));
  const [subdistrict] = subdistricts;
  if (subdistricts.size === 1 && subdistrict) return chainOf(index, subdistrict);
  return null;
}

// The in-memory matching index: the library's buildings and rooms in compact columns, with lookups
// by door plate (road + number), estate name or alias, and per building by room number. Loaded with
// plain SQL; rebuilt when the 'addresses' or 'areas' data version changes, while confirmed aliases
// (the review queue's answers) reload on their own, cheaper version.
import type { Db } from '../../../db/db.ts';
import type { AreaLevel, AreaRef } from '../../areas/locator.ts';
import {
  adminNames,
  buildLexicon,
  charsOnly,
  type Lexicon,
  type LexiconName,
  nameSurfaces,
} from './lexicon.ts';
import { buildingKey, entranceKey, nameKey, roadNoKey, roomKey } from './normalise.ts';

export interface AreaInfo {
  id: string;
  name: string;
  level: AreaLevel;
  parentId: string | null;
}

/** What the index is built from: plain arrays, so a worker thread can receive a copy. */
export interface MatchData {
  versions: MatchVersions;
  areas: AreaInfo[];
  buildings: {
    id: string[];
    road: (string | null)[];
    roadNo: (string | null)[];
    estate: (string | null)[];
    building: (string | null)[];
    aliases: string[][];
    gridId: string[];
    communityId: (string | null)[];
    subdistrictId: (string | null)[];
  };
  rooms: {
    id: string[];
    /** Index of the room's building in `buildings`. */
    building: Int32Array;
    entrance: (string | null)[];
    floor: (string | null)[];
    room: (string | null)[];
  };
  aliases: ConfirmedAlias[];
}

export interface MatchVersions {
  addresses: string;
  areas: string;
  aliases: string;
}

/** A text a person confirmed as one address (review queue); `room` is -1 for a building. */
export interface ConfirmedAlias {
  textKey: string;
  addressId: string;
  level: 'building' | 'room';
  parentId: string | null;
}

/** An area and the areas above it, by level: what each result carries. Shared and frozen. */
export type AreaChain = Readonly<Partial<Record<'district' | 'subdistrict' | 'community' | 'grid', AreaRef>>>;

export interface Poi {
  value: string;
  /** The buildings this name covers. */
  members: ReadonlySet<number>;
}

export interface MatchIndex {
  data: MatchData;
  lexicon: Lexicon;
  roads: string[];
  pois: Poi[];
  /** Areas named in the lexicon (subdistricts and communities), by lexicon ref. */
  namedAreas: AreaInfo[];
  areaById: Map<string, AreaInfo>;
  /** Every area's chain, computed once. */
  chains: Map<string, AreaChain>;
  buildingById: Map<string, number>;
  /** `roadRef|number` → buildings with that door plate. */
  plates: Map<string, number[]>;
  /** Door number → the roads that have it. */
  roadsByNumber: Map<string, number[]>;
  /** Per building: its road's ref (-1 without a road), its building key (`3`, `B`). */
  buildingRoad: Int32Array;
  buildingKeys: (string | null)[];
  /** Per building: room key → rooms (several when entrances repeat the numbering). */
  roomsByKey: (Map<string, number[]> | undefined)[];
  roomEntranceKeys: (string | null)[];
  /** Estate and alias names by character bigram, for misspelt estates. */
  fuzzy: FuzzyIndex;
  /** Confirmed texts → building index and room index (-1 for the building itself). */
  aliases: Map<string, { building: number; room: number }>;
}

export interface FuzzyIndex {
  /** Per poi ref: its key's distinct character pairs. */
  names: { key: string; poi: number; grams: string[]; gramSet: ReadonlySet<string> }[];
  byGram: Map<string, number[]>;
  /** Per building: the poi refs it belongs to (estate and aliases). */
  buildingPois: number[][];
  /** Scratch counters per name for a similarity search (the search is synchronous). */
  hits: Int32Array;
  /** Every way a road or estate is written (canonical, short, numerals as words), for spelling fixes. */
  forms: NameForm[];
  /** Forms by their first and by their second character, and length (`leadKey`). */
  byLead: Map<number, number[]>;
  /** Scratch marks per form for one lookup, and the lookup count (lookups are synchronous). */
  stamps: Int32Array;
  lookups: number;
  /** The canonical key a fix writes into the text, by road ref and by poi ref. */
  roadKeys: string[];
  /** Each road's forms, by road ref. */
  roadForms: string[][];
  poiKeys: string[];
}

export interface NameForm {
  text: string;
  kind: 'road' | 'poi';
  ref: number;
}

/** Shorter forms are only read exactly: one edit in two characters is another name. */
export const FUZZY_MIN_CHARS = 3;

/** A character code and a length as one map key. */
export const leadKey = (code: number, length: number) => code * 64 + Math.min(length, 63);

// ---- loading ------------------------------------------------------------------------------------

const ROOM_PAGE = 100_000;

export async function matchVersions(db: Db): Promise<MatchVersions> {
  const rows = await db.query<{ name: string; version: string }>(
    "SELECT name, version::text AS version FROM data_versions WHERE name IN ('addresses', 'areas', 'address_aliases')",
  );
  const of = (name: string) => rows.find((r) => r.name === name)?.version ?? '0';
  return { addresses: of('addresses'), areas: of('areas'), aliases: of('address_aliases') };
}

/** Reads everything the index needs with plain SQL; rooms in pages by id to bound memory. */
export async function loadMatchData(db: Db): Promise<MatchData> {
  const versions = await matchVersions(db);
  const areaRows = await db.query<{ id: string; name: string; level: AreaLevel; parent_id: string | null }>(
    'SELECT id, name, level, parent_id FROM areas',
  );
  const buildingRows = await db.query<{
    address_id: string;
    road: string | null;
    road_no: string | null;
    estate: string | null;
    building: string | null;
    aliases: string[];
    grid_id: string;
    community_id: string | null;
    subdistrict_id: string | null;
  }>(
    `SELECT address_id, road, road_no, estate, building, aliases, grid_id, community_id, subdistrict_id
       FROM addresses WHERE level = 'building' ORDER BY address_id`,
  );
  const buildings: MatchData['buildings'] = {
    id: [],
    road: [],
    roadNo: [],
    estate: [],
    building: [],
    aliases: [],
    gridId: [],
    communityId: [],
    subdistrictId: [],
  };
  const buildingIndex = new Map<string, number>();
  for (const r of buildingRows) {
    buildingIndex.set(r.address_id, buildings.id.length);
    buildings.id.push(r.address_id);
    buildings.road.push(r.road);
    buildings.roadNo.push(r.road_no);
    buildings.estate.push(r.estate);
    buildings.building.push(r.building);
    buildings.aliases.push(r.aliases ?? []);
    buildings.gridId.push(r.grid_id);
    buildings.communityId.push(r.community_id);
    buildings.subdistrictId.push(r.subdistrict_id);
  }

  const ids: string[] = [];
  const parents: number[] = [];
  const entrance: (string | null)[] = [];
  const floor: (string | null)[] = [];
  const room: (string | null)[] = [];
  let after = '';
  for (;;) {
    const page = await db.query<{
      address_id: string;
      parent_id: string | null;
      entrance: string | null;
      floor: string | null;
      room: string | null;
    }>(
      `SELECT address_id, parent_id, entrance, floor, room FROM addresses
        WHERE level = 'room' AND address_id > $1 ORDER BY address_id LIMIT ${ROOM_PAGE}`,
      [after],
    );
    for (const r of page) {
      const parent = r.parent_id === null ? undefined : buildingIndex.get(r.parent_id);
      if (parent === undefined) continue;
      ids.push(r.address_id);
      parents.push(parent);
      entrance.push(r.entrance);
      floor.push(r.floor);
      room.push(r.room);
    }
    if (page.length < ROOM_PAGE) break;
    after = page.at(-1)!.address_id;
  }

  return {
    versions,
    areas: areaRows.map((r) => ({ id: r.id, name: r.name, level: r.level, parentId: r.parent_id })),
    buildings,
    rooms: { id: ids, building: Int32Array.from(parents), entrance, floor, room },
    aliases: await loadConfirmedAliases(db),
  };
}

export async function loadConfirmedAliases(db: Db): Promise<ConfirmedAlias[]> {
  const rows = await db.query<{
    text_key: string;
    address_id: string;
    level: 'building' | 'room';
    parent_id: string | null;
  }>(
    `SELECT m.text_key, m.address_id, a.level, a.parent_id
       FROM address_match_aliases m JOIN addresses a ON a.address_id = m.address_id`,
  );
  return rows.map((r) => ({
    textKey: r.text_key,
    addressId: r.address_id,
    level: r.level,
    parentId: r.parent_id,
  }));
}

/** Loads and builds: what a benchmark times as "index build". */
export async function buildMatchIndex(db: Db): Promise<MatchIndex> {
  return indexFromData(await loadMatchData(db));
}

// ---- building -----------------------------------------------------------------------------------

function memo<T>(fn: (text: string) => T): (text: string | null | undefined) => T | null {
  const cache = new Map<string, T>();
  return (text) => {
    if (text === null || text === undefined || text === '') return null;
    let value = cache.get(text);
    if (value === undefined) {
      value = fn(text);
      cache.set(text, value);
    }
    return value;
  };
}

export function indexFromData(data: MatchData): MatchIndex {
  const b = data.buildings;
  const count = b.id.length;
  const names: LexiconName[] = [];

  const areaById = new Map(data.areas.map((a) => [a.id, a]));
  const namedAreas = data.areas.filter((a) => a.level === 'subdistrict' || a.level === 'community');
  namedAreas.forEach((a, ref) => {
    names.push({ name: a.name, kind: a.level === 'subdistrict' ? 'town' : 'community', ref });
  });
  names.push(...adminNames(data.areas.filter((a) => a.level === 'district')));

  const roadKeyOf = memo(nameKey);
  const roadRefs = new Map<string, number>();
  const roads: string[] = [];
  const buildingRoad = new Int32Array(count).fill(-1);
  // Estate names and aliases share one namespace: a name that is one estate's own and another's
  // alias means either, and the matcher must not guess.
  const poiMembers = new Map<string, { value: string; buildings: number[] }>();
  const addPoi = (name: string | null | undefined, building: number) => {
    const key = roadKeyOf(name);
    if (!key || !name) return;
    let poi = poiMembers.get(key);
    if (!poi) {
      poi = { value: name.trim(), buildings: [] };
      poiMembers.set(key, poi);
    }
    if (poi.buildings.at(-1) !== building) poi.buildings.push(building);
  };
  const plates = new Map<string, number[]>();
  const roadsByNumber = new Map<string, number[]>();
  const plateKeyOf = memo(roadNoKey);
  const buildingKeyOf = memo((text) => buildingKey(text));
  const buildingKeys: (string | null)[] = new Array(count);
  const buildingById = new Map<string, number>();

  for (let i = 0; i < count; i++) {
    buildingById.set(b.id[i]!, i);
    buildingKeys[i] = buildingKeyOf(b.building[i]);
    const roadKey = roadKeyOf(b.road[i]);
    if (roadKey) {
      let ref = roadRefs.get(roadKey);
      if (ref === undefined) {
        ref = roads.length;
        roadRefs.set(roadKey, ref);
        roads.push(b.road[i]!.trim());
      }
      buildingRoad[i] = ref;
      const no = plateKeyOf(b.roadNo[i]);
      if (no) {
        const plate = `${ref}|${no}`;
        const list = plates.get(plate);
        if (list) list.push(i);
        else {
          plates.set(plate, [i]);
          const roadsWithNo = roadsByNumber.get(no);
          if (roadsWithNo) roadsWithNo.push(ref);
          else roadsByNumber.set(no, [ref]);
        }
      }
    }
    addPoi(b.estate[i], i);
    for (const alias of b.aliases[i]!) addPoi(alias, i);
  }

  roads.forEach((road, ref) => {
    names.push({ name: road, kind: 'road', ref });
  });
  const pois: Poi[] = [];
  const fuzzy: FuzzyIndex = {
    names: [],
    byGram: new Map(),
    buildingPois: Array.from({ length: count }, () => []),
    hits: new Int32Array(poiMembers.size),
    forms: [],
    byLead: new Map(),
    stamps: new Int32Array(0),
    lookups: 0,
    roadKeys: roads.map((road) => nameKey(road)),
    roadForms: roads.map(() => []),
    poiKeys: [],
  };
  const addTo = <K>(map: Map<K, number[]>, key: K, at: number) => {
    const list = map.get(key);
    if (list) {
      if (list.at(-1) !== at) list.push(at);
    } else map.set(key, [at]);
  };
  const addForms = (name: string, kind: 'road' | 'poi', ref: number) => {
    const texts = new Set(nameSurfaces(name, kind).map((s) => s.surface));
    texts.add(charsOnly(name).replace(/[()[\]{}【】（）]/g, ''));
    for (const text of texts) {
      if (text.length < FUZZY_MIN_CHARS) continue;
      if (kind === 'road') fuzzy.roadForms[ref]!.push(text);
      const at = fuzzy.forms.length;
      fuzzy.forms.push({ text, kind, ref });
      addTo(fuzzy.byLead, leadKey(text.charCodeAt(0), text.length), at);
      addTo(fuzzy.byLead, leadKey(text.charCodeAt(1), text.length), at);
    }
  };
  roads.forEach((road, ref) => {
    addForms(road, 'road', ref);
  });
  for (const [key, poi] of poiMembers) {
    const ref = pois.length;
    pois.push({ value: poi.value, members: new Set(poi.buildings) });
    names.push({ name: poi.value, kind: 'poi', ref });
    fuzzy.poiKeys.push(key);
    addForms(poi.value, 'poi', ref);
    for (const b of poi.buildings) fuzzy.buildingPois[b]!.push(ref);
    const gramSet = new Set(bigrams(key));
    const at = fuzzy.names.length;
    fuzzy.names.push({ key, poi: ref, grams: [...gramSet], gramSet });
    for (const gram of gramSet) addTo(fuzzy.byGram, gram, at);
  }
  fuzzy.stamps = new Int32Array(fuzzy.forms.length);

  const r = data.rooms;
  const roomsByKey: (Map<string, number[]> | undefined)[] = new Array(count);
  const roomKeyOf = memo((text) => roomKey(text));
  const entranceKeyOf = memo((text) => entranceKey(text));
  const roomEntranceKeys: (string | null)[] = new Array(r.id.length);
  for (let i = 0; i < r.id.length; i++) {
    const building = r.building[i]!;
    roomEntranceKeys[i] = entranceKeyOf(r.entrance[i]);
    const key = roomKeyOf(r.room[i]);
    if (!key) continue;
    let rooms = roomsByKey[building];
    if (!rooms) {
      rooms = new Map();
      roomsByKey[building] = rooms;
    }
    const list = rooms.get(key);
    if (list) list.push(i);
    else rooms.set(key, [i]);
  }

  const index: MatchIndex = {
    data,
    lexicon: buildLexicon(names),
    roads,
    pois,
    namedAreas,
    areaById,
    chains: areaChains(data.areas, areaById),
    buildingById,
    plates,
    roadsByNumber,
    buildingRoad,
    buildingKeys,
    roomsByKey,
    roomEntranceKeys,
    fuzzy,
    aliases: new Map(),
  };
  setAliases(index, data.aliases);
  return index;
}

function areaChains(areas: readonly AreaInfo[], byId: ReadonlyMap<string, AreaInfo>): Map<string, AreaChain> {
  const chains = new Map<string, AreaChain>();
  for (const start of areas) {
    const chain: Partial<Record<AreaLevel, AreaRef>> = {};
    let area: AreaInfo | undefined = start;
    for (let guard = 0; area && guard < 10; guard++) {
      chain[area.level] = Object.freeze({ id: area.id, name: area.name, level: area.level });
      area = area.parentId ? byId.get(area.parentId) : undefined;
    }
    chains.set(start.id, Object.freeze(chain));
  }
  return chains;
}

/** Replaces the confirmed aliases (after a review confirmation) without rebuilding the rest. */
export function setAliases(index: MatchIndex, aliases: readonly ConfirmedAlias[]): void {
  const map = new Map<string, { building: number; room: number }>();
  for (const alias of aliases) {
    if (alias.level === 'building') {
      const building = index.buildingById.get(alias.addressId);
      if (building !== undefined) map.set(alias.textKey, { building, room: -1 });
      continue;
    }
    const building = alias.parentId === null ? undefined : index.buildingById.get(alias.parentId);
    if (building === undefined) continue;
    for (const rooms of index.roomsByKey[building]?.values() ?? []) {
      const room = rooms.find((i) => index.data.rooms.id[i] === alias.addressId);
      if (room !== undefined) map.set(alias.textKey, { building, room });
    }
  }
  index.data.aliases = [...aliases];
  index.aliases = map;
}

export function bigrams(text: string): string[] {
  const grams: string[] = [];
  for (let i = 0; i + 1 < text.length; i++) grams.push(text.slice(i, i + 2));
  return grams;
}

// ---- keeping it current -------------------------------------------------------------------------

interface Cache {
  current?: MatchIndex;
  checkedAt: number;
  checking?: Promise<MatchIndex>;
  rebuilding?: Promise<MatchIndex>;
}

const caches = new WeakMap<Db, Cache>();

/**
 * The index for a database, kept current: the data versions are checked at most once per
 * `maxAgeMs`. A library or area change rebuilds the index in the background while the previous one
 * keeps answering; a new confirmed alias only reloads the aliases.
 */
export async function currentMatchIndex(db: Db, maxAgeMs = 1_000): Promise<MatchIndex> {
  let cache = caches.get(db);
  if (!cache) {
    cache = { checkedAt: 0 };
    caches.set(db, cache);
  }
  const state = cache;
  if (state.current && Date.now() - state.checkedAt < maxAgeMs) return state.current;
  const rebuild = () => {
    state.rebuilding ??= buildMatchIndex(db)
      .then((next) => {
        state.current = next;
        return next;
      })
      .finally(() => {
        state.rebuilding = undefined;
      });
    return state.rebuilding;
  };
  const check = async (): Promise<MatchIndex> => {
    const versions = await matchVersions(db);
    state.checkedAt = Date.now();
    const current = state.current;
    if (!current) return rebuild();
    const { versions: built } = current.data;
    if (built.addresses !== versions.addresses || built.areas !== versions.areas) {
      // The previous index keeps answering until the new one is ready.
      rebuild().catch(() => {});
      return current;
    }
    if (built.aliases !== versions.aliases) {
      setAliases(current, await loadConfirmedAliases(db));
      built.aliases = versions.aliases;
    }
    return current;
  };
  state.checking ??= check().finally(() => {
    state.checking = undefined;
  });
  return state.checking;
}

/** Makes the next `currentMatchIndex` call check the versions (after a change in this process). */
export function expireMatchIndex(db: Db): void {
  const cache = caches.get(db);
  if (cache) cache.checkedAt = 0;
}

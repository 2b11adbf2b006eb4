// Which entity a source record describes. Exact where the record carries the entity's key (resident
// ID, credit code, household number, address, licence number, component code); for people and legal
// entities without one, probabilistic linking in the manner of Fellegi and Sunter: candidates come
// from blocking keys, each compared field contributes log2(m/u) for the level at which it agrees
// (m: how often a true match agrees at that level, u: how often a random pair does), and the sum
// decides — link at MATCH_WEIGHT or above, a person's review between REVIEW_WEIGHT and MATCH_WEIGHT,
// a new entity below. Every weight is stored with the link, so a decision can be explained.
//
// The index lives in memory for one ingest: loaded once from the registries, then kept current as
// rows link or create entities, so two rows of one file about one new person meet.
import type { Db } from '../../db/db.ts';
import { residentIdInfo } from '../registry/checksums.ts';
import { ATTRIBUTE_PREFIX, ENTITIES, type EntityKind } from '../registry/model.ts';
import { BlockIndex } from './blocks.ts';
import { IdSet } from './id-set.ts';
import type { Value } from './values.ts';

export type LinkStatus = 'exact' | 'probable' | 'new' | 'review' | 'unlinked' | 'confirmed';

export interface FieldComparison {
  field: string;
  level: string;
  m: number;
  u: number;
  /** log2(m/u), rounded to 0.01. */
  weight: number;
}

export interface LinkInfo {
  method: 'exact' | 'probabilistic' | 'kept' | 'none';
  /** The exact key fields used (never their values: the link is shown to people who may not see them). */
  key?: string[];
  score?: number;
  threshold?: { match: number; review: number };
  comparisons?: FieldComparison[];
  /** The best candidate entity and its score (the linked one, or the one a reviewer should look at). */
  candidate?: { id: number; score: number };
  runnerUp?: { id: number; score: number };
  reason?: string;
}

export interface LinkResult {
  status: LinkStatus;
  entityId: number | null;
  link: LinkInfo;
}

/** Sum of weights at or above which a record links without review. */
export const MATCH_WEIGHT = 23;
/** From here up to MATCH_WEIGHT a person decides (clerical review); below, the record is someone new. */
export const REVIEW_WEIGHT = 14;
/** Two candidates above MATCH_WEIGHT closer than this are a choice for a person. */
const MARGIN = 5;
/** A blocking key shared by more entities than this says too little to compare them all. */
const MAX_BLOCK = 5_000;

type Level = { m: number; u: number };

// m and u per agreement level. m: a true match's chance to agree at that level (typos, moves,
// changed phones keep it below 1); u: chance for two different entities. Name u is scaled by the
// name's frequency (nameU) — 王伟 agrees by chance far more often than a rare name.
/** A phone number agrees or not: half the records of one person carry another number (people change them). */
const PHONE_LEVELS = { same: { m: 0.5, u: 1e-6 }, different: { m: 0.5, u: 0.999 } } satisfies Record<
  string,
  Level
>;

const PERSON_LEVELS = {
  name: { exact: { m: 0.95, u: 0 }, similar: { m: 0.03, u: 0.005 }, different: { m: 0.02, u: 0.99 } },
  birth_date: {
    exact: { m: 0.97, u: 1 / 33_000 },
    similar: { m: 0.02, u: 0.003 },
    different: { m: 0.005, u: 0.99 },
  },
  sex: { same: { m: 0.98, u: 0.5 }, different: { m: 0.02, u: 0.5 } },
  phone: PHONE_LEVELS,
  residence_address_id: {
    same_room: { m: 0.6, u: 2e-6 },
    same_building: { m: 0.15, u: 2e-5 },
    different: { m: 0.25, u: 0.99 },
  },
} satisfies Record<string, Record<string, Level>>;

const ENTITY_LEVELS = {
  name: { exact: { m: 0.95, u: 0 }, different: { m: 0.05, u: 0.99 } },
  legal_rep: { same: { m: 0.9, u: 1e-4 }, different: { m: 0.1, u: 0.99 } },
  phone: PHONE_LEVELS,
  address: {
    same_room: { m: 0.5, u: 2e-6 },
    same_building: { m: 0.2, u: 2e-5 },
    different: { m: 0.3, u: 0.99 },
  },
} satisfies Record<string, Record<string, Level>>;

/** Frequency-scaled u of an exact name: its share of the population, smoothed so a small registry does not make every name common. */
const NAME_U_FLOOR = 1e-5;
const NAME_SMOOTHING = 100_000;

const round2 = (n: number) => Math.round(n * 100) / 100;

function comparison(field: string, level: string, { m, u }: Level): FieldComparison {
  return { field, level, m, u, weight: round2(Math.log2(m / u)) };
}

/** Every level's comparison made once (scoring compares up to thousands of candidates per record); shared, so frozen. */
function comparisons<L extends Record<string, Record<string, Level>>>(
  levels: L,
): { [F in keyof L]: { [K in keyof L[F]]: FieldComparison } } {
  return Object.fromEntries(
    Object.entries(levels).map(([field, byLevel]) => [
      field,
      Object.fromEntries(
        Object.entries(byLevel).map(([level, l]) => [level, Object.freeze(comparison(field, level, l))]),
      ),
    ]),
  ) as { [F in keyof L]: { [K in keyof L[F]]: FieldComparison } };
}
const PERSON_COMPARISONS = comparisons(PERSON_LEVELS);
const ENTITY_COMPARISONS = comparisons(ENTITY_LEVELS);

// The links most records get, made once: their JSON is then made once too (stage.ts).
const EXACT = Object.fromEntries(
  Object.values(ENTITIES).map((d) => [
    d.kind,
    Object.freeze({ method: 'exact', key: [...d.exactKey] } as const),
  ]),
) as Record<EntityKind, LinkInfo>;
const FIRST_OF_KEY = Object.fromEntries(
  Object.values(ENTITIES).map((d) => [
    d.kind,
    Object.freeze({ method: 'exact', key: [...d.exactKey], reason: 'first record of this key' } as const),
  ]),
) as Record<EntityKind, LinkInfo>;
const PLAIN_EXACT: ReadonlySet<LinkInfo> = new Set(Object.values(EXACT));
const KEPT: LinkInfo = Object.freeze({ method: 'kept' });
const NO_CANDIDATE: LinkInfo = Object.freeze({
  method: 'probabilistic',
  reason: 'no candidate shares a blocking key',
});

/**
 * A link on the kind's exact key and nothing more: most records have one, and link_status 'exact'
 * says all it would, so it is stored as null (source_records.link).
 */
export const isPlainExact = (link: LinkInfo): boolean => PLAIN_EXACT.has(link);

/** The kinds linked by weights when the exact key is absent. */
const PROBABILISTIC_KINDS: ReadonlySet<EntityKind> = new Set(['person', 'legal_entity']);

/** The values an entity is compared on; several per field once more sources have spoken. */
type Known = Record<string, string[]>;

// As kept, one string per entity — memory is what limits scale: the compared fields in
// comparedFields order, separated by FIELD_SEP, each field's values by VALUE_SEP. An object and a
// string per field cost about twice as much (1.55 M people at scale 1). A value holding either
// separator is not remembered (no real name, date, phone or address id does).
const FIELD_SEP = '\u001f';
const VALUE_SEP = '\u001e';
const packable = (value: string) => !value.includes(FIELD_SEP) && !value.includes(VALUE_SEP);

function unpack(fields: readonly string[], packed: string): string[][] {
  const parts = packed.split(FIELD_SEP);
  return fields.map((_, i) => (parts[i] ? parts[i]!.split(VALUE_SEP) : []));
}

const pack = (lists: readonly string[][]): string => lists.map((l) => l.join(VALUE_SEP)).join(FIELD_SEP);

/** A value an entity is compared on, and can be packed. */
const rememberable = (value: Value | undefined): value is string =>
  typeof value === 'string' && value !== '' && packable(value);

/** Whether the packed lists hold every value of the record already, read in place. */
function holdsAll(
  packed: string,
  fields: readonly string[],
  values: Record<string, Value | undefined>,
): boolean {
  let start = 0;
  for (const field of fields) {
    let end = packed.indexOf(FIELD_SEP, start);
    if (end < 0) end = packed.length;
    const value = values[field];
    if (rememberable(value) && !listHolds(packed, start, end, value)) return false;
    start = end + 1;
  }
  return true;
}

/**
 * Whether the record gives every value the entity is known by, one per field: the keys just added
 * for it are all its blocking keys, and a later record holding only those values adds none.
 */
function saysAllOf(
  packed: string,
  fields: readonly string[],
  values: Record<string, Value | undefined>,
): boolean {
  if (packed.includes(VALUE_SEP)) return false;
  let start = 0;
  for (const field of fields) {
    let end = packed.indexOf(FIELD_SEP, start);
    if (end < 0) end = packed.length;
    if (end > start && !rememberable(values[field])) return false;
    start = end + 1;
  }
  return true;
}

/** Whether packed[start..end), values apart by VALUE_SEP, holds `value` as one of them. */
function listHolds(packed: string, start: number, end: number, value: string): boolean {
  for (
    let at = packed.indexOf(value, start);
    at >= 0 && at + value.length <= end;
    at = packed.indexOf(value, at + 1)
  ) {
    const after = at + value.length;
    if ((at === start || packed[at - 1] === VALUE_SEP) && (after === end || packed[after] === VALUE_SEP))
      return true;
  }
  return false;
}

export interface KindIndex {
  exact: Map<string, number>;
  /** Probabilistic kinds only: the compared values, packed (see `pack`). */
  known: Map<number, string>;
  blocks: BlockIndex;
  /** The same, of entities without an exact key: the only candidates of a record that has one. */
  unkeyedBlocks: BlockIndex;
  /** The entities that have an exact key: a record with another key is never one of them. */
  keyed: IdSet;
  /**
   * Probabilistic kinds only: the entities known by one value per field whose blocks hold every key
   * of them (a record gave them all at once). A record saying nothing new about one adds no key.
   */
  blocked: IdSet;
  nameCounts: Map<string, number>;
  /** Other fields that find an entity exactly (a school code), as mappings ask (link_on). */
  secondary: Map<string, Map<string, number>>;
}

// One linker per database, kept between ingests in this process: loading a million people's
// compared values costs far more than an ingest of a small feed. It is current while the registry
// version is the one its last ingest committed; a failed ingest or another process's change drops it.
const cache = new WeakMap<Db, { version: string; linker: Linker }>();

/** The cached linker of a database if still current (the registry version matches), else a new one. */
export function cachedLinker(root: Db, version: string, options: LinkerOptions): Linker {
  const cached = cache.get(root);
  if (cached && cached.version === version) {
    cached.linker.options = options;
    return cached.linker;
  }
  const linker = new Linker(options);
  cache.set(root, { version: '', linker });
  return linker;
}

/** After a commit: the linker is current at this registry version. */
export function keepLinker(root: Db, linker: Linker, version: string): void {
  cache.set(root, { version, linker });
}

/** After a rollback: the linker holds entities that do not exist. */
export function dropLinker(root: Db): void {
  cache.delete(root);
}

export interface LinkerOptions {
  /** The building an address id belongs to (a building's own id for a building). */
  buildingOf: (addressId: string) => string | undefined;
  /** Fresh entity ids; refilled by the ingest between batches of rows (see needsIds). */
  takeId: () => number;
}

export class Linker {
  private readonly kinds = new Map<EntityKind, KindIndex>();

  /** An empty index; `ensure` loads kinds (and secondary keys) from the registries as runs need them. */
  constructor(public options: LinkerOptions) {}

  /** Indexes kinds and secondary keys not indexed yet; a cached linker loads only what is new. */
  async ensure(
    db: Db,
    districtId: string,
    kinds: Iterable<EntityKind>,
    secondary: ReadonlyMap<EntityKind, readonly string[]> = new Map(),
  ): Promise<void> {
    for (const kind of new Set(kinds)) {
      let index = this.kinds.get(kind);
      const wanted = secondary.get(kind) ?? [];
      if (!index) {
        index = this.emptyIndex(kind, wanted);
        this.kinds.set(kind, index);
        const def = ENTITIES[kind];
        const compared = PROBABILISTIC_KINDS.has(kind) ? comparedFields(kind) : [];
        await this.load(
          db,
          districtId,
          kind,
          [...new Set([...def.exactKey, ...compared, ...wanted])],
          (id, values) => this.remember(kind, id, values),
        );
        continue;
      }
      const missing = wanted.filter((field) => !index!.secondary.has(field));
      for (const field of missing) index.secondary.set(field, new Map());
      if (missing.length > 0)
        await this.load(db, districtId, kind, missing, (id, values) => {
          for (const field of missing) {
            const v = values[field];
            if (typeof v === 'string' && !index!.secondary.get(field)!.has(v))
              index!.secondary.get(field)!.set(v, id);
          }
        });
    }
  }

  /** An index of one kind, for tests and for `ensure`. */
  emptyIndex(kind: EntityKind, secondary: readonly string[] = []): KindIndex {
    const index: KindIndex = {
      exact: new Map(),
      known: new Map(),
      blocks: new BlockIndex(MAX_BLOCK),
      unkeyedBlocks: new BlockIndex(MAX_BLOCK),
      keyed: new IdSet(),
      blocked: new IdSet(),
      nameCounts: new Map(),
      secondary: new Map(secondary.map((field) => [field, new Map()])),
    };
    this.kinds.set(kind, index);
    return index;
  }

  private async load(
    db: Db,
    districtId: string,
    kind: EntityKind,
    columns: readonly string[],
    take: (id: number, values: Record<string, Value | undefined>) => void,
  ): Promise<void> {
    // An attribute lives in the attributes jsonb, under its name.
    const select = (c: string) =>
      c.startsWith(ATTRIBUTE_PREFIX)
        ? `attributes->>'${c.slice(ATTRIBUTE_PREFIX.length)}' AS "${c}"`
        : `${c}::text AS "${c}"`;
    const page = 100_000;
    let after = 0;
    for (;;) {
      // "entity", not "id": ORDER BY id must sort the number, not its text.
      const rows = await db.query<Record<string, unknown> & { entity: string }>(
        `SELECT id::text AS entity, ${columns.map(select).join(', ')} FROM ${ENTITIES[kind].table}
          WHERE district_id = $1 AND id > $2 ORDER BY id LIMIT ${page}`,
        [districtId, after],
      );
      for (const row of rows) {
        const values: Record<string, Value | undefined> = {};
        for (const c of columns) if (row[c] !== null) values[c] = row[c] as string;
        take(Number(row.entity), values);
      }
      if (rows.length < page) break;
      after = Number(rows.at(-1)!.entity);
    }
  }

  /**
   * Links one record's values. `prior` is the entity an earlier delivery of the same record was
   * linked to (not by an exact key): it stays, so a re-delivered row never drifts to another entity.
   * `evidence` is compared like the values but not remembered (link_only fields): the entity's
   * compared values stay what its stored records say, whether the index was loaded or kept.
   */
  link(
    kind: EntityKind,
    given: Record<string, Value | undefined>,
    prior?: number,
    linkOn?: string,
    evidence?: Record<string, Value>,
  ): LinkResult {
    // The ID's birth date and sex worked out once, for comparing and for remembering.
    const stated = withIdFacts(kind, given);
    const values = evidence ? { ...stated, ...evidence } : stated;
    const index = this.kinds.get(kind);
    if (!index) throw new Error(`the linker has no index of ${kind}`);
    const def = ENTITIES[kind];
    const exactKey = exactKeyOf(kind, values);
    if (exactKey !== undefined) {
      const id = index.exact.get(exactKey);
      if (id !== undefined) {
        this.remember(kind, id, stated);
        return { status: 'exact', entityId: id, link: EXACT[kind] };
      }
    }
    const other = linkOn === undefined ? undefined : values[linkOn];
    if (exactKey === undefined && other !== undefined) {
      const id = index.secondary.get(linkOn!)?.get(String(other));
      if (id !== undefined) {
        this.remember(kind, id, stated);
        return { status: 'exact', entityId: id, link: { method: 'exact', key: [linkOn!] } };
      }
    }
    // The prior entity stays unless the record has a key and the entity another one (had it this
    // key, the exact lookup above would have found it).
    if (prior !== undefined && (exactKey === undefined || !index.keyed.has(prior))) {
      this.remember(kind, prior, stated);
      return { status: 'probable', entityId: prior, link: KEPT };
    }
    if (!PROBABILISTIC_KINDS.has(kind)) {
      if (exactKey === undefined)
        return {
          status: 'unlinked',
          entityId: null,
          link: {
            method: 'none',
            reason: `no ${def.exactKey.join(' + ')} (an unmatched address waits in the review queue)`,
          },
        };
      return this.create(kind, stated, FIRST_OF_KEY[kind]);
    }

    const { best, runnerUp } = this.score(kind, index, values, exactKey !== undefined);
    const threshold = { match: MATCH_WEIGHT, review: REVIEW_WEIGHT };
    const close =
      runnerUp !== undefined &&
      runnerUp.score >= MATCH_WEIGHT &&
      best !== undefined &&
      best.score - runnerUp.score < MARGIN;
    const clear = best !== undefined && best.score >= MATCH_WEIGHT && best.guardOk && !close;
    // A record with its own key that matches no one clearly is someone new, not a question for a
    // person: its key already tells it apart from every entity that has one.
    if (!best) return this.create(kind, stated, NO_CANDIDATE);
    if (best.score < REVIEW_WEIGHT || (exactKey !== undefined && !clear)) {
      return this.create(kind, stated, {
        method: 'probabilistic',
        threshold,
        candidate: { id: best.id, score: best.score },
        comparisons: best.comparisons,
        score: best.score,
        reason:
          exactKey !== undefined
            ? 'a key of its own, and no candidate it clearly is'
            : 'the best candidate scores below the review band',
      });
    }
    const info: LinkInfo = {
      method: 'probabilistic',
      score: best.score,
      threshold,
      comparisons: best.comparisons,
      candidate: { id: best.id, score: best.score },
      ...(runnerUp && { runnerUp: { id: runnerUp.id, score: runnerUp.score } }),
    };
    if (clear) {
      this.remember(kind, best.id, stated);
      return { status: 'probable', entityId: best.id, link: info };
    }
    info.reason =
      best.score < MATCH_WEIGHT
        ? 'the score lies in the review band'
        : !best.guardOk
          ? 'the name does not agree exactly, or the birth dates contradict each other'
          : `two candidates score within ${MARGIN} of each other`;
    return { status: 'review', entityId: null, link: info };
  }

  /** The entity with this record's exact key (or link_on value), for a lookup target: never creates one. */
  find(kind: EntityKind, values: Record<string, Value | undefined>, linkOn?: string): number | undefined {
    const index = this.kinds.get(kind);
    if (!index) throw new Error(`the linker has no index of ${kind}`);
    const exactKey = exactKeyOf(kind, values);
    if (exactKey !== undefined) return index.exact.get(exactKey);
    const other = linkOn === undefined ? undefined : values[linkOn];
    return other === undefined ? undefined : index.secondary.get(linkOn!)?.get(String(other));
  }

  private create(kind: EntityKind, values: Record<string, Value | undefined>, link: LinkInfo): LinkResult {
    const id = this.options.takeId();
    this.remember(kind, id, values);
    return { status: 'new', entityId: id, link };
  }

  /** Adds a record's values to an entity, so later rows can find it by them. */
  remember(kind: EntityKind, id: number, given: Record<string, Value | undefined>): void {
    const values = withIdFacts(kind, given);
    const index = this.kinds.get(kind)!;
    const exactKey = exactKeyOf(kind, values);
    if (exactKey !== undefined && !index.exact.has(exactKey)) {
      index.exact.set(exactKey, id);
      index.keyed.add(id);
    }
    for (const [field, map] of index.secondary) {
      const v = values[field];
      if (v !== undefined && v !== '' && !map.has(String(v))) map.set(String(v), id);
    }
    if (!PROBABILISTIC_KINDS.has(kind)) return;
    const fields = comparedFields(kind);
    let packed = index.known.get(id);
    // Most records linked to an entity say again what it is known by: nothing to unpack, and once
    // its blocks hold every key of what it is known by, nothing to add to them either.
    if (packed !== undefined && holdsAll(packed, fields, values)) {
      if (index.blocked.has(id)) return;
    } else {
      const lists = packed === undefined ? fields.map(() => []) : unpack(fields, packed);
      fields.forEach((field, i) => {
        const value = values[field];
        if (!rememberable(value) || lists[i]!.includes(value)) return;
        lists[i]!.push(value);
        if (field === 'name') index.nameCounts.set(value, (index.nameCounts.get(value) ?? 0) + 1);
      });
      packed = pack(lists);
      index.known.set(id, packed);
      index.blocked.delete(id);
    }
    const unkeyed = !index.keyed.has(id);
    for (const key of this.blockingKeys(kind, values)) {
      index.blocks.add(key, id);
      if (unkeyed) index.unkeyedBlocks.add(key, id);
    }
    if (saysAllOf(packed, fields, values)) index.blocked.add(id);
  }

  private blockingKeys(kind: EntityKind, values: Record<string, Value | undefined>): string[] {
    const keys: string[] = [];
    const name = textOf(values, 'name');
    const phone = textOf(values, 'phone');
    if (name) keys.push(`n:${name}`);
    if (phone) keys.push(`p:${phone}`);
    if (kind === 'person') {
      const surname = name?.[0];
      const birth = textOf(values, 'birth_date');
      const address = textOf(values, 'residence_address_id');
      const building = address && this.options.buildingOf(address);
      if (surname && birth) keys.push(`b:${birth}|${surname}`);
      if (surname && building) keys.push(`a:${building}|${surname}`);
      // Without a name (a newborn): who was born that day in that building.
      if (birth && building) keys.push(`d:${building}|${birth}`);
    } else {
      const rep = textOf(values, 'legal_rep');
      for (const field of ['operating_address_id', 'registered_address_id']) {
        const address = textOf(values, field);
        const building = address && this.options.buildingOf(address);
        if (rep && building) keys.push(`r:${building}|${rep}`);
      }
    }
    return keys;
  }

  private score(
    kind: EntityKind,
    index: KindIndex,
    values: Record<string, Value | undefined>,
    hasExactKey: boolean,
  ): { best?: Scored; runnerUp?: Scored } {
    const seen = new Set<number>();
    // Only the two best are kept (score, then the lower id): a common name's block holds thousands.
    let best: Scored | undefined;
    let runnerUp: Scored | undefined;
    // Worked out at the first candidate: most records with an ID of their own have none.
    let record: RecordFacts | undefined;
    const blocks = hasExactKey ? index.unkeyedBlocks : index.blocks;
    for (const key of this.blockingKeys(kind, values)) {
      const block = blocks.get(key);
      if (block === undefined) continue;
      const members = typeof block === 'number' ? [block] : block;
      if (members.length > MAX_BLOCK) continue;
      for (const id of members) {
        if (seen.has(id)) continue;
        seen.add(id);
        // A record with its own key is never an entity that has another one.
        if (hasExactKey && index.keyed.has(id)) continue;
        const packed = index.known.get(id);
        if (packed === undefined) continue;
        const known = expand(kind, packed);
        record ??= this.recordFacts(kind, index, values);
        const scored =
          kind === 'person'
            ? this.comparePerson(record, values, id, known)
            : this.compareEntity(record, values, id, known);
        if (!best || ahead(scored, best)) {
          runnerUp = best;
          best = scored;
        } else if (!runnerUp || ahead(scored, runnerUp)) runnerUp = scored;
      }
    }
    return { ...(best && { best }), ...(runnerUp && { runnerUp }) };
  }

  /** What every candidate of one record is compared with, worked out once. */
  private recordFacts(
    kind: EntityKind,
    index: KindIndex,
    values: Record<string, Value | undefined>,
  ): RecordFacts {
    const name = values.name;
    const exactM = (kind === 'person' ? PERSON_LEVELS : ENTITY_LEVELS).name.exact.m;
    const buildings = new Map<string, string | undefined>();
    for (const field of ['residence_address_id', 'operating_address_id', 'registered_address_id']) {
      const address = values[field];
      if (typeof address === 'string') buildings.set(address, this.options.buildingOf(address));
    }
    return {
      nameExact:
        typeof name === 'string' && name !== ''
          ? comparison('name', 'exact', this.nameLevel(index, name, exactM))
          : undefined,
      buildings,
    };
  }

  private nameLevel(index: KindIndex, name: string, exactM: number): Level {
    const count = index.nameCounts.get(name) ?? 1;
    return { m: exactM, u: Math.max(NAME_U_FLOOR, count / (index.known.size + NAME_SMOOTHING)) };
  }

  private comparePerson(
    record: RecordFacts,
    values: Record<string, Value | undefined>,
    id: number,
    known: Known,
  ): Scored {
    const out: FieldComparison[] = [];
    const name = values.name as string | undefined;
    const compared = PERSON_COMPARISONS;
    if (name && known.name) {
      if (known.name.includes(name)) out.push(record.nameExact!);
      else if (known.name.some((k) => similarName(k, name))) out.push(compared.name.similar);
      else out.push(compared.name.different);
    }
    const birth = values.birth_date as string | undefined;
    if (birth && known.birth_date) {
      const agreement = known.birth_date.includes(birth)
        ? 'exact'
        : known.birth_date.some((k) => similarDate(k, birth))
          ? 'similar'
          : 'different';
      out.push(compared.birth_date[agreement]);
    }
    pushSame(out, values.sex, known.sex, compared.sex);
    pushSame(out, values.phone, known.phone, compared.phone);
    const address = values.residence_address_id as string | undefined;
    if (address && known.residence_address_id)
      out.push(compared.residence_address_id[this.addressLevel(record, address, known.residence_address_id)]);
    // Twins share everything but the name, and a father and son of one name everything but the birth
    // date: a record links unreviewed only when the name agrees and the birth dates do not contradict
    // each other — or, for a record without a name (a newborn), when birth date and room or phone agree.
    const guardOk =
      levelOf(out, 'birth_date') !== 'different' &&
      (levelOf(out, 'name') === 'exact' ||
        (levelOf(out, 'name') === undefined &&
          levelOf(out, 'birth_date') === 'exact' &&
          (levelOf(out, 'residence_address_id') === 'same_room' || levelOf(out, 'phone') === 'same')));
    return { id, score: round2(out.reduce((sum, c) => sum + c.weight, 0)), comparisons: out, guardOk };
  }

  private compareEntity(
    record: RecordFacts,
    values: Record<string, Value | undefined>,
    id: number,
    known: Known,
  ): Scored {
    const out: FieldComparison[] = [];
    let guardOk = false;
    const name = values.name as string | undefined;
    const compared = ENTITY_COMPARISONS;
    if (name && known.name) {
      if (known.name.includes(name)) {
        out.push(record.nameExact!);
        guardOk = true;
      } else out.push(compared.name.different);
    }
    pushSame(out, values.legal_rep, known.legal_rep, compared.legal_rep);
    pushSame(out, values.phone, known.phone, compared.phone);
    const mine = ['operating_address_id', 'registered_address_id']
      .map((f) => values[f])
      .filter((v): v is string => typeof v === 'string');
    const theirs = [...(known.operating_address_id ?? []), ...(known.registered_address_id ?? [])];
    if (mine.length > 0 && theirs.length > 0) {
      const levels = mine.map((a) => this.addressLevel(record, a, theirs));
      const level = levels.includes('same_room')
        ? 'same_room'
        : levels.includes('same_building')
          ? 'same_building'
          : 'different';
      out.push(compared.address[level]);
    }
    return { id, score: round2(out.reduce((sum, c) => sum + c.weight, 0)), comparisons: out, guardOk };
  }

  private addressLevel(
    record: RecordFacts,
    address: string,
    known: readonly string[],
  ): 'same_room' | 'same_building' | 'different' {
    const building = record.buildings.get(address);
    if (known.includes(address)) return building === address ? 'same_building' : 'same_room';
    if (building && known.some((k) => this.options.buildingOf(k) === building)) return 'same_building';
    return 'different';
  }
}

function expand(kind: EntityKind, packed: string): Known {
  const fields = comparedFields(kind);
  const lists = unpack(fields, packed);
  const known: Known = {};
  fields.forEach((field, i) => {
    if (lists[i]!.length > 0) known[field] = lists[i]!;
  });
  return known;
}

// Module functions, not closures made per call: tsx (esbuild's keepNames) names every closure it
// makes, at a cost that showed in the profile of scoring.
const ahead = (a: Scored, b: Scored) => a.score > b.score || (a.score === b.score && a.id < b.id);

function textOf(values: Record<string, Value | undefined>, field: string): string | undefined {
  const v = values[field];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function levelOf(out: readonly FieldComparison[], field: string): string | undefined {
  for (const c of out) if (c.field === field) return c.level;
  return undefined;
}

/** A record's side of every comparison: its exact name's weight, the building of each of its addresses. */
interface RecordFacts {
  nameExact: FieldComparison | undefined;
  buildings: Map<string, string | undefined>;
}

interface Scored {
  id: number;
  score: number;
  comparisons: FieldComparison[];
  /**
   * The name agrees exactly (twins share everything else) and, for people, the birth dates do not
   * contradict each other: without both no record links unreviewed.
   */
  guardOk: boolean;
}

function pushSame(
  out: FieldComparison[],
  value: Value | undefined,
  known: readonly string[] | undefined,
  compared: { same: FieldComparison; different: FieldComparison },
): void {
  if (typeof value !== 'string' || !known) return;
  out.push(known.includes(value) ? compared.same : compared.different);
}

const PERSON_COMPARED = ['name', 'birth_date', 'sex', 'phone', 'residence_address_id'] as const;
const ENTITY_COMPARED = [
  'name',
  'legal_rep',
  'phone',
  'operating_address_id',
  'registered_address_id',
] as const;

/** The fields a kind is compared (and blocked) on. */
function comparedFields(kind: EntityKind): readonly string[] {
  return kind === 'person' ? PERSON_COMPARED : ENTITY_COMPARED;
}

/** The fields probabilistic linking compares a kind on (none for kinds linked by their key alone). */
export const linkCompared = (kind: EntityKind): readonly string[] =>
  PROBABILISTIC_KINDS.has(kind) ? comparedFields(kind) : [];

/**
 * A resident ID holds its holder's birth date and sex: a record that gives only a name and an ID
 * (a legal representative, an owner) is compared on them too. For linking only; nothing is stored.
 */
function withIdFacts(
  kind: EntityKind,
  values: Record<string, Value | undefined>,
): Record<string, Value | undefined> {
  if (kind !== 'person' || typeof values.id_number !== 'string') return values;
  if (values.birth_date !== undefined && values.sex !== undefined) return values;
  const info = residentIdInfo(values.id_number);
  if (!info) return values;
  return {
    ...values,
    birth_date: values.birth_date ?? info.birthDate,
    sex: values.sex ?? (info.sex === 'male' ? 'M' : 'F'),
  };
}

/** The record's exact key (`|`-joined), when it has every part. */
export function exactKeyOf(kind: EntityKind, values: Record<string, Value | undefined>): string | undefined {
  const parts: string[] = [];
  for (const field of ENTITIES[kind].exactKey) {
    const v = values[field];
    if (v === undefined || v === '') return undefined;
    parts.push(String(v));
  }
  return parts.join('|');
}

/** Same length, same surname, one other character different: a typo, or a sibling. */
export function similarName(a: string, b: string): boolean {
  if (a.length !== b.length || a.length < 2 || a[0] !== b[0]) return false;
  let diff = 0;
  for (let i = 1; i < a.length; i++) if (a[i] !== b[i] && ++diff > 1) return false;
  return diff === 1;
}

/** One of year, month or day different, or month and day swapped. */
export function similarDate(a: string, b: string): boolean {
  // ISO dates (all values are): compared in place, without splitting two strings per candidate.
  if (a.length === 10 && b.length === 10 && a[4] === '-' && a[7] === '-' && b[4] === '-' && b[7] === '-') {
    const year = same(a, b, 0, 0, 4);
    const month = same(a, b, 5, 5, 2);
    const day = same(a, b, 8, 8, 2);
    if (year && same(a, b, 5, 8, 2) && same(a, b, 8, 5, 2)) return true;
    return Number(!year) + Number(!month) + Number(!day) === 1;
  }
  const [ya, ma, da] = a.split('-');
  const [yb, mb, db] = b.split('-');
  if (ma === db && da === mb && ya === yb) return true;
  return Number(ya !== yb) + Number(ma !== mb) + Number(da !== db) === 1;
}

/** a[from..from+length) equals b[bFrom..bFrom+length). */
function same(a: string, b: string, from: number, bFrom: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a.charCodeAt(from + i) !== b.charCodeAt(bFrom + i)) return false;
  return true;
}

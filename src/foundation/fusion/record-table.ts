// The records a source holds, and what the feed being ingested does to each: one row per record key,
// kept in columns of typed arrays. A household register of a million people holds two million
// records, all in memory for the length of an ingest; as objects (the entry, its held and its run
// version, their dates as heap numbers) they cost about 230 bytes each, in columns about 60.

import { grownTo } from '../../lib/typed-arrays.ts';

export type State = 'new' | 'unchanged' | 'changed' | 'stale' | 'replace';
const STATES: readonly State[] = ['new', 'unchanged', 'changed', 'stale', 'replace'];

/** The version held in the database. */
export interface HeldVersion {
  entity: number | null;
  confirmed: boolean;
  observedMs: number;
  hash: number;
  retired: boolean;
}

/** This feed's version, once a row had the key. */
export interface RunVersion {
  row: number;
  observedMs: number;
  hash: number;
  state: State;
  entity: number | null;
}

const HELD = 1;
const CONFIRMED = 2;
const RETIRED = 4;
/** runRow of a key no row of this feed has had yet (file rows count from 1). */
const NO_RUN = 0;

export class RecordTable {
  /** Slot of each record key, per target (a key is unique within its target). */
  private readonly slots = new Map<string, Map<string, number>>();
  private size = 0;
  private id = new Float64Array(1024);
  private heldFlags = new Uint8Array(1024);
  /** NaN: no entity. */
  private heldEntity = new Float64Array(1024);
  private heldObservedMs = new Float64Array(1024);
  private heldHash = new Uint32Array(1024);
  private runRow = new Uint32Array(1024);
  private runState = new Uint8Array(1024);
  private runEntity = new Float64Array(1024);
  private runObservedMs = new Float64Array(1024);
  private runHash = new Uint32Array(1024);

  /** The slot of a record key, if the source holds it or this feed had it. */
  slotOf(target: string, key: string): number | undefined {
    return this.slots.get(target)?.get(key);
  }

  /** Adds a record key with its id (and the version held, if any); returns its slot. */
  add(target: string, key: string, id: number, held: HeldVersion | null = null): number {
    let keys = this.slots.get(target);
    if (!keys) {
      keys = new Map();
      this.slots.set(target, keys);
    }
    if (this.size === this.id.length) this.grow();
    const slot = this.size++;
    keys.set(key, slot);
    this.id[slot] = id;
    if (held) {
      this.heldFlags[slot] = HELD | (held.confirmed ? CONFIRMED : 0) | (held.retired ? RETIRED : 0);
      this.heldEntity[slot] = held.entity ?? Number.NaN;
      this.heldObservedMs[slot] = held.observedMs;
      this.heldHash[slot] = held.hash;
    }
    return slot;
  }

  idOf(slot: number): number {
    return this.id[slot]!;
  }

  /** The entity the held version is linked to (undefined: none, or nothing held). */
  heldEntityOf(slot: number): number | undefined {
    if (!(this.heldFlags[slot]! & HELD)) return undefined;
    const entity = this.heldEntity[slot]!;
    return Number.isNaN(entity) ? undefined : entity;
  }

  held(slot: number): HeldVersion | null {
    const flags = this.heldFlags[slot]!;
    if (!(flags & HELD)) return null;
    const entity = this.heldEntity[slot]!;
    return {
      entity: Number.isNaN(entity) ? null : entity,
      confirmed: (flags & CONFIRMED) !== 0,
      observedMs: this.heldObservedMs[slot]!,
      hash: this.heldHash[slot]!,
      retired: (flags & RETIRED) !== 0,
    };
  }

  run(slot: number): RunVersion | null {
    const row = this.runRow[slot]!;
    if (row === NO_RUN) return null;
    const entity = this.runEntity[slot]!;
    return {
      row,
      observedMs: this.runObservedMs[slot]!,
      hash: this.runHash[slot]!,
      state: STATES[this.runState[slot]!]!,
      entity: Number.isNaN(entity) ? null : entity,
    };
  }

  setRun(slot: number, run: RunVersion): void {
    if (!(Number.isInteger(run.row) && run.row > NO_RUN))
      throw new Error(`a feed's rows count from 1, not ${run.row}`);
    this.runRow[slot] = run.row;
    this.runState[slot] = STATES.indexOf(run.state);
    this.runEntity[slot] = run.entity ?? Number.NaN;
    this.runObservedMs[slot] = run.observedMs;
    this.runHash[slot] = run.hash;
  }

  /** Every record key with its slot, target by target. */
  *keys(): Generator<{ target: string; key: string; slot: number }> {
    for (const [target, keys] of this.slots) for (const [key, slot] of keys) yield { target, key, slot };
  }

  private grow(): void {
    // 1.5×, not 2×: two million records at 60 bytes leave less room unused.
    const grown = <T extends Float64Array | Uint32Array | Uint8Array>(a: T): T =>
      grownTo(a, this.size + 1, 1.5);
    this.id = grown(this.id);
    this.heldFlags = grown(this.heldFlags);
    this.heldEntity = grown(this.heldEntity);
    this.heldObservedMs = grown(this.heldObservedMs);
    this.heldHash = grown(this.heldHash);
    this.runRow = grown(this.runRow);
    this.runState = grown(this.runState);
    this.runEntity = grown(this.runEntity);
    this.runObservedMs = grown(this.runObservedMs);
    this.runHash = grown(this.runHash);
  }
}

// Blocking keys → the entities that share them: where the linker looks for candidates. A district
// has millions of keys, most with a single member, so they live in an open-addressing table of typed
// arrays keyed by a 32-bit hash of the key (a collision only adds a candidate to score): about 20
// bytes a key, where a Map cost about 45 (its entry, plus a heap number for every hash past the
// small-integer range). Measured on the scale-0.1 demo: the people's table went from 29 MB to 11 MB.
// The keys of several members keep their lists in one pool too: a JavaScript array per list cost
// about 180 bytes (its object, and room for 17 ids from the first push), 23 of the 156 MB the
// scale-0.1 demo left on the heap; the pool holds them in 4 bytes an id, with room to grow.

import { grownTo } from '../../lib/typed-arrays.ts';

/** Lists hold ids in 32 bits (a district's entities are counted in millions). */
const MAX_ID = 0xffff_ffff;

/** Slots filled at most to this share before the table doubles (linear probing stays short). */
const MAX_LOAD = 0.6;

export class BlockIndex {
  private hashes: Uint32Array;
  /** An entity id (≥ 1), or -(i + 1) for a key of several members, the i-th list; 0: empty. */
  private values: Float64Array;
  private used = 0;
  /** The lists: their ids in `pool`, from `listStart[i]`, `listLength[i]` of them in a room of `listRoom[i]`. */
  private pool = new Uint32Array(1024);
  private poolUsed = 0;
  private listStart = new Uint32Array(256);
  private listLength = new Uint32Array(256);
  private listRoom = new Uint32Array(256);
  private lists = 0;

  /** @param maxMembers a key with more members than this stops taking more (see `get`). */
  constructor(
    private readonly maxMembers: number,
    capacity = 1024,
  ) {
    this.hashes = new Uint32Array(capacity);
    this.values = new Float64Array(capacity);
  }

  /** Keys held. */
  get size(): number {
    return this.used;
  }

  /** Adds an entity to a key's block (once in a row: adding the last member again does nothing). */
  add(key: string, id: number): void {
    if (!(id >= 1 && id <= MAX_ID))
      throw new Error(`block members are entity ids from 1 to ${MAX_ID}, not ${id}`);
    const hash = hashKey(key);
    let slot = this.slotOf(hash);
    const value = this.values[slot]!;
    if (value === 0) {
      if ((this.used + 1) / this.hashes.length > MAX_LOAD) {
        this.grow();
        slot = this.slotOf(hash);
      }
      this.hashes[slot] = hash;
      this.values[slot] = id;
      this.used += 1;
    } else if (value > 0) {
      if (value !== id) this.values[slot] = -(this.newList(value, id) + 1);
    } else {
      const list = -value - 1;
      const length = this.listLength[list]!;
      if (this.pool[this.listStart[list]! + length - 1] !== id && length <= this.maxMembers)
        this.append(list, id);
    }
  }

  /**
   * The members of a key's block, in the order added: one id, or a list (its length past
   * `maxMembers` when the key had more), or undefined.
   */
  get(key: string): number | Uint32Array | undefined {
    const value = this.values[this.slotOf(hashKey(key))]!;
    if (value === 0) return undefined;
    if (value > 0) return value;
    const list = -value - 1;
    const start = this.listStart[list]!;
    return this.pool.subarray(start, start + this.listLength[list]!);
  }

  /** A list of two members; returns its number. */
  private newList(first: number, second: number): number {
    if (this.lists === this.listStart.length) {
      this.listStart = grownTo(this.listStart, this.lists + 1);
      this.listLength = grownTo(this.listLength, this.lists + 1);
      this.listRoom = grownTo(this.listRoom, this.lists + 1);
    }
    const list = this.lists++;
    const start = this.take(2);
    this.pool[start] = first;
    this.pool[start + 1] = second;
    this.listStart[list] = start;
    this.listLength[list] = 2;
    this.listRoom[list] = 2;
    return list;
  }

  /** Appends to a list, moving it to a room twice its size at the pool's end when full (the old room stays unused). */
  private append(list: number, id: number): void {
    const length = this.listLength[list]!;
    if (length === this.listRoom[list]) {
      const start = this.take(length * 2);
      this.pool.copyWithin(start, this.listStart[list]!, this.listStart[list]! + length);
      this.listStart[list] = start;
      this.listRoom[list] = length * 2;
    }
    this.pool[this.listStart[list]! + length] = id;
    this.listLength[list] = length + 1;
  }

  /** `n` free places at the pool's end. */
  private take(n: number): number {
    this.pool = grownTo(this.pool, this.poolUsed + n);
    const start = this.poolUsed;
    this.poolUsed += n;
    return start;
  }

  /** The slot holding `hash`, or the empty slot where it would go. */
  private slotOf(hash: number): number {
    const mask = this.hashes.length - 1;
    let slot = hash & mask;
    while (this.values[slot] !== 0 && this.hashes[slot] !== hash) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const { hashes, values } = this;
    this.hashes = new Uint32Array(hashes.length * 2);
    this.values = new Float64Array(values.length * 2);
    for (let i = 0; i < hashes.length; i++) {
      if (values[i] === 0) continue;
      const slot = this.slotOf(hashes[i]!);
      this.hashes[slot] = hashes[i]!;
      this.values[slot] = values[i]!;
    }
  }
}

/** FNV-1a, 32 bits. */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

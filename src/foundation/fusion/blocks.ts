// Blocking keys → the entities that share them: where the linker looks for candidates. A district
// has millions of keys, most with a single member, so they live in an open-addressing table of typed
// arrays keyed by a 32-bit hash of the key (a collision only adds a candidate to score): about 20
// bytes a key, where a Map cost about 45 (its entry, plus a heap number for every hash past the
// small-integer range). Measured on the scale-0.1 demo: the people's table went from 29 MB to 11 MB.

/** Slots filled at most to this share before the table doubles (linear probing stays short). */
const MAX_LOAD = 0.6;

export class BlockIndex {
  private hashes: Uint32Array;
  /** An entity id (≥ 1), or -(i + 1) for a key of several members, listed in `lists[i]`; 0: empty. */
  private values: Float64Array;
  private readonly lists: number[][] = [];
  private used = 0;

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
    if (!(id >= 1)) throw new Error(`block members are entity ids from 1 up, not ${id}`);
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
      if (value !== id) {
        this.lists.push([value, id]);
        this.values[slot] = -this.lists.length;
      }
    } else {
      const members = this.lists[-value - 1]!;
      if (members.at(-1) !== id && members.length <= this.maxMembers) members.push(id);
    }
  }

  /**
   * The members of a key's block, in the order added: one id, or a list (its length past
   * `maxMembers` when the key had more), or undefined.
   */
  get(key: string): number | readonly number[] | undefined {
    const value = this.values[this.slotOf(hashKey(key))]!;
    if (value === 0) return undefined;
    return value > 0 ? value : this.lists[-value - 1];
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

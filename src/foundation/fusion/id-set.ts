// A set of entity ids as one bit per id: the linker asks of millions of entities whether they have
// an exact key. Ids come from a sequence, so they are dense: 1.55 M people fit in a fifth of a
// megabyte, where a Map or Set costs 20–40 bytes an entry.

import { grownTo } from '../../lib/typed-arrays.ts';

const MAX_ID = 0xffff_ffff;

export class IdSet {
  private bits = new Uint8Array(1024);

  has(id: number): boolean {
    return ((this.bits[id >>> 3] ?? 0) & (1 << (id & 7))) !== 0;
  }

  add(id: number): void {
    if (!(Number.isInteger(id) && id >= 0 && id <= MAX_ID))
      throw new Error(`an id set holds whole numbers from 0 to ${MAX_ID}, not ${id}`);
    const byte = id >>> 3;
    this.bits = grownTo(this.bits, byte + 1);
    this.bits[byte]! |= 1 << (id & 7);
  }

  delete(id: number): void {
    const byte = id >>> 3;
    if (byte < this.bits.length) this.bits[byte]! &= ~(1 << (id & 7));
  }
}

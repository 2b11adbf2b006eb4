import { describe, expect, it } from 'vitest';
import { grownTo } from './typed-arrays.ts';

describe('grownTo', () => {
  it('keeps an array that has the room, and copies into a bigger one that does not', () => {
    const a = Uint32Array.of(1, 2, 3, 4);
    expect(grownTo(a, 4)).toBe(a);
    const b = grownTo(a, 5);
    expect(b).toBeInstanceOf(Uint32Array);
    expect([...b]).toEqual([1, 2, 3, 4, 0, 0, 0, 0]);
    expect(grownTo(a, 17).length).toBe(32);
    expect(grownTo(new Float64Array(4), 5, 1.5).length).toBe(6);
    expect(grownTo(new Uint8Array(0), 3).length).toBe(4);
  });
});

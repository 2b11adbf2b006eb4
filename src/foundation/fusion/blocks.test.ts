import { describe, expect, it } from 'vitest';
import { BlockIndex } from './blocks.ts';

/** A block's members as a plain array. */
const members = (block: number | Uint32Array | undefined) =>
  block === undefined || typeof block === 'number' ? block : [...block];

describe('BlockIndex', () => {
  it('keeps one id, then the list of several, in the order added, skipping an id added twice in a row', () => {
    const blocks = new BlockIndex(10);
    expect(blocks.get('n:张三')).toBeUndefined();
    blocks.add('n:张三', 7);
    blocks.add('n:张三', 7);
    expect(blocks.get('n:张三')).toBe(7);
    blocks.add('n:张三', 3);
    blocks.add('n:张三', 3);
    blocks.add('n:张三', 9);
    expect(members(blocks.get('n:张三'))).toEqual([7, 3, 9]);
    expect(blocks.get('n:李四')).toBeUndefined();
    expect(blocks.size).toBe(1);
  });

  it('stops a block one past its limit, so the linker can tell it is too common to compare', () => {
    const blocks = new BlockIndex(3);
    for (let id = 1; id <= 10; id++) blocks.add('b:1950-01-02|王', id);
    expect(members(blocks.get('b:1950-01-02|王'))).toEqual([1, 2, 3, 4]);
  });

  it('finds every key again after growing far past its first capacity', () => {
    const blocks = new BlockIndex(5, 16);
    for (let i = 1; i <= 50_000; i++) blocks.add(`p:138${String(i).padStart(8, '0')}`, i);
    expect(blocks.size).toBe(50_000);
    for (let i = 1; i <= 50_000; i += 997) expect(blocks.get(`p:138${String(i).padStart(8, '0')}`)).toBe(i);
    expect(blocks.get('p:13900000000')).toBeUndefined();
  });

  it('keeps many lists apart as they grow past their rooms and the pool past its size', () => {
    const blocks = new BlockIndex(100);
    // Interleaved, so every list moves to a bigger room while others sit after it in the pool.
    for (let round = 1; round <= 40; round++)
      for (let key = 0; key < 300; key++) blocks.add(`k:${key}`, key * 1000 + round);
    for (let key = 0; key < 300; key += 37)
      expect(members(blocks.get(`k:${key}`))).toEqual(
        Array.from({ length: 40 }, (_, i) => key * 1000 + i + 1),
      );
  });

  it('takes only entity ids', () => {
    expect(() => new BlockIndex(5).add('n:x', 0)).toThrow(/entity ids from 1/);
    expect(() => new BlockIndex(5).add('n:x', 2 ** 32)).toThrow(/entity ids from 1/);
  });
});

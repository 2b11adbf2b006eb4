import { describe, expect, it } from 'vitest';
import { displayWidth, table } from './table.ts';

describe('table', () => {
  it('counts CJK and full-width characters as two columns', () => {
    expect(displayWidth('福田区')).toBe(6);
    expect(displayWidth('ＡB')).toBe(3);
  });

  it('aligns columns by display width: first left, the rest right', () => {
    const text = table(
      ['街道', 'rooms'],
      [
        ['福保街道', '12'],
        ['x', '3,456'],
      ],
    );
    expect(text.split('\n')).toEqual([
      '街道      rooms',
      '--------  -----',
      '福保街道     12',
      'x         3,456',
    ]);
  });
});

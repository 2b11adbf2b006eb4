import { describe, expect, it } from 'vitest';
import { decodeText } from './text.ts';

// 福田区 in GBK: B8A3 CCEF C7F8.
const futianGbk = Uint8Array.from([0xb8, 0xa3, 0xcc, 0xef, 0xc7, 0xf8]);

describe('decodeText', () => {
  it('reads UTF-8 with and without a BOM', () => {
    const plain = new TextEncoder().encode('福田区');
    expect(decodeText(plain)).toMatchObject({ text: '福田区', encoding: 'utf-8' });
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf, ...plain]);
    expect(decodeText(bom)).toMatchObject({ text: '福田区', encoding: 'utf-8' });
  });

  it('falls back to GB18030 for GBK bytes', () => {
    expect(decodeText(futianGbk)).toMatchObject({ text: '福田区', encoding: 'gb18030' });
  });

  it('rejects binary input with the file name', () => {
    expect(() => decodeText(Uint8Array.from([0x89, 0x50, 0, 1]), 'x.csv')).toThrow(
      /x\.csv is not a text file/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { encodeGbk } from '../testing.ts';
import { decodeLine, formatResult, packMatchData, readLines, unpackMatchData } from './batch.ts';
import type { MatchData } from './index.ts';
import { unmatched } from './match.ts';

async function* pieces(...chunks: (string | Uint8Array)[]) {
  for (const chunk of chunks) yield typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
}

const collect = async (source: AsyncIterable<Uint8Array>) => {
  const out: string[] = [];
  for await (const chunk of readLines(source))
    out.push(...chunk.map((l) => (l.binary ? `<binary>` : l.text)));
  return out;
};

describe('reading input lines', () => {
  it('decodes UTF-8 (with a BOM), GBK, and marks binary lines', () => {
    expect(decodeLine(Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('益田路')]))).toEqual({
      text: '益田路',
      binary: false,
    });
    expect(decodeLine(encodeGbk('福田区益田路'))).toEqual({ text: '福田区益田路', binary: false });
    expect(decodeLine(Uint8Array.from([0x89, 0x50, 0x00, 0x01])).binary).toBe(true);
    expect(decodeLine(new TextEncoder().encode('益田路\r'))).toEqual({ text: '益田路', binary: false });
  });

  it('splits lines across chunk boundaries, keeps empty lines and a last line without newline', async () => {
    const bytes = new TextEncoder().encode('益田路\n\n南方国际');
    // Split inside a multi-byte character.
    expect(await collect(pieces(bytes.subarray(0, 4), bytes.subarray(4)))).toEqual([
      '益田路',
      '',
      '南方国际',
    ]);
    expect(await collect(pieces('a\nb\n'))).toEqual(['a', 'b']);
    expect(await collect(pieces(''))).toEqual([]);
  });

  it('formats a result as JSON Lines or as tab-separated columns', () => {
    const result = unmatched('a\tb', 'empty input');
    expect(JSON.parse(formatResult(result, true))).toMatchObject({ input: 'a\tb', status: 'unmatched' });
    expect(formatResult(result, false)).toBe('a b\tunmatched\t\t\t0.00\t\tempty input');
  });
});

describe('handing the library to a worker', () => {
  it('packs each column into one string and unpacks it unchanged, nulls and empty strings apart', () => {
    const data: MatchData = {
      versions: { addresses: '3', areas: '1', aliases: '0' },
      areas: [{ id: '440304', name: '福田区', level: 'district', parentId: null }],
      buildings: {
        id: ['B1', 'B2'],
        road: ['益田路', null],
        roadNo: ['3013', ''],
        estate: [null, '石厦村'],
        building: ['A座', null],
        aliases: [['南方国际'], []],
        gridId: ['g1', 'g2'],
        communityId: ['c1', null],
        subdistrictId: ['s1', 's1'],
      },
      rooms: { id: ['R1'], building: Int32Array.from([0]), entrance: [null], floor: ['23'], room: ['2301'] },
      aliases: [],
    };
    const copy = unpackMatchData(structuredClone(packMatchData(data)));
    expect(copy).toEqual(data);
    const empty: MatchData = {
      ...data,
      rooms: { id: [], building: new Int32Array(0), entrance: [], floor: [], room: [] },
    };
    expect(unpackMatchData(packMatchData(empty)).rooms).toEqual(empty.rooms);
  });
});

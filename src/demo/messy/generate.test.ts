import { describe, expect, it } from 'vitest';
import { generateMessyAddresses, MATCHABLE_KINDS, type MessyRecord, UNMATCHABLE_KINDS } from './generate.ts';
import { loadLibrary } from './library.ts';
import { fixtureLibraryCsv } from './testing.ts';
import { chineseNumber, spokenDigits, TRADITIONAL, toFullWidth, toTraditional } from './writing.ts';

const csv = fixtureLibraryCsv();
const lib = loadLibrary(csv);
const records = generateMessyAddresses({ libraryCsv: csv, seed: 42, count: 3000 });
const ofKind = (kind: string) => records.filter((r) => r.variation[0] === kind);

describe('generateMessyAddresses', () => {
  it('is deterministic for a seed and writes exactly count records', () => {
    const again = generateMessyAddresses({ libraryCsv: csv, seed: 42, count: 3000 });
    expect(again).toEqual(records);
    expect(records).toHaveLength(3000);
    const other = generateMessyAddresses({ libraryCsv: csv, seed: 43, count: 3000 });
    expect(other.map((r) => r.input)).not.toEqual(records.map((r) => r.input));
    expect(generateMessyAddresses({ libraryCsv: csv, seed: 42, count: 10 })).toEqual(records.slice(0, 10));
  });

  it('writes every variation kind, each first in some record, and covers all kinds in the first records', () => {
    const kinds = [...MATCHABLE_KINDS, ...UNMATCHABLE_KINDS];
    for (const kind of kinds) expect(ofKind(kind).length, kind).toBeGreaterThan(0);
    const opening = new Set(records.slice(0, kinds.length).map((r) => r.variation[0]));
    expect([...opening].sort()).toEqual([...kinds].sort());
  });

  it('has bad inputs: empty, 10,000 characters, control characters, emoji, English, gibberish, placeholders', () => {
    for (const r of ofKind('empty')) expect(r.input.trim()).toBe('');
    for (const r of ofKind('very-long')) expect(r.input.length).toBe(10_000);
    for (const r of ofKind('control-chars')) expect(r.input).toMatch(/\p{Cc}/u);
    for (const r of ofKind('emoji-only'))
      expect(r.input).toMatch(/\p{Extended_Pictographic}|\p{Regional_Indicator}/u);
    for (const r of ofKind('english')) expect(r.input).not.toMatch(/\p{Script=Han}/u);
    expect(ofKind('gibberish').length + ofKind('placeholder').length).toBeGreaterThan(10);
  });

  it('keeps one input per line', () => {
    for (const r of records) expect(r.input).not.toMatch(/[\n\r\u2028\u2029]/);
  });

  it('gives every matchable input a library address with its area, and null to the rest', () => {
    const buildings = new Map(lib.buildings.map((b) => [b.id, b]));
    const rooms = new Map(lib.rooms.map((r) => [r.id, r]));
    for (const r of records) {
      const kind = r.variation[0]!;
      const { expect: truth } = r;
      if ((UNMATCHABLE_KINDS as readonly string[]).includes(kind)) {
        expect(truth.address_id, r.input).toBeNull();
        expect(truth.level).toBeNull();
        expect(truth.building_id).toBeNull();
        if (kind !== 'area-only') expect(truth.subdistrict).toBeNull();
        continue;
      }
      expect(truth.address_id, r.input).not.toBeNull();
      const room = rooms.get(truth.address_id!);
      const building = room?.building ?? buildings.get(truth.address_id!);
      expect(building, r.input).toBeDefined();
      expect(truth.level).toBe(room ? 'room' : 'building');
      expect(truth.building_id).toBe(building!.id);
      expect(truth.subdistrict).toBe(building!.subdistrict);
      expect(truth.community).toBe(building!.community);
    }
  });

  it('names areas for area-only inputs, and the area named is in the text', () => {
    for (const r of ofKind('area-only')) {
      expect(r.expect.subdistrict).not.toBeNull();
      if (r.expect.community) expect(r.input).toContain(r.expect.community);
      else expect(r.input).toContain(r.expect.subdistrict);
    }
  });

  it('answers a room that does not exist with its building', () => {
    const missing = records.filter((r) => r.variation.includes('missing-room'));
    expect(missing.length).toBeGreaterThan(0);
    for (const r of missing) expect(r.expect.level).toBe('building');
    for (const r of [...ofKind('building-only'), ...ofKind('floor-only'), ...ofKind('direction')]) {
      expect(r.expect.level).toBe('building');
    }
  });

  it('writes the variation it claims', () => {
    const traditional = new Set(TRADITIONAL.values());
    const buildingOf = (r: MessyRecord) => lib.buildings.find((b) => b.id === r.expect.building_id)!;
    const plain = (r: MessyRecord) =>
      !r.variation.some((v) => ['typo', 'missing-char', 'traditional', 'fullwidth'].includes(v));
    for (const r of ofKind('traditional'))
      expect(Array.from(r.input).some((ch) => traditional.has(ch))).toBe(true);
    for (const r of ofKind('fullwidth')) expect(r.input).toMatch(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/);
    for (const r of ofKind('person-phone').filter(plain))
      expect(r.input).toMatch(/1\d{10}|\d{3}-\d{4}-\d{4}|0755-\d{8}/);
    for (const r of ofKind('prefix')) expect(r.input).toMatch(/深圳|福田|广东/);
    for (const r of ofKind('urban-village')) expect(buildingOf(r).estate).toBe('');
    for (const r of ofKind('estate-alias').filter(plain)) {
      expect(
        buildingOf(r).aliases.some((a) => r.input.includes(a)),
        r.input,
      ).toBe(true);
    }
    for (const r of ofKind('other-district').filter(plain))
      expect(r.input).toMatch(/南山区|罗湖区|宝安区|龙岗区|龙华区|盐田区/);
    for (const r of records.filter((r) => r.variation.includes('reordered') && plain(r))) {
      const b = buildingOf(r);
      const estateAt = Math.max(...[b.estate, ...b.aliases].map((n) => r.input.indexOf(n)));
      expect(estateAt, r.input).toBeGreaterThanOrEqual(0);
      expect(estateAt, r.input).toBeLessThan(r.input.lastIndexOf(b.road.slice(0, 2)));
    }
    for (const r of ofKind('wrong-subdistrict')) expect(r.input).not.toContain(r.expect.subdistrict);
  });

  it('refuses a library without buildings', () => {
    expect(() => generateMessyAddresses({ libraryCsv: csv.split('\n')[0]!, seed: 1, count: 5 })).toThrow(
      /no buildings/,
    );
  });
});

describe('writing habits', () => {
  it('writes numbers the Chinese way', () => {
    expect([6, 10, 12, 20, 23, 99].map(chineseNumber)).toEqual([
      '六',
      '十',
      '十二',
      '二十',
      '二十三',
      '九十九',
    ]);
    expect(chineseNumber(0)).toBeUndefined();
    expect(chineseNumber(100)).toBeUndefined();
    expect(spokenDigits('2301', false)).toBe('二三零一');
    expect(spokenDigits('2301', true)).toBe('二三零幺');
  });

  it('converts to traditional and full-width', () => {
    expect(toTraditional('广东省深圳市福田区益田路3013号南方国际广场B座')).toBe(
      '廣東省深圳市福田區益田路3013號南方國際廣場B座',
    );
    expect(toFullWidth('3013号B座-2301')).toBe('３０１３号Ｂ座－２３０１');
  });
});

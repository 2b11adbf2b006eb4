import { describe, expect, it } from 'vitest';
import { adminNames, buildLexicon, ESTATE_SUFFIXES, type LexiconName, lookup, shortForm } from './lexicon.ts';
import { elementRecord, type Label, parseAddress } from './parse.ts';

// A vocabulary as the index derives it from a library: roads, estates and aliases, areas.
const names: LexiconName[] = [
  { name: '益田路', kind: 'road', ref: 0 },
  { name: '石厦北二街', kind: 'road', ref: 1 },
  { name: '福华路', kind: 'road', ref: 2 },
  { name: '华强北路', kind: 'road', ref: 3 },
  { name: '南方国际广场', kind: 'poi', ref: 0 },
  { name: '南方国际', kind: 'poi', ref: 0 },
  { name: '华强广场', kind: 'poi', ref: 1 },
  { name: '华强', kind: 'poi', ref: 1 },
  { name: '石厦村', kind: 'poi', ref: 2 },
  { name: '益田花园', kind: 'poi', ref: 3 },
  { name: '福保街道', kind: 'town', ref: 0 },
  { name: '明月社区', kind: 'community', ref: 1 },
  ...adminNames([{ id: '440304', name: '福田区' }]),
];
const lexicon = buildLexicon(names);

const parse = (text: string) => {
  const parsed = parseAddress(text, lexicon);
  return { ...parsed, record: elementRecord(parsed.elements) };
};
const labels = (text: string) => parse(text).elements.map((e) => [e.label, e.value] as [Label, string]);

describe('the lexicon', () => {
  it('finds the longest names first and knows short forms', () => {
    const matches = lookup(lexicon, '南方国际广场B座', 0);
    expect(matches.map((m) => m.end)).toEqual([6, 4]);
    expect(shortForm('南方国际广场', ESTATE_SUFFIXES)).toBe('南方国际');
    expect(shortForm('石厦北2街', ['街'])).toBeUndefined();
  });
});

describe('parseAddress', () => {
  it('labels the full form with CCKS labels', () => {
    expect(labels('广东省深圳市福田区福保街道明月社区益田路3013号南方国际广场B座2单元23楼01室')).toEqual([
      ['prov', '广东省'],
      ['city', '深圳市'],
      ['district', '福田区'],
      ['town', '福保街道'],
      ['community', '明月社区'],
      ['road', '益田路'],
      ['roadno', '3013'],
      ['poi', '南方国际广场'],
      ['houseno', 'B'],
      ['cellno', '2'],
      ['floorno', '23'],
      ['roomno', '2301'],
    ]);
  });

  it('reads a road without its suffix when a door number follows', () => {
    expect(parse('益田3013号').record).toMatchObject({ road: '益田路', roadno: '3013' });
    // Without a number, 益田 is no road: here it is the short form of 益田花园.
    expect(parse('益田3栋').record).toMatchObject({ poi: '益田花园', houseno: '3' });
  });

  it('reads an estate by its short form or another generic ending', () => {
    expect(parse('南方国际大厦B座').record).toMatchObject({ poi: '南方国际', houseno: 'B' });
    expect(parse('华强A座').record).toMatchObject({ poi: '华强', houseno: 'A' });
  });

  it.each([
    ['南方国际广场B座2301', { houseno: 'B', roomno: '2301' }],
    ['南方国际广场B座2301房', { houseno: 'B', roomno: '2301' }],
    ['南方国际广场B座23楼01', { houseno: 'B', floorno: '23', roomno: '2301' }],
    ['南方国际广场B座23层01号', { houseno: 'B', floorno: '23', roomno: '2301' }],
    ['南方国际广场B座23F01', { houseno: 'B', floorno: '23', roomno: '2301' }],
    ['南方国际广场B座23-01', { houseno: 'B', floorno: '23', roomno: '2301' }],
    ['南方国际广场B座12A', { houseno: 'B', roomno: '12A' }],
    ['南方国际广场B座5楼502', { houseno: 'B', floorno: '5', roomno: '502' }],
    ['南方国际广场B2301', { houseno: 'B', roomno: '2301' }],
    ['南方国际广场3-2-2301', { houseno: '3', cellno: '2', roomno: '2301' }],
    ['南方国际广场3号2301', { houseno: '3', roomno: '2301' }],
    ['南方国际广场二十三栋十二楼', { houseno: '23', floorno: '12' }],
  ])('reads the units of %s', (text, expected) => {
    expect(parse(text).record).toMatchObject(expected);
  });

  it('reads an urban-village door plate', () => {
    expect(parse('石厦村石厦北二街5号201').record).toMatchObject({
      poi: '石厦村',
      road: '石厦北二街',
      roadno: '5',
      roomno: '201',
    });
    expect(parse('石厦北2街5栋').record).toMatchObject({ road: '石厦北二街', houseno: '5' });
  });

  it('reads numbers beside a road and its units as people run them together', () => {
    // Right after a road: door number, building letter, room (号 and 座 left out).
    expect(parse('益田路3013B2301').record).toMatchObject({ roadno: '3013', houseno: 'B', roomno: '2301' });
    expect(parse('益田路16F栋').record).toMatchObject({ roadno: '16', houseno: 'F' });
    // A door's sub-number is short: a longer one is a room.
    expect(parse('益田路3013-401号').record).toMatchObject({ roadno: '3013', roomno: '401' });
    // A number right before a unit is the unit's: door 1, building 2.
    expect(parse('福华路1-2栋').record).toMatchObject({ road: '福华路', roadno: '1', houseno: '2' });
    // A number before a road ending is part of a name, no building.
    expect(parse('某某4路41号').record).toMatchObject({ road: '某某4路', roadno: '41' });
    // A dash between a road's short form and its number.
    expect(parse('益田-3013号').record).toMatchObject({ road: '益田路', roadno: '3013' });
  });

  it('reads an estate name before a road ending as part of a road the library lacks', () => {
    const { record } = parse('华强路5号');
    expect(record).toMatchObject({ road: '华强路', roadno: '5' });
    expect(record.poi).toBeUndefined();
    expect(parse('华强北路5号').record).toMatchObject({ road: '华强北路', roadno: '5' });
  });

  it('finds a known subdistrict after words glued before it', () => {
    expect(parse('你好福保街道益田路3013号').record).toMatchObject({ town: '福保街道', road: '益田路' });
  });

  it('labels a second road as subroad and a crossing as intersection', () => {
    expect(parse('福华路石厦北二街5号').record).toMatchObject({
      road: '福华路',
      subroad: '石厦北二街',
      subroadno: '5',
    });
    expect(parse('益田路与福华路交叉口').record).toMatchObject({ road: '益田路', intersection: '福华路' });
  });

  it('labels noise: person, phone, direction, distance', () => {
    const { record } = parse('张三 13800138000 南方国际广场对面往东100米');
    expect(record).toMatchObject({
      poi: '南方国际广场',
      person: '张三',
      redundant: '13800138000',
      assist: '对面',
      distance: '往东100米',
    });
  });

  it('labels an estate the library does not know as poi, and an unknown road as road', () => {
    expect(parse('福田区莲花北村3栋').record).toMatchObject({
      district: '福田区',
      poi: '莲花北村',
      houseno: '3',
    });
    expect(parse('福田区莲花路5号').record).toMatchObject({ road: '莲花路', roadno: '5' });
  });

  it('recognises other districts, cities and provinces as outside the library', () => {
    expect(parse('深圳市南山区科技园').outside).toBe('南山区');
    expect(parse('南山区益田路3013号').outside).toBe('南山区');
    expect(parse('广州市天河区体育西路1号').outside).toBe('广州市');
    expect(parse('湖南省长沙市岳麓区').outside).toBe('湖南省');
    expect(parse('某某省某某市人民路1号').outside).toBe('某某省');
    expect(parse('广东省深圳市福田区益田路3013号').outside).toBeUndefined();
    // A shop is no city.
    expect(parse('华润超市益田路3013号').outside).toBeUndefined();
    // After the library's own city, a name ending in 区 is an estate, not an unknown district.
    expect(parse('深圳市翰林住宅区A栋').outside).toBeUndefined();
  });

  it('labels devzones, phases and village groups', () => {
    expect(parse('福田保税区南方国际广场').record).toMatchObject({ devzone: '福田保税区' });
    expect(parse('南方国际广场2期B座').record).toMatchObject({ subpoi: '2期', houseno: 'B' });
    expect(parse('石厦村3组').record).toMatchObject({ village_group: '3组' });
  });

  it('never throws on odd input', () => {
    for (const text of [
      '',
      '-',
      '---',
      '号号号',
      'ABC',
      '1-2-3-4-5-6',
      '栋栋',
      '\u0000',
      'x'.repeat(500),
      '楼层室',
    ]) {
      expect(() => parse(text)).not.toThrow();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bumpDataVersion } from '../../../db/data-versions.ts';
import { createTestDb, type TestDb, testEngine } from '../../../db/testing.ts';
import { buildMatchIndex, currentMatchIndex, indexFromData, type MatchIndex } from './index.ts';
import { MATCH_THRESHOLD, type MatchResult, matchAddress, withinOneEdit } from './match.ts';
import { AREAS, roomId, seedMatchLibrary } from './testing.ts';

describe(`matchAddress on ${testEngine}`, () => {
  let t: TestDb;
  let index: MatchIndex;
  beforeAll(async () => {
    t = await createTestDb();
    await seedMatchLibrary(t.db);
    index = await buildMatchIndex(t.db);
  });
  afterAll(() => t.destroy());

  const match = (text: string) => matchAddress(index, text);
  const expectMatched = (r: MatchResult, id: string, level: 'building' | 'room') => {
    expect(r, JSON.stringify(r)).toMatchObject({ status: 'matched', address_id: id, level });
    expect(r.score).toBeGreaterThanOrEqual(MATCH_THRESHOLD);
  };

  it('builds an index of the library: buildings, rooms, plates, names', () => {
    expect(index.data.buildings.id).toHaveLength(13);
    expect(index.data.rooms.id.length).toBeGreaterThan(20);
    expect(index.plates.get(`${index.roads.indexOf('益田路')}|3013`)).toHaveLength(2);
    expect(index.pois.map((p) => p.value)).toEqual(
      expect.arrayContaining(['南方国际广场', '南方国际', '华强']),
    );
  });

  it('matches the DESIGN.md example to the room, with its grid and area chain', () => {
    const r = match('益田路3013号南方国际B座2301房');
    expectMatched(r, roomId('NF-B', '2301'), 'room');
    expect(r).toMatchObject({
      grid_id: AREAS.mingyueGrid,
      elements: { road: '益田路', roadno: '3013', poi: '南方国际', houseno: 'B', roomno: '2301' },
      chain: {
        grid: { id: AREAS.mingyueGrid, name: '明月社区第01网格' },
        community: { id: AREAS.mingyue, name: '明月社区' },
        subdistrict: { id: AREAS.fubao, name: '福保街道' },
        district: { id: AREAS.district, name: '福田区' },
      },
      reason: null,
    });
  });

  it.each([
    '广东省深圳市福田区益田路3013号南方国际广场B座2301室',
    '深圳福田益田路3013号南方国际广场B座2301',
    '益田3013号南方国际b座23楼01',
    '南方国际广场B栋23层01号',
    '南方国际大厦B座23F01',
    '南方國際廣場Ｂ座２３０１',
    '南方国际广场B座23-01',
    '南方国际B2301',
    '张三 13800138000 益田路3013号南方国际广场B座2301',
    '益田路3013号（南方国际广场）B座2301 附近',
  ])('matches the variant %s to the same room', (text) => {
    expectMatched(match(text), roomId('NF-B', '2301'), 'room');
  });

  it('matches rooms on floors labelled 12A', () => {
    expectMatched(match('益田路3013号A座12A01'), roomId('NF-A', '12A01'), 'room');
    expectMatched(match('南方国际广场A座12A楼01'), roomId('NF-A', '12A01'), 'room');
  });

  it('gives the building, never another room, when the room does not exist', () => {
    const r = match('南方国际广场B座9999');
    expectMatched(r, 'NF-B', 'building');
    expect(r.reason).toMatch(/room 9999 is not in the library/);
    // 12A01 exists in A座 only: B座 12A01 is the building B座.
    expectMatched(match('南方国际广场B座12A01'), 'NF-B', 'building');
    // Two rooms named: their building is the one answer.
    expect(match('南方国际广场B座2301、2302')).toMatchObject({ address_id: 'NF-B', level: 'building' });
  });

  it('gives the building when entrances repeat the room number, and the room when the entrance is named', () => {
    const r = match('福华新村1栋201');
    expectMatched(r, 'FH-1', 'building');
    expect(r.reason).toMatch(/2 entrances/);
    expectMatched(match('福华新村一栋二单元201房'), roomId('FH-1', '201', '2单元'), 'room');
    expectMatched(match('福华路100号福华新村1栋1单元301'), roomId('FH-1', '301', '1单元'), 'room');
  });

  it('matches urban-village door plates, with or without the village', () => {
    expectMatched(match('石厦北二街5号'), 'SX-5', 'building');
    expectMatched(match('石厦村石厦北二街5号201'), roomId('SX-5', '201'), 'room');
    expectMatched(match('石厦北2街5栋'), 'SX-5', 'building');
  });

  it('matches a single tower by its name or its door plate', () => {
    expectMatched(match('金地大厦1001'), roomId('JD', '1001'), 'room');
    expectMatched(match('益田路3001号'), 'JD', 'building');
  });

  it('is ambiguous when the text names an estate or plate but not which building', () => {
    const r = match('益田路3013号2301');
    expect(r).toMatchObject({ status: 'ambiguous', address_id: null, level: null });
    expect(r.candidates.map((c) => c.address_id).sort()).toEqual([
      roomId('NF-A', '2301'),
      roomId('NF-B', '2301'),
    ]);
    // Both candidates lie in one grid, so the grid is known even though the building is not.
    expect(r.grid_id).toBe(AREAS.mingyueGrid);
    expect(r.chain?.community?.name).toBe('明月社区');
  });

  it('reads a name one character off as that name, at a lower score', () => {
    const r = match('南方国计广场B座2301');
    expectMatched(r, roomId('NF-B', '2301'), 'room');
    expect(r.score).toBeLessThan(match('南方国际广场B座2301').score);
    expectMatched(match('益田陆3013号B座2301'), roomId('NF-B', '2301'), 'room');
  });

  it('reads a lane whose numeral is left out, when only one lane has that door number', () => {
    expectMatched(match('石厦北街9号201'), roomId('SX3-9', '201'), 'room');
    const both = match('石厦北街5号');
    expect(both.status).toBe('ambiguous');
    expect(both.candidates.map((c) => c.address_id).sort()).toEqual(['SX-5', 'SX3-5']);
  });

  it('reads a lane numeral run into the door number after it', () => {
    expectMatched(match('石厦北三九号'), 'SX3-9', 'building');
    expectMatched(match('石厦北二五号201'), roomId('SX-5', '201'), 'room');
  });

  it('does not take a short name for the whole when more of an unknown name follows it', () => {
    // 福华园 is 福华 + 园: 福华花园 (one character left out) has no 2栋; 福华新村 does, but the
    // text does not say 福华新村.
    expect(match('福华园2栋').status).not.toBe('matched');
    expectMatched(match('福华园1栋101'), roomId('FHY-1', '101'), 'room');
  });

  it('reads a misspelt estate glued to words before it', () => {
    expectMatched(match('市民反映南方国计广场B座2301'), roomId('NF-B', '2301'), 'room');
  });

  it('prefers a building written with its unit to a bare number, and refuses two of them', () => {
    expectMatched(match('南方国际广场3号B座2301'), roomId('NF-B', '2301'), 'room');
    const two = match('南方国际广场A座B座2301');
    expect(two.status).not.toBe('matched');
    expect(two.reason).toMatch(/two different buildings/);
  });

  it('reads 塔 as a building and 号楼下 as downstairs', () => {
    expectMatched(match('南方国际广场B塔2301'), roomId('NF-B', '2301'), 'room');
    expectMatched(match('南方国际广场B座2301号楼下'), roomId('NF-B', '2301'), 'room');
  });

  it('takes a door plate for the building only where the named estate agrees', () => {
    // 福华路1号 is 福华大厦, a building without a number: 福华新村1栋 on 福华路 is no plate 1.
    expectMatched(match('福华路福华新村1栋301'), roomId('FH-1', '301', '1单元'), 'room');
  });

  it('is ambiguous for an estate only similar to a library name, with the likely building as a candidate', () => {
    const r = match('南方国计厂场B座2301');
    expect(r.status).toBe('ambiguous');
    expect(r.candidates[0]?.address_id).toBe(roomId('NF-B', '2301'));
  });

  it('matches a misspelt estate when its door plate agrees', () => {
    expectMatched(match('益田路3013号南方国计广场B座2301'), roomId('NF-B', '2301'), 'room');
  });

  it('is ambiguous when the door plate and the estate disagree', () => {
    const r = match('益田路3001号南方国际广场B座2301');
    expect(r.status).toBe('ambiguous');
    expect(r.candidates[0]?.address_id).toBe(roomId('NF-B', '2301'));
  });

  it('lowers the score for a contradicting subdistrict or community but keeps a strong match', () => {
    const right = match('福保街道明月社区益田路3013号南方国际广场B座2301');
    const wrong = match('华强北街道福强社区益田路3013号南方国际广场B座2301');
    expectMatched(right, roomId('NF-B', '2301'), 'room');
    expectMatched(wrong, roomId('NF-B', '2301'), 'room');
    expect(wrong.score).toBeLessThan(right.score);
    // A wrong community inside the wrong subdistrict named with it is one mistake, not two.
    const pair = match('华强北街道福强社区石厦北二街5号');
    const apart = match('华强北街道明月社区石厦北二街5号');
    expectMatched(pair, 'SX-5', 'building');
    expect(pair.score).toBeGreaterThan(apart.score);
  });

  it('never matches a building the estate does not have', () => {
    const r = match('南方国际广场C座2301');
    expect(r).toMatchObject({ status: 'unmatched', address_id: null });
    expect(r.reason).toMatch(/no building C/);
    expect(r.candidates.length).toBeGreaterThan(0);
  });

  it.each([
    ['深圳市南山区益田路3013号南方国际广场B座2301', /outside the library: 南山区/],
    ['罗湖区益田路3013号', /outside the library: 罗湖区/],
    ['广州市天河区体育西路1号', /outside the library: 广州市/],
    ['北京市海淀区中关村大街1号', /outside the library: 北京市/],
    ['湖南省长沙市岳麓区麓山路1号', /outside the library/],
    ['香港九龙弥敦道1号', /outside the library: 香港/],
  ])('never matches another district or city: %s', (text, reason) => {
    const r = match(text);
    expect(r.status).toBe('unmatched');
    expect(r.reason).toMatch(reason);
  });

  it.each([
    ['', 'empty input'],
    ['   ', 'empty input'],
    ['益'.repeat(10_000), /too long/],
    ['\u0000\u0001\u0002', 'binary data, not text'],
    ['\u0007\u0008\u001b', 'no Chinese address text'],
    ['🏠🏢🏬', 'no Chinese address text'],
    ['hello world 123', 'no Chinese address text'],
    ['Room 2301, 3013 Yitian Road', 'no Chinese address text'],
    ['啊啊啊啊啊', /no road, door plate or estate/],
    ['福田区明月社区', /only an area/],
    ['福田区莲花路5号', /no road 莲花路/],
    ['益田路9999号', /no door plate 益田路9999号/],
    ['益田路与福华路交叉口', /intersection/],
    ['张三 13800138000', /nothing left/],
  ])('answers bad or unplaceable input %j as unmatched with a reason', (text, reason) => {
    const r = match(text);
    expect(r.status).toBe('unmatched');
    expect(r.input).toBe(text);
    expect(r.reason).toMatch(reason);
  });

  it('builds the same index from a copy of its data (what a worker thread receives)', () => {
    const copy = indexFromData(structuredClone(index.data));
    expect(matchAddress(copy, '益田路3013号南方国际B座2301房')).toEqual(
      match('益田路3013号南方国际B座2301房'),
    );
  });

  it('keeps the cached index until the library changes, then rebuilds it', async () => {
    const first = await currentMatchIndex(t.db, 0);
    expect(await currentMatchIndex(t.db, 60_000)).toBe(first);
    await bumpDataVersion(t.db, 'addresses');
    // The rebuild runs in the background while the old index answers.
    await currentMatchIndex(t.db, 0);
    await expect.poll(async () => (await currentMatchIndex(t.db, 0)) !== first).toBe(true);
  });
});

describe('withinOneEdit', () => {
  it('accepts one substitution, insertion or deletion, nothing more', () => {
    expect(withinOneEdit('红利路', '红荔路')).toBe(true);
    expect(withinOneEdit('上中路', '上步中路')).toBe(true);
    expect(withinOneEdit('滨河大道', '滨河道')).toBe(true);
    expect(withinOneEdit('益田路', '益田路')).toBe(true);
    expect(withinOneEdit('福华一路', '福华三路')).toBe(true);
    expect(withinOneEdit('红利路', '红花园')).toBe(false);
    expect(withinOneEdit('上路', '上步中路')).toBe(false);
  });
});

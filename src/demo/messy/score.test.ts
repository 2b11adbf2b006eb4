import { describe, expect, it } from 'vitest';
import type { MessyExpect, MessyRecord } from './generate.ts';
import { formatScoreTable, judge, type MatchAnswer, scoreMatches } from './score.ts';

const B1 = '4403040100040100001';
const B2 = '4403040100040100002';
const room = (building: string, n: string) => `${building}${n.padStart(6, '0')}`;
const area = { subdistrict: '福保街道', community: '明月社区' };

function rec(variation: string[], truth: Partial<MessyExpect>): MessyRecord {
  return {
    input: variation.join(' '),
    variation,
    expect: {
      address_id: null,
      level: null,
      building_id: null,
      subdistrict: null,
      community: null,
      ...truth,
    },
  };
}

const roomTruth = (id: string, building: string) => ({
  address_id: id,
  level: 'room' as const,
  building_id: building,
  ...area,
});
const buildingTruth = (id: string) => ({
  address_id: id,
  level: 'building' as const,
  building_id: id,
  ...area,
});

const records = [
  rec(['room-spelling'], roomTruth(room(B1, '1'), B1)),
  rec(['room-spelling', 'traditional'], roomTruth(room(B1, '2'), B1)),
  rec(['missing-room'], buildingTruth(B2)),
  rec(['other-district'], {}),
  rec(['typo'], roomTruth(room(B1, '3'), B1)),
  rec(['area-only'], { subdistrict: '福保街道', community: null }),
];

const matched = (
  address_id: string,
  level: 'room' | 'building',
  extra: Partial<MatchAnswer> = {},
): MatchAnswer => ({
  status: 'matched',
  address_id,
  level,
  grid_id: '44030401000401',
  ...area,
  ...extra,
});

describe('scoreMatches', () => {
  it('counts exact, coarser (building for a room) and wrong rooms', () => {
    const answers: MatchAnswer[] = [
      matched(room(B1, '1'), 'room'),
      matched(B1, 'building'),
      matched(B2, 'building'),
      { status: 'unmatched', address_id: null },
      matched(room(B1, '9'), 'room', { community: '福保社区' }),
      { status: 'unmatched', subdistrict: '福保街道' },
    ];
    const s = scoreMatches(records, answers);
    expect([s.matchedExact, s.matchedCoarser, s.matchedWrong]).toEqual([2, 1, 1]);
    expect(s.precision).toEqual({ right: 3, of: 4, rate: 0.75 });
    expect(s.buildingRecall).toEqual({ right: 3, of: 4, rate: 0.75 });
    expect(s.roomRecall).toEqual({ right: 1, of: 3, rate: 1 / 3 });
    expect(s.outsideMatched).toBe(0);
    expect(s.statuses).toEqual({ matched: 4, ambiguous: 0, unmatched: 2, other: 0 });
    expect(s.subdistrictResolved).toEqual({ right: 5, of: 5, rate: 1 });
    expect(s.communityResolved).toEqual({ right: 3, of: 4, rate: 0.75 });

    const spelling = s.byVariation.find((v) => v.variation === 'room-spelling')!;
    expect(spelling.records).toBe(2);
    expect(spelling.buildingRecall.rate).toBe(1);
    expect(spelling.roomRecall).toEqual({ right: 1, of: 2, rate: 0.5 });
    expect(s.byVariation.find((v) => v.variation === 'typo')!.wrongMatches).toBe(1);
    expect(s.byVariation.find((v) => v.variation === 'other-district')!.rejected.rate).toBe(1);
  });

  it('counts a room invented for a missing room, and any match of a must-not-match input, as wrong', () => {
    const answers: MatchAnswer[] = [
      { status: 'ambiguous' },
      { status: 'unmatched' },
      matched(room(B2, '1'), 'room'),
      matched(B1, 'building'),
      { status: 'unmatched' },
      matched(B2, 'building'),
    ];
    const s = scoreMatches(records, answers);
    expect(s.precision).toEqual({ right: 0, of: 3, rate: 0 });
    expect(s.outsideMatched).toBe(2);
    expect(s.buildingRecall.right).toBe(0);
    expect(s.byVariation.find((v) => v.variation === 'other-district')!.rejected.rate).toBe(0);
    expect(s.byVariation.find((v) => v.variation === 'missing-room')!.wrongMatches).toBe(1);
  });

  it('has no precision when nothing matched, and refuses answers out of step with the records', () => {
    const s = scoreMatches(
      records,
      records.map(() => ({ status: 'unmatched' })),
    );
    expect(s.precision.rate).toBeNull();
    expect(s.buildingRecall.rate).toBe(0);
    expect(() => scoreMatches(records, [])).toThrow(/one answer per input/);
  });

  it('judges single answers', () => {
    const truth = records[0]!.expect;
    expect(judge(truth, { status: 'ambiguous', address_id: room(B1, '1') })).toBe('none');
    expect(judge(truth, { status: 'matched', address_id: room(B1, '1') })).toBe('exact');
    expect(judge(truth, { status: 'matched', address_id: B1 })).toBe('coarser');
    expect(judge(truth, { status: 'matched', address_id: B2 })).toBe('wrong');
    expect(judge(truth, { status: 'matched' })).toBe('wrong');
  });
});

describe('formatScoreTable', () => {
  it('prints the headline against the targets and one line per variation', () => {
    const s = scoreMatches(records, [
      matched(room(B1, '1'), 'room'),
      matched(room(B1, '2'), 'room'),
      matched(B2, 'building'),
      { status: 'unmatched' },
      matched(room(B1, '3'), 'room'),
      { status: 'unmatched' },
    ]);
    const text = formatScoreTable(s);
    expect(text).toMatch(/precision of matched\s+100\.00% \(4\/4\)\s+≥ 99\.5%\s+ok/);
    expect(text).toMatch(/matched outside the library\s+0\s+0\s+ok/);
    expect(text).toMatch(/room-spelling\s+2\s+100\.00%\s+100\.00%\s+—\s+0/);
    expect(text).toMatch(/other-district\s+1\s+—\s+—\s+100\.00%\s+0/);
    const missed = formatScoreTable(
      scoreMatches(
        records,
        records.map(() => ({ status: 'unmatched' })),
      ),
    );
    expect(missed).toMatch(/building-or-better recall.*MISS/);
  });
});

// Scores address-match results against the messy set's ground truth (issue 3's targets). Pure: the
// caller runs the matcher and passes its answers in input order.

import { table } from '../../lib/table.ts';
import type { MessyExpect, MessyRecord } from './generate.ts';

/** One answer per input, as in DESIGN.md §4 (`citybrain address match --jsonl`), area chain by name. */
export interface MatchAnswer {
  status: string;
  address_id?: string | null;
  level?: string | null;
  grid_id?: string | null;
  subdistrict?: string | null;
  community?: string | null;
}

/** Issue 3's targets. */
export const MESSY_TARGETS = { precision: 0.995, buildingRecall: 0.97, roomRecall: 0.93, outsideMatched: 0 };

export interface Rate {
  right: number;
  of: number;
  /** right / of, or null when there is nothing to count. */
  rate: number | null;
}

export interface VariationScore {
  variation: string;
  records: number;
  /** Records whose truth is a library address. */
  matchable: number;
  buildingRecall: Rate;
  roomRecall: Rate;
  /** Records with truth null that were not matched: what the must-not-match kinds are about. */
  rejected: Rate;
  /** Confident answers that are wrong: another address, a wrong room, or anything for a null truth. */
  wrongMatches: number;
}

export interface MessyScore {
  records: number;
  matchable: number;
  statuses: { matched: number; ambiguous: number; unmatched: number; other: number };
  /** Matched answers that are the truth itself, or the truth room's building (correct but coarser). */
  matchedExact: number;
  matchedCoarser: number;
  matchedWrong: number;
  precision: Rate;
  buildingRecall: Rate;
  roomRecall: Rate;
  /** Confident matches for inputs whose truth is not in the library: must be 0. */
  outsideMatched: number;
  subdistrictResolved: Rate;
  communityResolved: Rate;
  byVariation: VariationScore[];
}

type Verdict = 'exact' | 'coarser' | 'wrong' | 'none';

/** How one answer stands against the truth. A room answer for a building truth is wrong: it invents a room. */
export function judge(expect: MessyExpect, answer: MatchAnswer): Verdict {
  if (answer.status !== 'matched') return 'none';
  if (expect.address_id === null || !answer.address_id) return 'wrong';
  if (answer.address_id === expect.address_id) return 'exact';
  if (expect.level === 'room' && answer.address_id === expect.building_id) return 'coarser';
  return 'wrong';
}

export function scoreMatches(records: readonly MessyRecord[], answers: readonly MatchAnswer[]): MessyScore {
  if (records.length !== answers.length) {
    throw new Error(
      `${records.length} records but ${answers.length} answers: one answer per input, in order`,
    );
  }
  const statuses = { matched: 0, ambiguous: 0, unmatched: 0, other: 0 };
  const verdicts = { exact: 0, coarser: 0, wrong: 0, none: 0 };
  const building = rate();
  const room = rate();
  const subdistrict = rate();
  const community = rate();
  let outsideMatched = 0;
  const byVariation = new Map<string, VariationScore>();

  records.forEach((record, i) => {
    const answer = answers[i]!;
    const { expect } = record;
    const verdict = judge(expect, answer);
    if (answer.status === 'matched' || answer.status === 'ambiguous' || answer.status === 'unmatched') {
      statuses[answer.status]++;
    } else statuses.other++;
    verdicts[verdict]++;
    const found = verdict === 'exact' || verdict === 'coarser';
    const exactRoom = verdict === 'exact' && expect.level === 'room';
    if (expect.address_id !== null) count(building, found);
    if (expect.level === 'room') count(room, exactRoom);
    if (expect.address_id === null && answer.status === 'matched') outsideMatched++;
    if (expect.subdistrict) count(subdistrict, answer.subdistrict === expect.subdistrict);
    if (expect.community) count(community, answer.community === expect.community);

    for (const variation of record.variation) {
      let v = byVariation.get(variation);
      if (!v) {
        v = {
          variation,
          records: 0,
          matchable: 0,
          buildingRecall: rate(),
          roomRecall: rate(),
          rejected: rate(),
          wrongMatches: 0,
        };
        byVariation.set(variation, v);
      }
      v.records++;
      if (expect.address_id !== null) {
        v.matchable++;
        count(v.buildingRecall, found);
      } else count(v.rejected, answer.status !== 'matched');
      if (expect.level === 'room') count(v.roomRecall, exactRoom);
      if (verdict === 'wrong') v.wrongMatches++;
    }
  });

  const matchedCorrect = verdicts.exact + verdicts.coarser;
  return {
    records: records.length,
    matchable: building.of,
    statuses,
    matchedExact: verdicts.exact,
    matchedCoarser: verdicts.coarser,
    matchedWrong: verdicts.wrong,
    precision: finish({ right: matchedCorrect, of: matchedCorrect + verdicts.wrong, rate: null }),
    buildingRecall: finish(building),
    roomRecall: finish(room),
    outsideMatched,
    subdistrictResolved: finish(subdistrict),
    communityResolved: finish(community),
    byVariation: [...byVariation.values()]
      .map((v) => ({
        ...v,
        buildingRecall: finish(v.buildingRecall),
        roomRecall: finish(v.roomRecall),
        rejected: finish(v.rejected),
      }))
      .sort((a, b) => a.variation.localeCompare(b.variation)),
  };
}

const rate = (): Rate => ({ right: 0, of: 0, rate: null });

function count(r: Rate, right: boolean): void {
  r.of++;
  if (right) r.right++;
}

const finish = (r: Rate): Rate => ({ ...r, rate: r.of === 0 ? null : r.right / r.of });

const percent = (r: Rate) => (r.rate === null ? '—' : `${(r.rate * 100).toFixed(2)}%`);
const ratio = (r: Rate) => (r.rate === null ? '—' : `${percent(r)} (${r.right}/${r.of})`);

/** The score as two plain-text tables: the headline metrics against issue 3's targets, then per variation. */
export function formatScoreTable(score: MessyScore): string {
  const t = MESSY_TARGETS;
  const pass = (ok: boolean) => (ok ? 'ok' : 'MISS');
  const atLeast = (r: Rate, target: number) => pass(r.rate !== null && r.rate >= target);
  const { matched, ambiguous, unmatched, other } = score.statuses;
  const headline = table(
    ['metric', 'value', 'target', ''],
    [
      [
        'precision of matched',
        ratio(score.precision),
        `≥ ${t.precision * 100}%`,
        atLeast(score.precision, t.precision),
      ],
      [
        'building-or-better recall',
        ratio(score.buildingRecall),
        `≥ ${t.buildingRecall * 100}%`,
        atLeast(score.buildingRecall, t.buildingRecall),
      ],
      [
        'room recall',
        ratio(score.roomRecall),
        `≥ ${t.roomRecall * 100}%`,
        atLeast(score.roomRecall, t.roomRecall),
      ],
      [
        'matched outside the library',
        String(score.outsideMatched),
        String(t.outsideMatched),
        pass(score.outsideMatched <= t.outsideMatched),
      ],
      ['subdistrict resolved', ratio(score.subdistrictResolved), '', ''],
      ['community resolved', ratio(score.communityResolved), '', ''],
      [
        'matched: exact / coarser / wrong',
        `${score.matchedExact} / ${score.matchedCoarser} / ${score.matchedWrong}`,
        '',
        '',
      ],
      [
        'matched / ambiguous / unmatched',
        `${matched} / ${ambiguous} / ${unmatched}${other ? ` / ${other} other` : ''}`,
        '',
        '',
      ],
      ['inputs (with a library address)', `${score.records} (${score.matchable})`, '', ''],
    ],
  );
  const variations = table(
    ['variation', 'inputs', 'bldg recall', 'room recall', 'rejected', 'wrong'],
    score.byVariation.map((v) => [
      v.variation,
      String(v.records),
      percent(v.buildingRecall),
      percent(v.roomRecall),
      percent(v.rejected),
      String(v.wrongMatches),
    ]),
  );
  return `${headline}\n\n${variations}`;
}

// Side by side with the npm package `address-parse` (issue 3): parse speed, and how many messy inputs
// each resolves to the right subdistrict and community.
//
// address-parse stops at the county: it returns province, city and district and leaves the rest in
// `details`. It is credited with a subdistrict (community) when it places the input in the library's
// district and its details still name the right one, the most it can be said to resolve.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { FUTIAN, type MessyRecord } from '../src/demo/messy/generate.ts';
import type { Rate } from '../src/demo/messy/score.ts';
import { table } from '../src/lib/table.ts';

interface AddressParseResult {
  province: string;
  city: string;
  area: string;
  details: string;
}

interface AddressParse {
  parse(address: string, parseAll?: boolean): AddressParseResult[];
}

// CommonJS with `exports.default`: require() gives the same object under every loader (tsx, vitest).
const addressParse = (createRequire(import.meta.url)('address-parse') as { default: AddressParse }).default;

export interface Resolved {
  subdistrict?: string | null;
  community?: string | null;
}

export interface CompareRow {
  parser: string;
  inputs: number;
  totalMs: number;
  perSecond: number;
  /** Inputs placed in the library's district (only address-parse reports a district). */
  district: Rate | null;
  subdistrict: Rate;
  community: Rate;
  /** Inputs on which the parser threw. */
  errors: number;
}

/**
 * Times address-parse and `ourResolve` over the same inputs (after a short warm-up each) and counts
 * right subdistricts and communities against the truth. Counts are over records whose truth names one.
 */
export function compareWithAddressParse(
  records: readonly MessyRecord[],
  ourResolve: (text: string) => Resolved,
  options: { district?: string } = {},
): CompareRow[] {
  const district = options.district ?? FUTIAN.district;
  const theirs = run(records, (text) => addressParse.parse(text)[0]);
  const ours = run(records, ourResolve);
  const inDistrict = tally();
  const theirRows = { subdistrict: tally(), community: tally() };
  const ourRows = { subdistrict: tally(), community: tally() };
  records.forEach(({ expect }, i) => {
    const their = theirs.answers[i];
    const placed = their?.area === district;
    const our = ours.answers[i];
    if (expect.subdistrict) {
      add(inDistrict, placed);
      add(theirRows.subdistrict, placed && their!.details.includes(expect.subdistrict));
      add(ourRows.subdistrict, our?.subdistrict === expect.subdistrict);
    }
    if (expect.community) {
      add(theirRows.community, placed && their!.details.includes(expect.community));
      add(ourRows.community, our?.community === expect.community);
    }
  });
  const row = (
    parser: string,
    timing: { ms: number; errors: number },
    counts: { subdistrict: Tally; community: Tally },
    districtRate: Rate | null,
  ): CompareRow => ({
    parser,
    inputs: records.length,
    totalMs: timing.ms,
    perSecond: timing.ms > 0 ? records.length / (timing.ms / 1000) : 0,
    district: districtRate,
    subdistrict: toRate(counts.subdistrict),
    community: toRate(counts.community),
    errors: timing.errors,
  });
  return [row('citybrain', ours, ourRows, null), row('address-parse', theirs, theirRows, toRate(inDistrict))];
}

function run<T>(records: readonly MessyRecord[], parse: (text: string) => T) {
  let errors = 0;
  const attempt = (text: string): T | undefined => {
    try {
      return parse(text);
    } catch {
      errors++;
      return undefined;
    }
  };
  for (const r of records.slice(0, 200)) attempt(r.input);
  errors = 0;
  const start = performance.now();
  const answers = records.map((r) => attempt(r.input));
  return { answers, ms: performance.now() - start, errors };
}

interface Tally {
  right: number;
  of: number;
}

const tally = (): Tally => ({ right: 0, of: 0 });

function add(t: Tally, right: boolean): void {
  t.of++;
  if (right) t.right++;
}

const toRate = (t: Tally): Rate => ({ ...t, rate: t.of === 0 ? null : t.right / t.of });

export function formatCompareTable(rows: readonly CompareRow[]): string {
  const pct = (r: Rate | null) =>
    r === null || r.rate === null ? '—' : `${(r.rate * 100).toFixed(1)}% (${r.right}/${r.of})`;
  return table(
    [
      'parser',
      'inputs',
      'ms',
      'inputs/s',
      'district right',
      'subdistrict right',
      'community right',
      'errors',
    ],
    rows.map((r) => [
      r.parser,
      String(r.inputs),
      r.totalMs.toFixed(0),
      Math.round(r.perSecond).toLocaleString('en-US'),
      pct(r.district),
      pct(r.subdistrict),
      pct(r.community),
      String(r.errors),
    ]),
  );
}

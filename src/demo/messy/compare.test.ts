import { describe, expect, it } from 'vitest';
import { compareWithAddressParse, formatCompareTable } from '../../../bench/address-parse-compare.ts';
import { generateMessyAddresses } from './generate.ts';
import { fixtureLibraryCsv } from './testing.ts';

describe('compareWithAddressParse', () => {
  const records = generateMessyAddresses({ libraryCsv: fixtureLibraryCsv(), seed: 5, count: 300 });

  it('times both parsers over the same inputs and counts right subdistricts and communities', () => {
    // An oracle for "ours" pins the counting; address-parse itself runs for real.
    const truth = new Map(records.map((r) => [r.input, r.expect]));
    const [ours, theirs] = compareWithAddressParse(records, (text) => truth.get(text) ?? {});
    const withSubdistrict = records.filter((r) => r.expect.subdistrict).length;
    expect(ours!.parser).toBe('citybrain');
    expect(ours!.subdistrict.of).toBe(withSubdistrict);
    expect(ours!.subdistrict.right).toBeGreaterThan(withSubdistrict * 0.95);
    expect(ours!.district).toBeNull();
    expect(theirs!.parser).toBe('address-parse');
    expect(theirs!.inputs).toBe(300);
    expect(theirs!.totalMs).toBeGreaterThan(0);
    // Inputs written with 福田区 are placed in the district; names written out are found in its details.
    expect(theirs!.district!.right).toBeGreaterThan(0);
    expect(theirs!.subdistrict.right).toBeGreaterThan(0);
    expect(theirs!.subdistrict.right).toBeLessThan(ours!.subdistrict.right);
    const text = formatCompareTable([ours!, theirs!]);
    expect(text).toMatch(/^parser\s+inputs\s+ms\s+inputs\/s/);
    expect(text).toMatch(/address-parse\s+300\s/);
  });
});

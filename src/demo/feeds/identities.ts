// Unique identifiers for the demo's people and legal entities: resident IDs, mobile numbers, unified
// social credit codes and the legacy organisation codes inside them. One issuer per generated world, so
// no two people share an ID or a phone however the parts draw them.
import {
  CREDIT_CODE_CHARS,
  creditCodeCheckChar,
  orgCodeCheckChar,
  residentIdCheckChar,
} from '../../foundation/registry/checksums.ts';
import type { Rng } from '../random.ts';
import { idDate } from './dates.ts';

export interface Identities {
  residentId(rng: Rng, region: string, birth: number, sex: 'male' | 'female'): string;
  mobile(rng: Rng): string;
  /**
   * A credit code: registration authority and type (`91` company, `92` individual business, `12`
   * public institution…), division, and an organisation code — an old 8-digit one for bodies founded
   * before the 2015 reform, an `MA…` one after.
   */
  creditCode(rng: Rng, prefix: string, division: string, modern: boolean): string;
}

/** Mobile prefixes in use in Guangdong. */
const MOBILE_PREFIXES = [
  130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159, 166, 173,
  175, 176, 177, 178, 180, 181, 182, 183, 185, 186, 187, 188, 189, 191, 198, 199,
];

/** Organisation code characters that are also credit code characters (no I, O, Z, S, V). */
const ORG_CHARS = [...CREDIT_CODE_CHARS];

/** Days from 1900: birth days fit in a small integer key. */
const DAY_1900 = -25_567;
const DAYS = 50_000;

export function createIdentities(): Identities {
  // Keys stay small integers (V8 Smis), so millions of them cost no allocations: per region, birth day and
  // sex a counter of sequence numbers handed out, and per mobile prefix the set of numbers in use.
  const regions = new Map<string, number>();
  const sequences = new Map<number, number>();
  const phones = MOBILE_PREFIXES.map(() => new Set<number>());
  const codes = new Set<string>();
  return {
    residentId(rng, region, birth, sex) {
      let r = regions.get(region);
      if (r === undefined) {
        r = regions.size;
        regions.set(region, r);
      }
      const key = ((r * DAYS + (birth - DAY_1900)) << 1) | (sex === 'male' ? 1 : 0);
      // A random start per key, then a fixed stride: sequences look scattered and never repeat.
      const state = sequences.get(key) ?? rng.int(0, 499) * 1024;
      const start = state >> 10;
      const issued = state & 1023;
      if (issued >= 500) throw new Error(`more than 500 people born on one day in ${region}`);
      sequences.set(key, state + 1);
      const seq = ((start + issued * 37) % 500) * 2 + (sex === 'male' ? 1 : 0);
      const body = `${region}${idDate(birth)}${String(seq).padStart(3, '0')}`;
      return `${body}${residentIdCheckChar(body)}`;
    },
    mobile(rng) {
      for (;;) {
        const p = rng.int(0, MOBILE_PREFIXES.length - 1);
        const rest = rng.int(0, 99_999_999);
        if (phones[p]!.has(rest)) continue;
        phones[p]!.add(rest);
        return `${MOBILE_PREFIXES[p]}${String(rest).padStart(8, '0')}`;
      }
    },
    creditCode(rng, prefix, division, modern) {
      for (;;) {
        let org = modern ? 'MA5' : String(rng.int(1, 9));
        while (org.length < 8) org += modern ? rng.pick(ORG_CHARS) : String(rng.int(0, 9));
        const body = `${prefix}${division}${org}${orgCodeCheckChar(org)}`;
        const code = `${body}${creditCodeCheckChar(body)}`;
        if (!codes.has(code)) {
          codes.add(code);
          return code;
        }
      }
    },
  };
}

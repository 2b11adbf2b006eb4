import { describe, expect, it } from 'vitest';
import {
  CREDIT_CODE_CHARS,
  creditCodeCheckChar,
  isValidCreditCode,
  isValidOrgCode,
  isValidResidentId,
  orgCodeCheckChar,
  residentIdCheckChar,
  residentIdInfo,
} from './checksums.ts';

describe('resident ID (GB 11643)', () => {
  it('accepts the standard’s own examples and reads them', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdInfo('11010519491231002X')).toEqual({
      region: '110105',
      birthDate: '1949-12-31',
      sex: 'female',
    });
    expect(residentIdInfo('440524188001010014')).toEqual({
      region: '440524',
      birthDate: '1880-01-01',
      sex: 'male',
    });
  });

  it('rejects a wrong check character, a typo, an impossible date and a bad shape', () => {
    expect(isValidResidentId('110105194912310021')).toBe(false);
    expect(isValidResidentId('11010519491231003X')).toBe(false);
    // 30 February, with its check character computed, so only the date is wrong.
    expect(isValidResidentId(`11010519490230002${residentIdCheckChar('11010519490230002')}`)).toBe(false);
    expect(isValidResidentId('11010519491231002x')).toBe(false);
    expect(isValidResidentId('11010549123100')).toBe(false);
  });

  it('catches every single-digit change', () => {
    const valid = `44030419880715031${residentIdCheckChar('44030419880715031')}`;
    expect(isValidResidentId(valid)).toBe(true);
    for (let i = 0; i < 17; i++) {
      const digit = (Number(valid[i]) + 1) % 10;
      const changed = `${valid.slice(0, i)}${digit}${valid.slice(i + 1)}`;
      expect(residentIdCheckChar(changed.slice(0, 17))).not.toBe(valid[17]);
    }
  });
});

describe('unified social credit code (GB 32100)', () => {
  it('accepts the standard’s example and public registrations', () => {
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true);
    expect(isValidCreditCode('914403001922038216')).toBe(true); // Huawei Technologies, Shenzhen
    expect(isValidCreditCode('9144030071526726XG')).toBe(true); // Tencent, Shenzhen
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
  });

  it('rejects a wrong check character, excluded letters and a bad organisation code', () => {
    expect(isValidCreditCode('91350100M000100Y44')).toBe(false);
    expect(isValidCreditCode('91350100M000100Y4O')).toBe(false);
    expect(isValidCreditCode('9135010OM000100Y43')).toBe(false);
    // Organisation code with a wrong check (…Y5), credit check recomputed so only GB 11714 fails.
    const body = '91350100M000100Y5';
    expect(isValidCreditCode(`${body}${creditCodeCheckChar(body)}`)).toBe(false);
  });

  it('computes the organisation code check (GB 11714), X for 10', () => {
    expect(orgCodeCheckChar('M000100Y')).toBe('4');
    expect(isValidOrgCode('192203821')).toBe(true);
    const xs = Array.from({ length: 200 }, (_, i) => String(10_000_000 + i)).filter(
      (body) => orgCodeCheckChar(body) === 'X',
    );
    expect(xs.length).toBeGreaterThan(0);
    expect(isValidOrgCode(`${xs[0]}X`)).toBe(true);
  });

  it('uses 31 characters', () => {
    expect(CREDIT_CODE_CHARS).toHaveLength(31);
    expect(CREDIT_CODE_CHARS).not.toMatch(/[IOZSV]/);
  });
});

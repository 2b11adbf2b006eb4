import { afterEach, describe, expect, it } from 'vitest';
import { wholeNumberFromEnv } from './env.ts';

describe('wholeNumberFromEnv', () => {
  afterEach(() => {
    delete process.env.CITYBRAIN_TEST_SETTING;
  });

  it('gives the default when unset, else the number set', () => {
    expect(wholeNumberFromEnv('CITYBRAIN_TEST_SETTING', 20, 1)).toBe(20);
    process.env.CITYBRAIN_TEST_SETTING = '64';
    expect(wholeNumberFromEnv('CITYBRAIN_TEST_SETTING', 20, 1)).toBe(64);
  });

  it('names the setting that is not a whole number, or too small', () => {
    for (const bad of ['2GB', '1.5', '0']) {
      process.env.CITYBRAIN_TEST_SETTING = bad;
      expect(() => wholeNumberFromEnv('CITYBRAIN_TEST_SETTING', 20, 1)).toThrow(
        `CITYBRAIN_TEST_SETTING must be a whole number, at least 1, got "${bad}"`,
      );
    }
  });
});

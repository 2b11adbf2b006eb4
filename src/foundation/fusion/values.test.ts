import { describe, expect, it } from 'vitest';
import type { FieldDef } from '../registry/model.ts';
import { gcj02ToWgs84, wgs84ToGcj02 } from './datum.ts';
import { creditCode, residentId } from './testing.ts';
import {
  applyTransforms,
  compileDateFormat,
  DEFAULT_DATE_FORMATS,
  normaliseName,
  type ParseOptions,
  parseCreditCode,
  parseDate,
  parseIdNumber,
  parseIndustry,
  parsePhone,
  parsePoint,
  parseValue,
} from './values.ts';

const options: ParseOptions = { dates: [...DEFAULT_DATE_FORMATS], unit: 'yuan', latest: '2026-11-01' };
const value = (text: string, def: FieldDef, extra: Partial<typeof options> = {}) =>
  parseValue(text, def, { ...options, ...extra });

describe('resident IDs (GB 11643)', () => {
  it('accepts a correct check character, lower-case x upper-cased', () => {
    const id = residentId('1980-01-02', 1);
    expect(parseIdNumber(id)).toEqual({ value: id });
    expect(parseIdNumber(` ${id} `)).toEqual({ value: id });
  });
  it('says which check character a wrong one should be', () => {
    const id = residentId('1980-01-02', 1);
    const wrong = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    expect(parseIdNumber(wrong)).toEqual({ error: expect.stringContaining(`should be ${id[17]}`) });
  });
  it('rejects an impossible birth date inside the ID, and a wrong length', () => {
    expect(parseIdNumber('440304198002300011')).toEqual({
      error: expect.stringContaining('impossible birth date'),
    });
    expect(parseIdNumber('44030419800102')).toEqual({ error: expect.stringContaining('18-character') });
  });
  it('upgrades a 15-digit first-generation ID, with a note', () => {
    const parsed = parseIdNumber('440304800102001');
    expect(parsed).toMatchObject({
      value: expect.stringMatching(/^44030419800102001[\dX]$/),
      note: expect.any(String),
    });
  });
});

describe('credit codes (GB 32100)', () => {
  it('accepts a valid code and rejects a changed character', () => {
    const code = creditCode(42);
    expect(parseCreditCode(code.toLowerCase())).toEqual({ value: code });
    const changed = `${code.slice(0, 10)}${code[10] === '1' ? '2' : '1'}${code.slice(11)}`;
    expect(parseCreditCode(changed)).toEqual({ error: expect.stringContaining('GB 32100') });
  });
});

describe('dates', () => {
  it('reads every department style', () => {
    for (const text of [
      '2023/1/5',
      '20230105',
      '2023年1月5日',
      '2023-01-05',
      '2023.1.5',
      '2023-01-05 00:00:00',
    ])
      expect(parseDate(text, DEFAULT_DATE_FORMATS)).toEqual({ value: '2023-01-05' });
  });
  it('refuses an impossible date instead of rolling it over', () => {
    expect(parseDate('2023/2/30', DEFAULT_DATE_FORMATS)).toEqual({ error: '"2023/2/30" is not a real date' });
    expect(parseDate('2023年13月1日', DEFAULT_DATE_FORMATS)).toMatchObject({ error: expect.any(String) });
  });
  it('keeps past dates in the past', () => {
    expect(value('2027/1/1', { type: 'past_date' })).toEqual({
      error: '2027-01-01 is after the delivery (2026-11-01)',
    });
    expect(value('2027/1/1', { type: 'date' })).toEqual({ value: '2027-01-01' });
    expect(value('1899/1/1', { type: 'date' })).toMatchObject({ error: expect.stringContaining('before') });
  });
  it('compiles only formats with a year, month and day', () => {
    expect(compileDateFormat('YYYY-MM').error).toMatch(/needs YYYY/);
    expect(compileDateFormat('DD/MM/YYYY').error).toBeUndefined();
    expect(parseDate('05/01/2023', ['DD/MM/YYYY'])).toEqual({ value: '2023-01-05' });
  });
});

describe('other checks', () => {
  it('phones: mobile, with separators and +86, landlines, Shenzhen local numbers', () => {
    expect(parsePhone('138-1234-5678')).toEqual({ value: '13812345678' });
    expect(parsePhone('+86 138 1234 5678')).toEqual({ value: '13812345678' });
    expect(parsePhone('0755-83001234')).toEqual({ value: '075583001234' });
    expect(parsePhone('83001234')).toEqual({ value: '075583001234' });
    expect(parsePhone('1234')).toMatchObject({ error: expect.any(String) });
  });
  it('industries: the section letter is added and checked', () => {
    expect(parseIndustry('6510')).toEqual({ value: 'I6510' });
    expect(parseIndustry('i65')).toEqual({ value: 'I65' });
    expect(parseIndustry('C6510')).toMatchObject({ error: expect.stringContaining('section I') });
    expect(parseIndustry('9900')).toMatchObject({ error: expect.stringContaining('no GB/T 4754 division') });
  });
  it('enums, money units, counts and yes/no', () => {
    const sex: FieldDef = { type: 'enum', values: ['M', 'F'] };
    expect(value('M', sex)).toEqual({ value: 'M' });
    expect(value('男', sex)).toMatchObject({ error: expect.stringContaining('not one of M, F') });
    expect(value('1,234.50', { type: 'money' })).toEqual({ value: 123450 });
    expect(value('12.5', { type: 'money' }, { unit: 'wan_yuan' })).toEqual({ value: 12_500_000 });
    expect(value('-3', { type: 'integer' })).toMatchObject({ error: expect.any(String) });
    expect(value('是', { type: 'boolean' })).toEqual({ value: true });
  });
  it('names: spaces, width and traditional script', () => {
    expect(normaliseName(' 張  偉 ')).toBe('张伟');
    expect(normaliseName('阿不都•热合曼')).toBe('阿不都·热合曼');
    expect(value('123', { type: 'name' })).toMatchObject({ error: expect.any(String) });
  });
  it('points: two columns or one, GCJ-02 converted to WGS84, outside China refused', () => {
    const [gx, gy] = wgs84ToGcj02(114.05, 22.54);
    const parsed = parsePoint([String(gx), String(gy)], 'gcj02');
    expect((parsed as { value: number[] }).value[0]).toBeCloseTo(114.05, 6);
    expect((parsed as { value: number[] }).value[1]).toBeCloseTo(22.54, 6);
    expect(parsePoint(['114.05,22.54'], 'wgs84')).toEqual({ value: [114.05, 22.54] });
    expect(parsePoint(['22.54', '114.05'], 'wgs84')).toMatchObject({
      error: expect.stringContaining('swapped'),
    });
    const [x, y] = gcj02ToWgs84(...wgs84ToGcj02(114, 22.5));
    expect(Math.abs(x - 114) + Math.abs(y - 22.5)).toBeLessThan(1e-8);
  });
  it('transforms: split, replace, digits, case', () => {
    expect(applyTransforms('深圳市/福田区/福保街道', [{ split: { separator: '/', index: -1 } }])).toBe(
      '福保街道',
    );
    expect(applyTransforms('No. 12-3', ['digits'])).toBe('123');
    expect(applyTransforms('abc', ['upper', { replace: { pattern: 'B', with: '-' } }])).toBe('A-C');
  });
});

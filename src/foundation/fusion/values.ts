// Reading one cell as departments write it: transforms, value maps, date styles, and the checks of
// each value type (resident ID and credit code checksums, impossible dates, enums, phones, GB/T 4754
// classes). Pure functions; the hot path of ingest, so each parser does its work once per value.

import { toSimplified } from '../address/match/normalise.ts';
import { isValidCreditCode, residentIdCheckChar, residentIdInfo } from '../registry/checksums.ts';
import type { FieldDef } from '../registry/model.ts';
import { gcj02ToWgs84 } from './datum.ts';
import type { Transform } from './mapping.ts';

export type Value = string | number | boolean | number[];

/** A parsed value, or why the text is not one; `note` is a warning about a value that was repaired. */
export type Parsed = { value: Value; note?: string } | { error: string };

// ---- dates ----------------------------------------------------------------------------------------

/** Date styles accepted when a mapping names none: the ones Shenzhen's departments export. */
export const DEFAULT_DATE_FORMATS = ['YYYY-M-D', 'YYYY/M/D', 'YYYYMMDD', 'YYYY年M月D日', 'YYYY.M.D'] as const;

export interface DateFormat {
  regex: RegExp;
  /** Capture group of year, month, day. */
  order: [number, number, number];
  error?: string;
}

const TOKENS: [string, string, 'y' | 'm' | 'd'][] = [
  ['YYYY', '(\\d{4})', 'y'],
  ['MM', '(\\d{2})', 'm'],
  ['M', '(\\d{1,2})', 'm'],
  ['DD', '(\\d{2})', 'd'],
  ['D', '(\\d{1,2})', 'd'],
];
// A time after the date is ignored: exports often append 00:00:00.
const TIME_SUFFIX = '(?:[ T]\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?)?';

/** `YYYY年M月D日` → a regex with the year, month and day groups; other characters are literal. */
export function compileDateFormat(format: string): DateFormat {
  let pattern = '';
  const seen: ('y' | 'm' | 'd')[] = [];
  for (let i = 0; i < format.length; ) {
    const token = TOKENS.find(([t]) => format.startsWith(t, i));
    if (token) {
      pattern += token[1];
      seen.push(token[2]);
      i += token[0].length;
    } else {
      pattern += format[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i += 1;
    }
  }
  const order = (['y', 'm', 'd'] as const).map((part) => seen.indexOf(part) + 1) as [number, number, number];
  const error =
    seen.length !== 3 || order.includes(0)
      ? `date style "${format}" needs YYYY, M or MM, and D or DD once each`
      : undefined;
  return { regex: new RegExp(`^${pattern}${TIME_SUFFIX}$`), order, ...(error && { error }) };
}

const formatCache = new Map<string, DateFormat>();
function dateFormat(format: string): DateFormat {
  let compiled = formatCache.get(format);
  if (!compiled) {
    compiled = compileDateFormat(format);
    formatCache.set(format, compiled);
  }
  return compiled;
}

export function isRealDate(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The first style that reads the text decides; an impossible date (2月30日) is an error, not a guess. */
export function parseDate(text: string, formats: readonly string[]): Parsed {
  for (const format of formats) {
    const { regex, order } = dateFormat(format);
    const m = regex.exec(text);
    if (!m) continue;
    const [y, mo, d] = order.map((g) => Number(m[g]));
    if (!isRealDate(y!, mo!, d!)) return { error: `"${text}" is not a real date` };
    return { value: `${y}-${pad(mo!)}-${pad(d!)}` };
  }
  return { error: `"${text}" matches none of the date styles ${formats.join(', ')}` };
}

/** The calendar date of an instant in Asia/Shanghai, as an ISO date. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

const EARLIEST = '1900-01-01';

// ---- identifiers ------------------------------------------------------------------------------------

/** Resident ID: 18 characters with a correct check character; a 15-digit first-generation ID is upgraded. */
export function parseIdNumber(text: string): Parsed {
  const id = text.replace(/\s+/g, '').toUpperCase();
  if (/^\d{15}$/.test(id)) {
    const body = `${id.slice(0, 6)}19${id.slice(6)}`;
    const upgraded = body + residentIdCheckChar(body);
    if (!residentIdInfo(upgraded)) return { error: `"${text}" (15 digits) holds no real birth date` };
    return { value: upgraded, note: `15-digit ID ${id} upgraded to ${upgraded}` };
  }
  if (!/^\d{17}[\dX]$/.test(id)) return { error: `"${text}" is not an 18-character resident ID` };
  if (residentIdInfo(id)) return { value: id };
  const birth = id.slice(6, 14);
  if (!isRealDate(Number(birth.slice(0, 4)), Number(birth.slice(4, 6)), Number(birth.slice(6))))
    return { error: `"${text}" holds an impossible birth date ${birth}` };
  return {
    error: `"${text}" fails the GB 11643 check (check character should be ${residentIdCheckChar(id.slice(0, 17))})`,
  };
}

export function parseCreditCode(text: string): Parsed {
  const code = text.replace(/\s+/g, '').toUpperCase();
  if (!/^[0-9A-Z]{18}$/.test(code)) return { error: `"${text}" is not an 18-character credit code` };
  if (!isValidCreditCode(code)) return { error: `"${text}" fails the GB 32100 check` };
  return { value: code };
}

/** Mobile (1xx xxxx xxxx) or landline with its area code; an 8-digit local number is Shenzhen's (0755). */
export function parsePhone(text: string): Parsed {
  let digits = text.replace(/^\s*\+/, '').replace(/[\s\-()（）]/g, '');
  if (!/^\d+$/.test(digits)) return { error: `"${text}" is not a phone number` };
  if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  if (/^1[3-9]\d{9}$/.test(digits)) return { value: digits };
  if (/^0\d{2,3}[2-9]\d{6,7}$/.test(digits) && digits.length >= 10 && digits.length <= 12)
    return { value: digits };
  if (/^[2-8]\d{7}$/.test(digits)) return { value: `0755${digits}` };
  return { error: `"${text}" is not a mobile or landline number` };
}

// GB/T 4754-2017: each section's first and last two-digit division.
const SECTIONS: [string, number, number][] = [
  ['A', 1, 5],
  ['B', 6, 12],
  ['C', 13, 43],
  ['D', 44, 46],
  ['E', 47, 50],
  ['F', 51, 52],
  ['G', 53, 60],
  ['H', 61, 62],
  ['I', 63, 65],
  ['J', 66, 69],
  ['K', 70, 70],
  ['L', 71, 72],
  ['M', 73, 75],
  ['N', 76, 79],
  ['O', 80, 82],
  ['P', 83, 83],
  ['Q', 84, 85],
  ['R', 86, 90],
  ['S', 91, 96],
  ['T', 97, 97],
];

/** A GB/T 4754 class (`I6510`, `6510`, `I65`): stored with its section letter, checked against it. */
export function parseIndustry(text: string): Parsed {
  const m = /^([A-T])?\s*(\d{2}(?:\d{1,2})?)$/.exec(text.replace(/\s+/g, '').toUpperCase());
  if (!m) return { error: `"${text}" is not a GB/T 4754 industry code` };
  const division = Number(m[2]!.slice(0, 2));
  const section = SECTIONS.find(([, from, to]) => division >= from && division <= to);
  if (!section) return { error: `"${text}": there is no GB/T 4754 division ${m[2]!.slice(0, 2)}` };
  if (m[1] && m[1] !== section[0])
    return {
      error: `"${text}": division ${m[2]!.slice(0, 2)} belongs to section ${section[0]}, not ${m[1]}`,
    };
  return { value: `${section[0]}${m[2]}` };
}

// ---- names, numbers ---------------------------------------------------------------------------------

const CJK_SPACE = /(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])/g;
const DOTS = /[•‧∙・．.]/g;

/** Full width to half, traditional to simplified, no spaces between Chinese characters, one middle dot. */
export function normaliseName(text: string): string {
  let out = text.normalize('NFKC').replace(CJK_SPACE, '').replace(/\s+/g, ' ').trim();
  if (/[\u3400-\u9fff]/.test(out)) out = toSimplified(out).replace(DOTS, '·');
  return out;
}

export function parseName(text: string): Parsed {
  const name = normaliseName(text);
  if (!/[\p{L}]/u.test(name)) return { error: `"${text}" is not a name` };
  if (name.length > 100) return { error: `"${text.slice(0, 20)}…" is too long for a name` };
  return { value: name };
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

function parseNumber(text: string): number | undefined {
  const plain = text.replace(/[,，\s]/g, '');
  return NUMBER.test(plain) ? Number(plain) : undefined;
}

const UNIT_FEN = { fen: 1, yuan: 100, wan_yuan: 1_000_000 } as const;

const TRUE = new Set(['是', 'Y', 'YES', 'TRUE', '1', '有']);
const FALSE = new Set(['否', 'N', 'NO', 'FALSE', '0', '无']);

// China's extent: a point outside it is a typo or swapped coordinates.
const CHINA = { lng: [73, 136], lat: [3, 54] } as const;

export function parsePoint(parts: readonly string[], crs: 'wgs84' | 'gcj02'): Parsed {
  const texts = parts.length === 1 ? parts[0]!.split(/[,，\s]+/).filter(Boolean) : parts;
  const [lng, lat] = texts.map((t) => parseNumber(t));
  if (texts.length !== 2 || lng === undefined || lat === undefined)
    return { error: `"${parts.join(',')}" is not a longitude and latitude` };
  if (lng < CHINA.lng[0] || lng > CHINA.lng[1] || lat < CHINA.lat[0] || lat > CHINA.lat[1])
    return { error: `${lng},${lat} lies outside China (longitude and latitude swapped?)` };
  const [x, y] = crs === 'gcj02' ? gcj02ToWgs84(lng, lat) : [lng, lat];
  return { value: [Math.round(x * 1e7) / 1e7, Math.round(y * 1e7) / 1e7] };
}

export interface ParseOptions {
  dates: readonly string[];
  unit: keyof typeof UNIT_FEN;
  /** ISO date a past date may not be after: the delivery's. */
  latest: string;
}

/** Checks one non-empty cell (after transforms and maps) as a value of the field's type. */
export function parseValue(text: string, def: FieldDef, options: ParseOptions): Parsed {
  switch (def.type) {
    case 'text':
    case 'grid':
      return { value: text };
    case 'name':
      return parseName(text);
    case 'id_number':
      return parseIdNumber(text);
    case 'credit_code':
      return parseCreditCode(text);
    case 'phone':
      return parsePhone(text);
    case 'industry':
      return parseIndustry(text);
    case 'enum':
      return def.values!.includes(text)
        ? { value: text }
        : {
            error: `"${text}" is not one of ${def.values!.join(', ')} (map the source's codes in the mapping)`,
          };
    case 'date':
    case 'past_date': {
      const parsed = parseDate(text, options.dates);
      if ('error' in parsed) return parsed;
      const iso = parsed.value as string;
      if (iso < EARLIEST) return { error: `${iso} is before ${EARLIEST}` };
      if (def.type === 'past_date' && iso > options.latest)
        return { error: `${iso} is after the delivery (${options.latest})` };
      return parsed;
    }
    case 'integer': {
      const n = parseNumber(text);
      if (n === undefined || !Number.isInteger(n) || n < 0)
        return { error: `"${text}" is not a whole number ≥ 0` };
      return { value: n };
    }
    case 'decimal': {
      const n = parseNumber(text);
      if (n === undefined || n < 0) return { error: `"${text}" is not a number ≥ 0` };
      return { value: n };
    }
    case 'money': {
      const n = parseNumber(text);
      if (n === undefined || n < 0) return { error: `"${text}" is not an amount ≥ 0` };
      return { value: Math.round(n * UNIT_FEN[options.unit]) };
    }
    case 'boolean': {
      const upper = text.toUpperCase();
      if (TRUE.has(upper)) return { value: true };
      if (FALSE.has(upper)) return { value: false };
      return { error: `"${text}" is not yes or no` };
    }
    case 'point':
      return parsePoint([text], 'wgs84');
    case 'address':
    case 'ref':
      throw new Error(`${def.type} values are resolved by the ingest, not parsed`);
  }
}

// ---- transforms --------------------------------------------------------------------------------------

/** Applies a mapping's transforms, in order, to a trimmed cell. */
export function applyTransforms(text: string, transforms: readonly Transform[]): string {
  let out = text;
  for (const t of transforms) {
    if (t === 'upper') out = out.toUpperCase();
    else if (t === 'lower') out = out.toLowerCase();
    else if (t === 'digits') out = out.replace(/\D+/g, '');
    else if (t === 'strip_spaces') out = out.replace(/\s+/g, '');
    else if ('split' in t) {
      const parts = out.split(t.split.separator);
      out = (t.split.index < 0 ? parts[parts.length + t.split.index] : parts[t.split.index])?.trim() ?? '';
    } else out = out.replace(compiledPattern(t.replace.pattern), t.replace.with);
  }
  return out;
}

const patterns = new Map<string, RegExp>();
function compiledPattern(pattern: string): RegExp {
  let regex = patterns.get(pattern);
  if (!regex) {
    regex = new RegExp(pattern, 'gu');
    patterns.set(pattern, regex);
  }
  return regex;
}

// Free-text address normalisation, pure. Two layers:
//   normaliseChars — character-level canonical form (width, script, case, numerals, unit spellings).
//     Applied to input AND to the library's own names, so both meet in one spelling.
//   stripNoise — what a person adds around an address (names, phones, brackets, directions).
//     Applied to input only; what it removes is returned so the parser can still label it.
import { Converter } from 'opencc-js/t2cn';

// Taiwan-standard source also covers the common Hong Kong and mainland-traditional forms.
const toSimplifiedPhrase = Converter({ from: 'tw', to: 'cn' });
// Character by character, memoised by code: an address has no phrase whose characters convert
// otherwise, and the converter's phrase segmentation costs more than the rest of normalising.
const simplifiedCode = new Uint16Array(0x10000);

function simplify(code: number): number {
  let simple = simplifiedCode[code]!;
  if (simple === 0) {
    const char = String.fromCharCode(code);
    const converted = EXTRA_SIMPLIFIED[char] ?? (toSimplifiedPhrase(char) as string);
    simple = converted.length === 1 ? converted.charCodeAt(0) : code;
    simplifiedCode[code] = simple;
  }
  return simple;
}

export function toSimplified(text: string): string {
  let out: string | undefined;
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Ideographs only (surrogate pairs of rare ones and emoji pass unchanged).
    if (code < 0x3400 || (code >= 0xd800 && code < 0xf900) || code > 0xfaff) continue;
    const simple = simplify(code);
    if (simple === code) continue;
    out = (out ?? '') + text.slice(copied, i) + String.fromCharCode(simple);
    copied = i + 1;
  }
  return out === undefined ? text : out + text.slice(copied);
}

// Variants OpenCC keeps but which mean the same in an address (邨 is the Hong Kong spelling of 村).
const EXTRA_SIMPLIFIED: Record<string, string> = { 邨: '村', 衞: '卫' };

// ---- Chinese numerals -----------------------------------------------------------------------

const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  幺: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const POWERS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** `二十三` → `23`, `一千零五` → `1005`, `一百二` → `120`, `二三零一` → `2301` (read digit by digit). */
export function chineseNumber(numeral: string): string | undefined {
  if (numeral === '') return undefined;
  if (!/[十百千]/.test(numeral)) {
    let out = '';
    for (const char of numeral) {
      const d = DIGITS[char];
      if (d === undefined) return undefined;
      out += d;
    }
    return out;
  }
  let total = 0;
  let digit = -1;
  let lastPower = 0;
  let sawZero = false;
  for (const char of numeral) {
    const d = DIGITS[char];
    if (d !== undefined) {
      if (d === 0) sawZero = true;
      // `八五十` is no number: two digits in a row only around a zero (一百零五).
      else if (digit > 0) return undefined;
      digit = d;
      continue;
    }
    const power = POWERS[char];
    if (power === undefined) return undefined;
    total += (digit < 0 ? 1 : digit) * power;
    digit = -1;
    lastPower = power;
    sawZero = false;
  }
  // 一百二 is 120 in speech: a trailing digit right after 百/千 counts in the next lower place.
  if (digit >= 0) total += !sawZero && lastPower >= 100 ? (digit * lastPower) / 10 : digit;
  return String(total);
}

/** Units a numeral counts in an address: 二十三栋, 十二楼, 六号, 北二街, 两百米. */
const NUMERAL_UNIT = '号|栋|幢|座|楼|层|单元|室|房|梯|门|街|巷|路|村|期|区|组|米|坊|弄|排|户|间|道|#|-';
// A run before a unit, or a run of several numerals standing alone (a room read digit by digit).
// Not right before digits: `下沙四9号` is lane 下沙四(坊) number 9, not 49.
const NUMERAL_RUN = new RegExp(
  `(第?)([零〇一二三四五六七八九十百千两幺]+)(?=${NUMERAL_UNIT}|[^\\u3400-\\u9fff0-9]|$)`,
  'g',
);

const LANE_AND_NUMBER = /^[一二三四五六七八九][一二三四五六七八九]$/;
const isNameChar = (char: string | undefined) =>
  char !== undefined &&
  /[\u4e00-\u9fff]/.test(char) &&
  DIGITS[char] === undefined &&
  POWERS[char] === undefined;
/** What two numerals read digit by digit count: a room, a floor, a door — not a road (`八一路`). */
const DIGITS_UNIT = /^(?:号|室|房|楼|层|#|-|[^\u3400-\u9fff]|$)/;

const NUMERAL_CHAR = /[零〇一二三四五六七八九十百千两幺]/;
const UNIT_AHEAD = new RegExp(`^(?:${NUMERAL_UNIT})`);

export function convertChineseNumerals(text: string): string {
  if (!NUMERAL_CHAR.test(text)) return text;
  return text.replace(NUMERAL_RUN, (whole, ordinal: string, numeral: string, offset: number) => {
    // 两 and 幺 are numerals only inside a number; alone they are words. So is one numeral
    // without a unit (张三), where a room read digit by digit (二三零一) has several.
    if (/^[两幺]$/.test(numeral)) return whole;
    const next = text.slice(offset + whole.length, offset + whole.length + 2);
    if (numeral.length === 1 && !UNIT_AHEAD.test(next)) return whole;
    // `新洲七六号` after a name is lane 七 (its 街 left out), number 6: a door number is said as a
    // number (七十六), never digit by digit.
    const afterName = !ordinal && isNameChar(text[offset - 1]);
    if (LANE_AND_NUMBER.test(numeral)) {
      if (next[0] === '号' && afterName) return `${numeral[0]}${DIGITS[numeral[1]!]}`;
      if (!DIGITS_UNIT.test(next)) return whole;
    }
    // `新洲八五十九号`: lane 八, number 59.
    const power = numeral.search(/[十百千]/);
    if (power >= 2 && afterName) {
      const value = chineseNumber(numeral.slice(power - 1));
      if (value !== undefined) return `${numeral.slice(0, power - 1)}${value}`;
    }
    const value = chineseNumber(numeral);
    if (value === undefined) return whole;
    // `3047三栋`: the door number and the building stay two numbers.
    return `${/[0-9A-Z]/.test(text[offset - 1] ?? '') ? ' ' : ''}${ordinal}${value}`;
  });
}

// ---- unit spellings -------------------------------------------------------------------------

const BUILDING_NAME = '\\d+[A-Z]?|[A-Z]\\d*';
type Replacement = string | ((whole: string, name: string, offset: number, text: string) => string);
/** [a character the spelling needs, the spelling, its replacement]: most texts skip most of them. */
const SPELLINGS: [RegExp, RegExp, Replacement][] = [
  // 第3栋 3号楼 3幢 3座 3#楼 3# 3栋楼 B塔 → 3栋; B座 → B栋. Right after a number (`27第1幢`) a space
  // keeps the two apart.
  [
    /[栋幢座塔#楼]/,
    new RegExp(
      `第?(?<![0-9A-Z])(${BUILDING_NAME})(?:号楼(?![下上顶])|号栋|栋楼|楼栋|#楼|塔楼|幢|座|栋|塔|#)`,
      'g',
    ),
    (_whole: string, name: string, offset: number, text: string) =>
      `${/[0-9A-Z]/.test(text[offset - 1] ?? '') ? ' ' : ''}${name}栋`,
  ],
  // 23层 23F → 23楼 (floor); 23F01 → 23楼01; 16F栋 stays building 16F.
  [/[层F]/, /(\d+[A-Z]?)(?:层|F)(?![A-Z栋])/g, '$1楼'],
  // 2301房 2301号房 2301房间 → 2301室.
  [/[房室]/, /(\d+[A-Z]?\d*)(?:号房间|号房|房间|房|室)/g, '$1室'],
  // 2单元 2梯, and 3栋2门 (a northern spelling of 单元) → 2单元.
  [/[单梯]/, /(\d+|[A-Z])(?:单元|梯)/g, '$1单元'],
  [/门/, /栋(\d+|[A-Z])门/g, '栋$1单元'],
];

export function unifySpellings(text: string): string {
  let out = text;
  for (const [needs, pattern, replacement] of SPELLINGS) {
    if (!needs.test(out)) continue;
    out =
      typeof replacement === 'string'
        ? out.replace(pattern, replacement)
        : out.replace(pattern, (whole, name: string, offset: number, text: string) =>
            replacement(whole, name, offset, text),
          );
  }
  return out;
}

// ---- character level ------------------------------------------------------------------------

const DASHES = /[‐‑‒–—―−﹣－~～]/g;

/** Printable ASCII and common ideographs only: NFKC, case and dashes need no work (`~` aside). */
function isPlain(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (
      (code >= 0x20 && code < 0x7e && !(code >= 0x61 && code <= 0x7a)) ||
      (code >= 0x4e00 && code <= 0x9fff)
    )
      continue;
    return false;
  }
  return true;
}

/**
 * The canonical spelling of a name or an address: NFKC (full width → half width), simplified script,
 * upper-case Latin letters, one kind of dash, Chinese numerals before units as digits, and one
 * spelling per unit (栋, 单元, 楼 for floors, 室). Whitespace is kept (stripNoise decides about it).
 */
export function normaliseChars(text: string): string {
  const out = isPlain(text) ? text : text.normalize('NFKC').toUpperCase().replace(DASHES, '-');
  return unifySpellings(convertChineseNumerals(toSimplified(out)));
}

// ---- noise ----------------------------------------------------------------------------------

export type NoiseLabel = 'person' | 'redundant' | 'assist' | 'distance';

export interface Noise {
  label: NoiseLabel;
  text: string;
}

// Common surnames: a name is only taken for one where a phone number or a title makes it likely.
const SURNAMES = new Set(
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧温庄柯麦钟伍翁甘'.split(
    '',
  ),
);
// A "name" ending like this is a place, not a person.
const PLACE_END =
  /[路街道巷村苑园城楼府庭居阁轩湾岸区座栋号室层门场厦心寓院舍汇里坊口桥湖山店站所局园厅馆部]$/;

const PHONE =
  /(?<!\d)(?:(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}|(?:\(?0\d{2,3}\)?[- ]?)?[2-8]\d{3}[- ]?\d{4}(?:-\d{1,5})?)(?!\d)/g;
const LONG_DIGITS = /(?<![\dA-Z])\d{7,}(?![\dA-Z])/g;
const LABELS =
  /(?:收件人|收货人|联系人|姓名|联系电话|电话号码|电话|手机号码|手机号|手机|联系方式|TEL|PHONE|详细地址|地址|住址)\s*[:：]?/g;
const LABELLED_NAME = /(?:收件人|收货人|联系人|姓名)\s*[:：]?\s*([\u4e00-\u9fff]{2,4})/g;
const TITLED_NAME = /([\u4e00-\u9fff])(?:先生|女士|小姐|师傅|老师|阿姨|叔叔)/g;
const BRACKETS = /[()[\]{}【】〔〕〈〉《》「」『』<>]/g;
const BRACKETED_NEAR = /[(（[【]\s*(?:近|靠近|临近|邻近|邻)[^)）\]】]{0,20}[)）\]】]/g;
const SEPARATORS = /[,，、;；。:：|/\\!！?？"'“”‘’`*@#…·]+/g;
// Control characters, emoji and other symbols carry no address.
const SYMBOLS = /[\p{C}\p{So}\p{Sk}\p{Extended_Pictographic}]/gu;
const DISTANCE = /(?:(?:往|向|朝)[东南西北]{1,2})?(?:约|大约)?\d+(?:\.\d+)?(?:米|公里|KM)(?:处|左右|远)?/g;
const DIRECTION =
  /(?:斜对面|正对面|对面|附近|旁边|隔壁|周边|一带|门口|楼下|楼上|后面|后门|里面|边上|[东南西北]{1,2}(?:侧|边|面)|旁(?=$|\s|的|\d|-))的?/g;

/**
 * Removes what is not address: names with phone numbers, phone numbers, labels, brackets (their
 * content stays unless it only says "near …"), direction and distance phrases. Whitespace is
 * dropped, except one space between two letters or digits (`B 1单元 102` keeps its three parts).
 */
export function stripNoise(text: string): { text: string; noise: Noise[] } {
  const noise: Noise[] = [];
  collected = noise;
  // One pass says which patterns can match at all: most addresses carry little noise.
  const flags = scanFlags(text);
  let out = text;
  if (flags & F_NAME_LABEL && NAME_LABEL_HINT.test(out))
    out = out.replace(LABELLED_NAME, (_m, name: string) => {
      noise.push({ label: 'person', text: name });
      return ' ';
    });
  if (digitTotal >= 7) {
    let phones = 0;
    // Phones become a marker first, so a name written right beside one can be found.
    out = out.replace(PHONE, (phone) => {
      phones += 1;
      noise.push({ label: 'redundant', text: phone.trim() });
      return ' \u0001 ';
    });
    if (phones > 0) out = stripNamesBesidePhones(out, noise);
  }
  if (flags & F_TITLE && TITLE_HINT.test(out))
    out = out.replace(TITLED_NAME, (whole, surname: string) => {
      if (!SURNAMES.has(surname)) return whole;
      noise.push({ label: 'person', text: whole });
      return ' ';
    });
  if (flags & F_SYMBOL) out = out.replace(SYMBOLS, ' ');
  if (flags & F_LABEL && LABEL_HINT.test(out)) out = out.replace(LABELS, takeRedundant);
  if (digitRun >= 7) out = out.replace(LONG_DIGITS, takeRedundant);
  if (flags & F_BRACKET) out = out.replace(BRACKETED_NEAR, takeAssist).replace(BRACKETS, ' ');
  if (flags & F_SEPARATOR) out = out.replace(SEPARATORS, ' ');
  if (flags & F_DISTANCE && DISTANCE_HINT.test(out)) out = out.replace(DISTANCE, takeDistance);
  if (flags & F_DIRECTION) out = out.replace(DIRECTION, takeAssist);
  // Whatever was taken out left a space.
  if (flags & F_SPACE || out !== text)
    out = out
      .replace(/(?<=[0-9A-Z])\s+(?=[0-9A-Z])/g, '\u0002')
      .replace(/\s+/g, '')
      .replaceAll('\u0002', ' ');
  if (out.includes('--')) out = out.replace(/-{2,}/g, '-');
  if (out.startsWith('-') || out.endsWith('-') || out.startsWith(' ') || out.endsWith(' '))
    out = out.replace(/^[-\s]+|[-\s]+$/g, '');
  return { text: out, noise };
}

// Where the replacers below put what they take: stripNoise is synchronous.
let collected: Noise[] = [];
const takeAs = (label: NoiseLabel) => (match: string) => {
  const trimmed = match.trim();
  if (trimmed) collected.push({ label, text: trimmed });
  return ' ';
};
const takeRedundant = takeAs('redundant');
const takeAssist = takeAs('assist');
const takeDistance = takeAs('distance');

const NAME_LABEL_HINT = /收件人|收货人|联系人|姓名/;
const TITLE_HINT = /先生|女士|小姐|师傅|老师|阿姨|叔叔/;
const LABEL_HINT = /收件|收货|联系|姓名|电话|手机|TEL|PHONE|地址|住址/;
const DISTANCE_HINT = /米|公里|KM/;

// Per character, the noise patterns it can start or belong to.
const F_NAME_LABEL = 1;
const F_TITLE = 2;
const F_LABEL = 4;
const F_BRACKET = 8;
const F_SEPARATOR = 16;
const F_DISTANCE = 32;
const F_DIRECTION = 64;
const F_SPACE = 128;
const F_SYMBOL = 256;
const CHAR_FLAGS = new Uint16Array(0x10000);
for (let code = 0; code < 0x10000; code++) {
  // Anything but printable ASCII (^ and ` are symbols) and ideographs may be a symbol.
  const plain =
    (code >= 0x20 && code <= 0x7e && code !== 0x5e && code !== 0x60) || (code >= 0x3400 && code <= 0x9fff);
  if (!plain) CHAR_FLAGS[code]! |= F_SYMBOL;
}
// What \s matches.
for (const code of [0x20, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff])
  CHAR_FLAGS[code]! |= F_SPACE;
for (let code = 0x09; code <= 0x0d; code++) CHAR_FLAGS[code]! |= F_SPACE;
for (let code = 0x2000; code <= 0x200a; code++) CHAR_FLAGS[code]! |= F_SPACE;
const flag = (chars: string, f: number) => {
  for (const char of chars) CHAR_FLAGS[char.charCodeAt(0)]! |= f;
};
flag('收联姓', F_NAME_LABEL);
flag('先女小师老阿叔', F_TITLE);
flag('收联姓电手地住TP', F_LABEL);
flag('()[]{}【】〔〕〈〉《》「」『』<>', F_BRACKET);
flag(',，、;；。:：|/\\!！?？"\'“”‘’`*@#…·', F_SEPARATOR);
flag('米公K', F_DISTANCE);
flag('对附旁隔周带门楼后里边侧面', F_DIRECTION);

// What scanFlags counted besides the flags: phones and long numbers need seven digits.
let digitTotal = 0;
let digitRun = 0;

function scanFlags(text: string): number {
  let flags = 0;
  let run = 0;
  digitTotal = 0;
  digitRun = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    flags |= CHAR_FLAGS[code]!;
    if (code >= 48 && code <= 57) {
      digitTotal += 1;
      run += 1;
      if (run > digitRun) digitRun = run;
    } else run = 0;
  }
  return flags;
}

const CJK_RUN_BEFORE = /([\u4e00-\u9fff]+)\s*$/;
// After a phone only a name standing alone: `13800138000 张三`, not `13800138000 金地1路`.
const CJK_RUN_AFTER = /^[\s,，、;；:：]*([\u4e00-\u9fff]{2,3})(?=$|[\s,，、;；:：|/)）\]】])/;

/** A 2–3 character name starting with a common surname, written right before or after a phone. */
function stripNamesBesidePhones(text: string, noise: Noise[]): string {
  const isName = (name: string) => SURNAMES.has(name[0]!) && !PLACE_END.test(name);
  const parts = text.split('\u0001');
  for (let i = 0; i < parts.length; i++) {
    if (i < parts.length - 1) {
      const run = CJK_RUN_BEFORE.exec(parts[i]!)?.[1] ?? '';
      const name = [run.slice(-3), run.slice(-2)].find((n) => n.length >= 2 && isName(n));
      if (name) {
        noise.push({ label: 'person', text: name });
        parts[i] = parts[i]!.replace(CJK_RUN_BEFORE, (m) => m.replace(name, ' '));
        continue;
      }
    }
    if (i > 0) {
      const name = CJK_RUN_AFTER.exec(parts[i]!)?.[1];
      if (name && isName(name)) {
        noise.push({ label: 'person', text: name });
        parts[i] = parts[i]!.replace(name, ' ');
      }
    }
  }
  return parts.join(' ');
}

/** The canonical form of free text: characters first, then noise. */
export function normaliseAddress(raw: string): { text: string; noise: Noise[] } {
  return stripNoise(normaliseChars(raw));
}

// ---- keys the library and the input share --------------------------------------------------

/** A name as a lookup key: canonical characters, no whitespace or brackets. */
export function nameKey(name: string): string {
  return normaliseChars(name).replace(/[\s()[\]{}【】（）]/g, '');
}

const BUILDING_KEY = /^(?:第)?(\d+[A-Z]?|[A-Z]\d*|[东南西北中])(?:栋|座)$/;

/** `3栋` `三号楼` `B座` `b座` → `3` `3` `B` `B`; a name that is not a number or letter stays whole. */
export function buildingKey(building: string | null | undefined): string | null {
  if (!building) return null;
  const text = nameKey(building);
  if (!text) return null;
  return BUILDING_KEY.exec(text)?.[1] ?? text;
}

/** `2单元` `二单元` → `2`. */
export function entranceKey(entrance: string | null | undefined): string | null {
  if (!entrance) return null;
  const text = nameKey(entrance);
  return /^(\d+|[A-Z])单元$/.exec(text)?.[1] ?? (text || null);
}

/** `2301` `2301室` `2301房` → `2301`; `12A` stays. */
export function roomKey(room: string | null | undefined): string | null {
  if (!room) return null;
  const text = nameKey(room).replace(/(?:室|号)$/, '');
  return text || null;
}

/** `3013号` → `3013`, `3013-1号` → `3013-1`. */
export function roadNoKey(roadNo: string | null | undefined): string | null {
  if (!roadNo) return null;
  const text = nameKey(roadNo).replace(/号$/, '').replace(/之/g, '-');
  return text || null;
}

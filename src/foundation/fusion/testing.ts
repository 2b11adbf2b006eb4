// Fixtures for fusion tests: valid resident IDs and credit codes, small mappings written as YAML,
// and feed files in UTF-8 or GBK, all in a temporary folder.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import {
  CREDIT_CODE_CHARS,
  creditCodeCheckChar,
  orgCodeCheckChar,
  residentIdCheckChar,
} from '../registry/checksums.ts';
import { loadMappingFile, type SourceMapping } from './mapping.ts';

/** A resident ID with a correct check character: region 440304, the birth date, a sequence number. */
export function residentId(birth: string, sequence: number, sex: 'M' | 'F' = 'M'): string {
  const seq = sequence * 2 + (sex === 'M' ? 1 : 0);
  const body = `440304${birth.replaceAll('-', '')}${String(seq % 1000).padStart(3, '0')}`;
  return body + residentIdCheckChar(body);
}

/** A unified social credit code with valid organisation-code and final checks. */
export function creditCode(n: number): string {
  const org8 = String(10_000_000 + n).slice(-8);
  const org = org8 + orgCodeCheckChar(org8);
  const body = `91440300${org}`;
  if (![...body].every((c) => CREDIT_CODE_CHARS.includes(c))) throw new Error(`bad credit code body ${body}`);
  return body + creditCodeCheckChar(body);
}

export function tempDir(prefix = 'citybrain-fusion-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `<dir>/<source>.yaml` and loads it. */
export function writeMapping(dir: string, source: string, yaml: string): SourceMapping {
  const path = join(dir, `${source}.yaml`);
  writeFileSync(path, yaml);
  return loadMappingFile(path);
}

/** Writes rows as CSV (quoted where needed), in UTF-8 or GBK. */
export function writeCsv(
  dir: string,
  name: string,
  rows: readonly (readonly string[])[],
  encoding: 'utf-8' | 'gbk' = 'utf-8',
): string {
  const text = rows
    .map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(','))
    .join('\n');
  const path = join(dir, name);
  writeFileSync(path, encoding === 'utf-8' ? text : iconv.encode(text, 'gbk'));
  return path;
}

/** Public security's household register, as the fixtures write it. */
export const HOUSEHOLD_MAPPING = `# 户籍人口 — household register (test fixture)
source: ps_household
title: 户籍人口登记
department: 公安局
format: { encoding: auto }
dates: ['YYYYMMDD', 'YYYY-M-D']
priority: 90
targets:
  household:
    entity: household
    key: [户号]
    fields:
      household_no: 户号
      address_id: 户籍地址
  person:
    entity: person
    key: [公民身份号码]
    fields:
      id_number: { column: 公民身份号码, required: true }
      name: { column: 姓名, required: true }
      sex: { column: 性别, map: { 男: M, 女: F } }
      birth_date: 出生日期
      residency: { value: registered }
      household_id: { ref: household }
      household_relation: { column: 与户主关系, map: { 户主: head, 配偶: spouse, 子: child, 女: child } }
      residence_address_id: 户籍地址
      phone: { column: 联系电话, priority: 40 }
`;

export const HOUSEHOLD_HEADER = [
  '户号',
  '公民身份号码',
  '姓名',
  '性别',
  '出生日期',
  '与户主关系',
  '户籍地址',
  '联系电话',
];

/** Civil affairs' elderly list: no ID for some, its own record number, dates written 2023年1月5日. */
export const ELDERLY_MAPPING = `# 高龄老人 — elderly allowance list (test fixture)
source: ca_elderly
title: 高龄津贴名册
department: 民政局
dates: ['YYYY年M月D日', 'YYYY/M/D']
recency: 更新日期
priority: 60
targets:
  person:
    entity: person
    key: [档案号]
    fields:
      id_number: 身份证号
      name: { column: 姓名, required: true }
      sex: { column: 性别, map: { 男: M, 女: F } }
      birth_date: 出生日期
      residence_address_id: 居住地址
      phone: { column: 联系电话, priority: 70 }
      attributes.allowance_yuan: { column: 津贴金额, type: integer }
`;

export const ELDERLY_HEADER = [
  '档案号',
  '身份证号',
  '姓名',
  '性别',
  '出生日期',
  '居住地址',
  '联系电话',
  '津贴金额',
  '更新日期',
];

/** Rooms of the matcher's fixture library (address/match/testing.ts), written as a department would. */
export const FIXTURE_ROOMS = [
  '益田路3013号南方国际广场A座1201',
  '益田路3013号南方国际广场A座2302',
  '益田路3013号南方国际广场B座1202',
  '益田路3013号南方国际广场B座2301',
  '石厦北二街5号101',
  '石厦北二街7号101',
  '华强北路1019号华强广场A座3801',
  '华强北路1019号华强广场B座3802',
  '福华路100号福华新村1栋2单元201',
  '益田路3001号金地大厦1001',
];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华';

/**
 * `n` household-register rows (HOUSEHOLD_HEADER) of distinct people with valid IDs; `phoneOffset`
 * changes every phone number, for a second delivery.
 */
export function householdRows(n: number, phoneOffset = 0): string[][] {
  const rows: string[][] = [];
  const start = Date.UTC(1950, 0, 1);
  for (let i = 0; i < n; i++) {
    const day = i % 18_000;
    const birth = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
    const sex = i % 2 === 0 ? 'M' : 'F';
    const id = residentId(birth, Math.floor(i / 18_000) * 2, sex);
    const name =
      SURNAMES[i % SURNAMES.length]! +
      GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]! +
      GIVEN[i % 23]!;
    rows.push([
      `H${Math.floor(i / 3)}`,
      id,
      name,
      sex === 'M' ? '男' : '女',
      birth.replaceAll('-', ''),
      i % 3 === 0 ? '户主' : '子',
      FIXTURE_ROOMS[Math.floor(i / 3) % FIXTURE_ROOMS.length]!,
      String(13_000_000_000 + i + phoneOffset),
    ]);
  }
  return rows;
}

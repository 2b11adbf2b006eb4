import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/db.ts';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import { DomainError } from '../../lib/errors.ts';
import { type Ctx, systemCtx } from '../access/context.ts';
import { seedMatchLibrary } from '../address/match/testing.ts';
import { ingestFeed } from '../fusion/ingest.ts';
import {
  creditCode,
  ELDERLY_HEADER,
  ELDERLY_MAPPING,
  HOUSEHOLD_HEADER,
  HOUSEHOLD_MAPPING,
  residentId,
  tempDir,
  writeCsv,
  writeMapping,
} from '../fusion/testing.ts';
import { type QualityCheck, qualityReport } from './report.ts';
import { scoreAgainstTruth } from './truth.ts';

const ZHANG = residentId('1950-01-02', 1);
const LI = residentId('1952-03-04', 2, 'F');
const WANG = residentId('1948-07-08', 3);
const ZHAO = residentId('1960-05-06', 4);
const NF_B = '益田路3013号南方国际广场B座2301';
const SX_5 = '石厦北二街5号101';

const CLEAN_HOUSEHOLD = [
  ['H1', ZHANG, '张三', '男', '19500102', '户主', NF_B, '13800138000'],
  ['H1', LI, '李四', '女', '19520304', '配偶', NF_B, '13800138001'],
  ['H2', WANG, '王五', '男', '19480708', '户主', SX_5, '13900139000'],
  ['H3', ZHAO, '赵六', '男', '19600506', '户主', SX_5, '13900139001'],
];

describe(`data quality on ${testEngine}`, () => {
  let t: TestDb;
  let db: Db;
  let dir: string;
  const ctx = (): Ctx => systemCtx(db);
  const check = (checks: QualityCheck[], subject: string, name: string) => {
    const found = checks.find((c) => c.subject === subject && c.name === name);
    if (!found) throw new Error(`no check ${name} for ${subject}`);
    return found;
  };

  beforeEach(async () => {
    t = await createTestDb();
    db = t.db;
    await seedMatchLibrary(db);
    dir = tempDir('citybrain-quality-');
  });
  afterEach(() => t.destroy());

  it('passes every source check on a clean feed', async () => {
    const ps = writeMapping(dir, 'ps_household', HOUSEHOLD_MAPPING);
    await ingestFeed(
      ctx(),
      ps,
      writeCsv(dir, 'household_20260930.csv', [HOUSEHOLD_HEADER, ...CLEAN_HOUSEHOLD]),
    );
    const report = await qualityReport(ctx(), { source: 'ps_household' });
    expect(report.sources).toEqual(['ps_household']);
    const checks = report.checks.filter((c) => c.scope === 'source');
    expect(checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'validity.rejected_rows',
        'validity.identifier',
        'validity.date',
        'completeness.identifier',
        'uniqueness.repeated_key',
        'consistency.conflict',
        'timeliness.age',
        'address.unmatched',
      ]),
    );
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(check(checks, 'ps_household', 'validity.rejected_rows').observed).toEqual({
      failing: 0,
      total: 4,
      percent: 0,
    });
    expect(check(checks, 'ps_household', 'address.unmatched').observed).toMatchObject({
      failing: 0,
      total: 7,
    });
  });

  it('fails each dimension where the feeds hold an error of its kind, with the rows as examples', async () => {
    const ps = writeMapping(dir, 'ps_household', HOUSEHOLD_MAPPING);
    const badId = `${ZHAO.slice(0, 17)}${ZHAO[17] === '1' ? '2' : '1'}`;
    await ingestFeed(
      ctx(),
      ps,
      writeCsv(dir, 'household_20260930.csv', [
        HOUSEHOLD_HEADER,
        ['H1', ZHANG, '张三', '男', '19500102', '户主', NF_B, '13800138000'], // 1
        ['H1', LI, '李四', '女', '19520230', '配偶', NF_B, '13800138001'], // 2: impossible date
        ['H2', WANG, '王五', '男', '19480708', '户主', '火星路1号', '13900139000'], // 3: no such address
        ['H3', badId, '赵六', '男', '19600506', '户主', SX_5, ''], // 4: bad checksum
        ['H2', WANG, '王午', '男', '19480708', '户主', '火星路1号', '13900139000'], // 5: repeats row 3's key
      ]),
    );
    const ca = writeMapping(dir, 'ca_elderly', ELDERLY_MAPPING);
    await ingestFeed(
      ctx(),
      ca,
      writeCsv(dir, 'elderly_20260930.csv', [
        ELDERLY_HEADER,
        ['E1', ZHANG, '张三', '男', '1950年1月2日', NF_B, '13500135000', '200', '2026年9月1日'], // phone differs from police
        ['E2', '', '钱七', '男', '1940年1月1日', SX_5, '', '200', '2026年9月1日'], // no ID
        ['E3', WANG, '王五', '男', '1948年7月8日', SX_5, '13900139000', '200', '2019年1月1日'], // an old record
      ]),
    );
    const { checks } = await qualityReport(ctx());
    const failing = (subject: string, name: string) => {
      const c = check(checks, subject, name);
      return { status: c.status, failing: c.observed.failing, rows: c.examples.map((e) => e.row) };
    };
    expect(failing('ps_household', 'validity.date')).toEqual({ status: 'fail', failing: 1, rows: [2] });
    expect(failing('ps_household', 'validity.identifier')).toEqual({ status: 'fail', failing: 1, rows: [4] });
    expect(failing('ps_household', 'uniqueness.repeated_key')).toEqual({
      status: 'fail',
      failing: 2,
      rows: [3, 5],
    });
    // Wang's person record and the H2 household record (whichever row of the key the ingest kept).
    const unmatched = failing('ps_household', 'address.unmatched');
    expect(unmatched.status).toBe('fail');
    expect(unmatched.rows).toContain(5);
    // The fixture's register requires the ID: the row with a bad one is rejected.
    expect(failing('ps_household', 'validity.rejected_rows')).toEqual({
      status: 'fail',
      failing: 1,
      rows: [4],
    });
    expect(failing('ca_elderly', 'completeness.identifier')).toEqual({
      status: 'fail',
      failing: 1,
      rows: [2],
    });
    // Zhang's phone, and Wang's name: the register kept its later row (王午), civil affairs says 王五.
    expect(failing('ca_elderly', 'consistency.conflict')).toEqual({
      status: 'fail',
      failing: 2,
      rows: [1, 3],
    });
    expect(failing('ps_household', 'consistency.conflict')).toEqual({
      status: 'fail',
      failing: 2,
      rows: [1, 5],
    });
    expect(failing('ca_elderly', 'timeliness.age')).toEqual({ status: 'warn', failing: 1, rows: [3] });
    // What passes still passes.
    expect(check(checks, 'ca_elderly', 'validity.rejected_rows').status).toBe('pass');
    expect(check(checks, 'ca_elderly', 'validity.date').status).toBe('pass');
    expect(check(checks, 'ca_elderly', 'uniqueness.repeated_key').status).toBe('pass');
    // Examples name the file, the field and why; personal values are masked.
    const bad = check(checks, 'ps_household', 'validity.identifier').examples[0]!;
    expect(bad).toMatchObject({ file: 'household_20260930.csv', row: 4, field: '公民身份号码' });
    expect(bad.value).toBe(`${badId.slice(0, 6)}********${badId.slice(-4)}`);
    expect(bad.why).toMatch(/GB 11643/);
    // Registry checks: the person without an ID, the conflict on Zhang's phone.
    expect(check(checks, 'person', 'completeness.id_number').observed).toMatchObject({ failing: 1 });
    expect(check(checks, 'person', 'consistency.conflicts').observed).toMatchObject({ failing: 2 });
    expect(check(checks, 'household', 'completeness.household_no').status).toBe('pass');

    // Scored against a truth file: every listed error is found but the one no check can see.
    const truth = tempDir('citybrain-truth-');
    writeFileSync(
      join(truth, 'errors.csv'),
      [
        'file,source,row,kind,field,detail',
        `household_20260930.csv,ps_household,2,impossible-date,出生日期,true 1952-03-04`,
        `household_20260930.csv,ps_household,4,bad-checksum,公民身份号码,true ${ZHAO}`,
        'household_20260930.csv,ps_household,5,duplicate-entity,姓名,row 3',
        'elderly_20260930.csv,ca_elderly,1,contradiction,联系电话,true 13800138000',
        'elderly_20260930.csv,ca_elderly,2,missing-id,身份证号,true 440304194001010011',
        'elderly_20260930.csv,ca_elderly,3,stale,居住地址,old',
        'household_20260930.csv,ps_household,1,stale,户籍地址,undetectable',
        'other_20260930.csv,other,1,missing-id,x,never ingested',
      ].join('\n'),
    );
    const score = await scoreAgainstTruth(ctx(), truth);
    expect(score).toMatchObject({ injected: 7, notIngested: 1 });
    // Row 1 of the household file is flagged by the phone conflict, so only an unflagged row can be missed.
    expect(score.found).toBe(7);
    expect(score.kinds.find((k) => k.kind === 'missing-id')).toMatchObject({
      found: 1,
      foundBy: { 'completeness.identifier': 1 },
    });
  });

  it('flags a company a register lists twice, once under a key the linking left in review', async () => {
    const tax = writeMapping(
      dir,
      'tax',
      `source: tax
title: 纳税人 (test fixture)
department: 税务局
format: { encoding: utf-8 }
priority: 50
targets:
  taxpayer:
    entity: legal_entity
    key: [纳税人识别号]
    fields:
      credit_code: { column: 纳税人识别号, when: { column: 纳税人识别号, matches: "^[0-9A-Z]{18}$" } }
      name: { column: 纳税人名称, required: true }
      attributes.tax_number: { column: 纳税人识别号, type: text, when: { column: 纳税人识别号, matches: "^[0-9]{15}$" } }
`,
    );
    await ingestFeed(
      ctx(),
      tax,
      writeCsv(dir, 'tax_20260930.csv', [
        ['纳税人识别号', '纳税人名称'],
        [creditCode(7), '深圳市福田区辉祥社会工作服务中心'], // 1
        ['440304345857309', '深圳市福田区辉祥社会工作服务中心'], // 2: its old tax number, the name alone to link on
        [creditCode(8), '深圳市福田区另一家公司'], // 3
      ]),
    );
    const [review] = await db.query<{ link_status: string }>(
      `SELECT link_status FROM source_records WHERE source = 'tax' AND row_number = 2`,
    );
    expect(review!.link_status).toBe('review');
    const { checks } = await qualityReport(ctx());
    const duplicates = check(checks, 'tax', 'uniqueness.duplicate_entity');
    expect(duplicates.observed.failing).toBe(2);
    expect(duplicates.examples.map((e) => e.row).sort()).toEqual([1, 2]);
  });

  it('reports an injected error no check flags', async () => {
    const ps = writeMapping(dir, 'ps_household', HOUSEHOLD_MAPPING);
    await ingestFeed(
      ctx(),
      ps,
      writeCsv(dir, 'household_20260930.csv', [HOUSEHOLD_HEADER, ...CLEAN_HOUSEHOLD]),
    );
    const truth = tempDir('citybrain-truth-');
    writeFileSync(
      join(truth, 'errors.csv'),
      'file,source,row,kind,field,detail\nhousehold_20260930.csv,ps_household,3,stale,户籍地址,moved\n',
    );
    const score = await scoreAgainstTruth(ctx(), truth);
    expect(score).toMatchObject({ injected: 1, found: 0 });
    expect(score.kinds[0]!.missed).toEqual([
      { file: 'household_20260930.csv', row: 3, field: '户籍地址', detail: 'moved' },
    ]);
  });

  it('is for district-wide readers only', async () => {
    const scoped: Ctx = {
      db,
      actor: { username: 'c', role: 'analyst', scope: { kind: 'community', id: '440304010004' } },
    };
    await expect(qualityReport(scoped)).rejects.toThrow(DomainError);
    const gridWorker: Ctx = {
      db,
      actor: { username: 'g', role: 'grid_worker', scope: { kind: 'district', id: '*' } },
    };
    await expect(qualityReport(gridWorker)).rejects.toThrow(/imports:read/);
  });
});

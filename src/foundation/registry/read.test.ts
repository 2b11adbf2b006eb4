import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/db.ts';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import { DomainError } from '../../lib/errors.ts';
import { type Actor, type Ctx, systemCtx } from '../access/context.ts';
import { AREAS, seedMatchLibrary } from '../address/match/testing.ts';
import { ingestFeed } from '../fusion/ingest.ts';
import {
  ELDERLY_HEADER,
  ELDERLY_MAPPING,
  HOUSEHOLD_HEADER,
  HOUSEHOLD_MAPPING,
  residentId,
  tempDir,
  writeCsv,
  writeMapping,
} from '../fusion/testing.ts';
import { conflictSummary, findEntity, getEntity, listConflicts } from './read.ts';

const ZHANG = residentId('1950-01-02', 1);

describe(`registry reads on ${testEngine}`, () => {
  let t: TestDb;
  let db: Db;
  let zhangId: string;
  const as = (actor: Partial<Actor>): Ctx => ({
    db,
    actor: { ...systemCtx(db).actor, username: 'reader', ...actor },
  });

  beforeAll(async () => {
    t = await createTestDb();
    db = t.db;
    await seedMatchLibrary(db);
    const dir = tempDir();
    const ctx = systemCtx(db);
    await ingestFeed(
      ctx,
      writeMapping(dir, 'ps_household', HOUSEHOLD_MAPPING),
      writeCsv(dir, 'household_20260930.csv', [
        HOUSEHOLD_HEADER,
        ['H1', ZHANG, '张三', '男', '19500102', '户主', '益田路3013号南方国际广场B座2301', '13800138000'],
      ]),
    );
    const ca = writeMapping(dir, 'ca_elderly', ELDERLY_MAPPING);
    const row = (phone: string, date: string) => [
      'E1',
      ZHANG,
      '张三',
      '男',
      '1950年1月2日',
      '南方国际B座2301',
      phone,
      '200',
      date,
    ];
    await ingestFeed(
      ctx,
      ca,
      writeCsv(dir, 'elderly_1.csv', [ELDERLY_HEADER, row('13500135000', '2026年9月1日')]),
    );
    await ingestFeed(
      ctx,
      ca,
      writeCsv(dir, 'elderly_2.csv', [ELDERLY_HEADER, row('13600136000', '2026年10月1日')]),
    );
    zhangId = (await findEntity(ctx, 'person', { id_number: ZHANG }))!;
  });
  afterAll(() => t.destroy());

  it('gives each field its value and the source record it came from; personal fields masked', async () => {
    const view = await getEntity(systemCtx(db), { kind: 'person', id: zhangId });
    expect(view).toMatchObject({
      kind: 'person',
      gridId: AREAS.mingyueGrid,
      sources: ['ca_elderly', 'ps_household'],
      masked: ['id_number', 'name', 'phone'],
    });
    expect(view.fields.name).toMatchObject({ value: '张*', from: [{ source: 'ps_household', row: 1 }] });
    expect(view.fields.phone).toMatchObject({
      value: '136****6000',
      from: [
        {
          source: 'ca_elderly',
          file: expect.stringContaining('elderly_2.csv'),
          observedAt: '2026-09-30T16:00:00.000Z',
        },
      ],
    });
    expect(view.fields.id_number!.value).toBe(`${ZHANG.slice(0, 6)}********${ZHANG.slice(-4)}`);
    expect(view.fields['attributes.allowance_yuan']).toMatchObject({
      value: 200,
      from: [{ source: 'ca_elderly' }],
    });
  });

  it('lists every value a field had, newest first, with the replaced versions', async () => {
    const view = await getEntity(systemCtx(db), { kind: 'person', id: zhangId });
    const phones = view.history.filter((h) => h.field === 'phone').map((h) => [h.source, h.value, h.current]);
    expect(phones).toEqual([
      ['ca_elderly', '136****6000', true],
      ['ps_household', '138****8000', true],
      ['ca_elderly', '135****5000', false],
    ]);
  });

  it('shows the conflict between sources, and the report lists it', async () => {
    const view = await getEntity(systemCtx(db), { kind: 'person', id: zhangId });
    expect(view.conflicts).toEqual([
      expect.objectContaining({
        field: 'phone',
        resolvedAt: null,
        claims: [
          expect.objectContaining({ source: 'ca_elderly', value: '136****6000', priority: 70 }),
          expect.objectContaining({ source: 'ps_household', value: '138****8000', priority: 40 }),
        ],
      }),
    ]);
    expect(await listConflicts(systemCtx(db), { source: 'ps_household' })).toHaveLength(1);
    expect(await listConflicts(systemCtx(db), { kind: 'household' })).toHaveLength(0);
    expect(await conflictSummary(systemCtx(db))).toEqual([
      { kind: 'person', field: 'phone', sources: ['ca_elderly', 'ps_household'], open: 1, resolved: 0 },
    ]);
  });

  it('unmasks the fields asked for with a reason, and logs the read', async () => {
    const view = await getEntity(
      as({ role: 'operator' }),
      { kind: 'person', id: zhangId },
      {
        unmask: { fields: ['name', 'phone'], reason: '回访核实' },
      },
    );
    expect(view.fields.name!.value).toBe('张三');
    expect(view.history.find((h) => h.field === 'phone' && !h.current)!.value).toBe('13500135000');
    expect(view.masked).toEqual(['id_number']);
    const [log] = await db.query<{ actor: string; subject_kind: string; fields: string[]; reason: string }>(
      'SELECT actor, subject_kind, fields, reason FROM access_log ORDER BY id DESC LIMIT 1',
    );
    expect(log).toEqual({
      actor: 'reader',
      subject_kind: 'person',
      fields: ['name', 'phone'],
      reason: '回访核实',
    });
    await expect(
      getEntity(systemCtx(db), { kind: 'person', id: zhangId }, { unmask: { fields: ['name'] } }),
    ).rejects.toThrow(/needs a reason/);
    await expect(
      getEntity(
        as({ role: 'analyst' }),
        { kind: 'person', id: zhangId },
        { unmask: { fields: ['name'], reason: '核实' } },
      ),
    ).rejects.toThrow(/personal:unmask/);
  });

  it('keeps records to readers whose scope covers their grid', async () => {
    const grid = (id: string) => as({ role: 'grid_worker', scope: { kind: 'grid', id } });
    await expect(getEntity(grid(AREAS.mingyueGrid), { kind: 'person', id: zhangId })).resolves.toBeTruthy();
    const error = await getEntity(grid(AREAS.fuqiangGrid), { kind: 'person', id: zhangId }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('not_found');
    await expect(
      getEntity(as({ role: 'external_consumer' }), { kind: 'person', id: zhangId }),
    ).rejects.toThrow(/registry:read/);
    await expect(listConflicts(grid(AREAS.mingyueGrid))).rejects.toThrow(/whole district/);
  });

  it('finds an entity by its exact key', async () => {
    expect(await findEntity(systemCtx(db), 'household', { household_no: 'H1' })).toMatch(/^\d+$/);
    expect(await findEntity(systemCtx(db), 'household', { household_no: 'H9' })).toBeNull();
    await expect(getEntity(systemCtx(db), { kind: 'person', id: '999999' })).rejects.toThrow(/not found/);
  });
});

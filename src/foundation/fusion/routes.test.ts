import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import { createTestApp, type TestApp } from '../../server/testing.ts';
import { AREAS, seedMatchLibrary } from '../address/match/testing.ts';
import {
  ELDERLY_HEADER,
  ELDERLY_MAPPING,
  HOUSEHOLD_HEADER,
  HOUSEHOLD_MAPPING,
  residentId,
  tempDir,
  writeCsv,
  writeMapping,
} from './testing.ts';

const ZHANG = residentId('1950-01-02', 1);

describe(`feeds and registry API on ${testEngine}`, () => {
  let t: TestDb;
  let api: TestApp;
  let admin: { authorization: string };
  let analyst: { authorization: string };
  let operator: { authorization: string };
  let dir: string;
  const saved = process.env.CITYBRAIN_SOURCES;

  beforeAll(async () => {
    t = await createTestDb();
    await seedMatchLibrary(t.db);
    dir = tempDir();
    writeMapping(dir, 'ps_household', HOUSEHOLD_MAPPING);
    writeMapping(dir, 'ca_elderly', ELDERLY_MAPPING);
    // The deployment's own mapping folder, beside the built-in one.
    process.env.CITYBRAIN_SOURCES = dir;
    api = await createTestApp(t.db);
    admin = await api.authAs('admin');
    analyst = await api.authAs('analyst');
    operator = await api.authAs('operator');
  });
  afterAll(async () => {
    process.env.CITYBRAIN_SOURCES = saved;
    await api.app.close();
    await t.destroy();
  });

  const upload = (source: string, body: Buffer | string, headers: Record<string, string>, query = '') =>
    api.app.inject({
      method: 'POST',
      url: `/api/ingest/${source}${query}`,
      headers: { ...headers, 'content-type': 'text/csv' },
      payload: body,
    });

  it('ingests an upload (GBK here), answering with the summary', async () => {
    const csv = readFileSync(
      writeCsv(dir, 'h.csv', [
        HOUSEHOLD_HEADER,
        ['H1', ZHANG, '张三', '男', '19500102', '户主', '益田路3013号南方国际广场B座2301', '13800138000'],
      ]),
      'utf8',
    );
    const res = await upload('ps_household', iconv.encode(csv, 'gbk'), admin, '?file=household_20260930.csv');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'succeeded',
      source: 'ps_household',
      file: 'household_20260930.csv',
      encoding: 'gb18030',
      inserted: 1,
      deliveredAt: '2026-09-29T16:00:00.000Z',
      problemCount: 0,
    });
    const again = await upload(
      'ps_household',
      iconv.encode(csv, 'gbk'),
      admin,
      '?file=household_20260930.csv',
    );
    expect(again.json()).toMatchObject({ alreadyIngested: res.json().importId });
  });

  it('refuses uploads without feeds:write, and sources nobody mapped', async () => {
    expect((await upload('ps_household', 'x', analyst)).statusCode).toBe(403);
    const unknown = await upload('no_such_source', 'x', admin);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toMatch(/known sources: .*ps_household/);
  });

  it('lists the sources with their mapping and deliveries', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/api/sources', headers: analyst });
    expect(res.statusCode).toBe(200);
    const ps = res.json().find((s: { source: string }) => s.source === 'ps_household');
    expect(ps).toMatchObject({
      title: '户籍人口登记',
      targets: [
        { name: 'household', entity: 'household' },
        { name: 'person', entity: 'person' },
      ],
      feeds: { count: 1, rows: 1 },
      lastFeed: { file: 'household_20260930.csv' },
    });
    expect(res.json().map((s: { source: string }) => s.source)).toContain('police_household');
  });

  it('reads an entity masked, unmasked with a reason, and lists conflicts', async () => {
    const elderly = readFileSync(
      writeCsv(dir, 'e.csv', [
        ELDERLY_HEADER,
        ['E1', ZHANG, '张三', '男', '1950年1月2日', '南方国际B座2301', '13500135000', '200', '2026年9月1日'],
      ]),
    );
    expect((await upload('ca_elderly', elderly, admin)).statusCode).toBe(200);
    const [row] = await t.db.query<{ id: string }>('SELECT id::text FROM people WHERE id_number = $1', [
      ZHANG,
    ]);
    const masked = await api.app.inject({
      method: 'GET',
      url: `/api/registry/person/${row!.id}`,
      headers: operator,
    });
    expect(masked.statusCode, masked.body).toBe(200);
    expect(masked.json()).toMatchObject({
      gridId: AREAS.mingyueGrid,
      fields: { name: { value: '张*' }, phone: { value: '135****5000', from: [{ source: 'ca_elderly' }] } },
      conflicts: [{ field: 'phone' }],
    });
    const clear = await api.app.inject({
      method: 'GET',
      url: `/api/registry/person/${row!.id}?unmask=name,phone&reason=${encodeURIComponent('回访核实')}`,
      headers: operator,
    });
    expect(clear.json().fields.name.value).toBe('张三');
    const noReason = await api.app.inject({
      method: 'GET',
      url: `/api/registry/person/${row!.id}?unmask=name`,
      headers: operator,
    });
    expect(noReason.statusCode).toBe(400);
    const conflicts = await api.app.inject({
      method: 'GET',
      url: '/api/registry/conflicts',
      headers: analyst,
    });
    expect(conflicts.json()).toEqual([expect.objectContaining({ kind: 'person', field: 'phone' })]);
    const summary = await api.app.inject({
      method: 'GET',
      url: '/api/registry/conflicts/summary',
      headers: analyst,
    });
    expect(summary.json()).toEqual([
      { kind: 'person', field: 'phone', sources: ['ca_elderly', 'ps_household'], open: 1, resolved: 0 },
    ]);
    expect(
      (await api.app.inject({ method: 'GET', url: '/api/registry/planet/1', headers: analyst })).statusCode,
    ).toBe(400);
  });

  it('lists and decides links in review', async () => {
    const weak = readFileSync(
      writeCsv(dir, 'w.csv', [ELDERLY_HEADER, ['E9', '', '张三', '', '', '', '', '100', '2026年9月1日']]),
    );
    const res = await upload('ca_elderly', weak, admin, '?file=elderly_weak.csv');
    expect(res.json().links).toMatchObject({ review: 1 });
    const list = await api.app.inject({ method: 'GET', url: '/api/fusion/link-reviews', headers: admin });
    const [review] = list.json();
    expect(review).toMatchObject({ fields: { name: '张*' }, link: { method: 'probabilistic' } });
    const decided = await api.app.inject({
      method: 'POST',
      url: `/api/fusion/link-reviews/${review.recordId}`,
      headers: admin,
      payload: { new: true, note: '不是同一人' },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json().entityId).toMatch(/^\d+$/);
    const again = await api.app.inject({
      method: 'POST',
      url: `/api/fusion/link-reviews/${review.recordId}`,
      headers: admin,
      payload: { new: true },
    });
    expect(again.statusCode).toBe(409);
  });
});

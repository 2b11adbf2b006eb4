import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testEngine } from '../../../db/testing.ts';
import { createTestApp, type TestApp } from '../../../server/testing.ts';
import { systemCtx } from '../../access/context.ts';
import { currentMatchIndex } from './index.ts';
import { matchAddress } from './match.ts';
import { enqueueForReview } from './review.ts';
import { AREAS, roomId, seedMatchLibrary } from './testing.ts';

describe(`address matching API on ${testEngine}`, () => {
  let t: TestDb;
  let api: TestApp;
  let reader: { authorization: string };
  let operator: { authorization: string };
  beforeAll(async () => {
    t = await createTestDb();
    await seedMatchLibrary(t.db);
    api = await createTestApp(t.db);
    reader = await api.authAs('external_consumer');
    operator = await api.authAs('operator');
  });
  afterAll(async () => {
    await api.app.close();
    await t.destroy();
  });

  it('matches a batch, one result per input in order', async () => {
    const addresses = ['益田路3013号南方国际B座2301房', '益田路3013号', '', '广州市天河区体育西路1号'];
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/addresses/match',
      headers: reader,
      payload: { addresses },
    });
    expect(res.statusCode, res.body).toBe(200);
    const { results } = res.json();
    expect(results.map((r: { input: string }) => r.input)).toEqual(addresses);
    expect(results.map((r: { status: string }) => r.status)).toEqual([
      'matched',
      'ambiguous',
      'unmatched',
      'unmatched',
    ]);
    expect(results[0]).toMatchObject({
      address_id: roomId('NF-B', '2301'),
      level: 'room',
      grid_id: AREAS.mingyueGrid,
      chain: { community: { name: '明月社区' }, subdistrict: { name: '福保街道' } },
    });
  });

  it('refuses a batch over 1,000, and callers without a token', async () => {
    const big = await api.app.inject({
      method: 'POST',
      url: '/api/addresses/match',
      headers: reader,
      payload: { addresses: Array.from({ length: 1001 }, () => '益田路3013号') },
    });
    expect(big.statusCode).toBe(400);
    const anonymous = await api.app.inject({
      method: 'POST',
      url: '/api/addresses/match',
      payload: { addresses: ['x'] },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('answers a single request quickly once the index is warm', async () => {
    const times: number[] = [];
    for (let i = 0; i < 40; i++) {
      const started = performance.now();
      const res = await api.app.inject({
        method: 'POST',
        url: '/api/addresses/match',
        headers: reader,
        payload: { addresses: ['深圳市福田区益田路3013号南方国际广场B座2301室'] },
      });
      times.push(performance.now() - started);
      expect(res.statusCode).toBe(200);
    }
    times.sort((a, b) => a - b);
    // Generous for a shared CI machine; the request itself is well under a millisecond of matching.
    expect(times[Math.floor(times.length * 0.95)]).toBeLessThan(100);
  });

  it('parses a text into labelled elements', async () => {
    const q = encodeURIComponent('广东省深圳市福田区益田路3013号南方国际广场B座2301室');
    const res = await api.app.inject({ method: 'GET', url: `/api/addresses/parse?q=${q}`, headers: reader });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      elements: {
        prov: '广东省',
        city: '深圳市',
        district: '福田区',
        road: '益田路',
        roadno: '3013',
        poi: '南方国际广场',
        houseno: 'B',
        roomno: '2301',
      },
      outside: null,
      problem: null,
    });
    expect(res.json().tokens[0]).toEqual({ label: 'prov', text: '广东省', value: '广东省' });
    const bad = await api.app.inject({ method: 'GET', url: '/api/addresses/parse?q=', headers: reader });
    expect(bad.json()).toMatchObject({ problem: 'empty input', tokens: [] });
  });

  it('lists the review queue and confirms a candidate, which the next match uses', async () => {
    const text = '南方国际1202';
    const before = matchAddress(await currentMatchIndex(t.db), text);
    expect(before.status).toBe('ambiguous');
    await enqueueForReview(systemCtx(t.db), text, before, 'report:42');

    const forbidden = await api.app.inject({ method: 'GET', url: '/api/addresses/review', headers: reader });
    expect(forbidden.statusCode).toBe(403);
    const list = await api.app.inject({ method: 'GET', url: '/api/addresses/review', headers: operator });
    expect(list.statusCode, list.body).toBe(200);
    const item = list.json().find((i: { text: string }) => i.text === text);
    expect(item).toMatchObject({ source: 'report:42', matchStatus: 'ambiguous', status: 'open' });

    const confirm = await api.app.inject({
      method: 'POST',
      url: `/api/addresses/review/${item.id}/confirm`,
      headers: operator,
      payload: { address_id: item.candidates[0].address_id },
    });
    expect(confirm.statusCode, confirm.body).toBe(200);
    expect(confirm.json()).toMatchObject({ status: 'confirmed' });

    const next = await api.app.inject({
      method: 'POST',
      url: '/api/addresses/match',
      headers: reader,
      payload: { addresses: [text] },
    });
    expect(next.json().results[0]).toMatchObject({
      status: 'matched',
      address_id: item.candidates[0].address_id,
    });

    const twice = await api.app.inject({
      method: 'POST',
      url: `/api/addresses/review/${item.id}/confirm`,
      headers: operator,
      payload: { address_id: item.candidates[0].address_id },
    });
    expect(twice.statusCode).toBe(409);
    const dismissMissing = await api.app.inject({
      method: 'POST',
      url: '/api/addresses/review/99999/dismiss',
      headers: operator,
      payload: {},
    });
    expect(dismissMissing.statusCode).toBe(404);
  });

  it('documents the routes in /docs', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/docs/json' });
    const paths = Object.keys(res.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/addresses/match',
        '/api/addresses/parse',
        '/api/addresses/review',
        '/api/addresses/review/{id}/confirm',
        '/api/addresses/review/{id}/dismiss',
      ]),
    );
  });
});

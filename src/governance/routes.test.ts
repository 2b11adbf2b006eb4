import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testEngine } from '../db/testing.ts';
import type { App } from '../server/app.ts';
import { createTestApp } from '../server/testing.ts';
import { PHOTO_MAX_BYTES } from './requests/photos.ts';
import { MINGYUE_GRID_1, near, report, seedGovernance, XINSHA_GRID } from './testing.ts';

type Headers = { authorization: string };
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

describe(`governance HTTP API on ${testEngine}`, () => {
  let t: TestDb;
  let app: App;
  let gateway: Headers;
  let operator: Headers;
  let urban: Headers;
  let police: Headers;

  beforeAll(async () => {
    t = await createTestDb();
    await seedGovernance(t.db);
    const testApp = await createTestApp(t.db);
    app = testApp.app;
    gateway = await testApp.authAs('external_consumer');
    operator = await testApp.authAs('operator');
    urban = await testApp.authAs('agency_handler', { kind: 'agency', id: 'urban-management' });
    police = await testApp.authAs('agency_handler', { kind: 'agency', id: 'police' });
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  const submit = async (category: string, grid: Parameters<typeof report>[1], north = 0) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/requests',
      headers: gateway,
      payload: report(category, grid, near(grid, 0, north)),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; reporterPhone: string; workOrder: { agency: string } };
  };
  const act = (id: string, headers: Headers, payload: object) =>
    app.inject({ method: 'POST', url: `/api/workorders/${id}/actions`, headers, payload });

  it('takes a report and answers with its dispatched order, reporter masked', async () => {
    const r = await submit('street-vending', MINGYUE_GRID_1);
    expect(r).toMatchObject({ reporterPhone: '138****5678', workOrder: { agency: 'urban-management' } });
    const bad = await app.inject({
      method: 'POST',
      url: '/api/requests',
      headers: gateway,
      payload: { channel: 'app', description: '海上', category: 'street-vending', lng: 120, lat: 10 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: 'invalid_input',
      message: expect.stringMatching(/outside the district/),
    });
    // A channel front end submits but reads nothing back.
    expect(
      (await app.inject({ method: 'GET', url: `/api/requests/${r.id}`, headers: gateway })).statusCode,
    ).toBe(403);
  });

  it('keeps handlers to their agency: 403 on another agency’s order, absent from its list', async () => {
    const theirs = await submit('noise-nuisance', XINSHA_GRID);
    const ours = await submit('street-vending', XINSHA_GRID);
    expect((await act(theirs.id, urban, { action: 'accept' })).statusCode).toBe(403);
    expect(
      (await app.inject({ method: 'GET', url: `/api/workorders/${theirs.id}`, headers: urban })).statusCode,
    ).toBe(403);
    expect(
      (await app.inject({ method: 'GET', url: `/api/requests/${theirs.id}`, headers: urban })).statusCode,
    ).toBe(403);
    const list = (
      await app.inject({ method: 'GET', url: '/api/workorders?limit=1000', headers: urban })
    ).json();
    const ids = list.items.map((o: { id: string }) => o.id);
    expect(ids).toContain(ours.id);
    expect(ids).not.toContain(theirs.id);
    const requests = (
      await app.inject({ method: 'GET', url: '/api/requests?limit=1000', headers: urban })
    ).json();
    expect(requests.items.map((o: { id: string }) => o.id)).not.toContain(theirs.id);
    expect((await act(theirs.id, police, { action: 'accept' })).statusCode).toBe(200);
  });

  it('answers an action the state does not allow with 409, and a missing note with 400', async () => {
    const r = await submit('streetlight-out', MINGYUE_GRID_1, 500);
    expect((await act(r.id, urban, { action: 'resolve', note: '已修' })).statusCode).toBe(409);
    expect((await act(r.id, urban, { action: 'return' })).statusCode).toBe(400);
    expect((await act(r.id, urban, { action: 'fly' })).statusCode).toBe(400);
    const accepted = await act(r.id, urban, { action: 'accept' });
    expect(accepted.json()).toMatchObject({ status: 'accepted' });
    const order = (
      await app.inject({ method: 'GET', url: `/api/workorders/${r.id}`, headers: urban })
    ).json();
    expect(order.history.map((h: { action: string }) => h.action)).toEqual(['submit', 'dispatch', 'accept']);
  });

  it('uploads photos with type and size limits', async () => {
    const r = await submit('exposed-rubbish', MINGYUE_GRID_1, -500);
    const upload = (body: Buffer, type: string) =>
      app.inject({
        method: 'POST',
        url: `/api/requests/${r.id}/photos`,
        headers: { ...gateway, 'content-type': type },
        payload: body,
      });
    const ok = await upload(PNG, 'image/png');
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ seq: 1, contentType: 'image/png' });
    const gif = await upload(Buffer.from('GIF89a'), 'image/gif');
    expect(gif.statusCode).toBe(400);
    expect(gif.json().message).toMatch(/PNG, JPEG or WebP/);
    const big = Buffer.alloc(PHOTO_MAX_BYTES + 1);
    PNG.copy(big);
    const tooBig = await upload(big, 'image/png');
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().message).toMatch(/at most 5 MB/);
    expect((await upload(Buffer.alloc(2 * PHOTO_MAX_BYTES + 1), 'image/png')).statusCode).toBe(413);
    const photo = await app.inject({
      method: 'GET',
      url: `/api/requests/${r.id}/photos/1`,
      headers: operator,
    });
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.rawPayload).toEqual(PNG);
  });

  it('takes the reporter’s rating through the SMS link without a token', async () => {
    const r = await submit('dead-animal', MINGYUE_GRID_1, 900);
    await act(r.id, urban, { action: 'accept' });
    await act(r.id, urban, { action: 'resolve', note: '已清理' });
    const outbox = (
      await app.inject({ method: 'GET', url: `/api/governance/outbox?requestId=${r.id}`, headers: operator })
    ).json();
    const link = outbox.messages.find((m: { kind: string }) => m.kind === 'visit_link');
    expect(link.recipient).toBe('138****5678');
    expect(link.body).toMatch(/\/visit\/…/);
    // The link itself goes only to the reporter: read it where the SMS gateway would.
    const [sms] = await t.db.query<{ body: string }>(
      "SELECT body FROM gov_outbox WHERE request_id = $1 AND kind = 'visit_link'",
      [r.id],
    );
    const token = sms!.body.match(/\/visit\/([\w-]+)/)![1];
    const rated = await app.inject({ method: 'POST', url: `/api/visits/${token}`, payload: { rating: 5 } });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json()).toMatchObject({ requestId: r.id, reopened: false });
  });

  it('serves the catalogue, agencies, supervision and statistics, and documents them', async () => {
    const get = (url: string, headers: Headers = operator) => app.inject({ method: 'GET', url, headers });
    expect((await app.inject({ method: 'GET', url: '/api/governance/categories' })).statusCode).toBe(401);
    expect((await get('/api/governance/categories')).json().categories.length).toBeGreaterThanOrEqual(70);
    expect((await get('/api/governance/agencies/urban-management')).json().zones.length).toBeGreaterThan(0);
    const zones = (await get('/api/governance/agencies/water/zones')).json();
    expect(zones).toMatchObject({
      type: 'FeatureCollection',
      features: [{ properties: { zone_id: expect.any(String) } }, expect.anything()],
    });
    expect((await get('/api/supervision')).statusCode).toBe(200);
    const volumes = (await get('/api/governance/stats/volumes?by=category')).json();
    expect(volumes.rows[0]).toMatchObject({ key: expect.any(String), count: expect.any(Number) });
    expect((await get('/api/governance/stats/on-time')).json().total.agency).toBe('*');
    expect((await get('/api/governance/stats/hotspots?limit=3')).json().rows.length).toBeGreaterThan(0);
    expect((await get('/api/governance/stats/satisfaction')).json().rows[0]).toMatchObject({ visits: 1 });
    const docs = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(docs.paths)).toEqual(
      expect.arrayContaining([
        '/api/requests',
        '/api/workorders/{id}/actions',
        '/api/governance/stats/volumes',
      ]),
    );
  });

  it('serves the page the SMS links to: a rating form that works once', async () => {
    const smsLink = async (north: number) => {
      const r = await submit('dead-animal', MINGYUE_GRID_1, north);
      await act(r.id, urban, { action: 'accept' });
      await act(r.id, urban, { action: 'resolve', note: '已清理' });
      const [sms] = await t.db.query<{ recipient: string; body: string }>(
        "SELECT recipient, body FROM gov_outbox WHERE request_id = $1 AND kind = 'visit_link' AND channel = 'sms'",
        [r.id],
      );
      expect(sms!.recipient).toBe('13812345678');
      expect(sms!.body).toMatch(/请为处理结果评分（1-5分）：http:\/\/[^/]+\/visit\/[\w-]+$/);
      return { id: r.id, path: new URL(sms!.body.slice(sms!.body.indexOf('http'))).pathname };
    };
    const form = (path: string, fields: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
      });
    const { id, path } = await smsLink(1500);
    for (let i = 0; i < 2; i++) {
      // Opening the page (a phone's link preview, say) does not use the link up.
      const page = await app.inject({ method: 'GET', url: path });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain(`#${id}`);
      expect(page.body).toContain('name="rating" value="1"');
    }
    const missing = await form(path, { comment: '还行' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('name="rating"');
    const rated = await form(path, { rating: '2', comment: '还是有异味' });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.body).toContain('重新办理');
    const order = (
      await app.inject({ method: 'GET', url: `/api/workorders/${id}`, headers: operator })
    ).json();
    expect(order).toMatchObject({ status: 'dispatched', agency: 'urban-management' });
    expect(order.history.at(-1).note).toMatch(/rated 2\/5: 还是有异味/);
    expect((await app.inject({ method: 'GET', url: path })).statusCode).toBe(404);
    expect((await form(path, { rating: '5' })).statusCode).toBe(404);
  });
});

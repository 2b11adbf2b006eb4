// Open311 GeoReport v2 against the spec's field lists: every endpoint in JSON and XML, the error
// shapes, form-encoded POST with attributes, api_key 403s, paging, date filters and the 90-day rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import { systemCtx } from '../../foundation/access/context.ts';
import { importAreas } from '../../foundation/areas/import.ts';
import { tiling, writeFixture, X0, Y0 } from '../../foundation/areas/testing.ts';
import { createTestApp, type TestApp } from '../../server/testing.ts';
import { transitionWorkOrder } from '../workorders/transitions.ts';
import { createApiKey } from './apikeys.ts';

const SERVICE_FIELDS = [
  'service_code',
  'service_name',
  'description',
  'metadata',
  'type',
  'keywords',
  'group',
];
const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
];
const W3 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/;

describe(`Open311 GeoReport v2 (${testEngine})`, () => {
  let t: TestDb;
  let api: TestApp;
  let key: string;
  const form = (fields: Record<string, string>) => ({
    method: 'POST' as const,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    payload: new URLSearchParams(fields).toString(),
  });
  const point = { lat: String(Y0 + 0.005), long: String(X0 + 0.005) };

  beforeAll(async () => {
    t = await createTestDb();
    const ctx = systemCtx(t.db);
    const areas = await importAreas(ctx, writeFixture('areas.geojson', tiling()));
    expect(areas.status).toBe('succeeded');
    key = (await createApiKey(ctx, 'test client')).key;
    api = await createTestApp(t.db);
  });
  afterAll(async () => {
    await api?.app.close();
    await t?.destroy();
  });

  it('discovery in both formats', async () => {
    const json = await api.app.inject({ url: '/open311/v2/discovery.json' });
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = json.json();
    for (const field of ['changeset', 'contact', 'key_service', 'endpoints'])
      expect(body).toHaveProperty(field);
    expect(body.endpoints[0]).toMatchObject({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      type: 'production',
      formats: ['application/json', 'text/xml'],
    });
    const xml = await api.app.inject({ url: '/open311/v2/discovery.xml' });
    expect(xml.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(xml.body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<discovery>/);
    expect(xml.body).toContain('<formats>\n        <format>application/json</format>');
    expect(body.changeset).not.toMatch(/^1970/);
  });

  it('services: a bare array of the spec fields, codes as strings; XML <services><service>', async () => {
    const res = await api.app.inject({ url: '/open311/v2/services.json' });
    expect(res.statusCode).toBe(200);
    const list = res.json();
    expect(Array.isArray(list)).toBe(true);
    expect(list.length).toBeGreaterThan(50);
    for (const s of list) {
      expect(Object.keys(s).sort()).toEqual([...SERVICE_FIELDS].sort());
      expect(typeof s.service_code).toBe('string');
      expect(['realtime', 'batch', 'blackbox']).toContain(s.type);
    }
    expect(list.find((s: { service_code: string }) => s.service_code === 'street-vending').service_name).toBe(
      '占道经营',
    );
    const xml = await api.app.inject({ url: '/open311/v2/services.xml' });
    expect(xml.body).toContain('<services>\n  <service>\n    <service_code>');
    expect(xml.body.match(/<service>/g)?.length).toBe(list.length);
  });

  it('service definition with its attribute; unknown code is a 404 in the spec shape', async () => {
    const res = await api.app.inject({ url: '/open311/v2/services/street-vending.json' });
    expect(res.statusCode).toBe(200);
    const def = res.json();
    expect(def.service_code).toBe('street-vending');
    expect(def.attributes[0]).toMatchObject({
      variable: true,
      code: 'urgent',
      datatype: 'singlevaluelist',
      order: 1,
    });
    expect(def.attributes[0].values).toEqual([
      { key: 'false', name: '否 No' },
      { key: 'true', name: '是 Yes' },
    ]);
    const xml = await api.app.inject({ url: '/open311/v2/services/street-vending.xml' });
    expect(xml.body).toContain('<service_definition>');
    expect(xml.body).toContain('<attributes>\n    <attribute>');
    expect(xml.body).toContain('<values>\n        <value>\n          <key>false</key>');
    const missing = await api.app.inject({ url: '/open311/v2/services/no-such.json' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual([{ code: 404, description: 'service_code no-such not found' }]);
    const missingXml = await api.app.inject({ url: '/open311/v2/services/no-such.xml' });
    expect(missingXml.statusCode).toBe(404);
    expect(missingXml.body).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<errors>\n  <error>\n    <code>404</code>\n    <description>service_code no-such not found</description>\n  </error>\n</errors>\n',
    );
  });

  it('POST needs an api_key: 403 without one and with a wrong one', async () => {
    const fields = { service_code: 'street-vending', ...point, description: '路边有人摆摊卖水果' };
    const none = await api.app.inject({ url: '/open311/v2/requests.json', ...form(fields) });
    expect(none.statusCode).toBe(403);
    expect(none.json()[0].code).toBe(403);
    const wrong = await api.app.inject({
      url: '/open311/v2/requests.xml',
      ...form({ ...fields, api_key: 'o311_nope' }),
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.body).toContain('<code>403</code>');
    expect(wrong.body).toContain("Invalid api_key received -- can't proceed with create_request.");
  });

  it('form POST creates a request (id as a string, notice, account_id) and GET reads it back without personal data', async () => {
    const res = await api.app.inject({
      url: '/open311/v2/requests.json',
      ...form({
        api_key: key,
        service_code: 'street-vending',
        ...point,
        description: '路边有人摆摊卖水果，占了人行道，我的电话13812345678',
        first_name: '伟',
        last_name: '李',
        phone: '13812345678',
        email: 'li.wei@example.com',
        account_id: 'acct-7',
        'attribute[urgent]': 'false',
      }),
    });
    expect(res.statusCode).toBe(200);
    const [created] = res.json();
    expect(Object.keys(created).sort()).toEqual(['account_id', 'service_notice', 'service_request_id']);
    expect(created.service_request_id).toMatch(/^\d+$/);
    expect(created.account_id).toBe('acct-7');
    expect(created.service_notice).toContain('10分钟内响应');

    const one = await api.app.inject({ url: `/open311/v2/requests/${created.service_request_id}.json` });
    expect(one.statusCode).toBe(200);
    const [request] = one.json();
    expect(Object.keys(request).sort()).toEqual([...REQUEST_FIELDS].sort());
    expect(request).toMatchObject({
      service_request_id: created.service_request_id,
      status: 'open',
      service_code: 'street-vending',
      service_name: '占道经营',
      lat: Y0 + 0.005,
      long: X0 + 0.005,
    });
    for (const field of ['requested_datetime', 'updated_datetime', 'expected_datetime'])
      expect(request[field]).toMatch(W3);
    const text = one.body;
    for (const secret of ['13812345678', '李伟', 'li.wei@example.com', 'acct-7'])
      expect(text).not.toContain(secret);
    expect(request.description).toContain('138****5678');

    const xml = await api.app.inject({ url: `/open311/v2/requests/${created.service_request_id}.xml` });
    expect(xml.body).toContain(
      `<service_requests>\n  <request>\n    <service_request_id>${created.service_request_id}</service_request_id>`,
    );
    expect(xml.body).toContain('<zipcode></zipcode>');
    expect(xml.body).not.toContain('13812345678');
  });

  it('POST errors: no service_code, unknown service_code, no location, bad attribute, outside the district', async () => {
    const post = (fields: Record<string, string>) =>
      api.app.inject({ url: '/open311/v2/requests.json', ...form({ api_key: key, ...fields }) });
    const noCode = await post({ ...point });
    expect(noCode.statusCode).toBe(400);
    expect(noCode.json()[0].description).toContain('service_code');
    expect((await post({ service_code: 'nope', ...point })).statusCode).toBe(404);
    const noPlace = await post({ service_code: 'street-vending' });
    expect(noPlace.statusCode).toBe(400);
    expect(noPlace.json()[0].description).toContain('location');
    const attr = await post({ service_code: 'street-vending', ...point, 'attribute[colour]': 'red' });
    expect(attr.statusCode).toBe(400);
    expect(attr.json()[0].description).toContain('colour');
    const outside = await post({ service_code: 'street-vending', lat: '22.0', long: '113.0' });
    expect(outside.statusCode).toBe(400);
    expect(outside.json()[0].code).toBe(400);
    const unknownFormat = await api.app.inject({ url: '/open311/v2/services.html' });
    expect(unknownFormat.statusCode).toBe(404);
  });

  it('a token tracks a request; unknown tokens are 404', async () => {
    const res = await api.app.inject({
      url: '/open311/v2/requests.xml',
      ...form({ api_key: key, service_code: 'overflowing-bins', ...point, extensions: 'true' }),
    });
    expect(res.statusCode).toBe(200);
    const token = /<token>([^<]+)<\/token>/.exec(res.body)![1]!;
    const id = /<service_request_id>(\d+)<\/service_request_id>/.exec(res.body)![1]!;
    const json = await api.app.inject({ url: `/open311/v2/tokens/${token}.json` });
    expect(json.json()).toEqual([{ service_request_id: id, token }]);
    const xml = await api.app.inject({ url: `/open311/v2/tokens/${token}.xml` });
    expect(xml.body).toContain(
      `<request>\n    <service_request_id>${id}</service_request_id>\n    <token>${token}</token>`,
    );
    expect((await api.app.inject({ url: '/open311/v2/tokens/nope.json' })).statusCode).toBe(404);
  });

  it('GET requests: ids override filters, codes, status, dates, paging, extensions', async () => {
    for (let i = 0; i < 5; i++)
      await api.app.inject({
        method: 'POST',
        url: '/open311/v2/requests.json',
        payload: {
          api_key: key,
          service_code: 'noise-nuisance',
          lat: Y0 + 0.03 + i * 0.001,
          long: X0 + 0.03,
          description: `楼上噪音${i}`,
        },
      });
    const all = (await api.app.inject({ url: '/open311/v2/requests.json' })).json();
    expect(all.length).toBe(7);
    const noise = (
      await api.app.inject({ url: '/open311/v2/requests.json?service_code=noise-nuisance,street-vending' })
    ).json();
    expect(noise.length).toBe(6);
    const page = await api.app.inject({
      url: '/open311/v2/requests.json?service_code=noise-nuisance&page=2&page_size=2',
    });
    expect(page.json().length).toBe(2);
    expect(page.headers['x-total-count']).toBe('5');
    const ids = all.slice(0, 2).map((r: { service_request_id: string }) => r.service_request_id);
    const byId = (
      await api.app.inject({
        url: `/open311/v2/requests.json?service_request_id=${ids.join(',')}&service_code=nope&status=closed`,
      })
    ).json();
    expect(byId.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual(
      [...ids].sort(),
    );
    expect((await api.app.inject({ url: '/open311/v2/requests.json?status=closed' })).json()).toEqual([]);
    expect((await api.app.inject({ url: '/open311/v2/requests.json?status=open' })).json().length).toBe(7);
    const past = (
      await api.app.inject({
        url: '/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z',
      })
    ).json();
    expect(past).toEqual([]);
    const since = new Date(Date.now() - 3_600_000).toISOString();
    expect(
      (await api.app.inject({ url: `/open311/v2/requests.json?start_date=${since}` })).json().length,
    ).toBe(7);
    const wide = await api.app.inject({
      url: '/open311/v2/requests.xml?start_date=2020-01-01T00:00:00Z&end_date=2020-06-01T00:00:00Z',
    });
    expect(wide.statusCode).toBe(400);
    expect(wide.body).toContain('90 days');
    const noZone = await api.app.inject({ url: '/open311/v2/requests.json?start_date=2020-01-01T00:00:00' });
    expect(noZone.statusCode).toBe(400);
    const vending = all.find(
      (r: { service_code: string }) => r.service_code === 'street-vending',
    ).service_request_id;
    const ext = (
      await api.app.inject({ url: `/open311/v2/requests.json?service_request_id=${vending}&extensions=true` })
    ).json()[0];
    expect(ext.extended_attributes).toMatchObject({ channel: 'open311' });
    expect(ext.notes.length).toBeGreaterThan(0);
    expect(ext.notes[0]).toEqual({
      datetime: expect.stringMatching(W3),
      description: expect.any(String),
      type: expect.any(String),
    });
    const extXml = await api.app.inject({
      url: `/open311/v2/requests.xml?service_request_id=${vending}&extensions=true`,
    });
    expect(extXml.body).toContain('<notes>\n      <note>');
    expect((await api.app.inject({ url: '/open311/v2/requests.json?page_size=5000' })).statusCode).toBe(400);
    expect((await api.app.inject({ url: '/open311/v2/requests/999999.json' })).statusCode).toBe(404);
  });

  it('a reporter who left a phone gets the SMS with the rating link when the request resolves', async () => {
    const res = await api.app.inject({
      url: '/open311/v2/requests.json',
      ...form({ api_key: key, service_code: 'dead-animal', ...point, phone: '13900001111' }),
    });
    const id = res.json()[0].service_request_id as string;
    const ctx = systemCtx(t.db);
    await transitionWorkOrder(ctx, id, 'accept');
    await transitionWorkOrder(ctx, id, 'resolve', '已清理');
    const sms = await t.db.query<{ recipient: string; body: string }>(
      "SELECT recipient, body FROM gov_outbox WHERE request_id = $1 AND channel = 'sms' AND kind = 'visit_link'",
      [id],
    );
    expect(sms).toEqual([
      { recipient: '13900001111', body: expect.stringMatching(/（1-5分）：http\S+\/visit\/[\w-]+$/) },
    ]);
    const [shown] = (await api.app.inject({ url: `/open311/v2/requests/${id}.json` })).json();
    expect(shown.status).toBe('closed');
  });

  it('GET requests counts up to 1,000 matches and estimates beyond (x-total-count-estimated)', async () => {
    // 1,200 old reports, one a minute from 2020-01-01 00:01Z (an import of history, say).
    await t.db.query(
      `INSERT INTO gov_requests (district_id, id, channel, status, description, lng, lat, grid_id,
              location_source, submitted_by, submitted_at)
       SELECT 'D', nextval('gov_request_ids'), 'hotline_12345', 'closed', '旧诉求', 114.05, 22.54, 'G', 'point',
              'import', timestamptz '2020-01-01T00:00:00Z' + g * interval '1 minute'
         FROM generate_series(1, 1200) g`,
    );
    const list = (query: string) =>
      api.app.inject({ url: `/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&${query}` });
    const first = await list('end_date=2020-02-01T00:00:00Z&page_size=100');
    expect(first.json()).toHaveLength(100);
    expect(first.headers['x-total-count-estimated']).toBe('true');
    expect(Number(first.headers['x-total-count'])).toBeGreaterThan(1000);
    // A page that runs short has counted them all.
    const last = await list('end_date=2020-02-01T00:00:00Z&page_size=1000&page=2');
    expect(last.json()).toHaveLength(200);
    expect(last.headers['x-total-count']).toBe('1200');
    expect(last.headers['x-total-count-estimated']).toBeUndefined();
    // Up to 1,000 matches the count is exact (the first 500 minutes).
    const some = await list('end_date=2020-01-01T08:20:30Z&page_size=10');
    expect(some.json()).toHaveLength(10);
    expect(some.headers['x-total-count']).toBe('500');
    expect(some.headers['x-total-count-estimated']).toBeUndefined();
    expect((await list('end_date=2020-02-01T00:00:00Z&status=open')).headers['x-total-count']).toBe('0');
  });
});

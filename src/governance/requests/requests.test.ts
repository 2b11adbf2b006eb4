import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import type { Ctx } from '../../foundation/access/context.ts';
import { listAccessLog } from '../../foundation/access/masking.ts';
import { importAddresses } from '../../foundation/address/import.ts';
import { addressCsv, buildingRow, roomRow, writeTestFile } from '../../foundation/address/testing.ts';
import {
  actAs,
  FUBAO,
  FUTIAN,
  MINGYUE,
  MINGYUE_GRID_1,
  MINGYUE_GRID_2,
  near,
  POINTS,
  report,
  seedGovernance,
  XINSHA_GRID,
} from '../testing.ts';
import { getWorkOrder } from '../workorders/read.ts';
import { classifyServiceRequest } from './classify.ts';
import type { NewServiceRequest } from './model.ts';
import {
  addRequestPhoto,
  getRequestPhoto,
  listRequestPhotos,
  PHOTO_MAX_BYTES,
  PHOTOS_PER_REQUEST,
} from './photos.ts';
import { getServiceRequest, listServiceRequests } from './read.ts';
import { submitServiceRequest } from './submit.ts';

const PNG = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
]);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]);
const GIF = new TextEncoder().encode('GIF89a\x01\x00\x01\x00');

describe(`service requests on ${testEngine}`, () => {
  let t: TestDb;
  let admin: Ctx;
  let app: Ctx;

  beforeAll(async () => {
    t = await createTestDb();
    admin = await seedGovernance(t.db);
    const tower = buildingRow('GOV-NF-B', MINGYUE_GRID_1, { estate: '南方国际广场', building: 'B座' });
    await importAddresses(
      admin,
      writeTestFile(addressCsv([tower, roomRow('GOV-NF-B-2301', tower, '23', '2301')])),
    );
    app = await actAs(t.db, 'external_consumer', { kind: 'district', id: '*' }, 'wechat-gateway');
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('places a point in its grid and keeps the channel and the reporter (masked)', async () => {
    const r = await submitServiceRequest(
      app,
      report('street-vending', MINGYUE_GRID_2, { channel: 'wechat' }),
    );
    expect(r).toMatchObject({
      channel: 'wechat',
      status: 'open',
      category: 'street-vending',
      categoryName: '占道经营',
      reporterName: '张*',
      reporterPhone: '138****5678',
      location: {
        source: 'point',
        districtId: FUTIAN,
        subdistrictId: FUBAO,
        communityId: MINGYUE,
        gridId: MINGYUE_GRID_2,
        address: null,
        conflictM: null,
      },
      workOrder: { status: 'dispatched', agency: 'urban-management' },
    });
    expect(r.expectedAt).toBe(r.workOrder!.resolveDueAt);
    // The answer, built from what the submission had at hand, is what a later read returns.
    expect(await getServiceRequest(admin, r.id)).toEqual(r);
  });

  it('places a free-text address through the matcher', async () => {
    const r = await submitServiceRequest(app, {
      channel: 'hotline_12345',
      description: '楼下有人占道摆摊',
      category: 'street-vending',
      address: '益田路3013号南方国际广场B座2301',
    });
    const [lng, lat] = POINTS[MINGYUE_GRID_1];
    expect(r.location).toMatchObject({
      source: 'address',
      lng,
      lat,
      gridId: MINGYUE_GRID_1,
      address: { addressId: 'GOV-NF-B-2301', match: 'matched' },
      conflictM: null,
    });
  });

  it('flags a point far from the matched address, and keeps the point', async () => {
    const [lng, lat] = POINTS[XINSHA_GRID];
    const r = await submitServiceRequest(app, {
      channel: 'app',
      description: '路灯不亮',
      category: 'streetlight-out',
      address: '益田路3013号南方国际广场B座',
      lng,
      lat,
    });
    expect(r.location.source).toBe('point_and_address');
    expect(r.location.gridId).toBe(XINSHA_GRID);
    expect(r.location.conflictM).toBeGreaterThan(2_000);
    const near = await submitServiceRequest(app, {
      channel: 'app',
      description: '井盖破损',
      category: 'manhole-damaged',
      address: '益田路3013号南方国际广场B座',
      ...{ lng: POINTS[MINGYUE_GRID_1][0] + 0.001, lat: POINTS[MINGYUE_GRID_1][1] },
    });
    expect(near.location.conflictM).toBeNull();
  });

  it('refuses a place outside the district, or an address it cannot place, with a clear 400', async () => {
    await expect(
      submitServiceRequest(app, {
        channel: 'app',
        description: '香港的问题',
        category: 'exposed-rubbish',
        lng: 114.17,
        lat: 22.3,
      }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/outside the district/),
    });
    await expect(
      submitServiceRequest(app, {
        channel: 'app',
        description: '某处',
        category: 'exposed-rubbish',
        address: '火星路1号',
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/could not be placed/) });
    await expect(
      submitServiceRequest(app, { channel: 'app', description: '没有位置' } as never),
    ).rejects.toMatchObject({ code: 'invalid_input', problems: [{ field: 'address' }] });
    await expect(submitServiceRequest(app, report('no-such-category', MINGYUE_GRID_1))).rejects.toMatchObject(
      { code: 'invalid_input', problems: [{ field: 'category' }] },
    );
  });

  it('queues a request without a category for triage, then dispatches it once classified', async () => {
    const r = await submitServiceRequest(
      app,
      report(null, MINGYUE_GRID_2, { channel: 'hotline_12345', description: '门口的井盖不见了' }),
    );
    expect(r).toMatchObject({ status: 'triage', category: null, workOrder: null });
    expect(await getServiceRequest(admin, r.id)).toEqual(r);
    const queue = await listServiceRequests(admin, { status: ['triage'] });
    expect(queue.items.map((i) => i.id)).toContain(r.id);
    const operator = await actAs(t.db, 'operator', { kind: 'district', id: '*' });
    const classified = await classifyServiceRequest(operator, r.id, { category: 'manhole-missing' });
    expect(classified).toMatchObject({
      status: 'open',
      category: 'manhole-missing',
      classification: { by: 'operator' },
      urgent: true,
      workOrder: { status: 'dispatched', agency: 'urban-management' },
    });
    await expect(
      classifyServiceRequest(operator, r.id, { category: 'exposed-rubbish' }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('re-dispatches a returned order under its new category', async () => {
    const r = await submitServiceRequest(
      app,
      report('noise-nuisance', XINSHA_GRID, { description: '工地夜间打桩' }),
    );
    const police = await actAs(t.db, 'agency_handler', { kind: 'agency', id: 'police' });
    const { transitionWorkOrder } = await import('../workorders/transitions.ts');
    await transitionWorkOrder(police, r.id, 'return', '施工噪音不归公安');
    const classified = await classifyServiceRequest(admin, r.id, { category: 'construction-noise' });
    expect(classified.workOrder).toMatchObject({ status: 'dispatched', agency: 'environment' });
    const history = (await getWorkOrder(admin, r.id)).history.map((h) => h.action);
    expect(history).toEqual(['submit', 'dispatch', 'return', 'dispatch']);
  });

  it('answers a repeated external id with the first request', async () => {
    const input = report('exposed-rubbish', FUBAO_POINT(), { channel: 'open311', externalId: 'client-42' });
    const first = await submitServiceRequest(app, input);
    const again = await submitServiceRequest(app, input);
    expect(again.id).toBe(first.id);
    expect((await listServiceRequests(admin, { channel: ['open311'] })).total).toBe(1);
  });

  it('shows the reporter in clear only with a reason, and logs the read', async () => {
    const r = await submitServiceRequest(app, report('dogs', MINGYUE_GRID_2));
    expect((await getServiceRequest(admin, r.id)).reporterPhone).toBe('138****5678');
    await expect(getServiceRequest(admin, r.id, { fields: ['reporterPhone'] })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    const clear = await getServiceRequest(admin, r.id, { fields: ['reporterPhone'], reason: '回访核实' });
    expect(clear).toMatchObject({ reporterPhone: '13812345678', reporterName: '张*' });
    expect(await listAccessLog(admin, { subjectKind: 'service_request', subjectId: r.id })).toMatchObject([
      { fields: ['reporterPhone'], reason: '回访核实' },
    ]);
  });

  it('keeps an area-scoped reporter to its area', async () => {
    const worker = await actAs(t.db, 'grid_worker', { kind: 'grid', id: MINGYUE_GRID_1 });
    const own = await submitServiceRequest(
      worker,
      report('random-piling', MINGYUE_GRID_1, { channel: 'grid_patrol' }),
    );
    expect(own.channel).toBe('grid_patrol');
    await expect(submitServiceRequest(worker, report('random-piling', XINSHA_GRID))).rejects.toMatchObject({
      code: 'forbidden',
    });
    const seen = await listServiceRequests(worker, { limit: 1000 });
    expect(seen.items.every((i) => i.location.gridId === MINGYUE_GRID_1)).toBe(true);
    expect(seen.items.map((i) => i.id)).toContain(own.id);
  });

  it('filters lists by category, channel, area and time', async () => {
    const all = await listServiceRequests(admin, { limit: 1000 });
    expect(all.total).toBe(all.items.length);
    const hotline = await listServiceRequests(admin, { channel: ['hotline_12345'] });
    expect(hotline.items.every((i) => i.channel === 'hotline_12345')).toBe(true);
    const inXinsha = await listServiceRequests(admin, { area: XINSHA_GRID });
    expect(inXinsha.total).toBeGreaterThan(0);
    expect(inXinsha.items.every((i) => i.location.gridId === XINSHA_GRID)).toBe(true);
    const future = await listServiceRequests(admin, { from: new Date(Date.now() + 3_600_000).toISOString() });
    expect(future.total).toBe(0);
    await expect(listServiceRequests(admin, { status: ['nonsense' as never] })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });

  it('stores photos of the allowed types and sizes', async () => {
    const r = await submitServiceRequest(app, report('exposed-rubbish', MINGYUE_GRID_1));
    const photo = await addRequestPhoto(app, r.id, { contentType: 'image/png', bytes: PNG });
    expect(photo).toMatchObject({ seq: 1, contentType: 'image/png', sizeBytes: PNG.length });
    expect(Buffer.from((await getRequestPhoto(admin, r.id, 1)).bytes)).toEqual(Buffer.from(PNG));
    await expect(addRequestPhoto(app, r.id, { contentType: 'image/gif', bytes: GIF })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/PNG, JPEG or WebP/),
    });
    await expect(addRequestPhoto(app, r.id, { contentType: 'image/png', bytes: JPEG })).rejects.toMatchObject(
      {
        code: 'invalid_input',
        message: expect.stringMatching(/is image\/jpeg, not image\/png/),
      },
    );
    const big = new Uint8Array(PHOTO_MAX_BYTES + 1);
    big.set(JPEG);
    await expect(addRequestPhoto(app, r.id, { contentType: 'image/jpeg', bytes: big })).rejects.toMatchObject(
      {
        code: 'invalid_input',
        message: expect.stringMatching(/at most 5 MB/),
      },
    );
    const atLimit = big.subarray(0, PHOTO_MAX_BYTES);
    expect((await addRequestPhoto(app, r.id, { contentType: 'image/jpeg', bytes: atLimit })).sizeBytes).toBe(
      PHOTO_MAX_BYTES,
    );
    for (let i = 2; i < PHOTOS_PER_REQUEST; i++)
      await addRequestPhoto(app, r.id, { contentType: 'image/png', bytes: PNG });
    await expect(addRequestPhoto(app, r.id, { contentType: 'image/png', bytes: PNG })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await listRequestPhotos(admin, r.id)).toHaveLength(PHOTOS_PER_REQUEST);
    expect((await getServiceRequest(admin, r.id)).photos).toBe(PHOTOS_PER_REQUEST);
  });

  it('takes reports arriving together in shared statements, as if one after another', async () => {
    const since = new Date().toISOString();
    const at = (category: string, east: number, extra: Partial<NewServiceRequest> = {}) =>
      submitServiceRequest(
        app,
        report(category, FUBAO_POINT(), { ...near(FUBAO_POINT(), east, 40), ...extra }),
      );
    // The first runs alone; the rest arrive while it runs and share the next statements, except a
    // report that could be a duplicate of one in the same statement: it waits for the next one.
    const [, tree, sameTree, ...others] = await Promise.all([
      at('pests', 0),
      at('fallen-tree', 0),
      at('fallen-tree', 60),
      at('smoking', 0),
      at('homeless', 0),
      at('elevator-fault', 0),
      at('food-safety', 0, { channel: 'hotline_12345', externalId: 'call-7' }),
      at('food-safety', 0, { channel: 'hotline_12345', externalId: 'call-7' }),
    ]);
    expect(sameTree!.duplicateOf).toBe(tree!.id);
    expect(sameTree!.workOrder?.agency).toBe(tree!.workOrder?.agency);
    const [call, callAgain] = others.slice(-2);
    expect(callAgain!.id).toBe(call!.id);
    const ids = [tree!.id, sameTree!.id, ...others.slice(0, -1).map((r) => r.id)];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect((await getServiceRequest(admin, id)).workOrder?.status).toBe('dispatched');
    const steps = async (id: string) => (await getWorkOrder(admin, id)).history.map((h) => h.action);
    expect(await steps(tree!.id)).toEqual(['submit', 'dispatch', 'duplicate']);
    for (const r of others) expect(await steps(r.id)).toEqual(['submit', 'dispatch']);

    // A bounded count: exact while few match, the planner's estimate (at least one more) beyond.
    const filter = { area: FUBAO_POINT(), from: since };
    expect(await listServiceRequests(admin, { ...filter, limit: 100 })).toMatchObject({ total: 7 });
    expect((await listServiceRequests(admin, { ...filter, limit: 2 }, { exactTotalUpTo: 10 })).total).toBe(7);
    const estimated = await listServiceRequests(admin, { ...filter, limit: 2 }, { exactTotalUpTo: 3 });
    expect(estimated.totalEstimated).toBe(true);
    expect(estimated.total).toBeGreaterThanOrEqual(4);
    expect(estimated.items).toHaveLength(2);
    const farPage = await listServiceRequests(
      admin,
      { ...filter, limit: 2, offset: 4 },
      { exactTotalUpTo: 3 },
    );
    expect(farPage).toMatchObject({ totalEstimated: true, items: [expect.anything(), expect.anything()] });
    expect(farPage.total).toBeGreaterThanOrEqual(6);
    expect(
      await listServiceRequests(admin, { ...filter, limit: 2, offset: 6 }, { exactTotalUpTo: 3 }),
    ).toMatchObject({ total: 7 });
  });
});

/** A grid key of the fixture in 福保 far from the other tests' reports. */
function FUBAO_POINT(): keyof typeof POINTS {
  return '44030401000201';
}

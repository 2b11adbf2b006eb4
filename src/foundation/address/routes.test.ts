import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataVersion } from '../../db/data-versions.ts';
import type { Db } from '../../db/db.ts';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import type { App } from '../../server/app.ts';
import { createTestApp } from '../../server/testing.ts';
import { systemCtx } from '../access/context.ts';
import { importAddresses } from './import.ts';
import type { StandardAddress } from './schema.ts';
import {
  addressCsv,
  buildingRow,
  FUBAO_COMMUNITY,
  FUBAO_GRID,
  MINGYUE,
  MINGYUE_GRID_1,
  MINGYUE_GRID_2,
  POINTS,
  roomRow,
  seedAreas,
  writeTestFile,
  XINSHA,
  XINSHA_GRID,
} from './testing.ts';

type Headers = { authorization: string };

describe(`address routes on ${testEngine}`, () => {
  let t: TestDb;
  let db: Db;
  let app: App;
  let admin: Headers;
  let mingyueWorker: Headers;
  let analyst: Headers;

  beforeAll(async () => {
    t = await createTestDb();
    db = t.db;
    await seedAreas(db);
    const tower = buildingRow('API-T1', MINGYUE_GRID_1, { estate: '南方国际广场', building: 'B座' });
    const village = buildingRow('API-V1', XINSHA_GRID, {
      road: '石厦北二街',
      road_no: '5',
      estate: '',
      building: '',
      aliases: '石厦村5号',
    });
    const rows = [
      tower,
      // Out of order on purpose: the API orders rooms by floor, then room.
      roomRow('API-T1-2301', tower, '23', '2301'),
      roomRow('API-T1-301', tower, '3', '301'),
      roomRow('API-T1-12A01', tower, '12A', '12A01'),
      roomRow('API-T1-302', tower, '3', '302'),
      roomRow('API-T1-OWN', tower, '5', '501', {
        estate: '独立名称',
        lng: '114.015',
        lat: '22.51',
        grid_id: '',
      }),
      village,
      roomRow('API-V1-101', village, '1', '101'),
    ];
    const summary = await importAddresses(systemCtx(db), writeTestFile(addressCsv(rows)));
    expect(summary).toMatchObject({ inserted: 8, rejected: 0 });
    const testApp = await createTestApp(db);
    app = testApp.app;
    admin = await testApp.authAs('admin');
    mingyueWorker = await testApp.authAs('grid_worker', { kind: 'community', id: MINGYUE });
    analyst = await testApp.authAs('analyst');
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  const get = (url: string, headers?: Headers) => app.inject({ method: 'GET', url, headers });
  const patch = (id: string, payload: unknown, headers?: Headers) =>
    app.inject({ method: 'PATCH', url: `/api/addresses/${id}`, payload: payload as object, headers });

  it('requires a token', async () => {
    for (const url of ['/api/addresses', '/api/addresses/API-T1', '/api/addresses/API-T1/rooms'])
      expect((await get(url)).statusCode).toBe(401);
    expect((await patch('API-T1', { aliases: [] })).statusCode).toBe(401);
  });

  it('answers a building with its chain, room count and first rooms by floor', async () => {
    const response = await get('/api/addresses/API-T1', admin);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.address).toMatchObject({ addressId: 'API-T1', level: 'building', gridId: MINGYUE_GRID_1 });
    expect(body.chain).toEqual({
      district: { id: '440304', name: '福田区', level: 'district' },
      subdistrict: { id: '440304010', name: '福保街道', level: 'subdistrict' },
      community: { id: MINGYUE, name: '明月社区', level: 'community' },
      grid: { id: MINGYUE_GRID_1, name: '明月社区第01网格', level: 'grid' },
    });
    expect(body.rooms.total).toBe(5);
    expect(body.rooms.first.map((r: StandardAddress) => r.room)).toEqual([
      '301',
      '302',
      '501',
      '12A01',
      '2301',
    ]);
    expect(body.building).toBeUndefined();
  });

  it('answers a room with its building', async () => {
    const body = (await get('/api/addresses/API-T1-301', admin)).json();
    expect(body.address).toMatchObject({ level: 'room', parentId: 'API-T1', floor: '3' });
    expect(body.building).toMatchObject({ addressId: 'API-T1', estate: '南方国际广场' });
    expect(body.rooms).toBeUndefined();
    expect((await get('/api/addresses/NOPE', admin)).statusCode).toBe(404);
  });

  it("pages a building's rooms", async () => {
    const page = (await get('/api/addresses/API-T1/rooms?limit=2&offset=1', admin)).json();
    expect(page).toMatchObject({ total: 5, limit: 2, offset: 1 });
    expect(page.items.map((r: StandardAddress) => r.addressId)).toEqual(['API-T1-302', 'API-T1-OWN']);
    expect((await get('/api/addresses/API-T1-301/rooms', admin)).statusCode).toBe(400);
    expect((await get('/api/addresses/API-T1/rooms?limit=0', admin)).statusCode).toBe(400);
  });

  it('lists by area, level and text, and only within the reader scope', async () => {
    const ids = async (query: string, headers: Headers = admin) => {
      const response = await get(`/api/addresses${query}`, headers);
      expect(response.statusCode).toBe(200);
      return response.json().items.map((r: StandardAddress) => r.addressId);
    };
    expect(await ids(`?area=${XINSHA}`)).toEqual(['API-V1', 'API-V1-101']);
    expect(await ids(`?area=${MINGYUE}&level=building`)).toEqual(['API-T1']);
    expect(await ids('?q=石厦村')).toEqual(['API-V1', 'API-V1-101']);
    expect(await ids('?q=北二街&level=room')).toEqual(['API-V1-101']);
    expect(await ids('?q=b座&level=building')).toEqual(['API-T1']);
    expect(await ids('?q=100%25')).toEqual([]);
    const all = (await get('/api/addresses?limit=3', admin)).json();
    expect(all).toMatchObject({ total: 8, limit: 3, offset: 0 });
    // The scoped worker sees Mingyue only, whichever area it asks for.
    expect(await ids('', mingyueWorker)).toHaveLength(6);
    expect(await ids(`?area=${XINSHA}`, mingyueWorker)).toEqual([]);
    expect((await get('/api/addresses?area=NOPE', admin)).statusCode).toBe(404);
  });

  it('keeps a community-scoped user out of other communities', async () => {
    expect((await get('/api/addresses/API-T1', mingyueWorker)).statusCode).toBe(200);
    const read = await get('/api/addresses/API-V1', mingyueWorker);
    expect(read.statusCode).toBe(403);
    expect(read.json()).toMatchObject({ error: 'forbidden', requestId: expect.any(String) });
    expect((await get('/api/addresses/API-V1/rooms', mingyueWorker)).statusCode).toBe(403);
    expect((await patch('API-V1', { aliases: ['x'] }, mingyueWorker)).statusCode).toBe(403);
    // Nor may it move one of its own addresses into another community.
    const [lng, lat] = POINTS[XINSHA_GRID];
    expect((await patch('API-T1-302', { lng, lat }, mingyueWorker)).statusCode).toBe(403);
    expect((await get('/api/addresses/API-V1', analyst)).statusCode).toBe(200);
    expect((await patch('API-V1', { aliases: ['x'] }, analyst)).statusCode).toBe(403);
  });

  it('corrects names and aliases with an audit row and a new data version', async () => {
    const version = await dataVersion(db, 'addresses');
    const response = await patch(
      'API-V1',
      { aliases: [' 石厦村五号 ', '石厦村五号', ''], building: '5栋' },
      admin,
    );
    expect(response.statusCode).toBe(200);
    expect(response.json().address).toMatchObject({ aliases: ['石厦村五号'], building: '5栋' });
    expect(await dataVersion(db, 'addresses')).not.toBe(version);
    const [entry] = await db.query<{ detail: { changes: Record<string, unknown> } }>(
      "SELECT detail FROM audit_log WHERE action = 'address.update' AND entity_id = 'API-V1'",
    );
    expect(entry?.detail.changes).toMatchObject({
      building: { from: null, to: '5栋' },
      aliases: { from: ['石厦村5号'], to: ['石厦村五号'] },
    });
    // The room shared the building's old aliases and (empty) building name: it follows.
    const room = (await get('/api/addresses/API-V1-101', admin)).json().address;
    expect(room).toMatchObject({ aliases: ['石厦村五号'], building: '5栋' });
  });

  it('moves a building to a new point, re-deciding the grid, and its rooms that shared the point', async () => {
    const [lng, lat] = POINTS[MINGYUE_GRID_2];
    const response = await patch('API-T1', { lng, lat, estate: '南方国际' }, mingyueWorker);
    expect(response.statusCode).toBe(200);
    expect(response.json().address).toMatchObject({ gridId: MINGYUE_GRID_2, lng, lat, estate: '南方国际' });
    const room = (await get('/api/addresses/API-T1-301', admin)).json().address;
    expect(room).toMatchObject({ gridId: MINGYUE_GRID_2, estate: '南方国际' });
    // This room had its own name; it keeps it.
    const own = (await get('/api/addresses/API-T1-OWN', admin)).json().address;
    expect(own).toMatchObject({ estate: '独立名称' });

    const [fubaoLng, fubaoLat] = POINTS[FUBAO_GRID];
    const moved = await patch('API-T1-2301', { lng: fubaoLng, lat: fubaoLat }, admin);
    expect(moved.json().address).toMatchObject({ gridId: FUBAO_GRID, communityId: FUBAO_COMMUNITY });
  });

  it('rejects bad changes', async () => {
    expect((await patch('API-T1', {}, admin)).statusCode).toBe(400);
    expect((await patch('API-T1', { lng: 114.01 }, admin)).statusCode).toBe(400);
    expect((await patch('API-T1', { level: 'room' }, admin)).statusCode).toBe(400);
    const outside = await patch('API-T1', { lng: 100, lat: 30 }, admin);
    expect(outside.statusCode).toBe(400);
    expect(outside.json().message).toMatch(/outside every grid/);
    const [lng, lat] = POINTS['44030500100101'];
    expect((await patch('API-T1', { lng, lat }, admin)).json().message).toMatch(/南山区/);
    expect((await patch('NOPE', { aliases: [] }, admin)).statusCode).toBe(404);
  });

  it('is listed in the OpenAPI document', async () => {
    const spec = (await get('/docs/json')).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/addresses', '/api/addresses/{id}', '/api/addresses/{id}/rooms']),
    );
    expect(spec.paths['/api/addresses/{id}'].patch.summary).toMatch(/Correct an address/);
  });
});

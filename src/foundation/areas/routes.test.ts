import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import type { App } from '../../server/app.ts';
import { createTestApp } from '../../server/testing.ts';
import { systemCtx } from '../access/context.ts';
import { importAreas } from './import.ts';
import { IDS, rect, STEP, tiling, writeFixture, X0, Y0 } from './testing.ts';

describe(`area routes on ${testEngine}`, () => {
  let t: TestDb;
  let app: App;
  let admin: { authorization: string };
  let eastWorker: { authorization: string };
  let agency: { authorization: string };

  beforeAll(async () => {
    t = await createTestDb();
    await importAreas(systemCtx(t.db), writeFixture('futian.geojson', tiling()));
    // Two buildings with three rooms in the south-west grid, one building with one room in the north-east.
    const addresses: [string, string, string | null, string][] = [
      ['B1', 'building', null, IDS.westSouth],
      ['B1-101', 'room', 'B1', IDS.westSouth],
      ['B1-102', 'room', 'B1', IDS.westSouth],
      ['B2', 'building', null, IDS.westSouth],
      ['B2-201', 'room', 'B2', IDS.westSouth],
      ['B3', 'building', null, IDS.eastNorth],
      ['B3-301', 'room', 'B3', IDS.eastNorth],
    ];
    for (const [id, level, parent, grid] of addresses)
      await t.db.query(
        'INSERT INTO addresses (district_id, address_id, level, parent_id, grid_id) VALUES ($1, $2, $3, $4, $5)',
        [IDS.district, id, level, parent, grid],
      );
    const testApp = await createTestApp(t.db);
    app = testApp.app;
    admin = await testApp.authAs('admin');
    eastWorker = await testApp.authAs('grid_worker', { kind: 'community', id: IDS.east });
    agency = await testApp.authAs('agency_handler', { kind: 'agency', id: 'urban-management' });
  });
  afterAll(async () => {
    await app.close();
    await t.destroy();
  });

  const get = (url: string, headers: Record<string, string> = admin) =>
    app.inject({ method: 'GET', url, headers });

  it('requires a token', async () => {
    for (const url of [
      '/api/areas',
      `/api/areas/${IDS.west}`,
      `/api/locate?lng=${X0 + 0.005}&lat=${Y0 + 0.005}`,
    ]) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(401);
    }
  });

  it('lists areas with child and address counts, filtered by level and parent', async () => {
    const all = (await get('/api/areas')).json().areas;
    expect(all.map((a: { id: string }) => a.id)).toEqual(tiling().features.map((f) => f.properties.id));
    expect(all[0]).toMatchObject({
      id: IDS.district,
      childCount: 1,
      buildings: 3,
      rooms: 4,
      reference: false,
    });
    expect(all.find((a: { id: string }) => a.id === IDS.east)).toMatchObject({
      childCount: 2,
      buildings: 1,
      rooms: 1,
    });

    const grids = await get('/api/areas?level=grid');
    expect(grids.statusCode).toBe(200);
    expect(grids.json().areas).toEqual([
      {
        id: IDS.westSouth,
        name: '明月社区第01网格',
        level: 'grid',
        parentId: IDS.west,
        reference: false,
        areaM2: expect.any(Number),
        childCount: 0,
        buildings: 2,
        rooms: 3,
      },
      expect.objectContaining({ id: IDS.westNorth, buildings: 0, rooms: 0 }),
      expect.objectContaining({ id: IDS.eastSouth, buildings: 0, rooms: 0 }),
      expect.objectContaining({ id: IDS.eastNorth, buildings: 1, rooms: 1 }),
    ]);

    const children = (await get(`/api/areas?parent=${IDS.west}`)).json().areas;
    expect(children.map((a: { id: string }) => a.id)).toEqual([IDS.westSouth, IDS.westNorth]);
    expect((await get('/api/areas?level=street')).statusCode).toBe(400);
  });

  it('gets one area with its chain and children, and its geometry on request', async () => {
    const response = await get(`/api/areas/${IDS.west}`);
    expect(response.statusCode).toBe(200);
    const area = response.json();
    expect(area).toMatchObject({
      id: IDS.west,
      name: '明月社区',
      level: 'community',
      parentId: IDS.subdistrict,
      path: [IDS.district, IDS.subdistrict, IDS.west],
      bbox: [X0, Y0, X0 + STEP, Y0 + 2 * STEP],
      childCount: 2,
      buildings: 2,
      rooms: 3,
      chain: {
        district: { id: IDS.district, name: '福田区', level: 'district' },
        subdistrict: { id: IDS.subdistrict, name: '福保街道', level: 'subdistrict' },
        community: { id: IDS.west, name: '明月社区', level: 'community' },
      },
    });
    expect(area.chain.grid).toBeUndefined();
    expect(area.geometry).toBeUndefined();
    expect(area.children.map((c: { id: string; buildings: number }) => [c.id, c.buildings])).toEqual([
      [IDS.westSouth, 2],
      [IDS.westNorth, 0],
    ]);
    const withGeometry = (await get(`/api/areas/${IDS.west}?geometry=true`)).json();
    expect(withGeometry.geometry).toEqual(rect(X0, Y0, X0 + STEP, Y0 + 2 * STEP));

    const missing = await get('/api/areas/440304999999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'not_found', message: 'area 440304999999 not found' });
  });

  it('locates a point, says clearly when it is outside every area, and rejects bad numbers', async () => {
    const inside = await get(`/api/locate?lng=${X0 + STEP + 0.005}&lat=${Y0 + 0.005}`);
    expect(inside.statusCode).toBe(200);
    expect(inside.json()).toEqual({
      lng: X0 + STEP + 0.005,
      lat: Y0 + 0.005,
      chain: {
        district: { id: IDS.district, name: '福田区', level: 'district' },
        subdistrict: { id: IDS.subdistrict, name: '福保街道', level: 'subdistrict' },
        community: { id: IDS.east, name: '福保社区', level: 'community' },
        grid: { id: IDS.eastSouth, name: '福保社区第01网格', level: 'grid' },
      },
    });

    const outside = await get('/api/locate?lng=113.5&lat=22.5');
    expect(outside.statusCode).toBe(404);
    expect(outside.json().message).toBe('no area contains the point (113.5, 22.5)');

    for (const query of [
      'lng=abc&lat=22.5',
      'lng=&lat=22.5',
      'lng=114&lat=95',
      'lng=181&lat=22',
      'lng=114',
    ]) {
      const bad = await get(`/api/locate?${query}`);
      expect(bad.statusCode, query).toBe(400);
      expect(bad.json().error).toBe('invalid_input');
    }
  });

  it('keeps a community-scoped user to its community, with its ancestors as references only', async () => {
    const list = (await get('/api/areas', eastWorker)).json().areas;
    expect(list.map((a: { id: string; reference: boolean }) => [a.id, a.reference])).toEqual([
      [IDS.district, true],
      [IDS.subdistrict, true],
      [IDS.east, false],
      [IDS.eastSouth, false],
      [IDS.eastNorth, false],
    ]);
    expect(list[0]).toMatchObject({ childCount: null, buildings: null, rooms: null, areaM2: null });
    expect(
      (await get('/api/areas?level=community', eastWorker)).json().areas.map((a: { id: string }) => a.id),
    ).toEqual([IDS.east]);

    for (const id of [IDS.west, IDS.westSouth]) {
      const response = await get(`/api/areas/${id}`, eastWorker);
      expect(response.statusCode).toBe(403);
      expect(response.json().error).toBe('forbidden');
    }
    expect((await get(`/api/areas/${IDS.east}`, eastWorker)).json()).toMatchObject({
      buildings: 1,
      childCount: 2,
    });

    const ancestor = (await get(`/api/areas/${IDS.subdistrict}?geometry=true`, eastWorker)).json();
    expect(ancestor).toMatchObject({ id: IDS.subdistrict, reference: true, bbox: null, buildings: null });
    expect(ancestor.geometry).toBeUndefined();
    expect(ancestor.children.map((c: { id: string }) => c.id)).toEqual([IDS.east]);

    expect((await get(`/api/locate?lng=${X0 + 0.005}&lat=${Y0 + 0.005}`, eastWorker)).statusCode).toBe(403);
    const own = await get(`/api/locate?lng=${X0 + STEP + 0.005}&lat=${Y0 + 0.005}`, eastWorker);
    expect(own.json().chain.grid.id).toBe(IDS.eastSouth);
  });

  it('lets an agency read the whole tree (areas are reference data)', async () => {
    const list = (await get('/api/areas?level=grid', agency)).json().areas;
    expect(list).toHaveLength(4);
    expect((await get(`/api/areas/${IDS.west}`, agency)).statusCode).toBe(200);
  });

  it('documents the routes in the OpenAPI description', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    for (const path of ['/api/areas', '/api/areas/{id}', '/api/locate'])
      expect(spec.paths[path].get.summary, path).toEqual(expect.any(String));
    expect(spec.paths['/api/locate'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'lng',
      'lat',
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/db.ts';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import { createTestApp, type TestApp } from '../../server/testing.ts';
import { systemCtx } from '../access/context.ts';
import { AREAS, seedMatchLibrary } from '../address/match/testing.ts';
import { getBlock } from './block.ts';

const D = AREAS.district;
const MY = AREAS.mingyueGrid;
const SX = AREAS.shixiaGrid;
const FQ = AREAS.fuqiangGrid;
const AS_OF = '2026-10-01';

describe(`block view on ${testEngine}`, () => {
  let t: TestDb;
  let db: Db;
  let test: TestApp;

  beforeAll(async () => {
    t = await createTestDb();
    db = t.db;
    await seedMatchLibrary(db);
    // Households 1 (明月, 3 members), 2 (石厦, 1 member, collective); people in three grids.
    await db.query(`INSERT INTO households (district_id, id, household_no, type, grid_id) VALUES
      ('${D}', 1, 'H1', 'family', '${MY}'), ('${D}', 2, 'H2', 'collective', '${SX}')`);
    await db.query(`INSERT INTO people (district_id, id, birth_date, residency, status, household_id, grid_id) VALUES
      ('${D}', 10, '1950-01-01', 'registered', 'active', 1, '${MY}'),   -- 76: 60-79
      ('${D}', 11, '2022-06-01', 'registered', 'active', 1, '${MY}'),   -- 4: 0-6
      ('${D}', 12, '2019-10-02', 'registered', NULL, 1, '${MY}'),       -- 6 (birthday tomorrow): 0-6
      ('${D}', 13, '1990-05-05', 'floating', 'active', NULL, '${MY}'),  -- 36: 35-59
      ('${D}', 14, '2008-10-01', 'floating', 'active', NULL, '${SX}'),  -- 18 today: 18-34
      ('${D}', 15, '1940-01-01', NULL, 'active', 2, '${SX}'),           -- 86: 80+
      ('${D}', 16, NULL, 'floating', 'active', NULL, '${SX}'),          -- unknown age
      ('${D}', 17, '1930-01-01', 'registered', 'deceased', 2, '${SX}'), -- not counted
      ('${D}', 18, '1980-01-01', 'registered', 'active', NULL, '${FQ}')  -- another subdistrict`);
    await db.query(`INSERT INTO legal_entities (district_id, id, name, industry, status, grid_id) VALUES
      ('${D}', 20, 'a', 'I6513', 'active', '${MY}'), ('${D}', 21, 'b', 'I6510', 'active', '${SX}'),
      ('${D}', 22, 'c', 'F5211', 'active', '${MY}'), ('${D}', 23, 'd', 'F5211', 'cancelled', '${MY}'),
      ('${D}', 24, 'e', NULL, 'active', '${MY}'), ('${D}', 25, 'f', 'H6210', 'active', '${FQ}')`);
    await db.query(`INSERT INTO room_facts (district_id, id, address_id, use, rental_state, grid_id) VALUES
      ('${D}', 30, 'r1', 'residential', 'rented', '${MY}'), ('${D}', 31, 'r2', 'residential', 'self_occupied', '${MY}'),
      ('${D}', 32, 'r3', 'residential', 'rented', '${SX}'), ('${D}', 33, 'r4', 'office', 'vacant', '${MY}'),
      ('${D}', 34, 'r5', NULL, NULL, '${SX}')`);
    await db.query(`INSERT INTO licenses (district_id, id, license_no, type, status, expires_on, grid_id) VALUES
      ('${D}', 40, 'L1', '食品经营许可证', 'valid', '2026-10-15', '${MY}'),   -- 14 days
      ('${D}', 41, 'L2', '食品经营许可证', 'valid', '2026-12-15', '${MY}'),   -- 75 days
      ('${D}', 42, 'L3', '药品经营许可证', 'valid', '2027-06-01', '${SX}'),
      ('${D}', 43, 'L4', '药品经营许可证', 'valid', '2026-09-01', '${SX}'),   -- expired, still valid
      ('${D}', 44, 'L5', '食品经营许可证', 'cancelled', '2026-10-10', '${MY}'),
      ('${D}', 45, 'L6', '食品经营许可证', 'valid', '2026-10-02', '${FQ}')`);
    await db.query(`INSERT INTO city_components (district_id, id, code, type, state, grid_id) VALUES
      ('${D}', 50, 'c1', '路灯', 'normal', '${MY}'), ('${D}', 51, 'c2', '路灯', 'damaged', '${SX}'),
      ('${D}', 52, 'c3', '污水井盖', 'missing', '${MY}'), ('${D}', 53, 'c4', '路灯', 'normal', '${FQ}')`);
    test = await createTestApp(db);
  });
  afterAll(async () => {
    await test.app.close();
    await t.destroy();
  });

  it('counts a subdistrict: population, households, companies, rooms, licences, components', async () => {
    const b = await getBlock(systemCtx(db), AREAS.fubao, { asOf: AS_OF });
    expect(b.area).toMatchObject({ id: AREAS.fubao, level: 'subdistrict' });
    expect(b.population).toEqual({
      total: 7,
      byResidency: { registered: 3, floating: 3, unknown: 1 },
      byAgeBand: [
        { band: '0-6', registered: 2, floating: 0, unknown: 0, total: 2 },
        { band: '7-14', registered: 0, floating: 0, unknown: 0, total: 0 },
        { band: '15-17', registered: 0, floating: 0, unknown: 0, total: 0 },
        { band: '18-34', registered: 0, floating: 1, unknown: 0, total: 1 },
        { band: '35-59', registered: 0, floating: 1, unknown: 0, total: 1 },
        { band: '60-79', registered: 1, floating: 0, unknown: 0, total: 1 },
        { band: '80+', registered: 0, floating: 0, unknown: 1, total: 1 },
      ],
      unknownAge: 1,
    });
    expect(b.households).toEqual({
      total: 2,
      byType: { family: 1, collective: 1 },
      members: 4,
      averageSize: 2,
    });
    expect(b.companies).toEqual({
      total: 5,
      active: 4,
      byIndustry: [
        { section: 'I', name: '信息传输、软件和信息技术服务业', count: 2 },
        { section: '?', name: '行业未知 unknown', count: 1 },
        { section: 'F', name: '批发和零售业', count: 1 },
      ],
      byStatus: { active: 4, cancelled: 1 },
    });
    expect(b.rooms).toEqual({
      total: 5,
      byUse: { residential: 3, office: 1, unknown: 1 },
      byRentalState: { rented: 2, self_occupied: 1, vacant: 1, unknown: 1 },
      byUseAndRentalState: {
        residential: { rented: 2, self_occupied: 1 },
        office: { vacant: 1 },
        unknown: { unknown: 1 },
      },
    });
    expect(b.licences).toEqual({
      valid: 4,
      expiringIn30Days: 1,
      expiringIn90Days: 2,
      expiredButValid: 1,
      byType: [
        { type: '药品经营许可证', valid: 2, expiringIn30Days: 0, expiringIn90Days: 0 },
        { type: '食品经营许可证', valid: 2, expiringIn30Days: 1, expiringIn90Days: 2 },
      ],
    });
    expect(b.components).toEqual({
      total: 3,
      byType: [
        { type: '污水井盖', total: 1, byState: { missing: 1 } },
        { type: '路灯', total: 2, byState: { damaged: 1, normal: 1 } },
      ],
      byState: { missing: 1, damaged: 1, normal: 1 },
    });
  });

  it('counts a grid and the whole district', async () => {
    const grid = await getBlock(systemCtx(db), SX, { asOf: AS_OF });
    expect(grid.population.total).toBe(3);
    expect(grid.households.total).toBe(1);
    const district = await getBlock(systemCtx(db), D, { asOf: AS_OF });
    expect(district.population.total).toBe(8);
    expect(district.companies.total).toBe(6);
    expect(district.licences.expiringIn30Days).toBe(2);
    expect(district.components.total).toBe(4);
  });

  it('serves blocks over HTTP within scope only', async () => {
    const mingyue = await test.authAs('operator', { kind: 'community', id: AREAS.mingyue });
    const own = await test.app.inject({ url: `/api/blocks/${MY}?as_of=${AS_OF}`, headers: mingyue });
    expect(own.statusCode).toBe(200);
    expect(own.json().population.total).toBe(4);
    for (const area of [AREAS.shixia, AREAS.fubao])
      expect((await test.app.inject({ url: `/api/blocks/${area}`, headers: mingyue })).statusCode).toBe(403);
    expect((await test.app.inject({ url: '/api/blocks/nowhere', headers: mingyue })).statusCode).toBe(404);
    const admin = await test.authAs('admin');
    expect(
      (await test.app.inject({ url: `/api/blocks/${D}?as_of=2026-13-40`, headers: admin })).statusCode,
    ).toBe(400);
  });
});

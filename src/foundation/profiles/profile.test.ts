import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/db.ts';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import { createTestApp, type TestApp } from '../../server/testing.ts';
import { type Actor, type Ctx, systemCtx } from '../access/context.ts';
import { listAccessLog } from '../access/masking.ts';
import { AREAS, roomId, seedMatchLibrary } from '../address/match/testing.ts';
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
import { findEntity } from '../registry/read.ts';
import { getPersonProfile, getRoomProfile } from './profile.ts';

const ZHANG = residentId('1950-01-02', 1);
const LI = residentId('1952-03-04', 2, 'F');
const NF_B = '益田路3013号南方国际广场B座2301';

describe(`profiles on ${testEngine}`, () => {
  let t: TestDb;
  let db: Db;
  let zhang: string;
  let li: string;
  let test: TestApp;
  const as = (actor: Partial<Actor>): Ctx => ({
    db,
    actor: { ...systemCtx(db).actor, username: 'reader', ...actor },
  });

  beforeAll(async () => {
    t = await createTestDb();
    db = t.db;
    await seedMatchLibrary(db);
    const dir = tempDir('citybrain-profile-');
    const ctx = systemCtx(db);
    await ingestFeed(
      ctx,
      writeMapping(dir, 'ps_household', HOUSEHOLD_MAPPING),
      writeCsv(dir, 'household_20260930.csv', [
        HOUSEHOLD_HEADER,
        ['H1', ZHANG, '张三', '男', '19500102', '户主', NF_B, '13800138000'],
        ['H1', LI, '李四', '女', '19520304', '配偶', NF_B, '13800138001'],
      ]),
    );
    await ingestFeed(
      ctx,
      writeMapping(dir, 'ca_elderly', ELDERLY_MAPPING),
      writeCsv(dir, 'elderly_20260930.csv', [
        ELDERLY_HEADER,
        ['E1', ZHANG, '张三', '男', '1950年1月2日', NF_B, '13500135000', '200', '2026年9月1日'],
      ]),
    );
    zhang = (await findEntity(ctx, 'person', { id_number: ZHANG }))!;
    li = (await findEntity(ctx, 'person', { id_number: LI }))!;
    // A room the register knows as Zhang's, and a lamp 20 m east of the building.
    await db.query(
      `INSERT INTO room_facts (district_id, id, address_id, use, owner_ids, rental_state, grid_id)
       VALUES ('440304', nextval('registry_entity_ids'), $1, 'residential', ARRAY[$2::bigint], 'self_occupied', $3)`,
      [roomId('NF-B', '2301'), zhang, AREAS.mingyueGrid],
    );
    await db.query(
      `UPDATE addresses SET lng = 114.01, lat = 22.51
        WHERE address_id = (SELECT parent_id FROM addresses WHERE address_id = $1)`,
      [roomId('NF-B', '2301')],
    );
    await db.query(
      `INSERT INTO city_components (district_id, id, code, type, lng, lat, state, grid_id)
       VALUES ('440304', nextval('registry_entity_ids'), '4403040123000001', '路灯', 114.0102, 22.51, 'damaged', $1),
              ('440304', nextval('registry_entity_ids'), '4403040123000002', '路灯', 114.02, 22.51, 'normal', $1)`,
      [AREAS.mingyueGrid],
    );
    test = await createTestApp(db);
  });
  afterAll(async () => {
    await test.app.close();
    await t.destroy();
  });

  it('gives a person with provenance, household members and rooms, masked', async () => {
    const p = await getPersonProfile(systemCtx(db), zhang);
    expect(p.person.fields.name).toMatchObject({
      value: '张*',
      from: [{ source: 'ps_household', file: expect.stringContaining('household_20260930.csv'), row: 1 }],
    });
    expect(p.person.fields.phone!.value).toBe('135****5000');
    expect(p.person.sources).toEqual(['ca_elderly', 'ps_household']);
    expect(p.person.conflicts.map((c) => c.field)).toEqual(['phone']);
    expect(p.household.household).toMatchObject({
      kind: 'household',
      label: 'H1',
      via: { source: 'ps_household', row: 1 },
      detail: { addressId: roomId('NF-B', '2301') },
    });
    expect(p.household.members).toEqual([
      expect.objectContaining({ kind: 'person', id: li, label: '李*', role: 'spouse' }),
    ]);
    expect(p.rooms).toEqual([
      expect.objectContaining({ kind: 'room', label: roomId('NF-B', '2301'), role: 'owner' }),
    ]);
    // The household record comes from one of H1's rows, which names Zhang or Li too: a related
    // entity, with the row that names both.
    const related = [...p.related, ...(await getPersonProfile(systemCtx(db), li)).related];
    expect(related).toEqual([
      expect.objectContaining({
        kind: 'household',
        label: 'H1',
        role: 'person→household',
        via: expect.objectContaining({ source: 'ps_household' }),
      }),
    ]);
  });

  it('unmasks the subject with a reason and logs the read', async () => {
    const p = await getPersonProfile(systemCtx(db), zhang, {
      unmask: { fields: ['name', 'phone'], reason: '回访核实' },
    });
    expect(p.person.fields.name!.value).toBe('张三');
    expect(p.person.fields.id_number!.value).not.toBe(ZHANG);
    expect(p.household.members[0]!.label).toBe('李*');
    const log = await listAccessLog(systemCtx(db), { subjectKind: 'person', subjectId: zhang });
    expect(log[0]).toMatchObject({ actor: 'system', fields: ['name', 'phone'], reason: '回访核实' });
    await expect(getPersonProfile(systemCtx(db), zhang, { unmask: { fields: ['name'] } })).rejects.toThrow(
      /reason/,
    );
    await expect(
      getPersonProfile(as({ role: 'analyst' }), zhang, { unmask: { fields: ['name'], reason: 'x y' } }),
    ).rejects.toThrow(/personal:unmask/);
  });

  it('gives a room: facts, owners, residents, household, components nearby', async () => {
    const r = await getRoomProfile(systemCtx(db), roomId('NF-B', '2301'));
    // Inserted directly, without source records: the facts are there, with no provenance.
    expect(r.room).toMatchObject({ kind: 'room', gridId: AREAS.mingyueGrid, fields: {} });
    expect(r.owners).toEqual([expect.objectContaining({ kind: 'person', id: zhang, label: '张*' })]);
    expect(r.residents.map((x) => x.id).sort()).toEqual([zhang, li].sort());
    expect(r.households).toEqual([expect.objectContaining({ label: 'H1' })]);
    expect(r.componentsNearby).toEqual([
      expect.objectContaining({ label: '4403040123000001', role: '路灯', detail: { state: 'damaged' } }),
    ]);
    expect(r.componentsNearby[0]!.distanceM).toBeGreaterThan(15);
    expect(r.componentsNearby[0]!.distanceM).toBeLessThan(25);
  });

  it('serves profiles over HTTP, scope-checked: another community gets 403', async () => {
    const mine = await test.authAs('grid_worker', { kind: 'community', id: AREAS.mingyue });
    const ok = await test.app.inject({ url: `/api/profiles/person/${zhang}`, headers: mine });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().person.fields.name.value).toBe('张*');
    const unmasked = await test.app.inject({
      url: `/api/profiles/person/${zhang}?unmask=name&reason=${encodeURIComponent('上门核查')}`,
      headers: mine,
    });
    expect(unmasked.json().person.fields.name.value).toBe('张三');
    const other = await test.authAs('grid_worker', { kind: 'community', id: AREAS.shixia });
    for (const url of [`/api/profiles/person/${zhang}`, `/api/profiles/room/${roomId('NF-B', '2301')}`])
      expect((await test.app.inject({ url, headers: other })).statusCode).toBe(403);
    expect((await test.app.inject({ url: '/api/profiles/person/999999999', headers: mine })).statusCode).toBe(
      404,
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import type { Ctx } from '../../foundation/access/context.ts';
import { getAgency, setHandlingZones } from '../agencies/agencies.ts';
import { listOutbox } from '../outbox.ts';
import { submitServiceRequest } from '../requests/submit.ts';
import {
  actAs,
  FUBAO,
  FUBAO_GRID,
  MINGYUE,
  MINGYUE_GRID_1,
  MINGYUE_GRID_2,
  NANSHAN,
  report,
  SHATOU,
  seedGovernance,
  XINSHA,
  XINSHA_GRID,
} from '../testing.ts';
import { getWorkOrder } from '../workorders/read.ts';
import { transitionWorkOrder } from '../workorders/transitions.ts';

describe(`dispatch on ${testEngine}`, () => {
  let t: TestDb;
  let admin: Ctx;

  beforeAll(async () => {
    t = await createTestDb();
    admin = await seedGovernance(t.db);
  });
  afterAll(async () => {
    await t.destroy();
  });

  const dispatched = async (category: string, grid: Parameters<typeof report>[1]) => {
    const r = await submitServiceRequest(admin, report(category, grid));
    expect(r.duplicateOf).toBeNull();
    return getWorkOrder(admin, r.id);
  };

  it('generates zones from the area tree as each department’s zoning says', async () => {
    expect((await getAgency(admin, 'urban-management')).zones.map((z) => z.zoneId)).toEqual([
      `urban-management-${FUBAO}`,
      `urban-management-${SHATOU}`,
      'urban-management-440305001',
    ]);
    // Water: groups of 8 communities, per district.
    const water = await getAgency(admin, 'water');
    expect(water.zones.map((z) => z.areaIds)).toEqual([[MINGYUE, '440304010002', XINSHA], ['440305001001']]);
    expect((await getAgency(admin, 'health')).zones.map((z) => z.zoneId)).toEqual([
      'health-440304',
      `health-${NANSHAN}`,
    ]);
  });

  it('sends an agency-zone matter to the category’s agency and the zone containing the point', async () => {
    const fubao = await dispatched('street-vending', MINGYUE_GRID_1);
    expect(fubao).toMatchObject({
      agency: 'urban-management',
      zone: `urban-management-${FUBAO}`,
      assignee: null,
    });
    const shatou = await dispatched('street-vending', XINSHA_GRID);
    expect(shatou).toMatchObject({ agency: 'urban-management', zone: `urban-management-${SHATOU}` });
    expect(shatou.dispatchReason).toContain('沙头街道片区');
    const police = await dispatched('noise-nuisance', FUBAO_GRID);
    expect(police).toMatchObject({ agency: 'police', zone: `police-${FUBAO}` });
  });

  it('falls back to the agency as a whole when none of its zones contains the point', async () => {
    await setHandlingZones(admin, 'health', []);
    const order = await dispatched('pests', MINGYUE_GRID_2);
    expect(order).toMatchObject({ agency: 'health', zone: null });
    expect(order.dispatchReason).toMatch(/none of its 0 handling zones/);
  });

  it('sends a subdistrict matter to the office of the subdistrict containing the point', async () => {
    const order = await dispatched('illegal-construction', XINSHA_GRID);
    expect(order).toMatchObject({ agency: `office-${SHATOU}`, zone: null });
    expect(order.agencyName).toBe('沙头街道办事处');
    expect(order.dispatchReason).toMatch(
      /subdistrict matter.*沙头街道办事处.*responsible agency 福田区城市管理和综合执法局/,
    );
  });

  it('gives a patrol item to the grid’s worker, or to the workstation when the grid has none', async () => {
    await actAs(t.db, 'grid_worker', { kind: 'grid', id: MINGYUE_GRID_1 }, 'worker-a');
    await actAs(t.db, 'grid_worker', { kind: 'grid', id: MINGYUE_GRID_1 }, 'worker-b');
    const first = await dispatched('population-change', MINGYUE_GRID_1);
    expect(first).toMatchObject({ agency: `station-${MINGYUE}`, assignee: 'worker-a' });
    expect(first.dispatchReason).toMatch(/patrol item: grid worker worker-a/);
    // The next one goes to the worker with fewer open orders.
    const second = await dispatched('building-change', MINGYUE_GRID_1);
    expect(second.assignee).toBe('worker-b');
    const outbox = await listOutbox(admin, { requestId: second.id });
    expect(outbox).toMatchObject([{ channel: 'app', recipient: 'user:worker-b', kind: 'dispatched' }]);

    const lonely = await dispatched('business-change', XINSHA_GRID);
    expect(lonely).toMatchObject({ agency: `station-${XINSHA}`, assignee: null });
    expect(lonely.dispatchReason).toMatch(/has no grid worker/);
  });

  it('lets a grid worker act on the patrol items of the grid, not on others', async () => {
    const workerA: Ctx = {
      db: t.db,
      actor: { username: 'worker-a', role: 'grid_worker', scope: { kind: 'grid', id: MINGYUE_GRID_1 } },
    };
    const mine = await dispatched('rental-unregistered', MINGYUE_GRID_1);
    const holder =
      mine.assignee === 'worker-a'
        ? workerA
        : { ...workerA, actor: { ...workerA.actor, username: mine.assignee! } };
    expect((await transitionWorkOrder(holder, mine.id, 'accept')).status).toBe('accepted');
    const elsewhere = await dispatched('rental-unregistered', XINSHA_GRID);
    await expect(transitionWorkOrder(workerA, elsewhere.id, 'accept')).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(getWorkOrder(workerA, elsewhere.id)).rejects.toMatchObject({ code: 'forbidden' });
  });
});

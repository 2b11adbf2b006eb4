import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import type { Ctx } from '../../foundation/access/context.ts';
import { listOutbox } from '../outbox.ts';
import { getServiceRequest, listServiceRequests } from '../requests/read.ts';
import { submitServiceRequest } from '../requests/submit.ts';
import {
  actAs,
  MINGYUE_GRID_1,
  MINGYUE_GRID_2,
  near,
  report,
  seedGovernance,
  XINSHA_GRID,
} from '../testing.ts';
import { getWorkOrder } from '../workorders/read.ts';
import { transitionWorkOrder } from '../workorders/transitions.ts';
import { mergeRequests, unmergeRequest } from './duplicates.ts';

describe(`duplicates on ${testEngine}`, () => {
  let t: TestDb;
  let admin: Ctx;
  let operator: Ctx;
  let urban: Ctx;

  beforeAll(async () => {
    t = await createTestDb();
    admin = await seedGovernance(t.db);
    operator = await actAs(t.db, 'operator', { kind: 'district', id: '*' });
    urban = await actAs(t.db, 'agency_handler', { kind: 'agency', id: 'urban-management' });
  });
  afterAll(async () => {
    await t.destroy();
  });

  const at = (
    category: string,
    grid: Parameters<typeof near>[0],
    east: number,
    north = 0,
    phone = '13900000000',
  ) =>
    submitServiceRequest(admin, report(category, grid, { ...near(grid, east, north), reporter: { phone } }));

  it('links a request of the same category within 250 m to the open original', async () => {
    const original = await at('overflowing-bins', MINGYUE_GRID_1, -300, 0, '13900000001');
    const within = await at('overflowing-bins', MINGYUE_GRID_1, -100, 0, '13900000002');
    expect(within).toMatchObject({ duplicateOf: original.id, status: 'open' });
    expect(within.duplicateDistanceM).toBeGreaterThan(190);
    expect(within.duplicateDistanceM).toBeLessThanOrEqual(250);
    // It gets no order of its own but shows its original's.
    expect(within.workOrder?.agency).toBe('urban-management');
    await expect(getWorkOrder(admin, within.id)).rejects.toMatchObject({ code: 'not_found' });
    expect((await getServiceRequest(admin, original.id)).duplicates).toBe(1);
    expect((await getWorkOrder(admin, original.id)).history.at(-1)).toMatchObject({
      action: 'duplicate',
      detail: { linked: within.id },
    });

    const outside = await at('overflowing-bins', MINGYUE_GRID_1, 0, 0);
    expect(outside.duplicateOf).toBeNull();
    const otherCategory = await at('street-cleaning', MINGYUE_GRID_1, -290);
    expect(otherCategory.duplicateOf).toBeNull();
  });

  it('tells the duplicates’ reporters when the original resolves', async () => {
    const original = await at('dead-animal', XINSHA_GRID, 0, 0, '13900000011');
    const dup = await at('dead-animal', XINSHA_GRID, 50, 50, '13900000012');
    expect(dup.duplicateOf).toBe(original.id);
    await transitionWorkOrder(urban, original.id, 'accept');
    await transitionWorkOrder(urban, original.id, 'resolve', '已清理');
    expect((await getServiceRequest(admin, dup.id)).status).toBe('resolved');
    expect(await listOutbox(admin, { requestId: dup.id })).toMatchObject([
      { channel: 'sms', kind: 'duplicate_resolved', recipient: '139****0012' },
    ]);
    const visit = (await listOutbox(admin, { requestId: original.id })).find((m) => m.kind === 'visit_link');
    expect(visit?.body).toMatch(/\/visit\/…/);
    // A resolved original takes no more duplicates.
    expect((await at('dead-animal', XINSHA_GRID, 20)).duplicateOf).toBeNull();
  });

  it('lets operators merge and unmerge', async () => {
    const a = await at('illegal-posters', MINGYUE_GRID_2, 0);
    const b = await at('illegal-posters', MINGYUE_GRID_2, 0, 600);
    expect(b.duplicateOf).toBeNull();
    await expect(mergeRequests(urban, b.id, a.id)).rejects.toMatchObject({ code: 'forbidden' });
    const merged = await mergeRequests(operator, b.id, a.id, '同一处墙面');
    expect(merged).toMatchObject({ duplicateOf: a.id, status: 'open' });
    expect((await getWorkOrder(admin, b.id)).status).toBe('closed');
    expect((await getWorkOrder(admin, b.id)).history.at(-1)).toMatchObject({ action: 'merge', to: 'closed' });
    expect((await listServiceRequests(admin, { duplicateOf: a.id })).items.map((r) => r.id)).toEqual([b.id]);
    await expect(mergeRequests(operator, b.id, a.id)).rejects.toMatchObject({ code: 'conflict' });

    const unmerged = await unmergeRequest(operator, b.id, '并非同一处');
    expect(unmerged).toMatchObject({ duplicateOf: null, status: 'open' });
    const order = await getWorkOrder(admin, b.id);
    expect(order).toMatchObject({ status: 'dispatched', agency: 'urban-management' });
    expect(order.history.at(-1)).toMatchObject({ action: 'unmerge', from: 'closed', to: 'dispatched' });
    await expect(unmergeRequest(operator, b.id)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('gives an unmerged link its first work order', async () => {
    const original = await at('waste-sorting', MINGYUE_GRID_2, -300, -600);
    const linked = await at('waste-sorting', MINGYUE_GRID_2, -250, -600);
    expect(linked.duplicateOf).toBe(original.id);
    const alone = await unmergeRequest(operator, linked.id);
    expect(alone.workOrder).toMatchObject({ status: 'dispatched', agency: 'urban-management' });
    expect((await getWorkOrder(admin, linked.id)).history.map((h) => h.action)).toEqual([
      'submit',
      'dispatch',
    ]);
  });
});

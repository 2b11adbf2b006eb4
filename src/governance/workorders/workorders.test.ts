import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import type { Ctx } from '../../foundation/access/context.ts';
import { getServiceRequest } from '../requests/read.ts';
import { submitServiceRequest } from '../requests/submit.ts';
import {
  actAs,
  FUBAO,
  MINGYUE_GRID_1,
  MINGYUE_GRID_2,
  near,
  report,
  seedGovernance,
  XINSHA_GRID,
} from '../testing.ts';
import { RULES, WORK_ORDER_ACTIONS, WORK_ORDER_STATES, type WorkOrderStatus } from './machine.ts';
import { getWorkOrder, listWorkOrders } from './read.ts';
import { transitionWorkOrder } from './transitions.ts';

const minutes = (a: string | null, b: string | null) =>
  (new Date(a!).getTime() - new Date(b!).getTime()) / 60_000;

describe(`work orders on ${testEngine}`, () => {
  let t: TestDb;
  let admin: Ctx;
  let operator: Ctx;
  let urban: Ctx;
  let police: Ctx;
  let reporter: Ctx;

  beforeAll(async () => {
    t = await createTestDb();
    admin = await seedGovernance(t.db);
    operator = await actAs(t.db, 'operator', { kind: 'district', id: '*' });
    urban = await actAs(t.db, 'agency_handler', { kind: 'agency', id: 'urban-management' });
    police = await actAs(t.db, 'agency_handler', { kind: 'agency', id: 'police' });
    reporter = await actAs(t.db, 'external_consumer', { kind: 'district', id: '*' });
  });
  afterAll(async () => {
    await t.destroy();
  });

  /** A fresh order; each at its own spot, 260 m from the others, so none is linked as a duplicate. */
  let spot = 0;
  const newOrder = async (
    category = 'street-vending',
    grid: Parameters<typeof report>[1] = MINGYUE_GRID_1,
  ) => {
    spot += 1;
    const place = near(grid, ((spot % 4) - 1.5) * 260, ((Math.floor(spot / 4) % 8) - 3.5) * 260);
    const r = await submitServiceRequest(
      reporter,
      report(category, grid, { description: `order ${spot}`, ...place }),
    );
    expect(r.duplicateOf).toBeNull();
    return r.id;
  };

  it('dispatches on submission with the 10-30 service levels and a stated reason', async () => {
    const id = await newOrder();
    const order = await getWorkOrder(admin, id);
    expect(order).toMatchObject({
      status: 'dispatched',
      agency: 'urban-management',
      zone: `urban-management-${FUBAO}`,
      category: 'street-vending',
    });
    expect(order.dispatchReason).toMatch(/占道经营.*福田区城市管理和综合执法局.*福保街道片区/);
    expect(minutes(order.responseDueAt, order.dispatchedAt)).toBe(10);
    expect(minutes(order.feedbackDueAt, order.dispatchedAt)).toBe(30);
    expect(minutes(order.resolveDueAt, order.dispatchedAt)).toBe(48 * 60);
    expect(order.nextDueAt).toBe(order.responseDueAt);
    expect(order.history.map((h) => [h.action, h.from, h.to, h.actor])).toEqual([
      ['submit', null, 'submitted', reporter.actor.username],
      ['dispatch', 'submitted', 'dispatched', 'system:dispatch'],
    ]);
  });

  it('gives urgent orders 24 hours at most', async () => {
    const urgentCategory = await getWorkOrder(admin, await newOrder('manhole-missing'));
    expect(minutes(urgentCategory.resolveDueAt, urgentCategory.dispatchedAt)).toBe(24 * 60);
    expect(urgentCategory.urgent).toBe(true);
    const r = await submitServiceRequest(
      reporter,
      report('illegal-construction', MINGYUE_GRID_2, { urgent: true }),
    );
    const flagged = await getWorkOrder(admin, r.id);
    expect(minutes(flagged.resolveDueAt, flagged.dispatchedAt)).toBe(24 * 60);
  });

  it('walks the happy path: accept → feedback → resolve → close, each step in the history', async () => {
    const id = await newOrder();
    const accepted = await transitionWorkOrder(urban, id, 'accept');
    expect(accepted).toMatchObject({ status: 'accepted', nextDueAt: accepted.feedbackDueAt });
    expect(accepted.respondedAt).not.toBeNull();
    const started = await transitionWorkOrder(urban, id, 'feedback', '已派执法队员前往现场');
    expect(started).toMatchObject({ status: 'in_progress', nextDueAt: started.resolveDueAt });
    await transitionWorkOrder(urban, id, 'note', '摊贩已劝离，持续巡查');
    const resolved = await transitionWorkOrder(urban, id, 'resolve', '已清理');
    expect(resolved.status).toBe('resolved');
    expect(minutes(resolved.closeDueAt, resolved.resolvedAt)).toBe(72 * 60);
    expect((await getServiceRequest(admin, id)).status).toBe('resolved');
    const closed = await transitionWorkOrder(operator, id, 'close');
    expect(closed).toMatchObject({ status: 'closed', nextDueAt: null });
    expect((await getServiceRequest(admin, id)).status).toBe('closed');
    const history = (await getWorkOrder(admin, id)).history;
    expect(history.map((h) => h.action)).toEqual([
      'submit',
      'dispatch',
      'accept',
      'feedback',
      'note',
      'resolve',
      'close',
    ]);
    expect(history.find((h) => h.action === 'feedback')).toMatchObject({
      actor: urban.actor.username,
      note: '已派执法队员前往现场',
      from: 'accepted',
      to: 'in_progress',
    });
  });

  it('refuses every action outside its states with a conflict', async () => {
    // Bring one order into each state, then try every action there.
    const inState = async (status: WorkOrderStatus): Promise<string> => {
      const id = await newOrder();
      const steps: Record<WorkOrderStatus, [Ctx, (typeof WORK_ORDER_ACTIONS)[number], string?][]> = {
        submitted: [],
        dispatched: [],
        accepted: [[urban, 'accept']],
        in_progress: [
          [urban, 'accept'],
          [urban, 'feedback', '处理中'],
        ],
        resolved: [
          [urban, 'accept'],
          [urban, 'resolve', '已处理'],
        ],
        closed: [
          [urban, 'accept'],
          [urban, 'resolve', '已处理'],
          [operator, 'close'],
        ],
        returned: [[urban, 'return', '不属于本单位']],
      };
      for (const [ctx, action, note] of steps[status]) await transitionWorkOrder(ctx, id, action, note);
      return id;
    };
    for (const status of WORK_ORDER_STATES.filter((s) => s !== 'submitted')) {
      const id = await inState(status);
      for (const action of WORK_ORDER_ACTIONS) {
        if (RULES[action].from.includes(status)) continue;
        const actor = RULES[action].by === 'handler' ? admin : operator;
        await expect(
          transitionWorkOrder(actor, id, action, 'x', { agency: 'police' }),
          `${action} from ${status}`,
        ).rejects.toMatchObject({ code: 'conflict' });
      }
    }
  });

  it('needs a note for feedback, resolution and returns', async () => {
    const id = await newOrder();
    await expect(transitionWorkOrder(urban, id, 'return')).rejects.toMatchObject({ code: 'invalid_input' });
    await transitionWorkOrder(urban, id, 'accept');
    await expect(transitionWorkOrder(urban, id, 'resolve', '  ')).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });

  it('returns to the command centre, which reassigns with a fresh clock', async () => {
    const id = await newOrder('noise-nuisance', XINSHA_GRID);
    const first = await getWorkOrder(admin, id);
    expect(first.agency).toBe('police');
    const returned = await transitionWorkOrder(police, id, 'return', '属于施工噪音，应由生态环境部门处理');
    expect(returned).toMatchObject({ status: 'returned', agency: null, returns: 1, nextDueAt: null });
    // The returning agency no longer sees it.
    await expect(getWorkOrder(police, id)).rejects.toMatchObject({ code: 'forbidden' });
    const reassigned = await transitionWorkOrder(operator, id, 'reassign', '转生态环境局', {
      agency: 'environment',
    });
    expect(reassigned).toMatchObject({ status: 'dispatched', agency: 'environment', reassignments: 1 });
    expect(reassigned.zone).toMatch(/^environment-/);
    expect(reassigned.dispatchReason).toMatch(/reassigned by .* to 深圳市生态环境局福田管理局/);
    expect(new Date(reassigned.dispatchedAt!).getTime()).toBeGreaterThan(
      new Date(first.dispatchedAt!).getTime(),
    );
    expect(minutes(reassigned.responseDueAt, reassigned.dispatchedAt)).toBe(10);
    await expect(
      transitionWorkOrder(operator, id, 'reassign', undefined, { agency: 'no-such-agency' }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    const history = (await getWorkOrder(admin, id)).history;
    expect(history.find((h) => h.action === 'reassign')?.detail).toMatchObject({ agency: 'environment' });
  });

  it('escalates and reopens through the command centre only', async () => {
    const id = await newOrder();
    await expect(transitionWorkOrder(urban, id, 'escalate')).rejects.toMatchObject({ code: 'forbidden' });
    expect((await transitionWorkOrder(operator, id, 'escalate', '群众多次来电')).escalationLevel).toBe(1);
    await transitionWorkOrder(urban, id, 'accept');
    await transitionWorkOrder(urban, id, 'resolve', '已处理');
    const reopened = await transitionWorkOrder(operator, id, 'reopen', '现场复查未整改');
    expect(reopened).toMatchObject({
      status: 'dispatched',
      agency: 'urban-management',
      reopens: 1,
      resolvedAt: null,
    });
    expect((await getServiceRequest(admin, id)).reopenCount).toBe(1);
  });

  it('keeps handlers to their own agency: 403 on others’ orders, absent from their lists', async () => {
    const ours = await newOrder('street-vending');
    const theirs = await newOrder('noise-nuisance');
    await expect(transitionWorkOrder(urban, theirs, 'accept')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(getWorkOrder(urban, theirs)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(getServiceRequest(urban, theirs)).rejects.toMatchObject({ code: 'forbidden' });
    const listed = await listWorkOrders(urban, { limit: 1000 });
    expect(listed.items.every((o) => o.agency === 'urban-management')).toBe(true);
    expect(listed.items.map((o) => o.id)).toContain(ours);
    expect(listed.items.map((o) => o.id)).not.toContain(theirs);
    // Operators may not act as handlers, and handlers may not dispatch.
    await expect(transitionWorkOrder(operator, ours, 'accept')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      transitionWorkOrder(urban, ours, 'reassign', undefined, { agency: 'police' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('lets an area-scoped operator act only inside the area', async () => {
    const shatouOperator = await actAs(t.db, 'operator', { kind: 'subdistrict', id: '440304011' });
    const inFubao = await newOrder('street-vending', MINGYUE_GRID_1);
    await expect(transitionWorkOrder(shatouOperator, inFubao, 'escalate')).rejects.toMatchObject({
      code: 'forbidden',
    });
    const inShatou = await newOrder('street-vending', XINSHA_GRID);
    expect((await transitionWorkOrder(shatouOperator, inShatou, 'escalate')).escalationLevel).toBe(1);
  });
});

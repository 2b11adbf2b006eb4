import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import type { Ctx } from '../../foundation/access/context.ts';
import { listOutbox } from '../outbox.ts';
import { getServiceRequest } from '../requests/read.ts';
import { submitServiceRequest } from '../requests/submit.ts';
import {
  actAs,
  MINGYUE_GRID_1,
  minutesAfter,
  near,
  report,
  seedGovernance,
  XINSHA_GRID,
} from '../testing.ts';
import { getWorkOrder } from '../workorders/read.ts';
import { transitionWorkOrder } from '../workorders/transitions.ts';
import { listSupervision, startSlaScheduler, tickSla } from './sla.ts';

describe(`service-level timers on ${testEngine}`, () => {
  let t: TestDb;
  let admin: Ctx;
  let urban: Ctx;
  let reporter: Ctx;

  beforeAll(async () => {
    t = await createTestDb();
    admin = await seedGovernance(t.db);
    urban = await actAs(t.db, 'agency_handler', { kind: 'agency', id: 'urban-management' });
    reporter = await actAs(t.db, 'external_consumer', { kind: 'district', id: '*' });
  });
  afterAll(async () => {
    await t.destroy();
  });

  let spot = 0;
  const submit = async (category = 'street-vending', grid: Parameters<typeof report>[1] = MINGYUE_GRID_1) => {
    spot += 1;
    const place = near(grid, ((spot % 4) - 1.5) * 260, ((Math.floor(spot / 4) % 8) - 3.5) * 260);
    const r = await submitServiceRequest(reporter, report(category, grid, place));
    expect(r.duplicateOf).toBeNull();
    return getWorkOrder(admin, r.id);
  };

  it('flags a missed response, then a missed feedback, escalating once per tick', async () => {
    const order = await submit();
    const at = order.dispatchedAt!;
    expect(await tickSla(admin, { now: minutesAfter(at, 9) })).toMatchObject({ escalated: 0 });
    expect((await getWorkOrder(admin, order.id)).overdue.response).toBe(false);

    const late = await tickSla(admin, { now: minutesAfter(at, 11) });
    expect(late.escalated).toBeGreaterThanOrEqual(1);
    let now = await getWorkOrder(admin, order.id);
    expect(now).toMatchObject({
      status: 'dispatched',
      escalationLevel: 1,
      overdue: { response: true, feedback: false, resolve: false },
      nextDueAt: now.feedbackDueAt,
    });
    expect(now.history.at(-1)).toMatchObject({ action: 'escalate', actor: 'system:sla' });
    // The same tick again changes nothing.
    await tickSla(admin, { now: minutesAfter(at, 11) });
    expect((await getWorkOrder(admin, order.id)).escalationLevel).toBe(1);

    const queue = await listSupervision(admin);
    expect(queue.find((i) => i.requestId === order.id)).toMatchObject({
      kind: 'response',
      agency: 'urban-management',
      doneAt: null,
      dueAt: order.responseDueAt,
    });
    const notices = await listOutbox(admin, { requestId: order.id });
    expect(notices.some((n) => n.kind === 'overdue' && n.recipient === 'agency:urban-management')).toBe(true);

    // A late response closes the supervision item; the feedback timer still runs.
    await transitionWorkOrder(urban, order.id, 'accept');
    expect(
      (await listSupervision(admin, { open: false })).find((i) => i.requestId === order.id)?.doneAt,
    ).not.toBeNull();
    await tickSla(admin, { now: minutesAfter(at, 31) });
    now = await getWorkOrder(admin, order.id);
    expect(now).toMatchObject({
      escalationLevel: 2,
      overdue: { response: true, feedback: true, resolve: false },
    });
  });

  it('flags every missed step at once when a tick comes late, and the 24-hour resolution', async () => {
    const order = await submit('manhole-missing');
    const result = await tickSla(admin, { now: minutesAfter(order.dispatchedAt!, 25 * 60) });
    expect(result.overdue).toMatchObject({ response: expect.any(Number), feedback: expect.any(Number) });
    const now = await getWorkOrder(admin, order.id);
    expect(now).toMatchObject({
      escalationLevel: 1,
      overdue: { response: true, feedback: true, resolve: true },
      nextDueAt: null,
    });
    const items = (await listSupervision(admin)).filter((i) => i.requestId === order.id);
    expect(items.map((i) => i.kind).sort()).toEqual(['feedback', 'resolve', 'response']);
  });

  it('flags at start an order that became overdue while no server ran', async () => {
    const order = await submit('street-vending', XINSHA_GRID);
    // "Down" for an hour: a scheduler starting then flags it in its first tick.
    const scheduler = startSlaScheduler(t.db, {
      intervalMs: 60_000,
      clock: () => minutesAfter(order.dispatchedAt!, 60),
    });
    const first = await scheduler.started;
    await scheduler.stop();
    expect(first.escalated).toBeGreaterThanOrEqual(1);
    expect((await getWorkOrder(admin, order.id)).overdue).toEqual({
      response: true,
      feedback: true,
      resolve: false,
    });
  });

  it('closes a resolved order nobody rated after the 72-hour visit window', async () => {
    const order = await submit('streetlight-out');
    await transitionWorkOrder(urban, order.id, 'accept');
    const resolved = await transitionWorkOrder(urban, order.id, 'resolve', '已更换灯具');
    await tickSla(admin, { now: minutesAfter(resolved.resolvedAt!, 71 * 60) });
    expect((await getWorkOrder(admin, order.id)).status).toBe('resolved');
    const result = await tickSla(admin, { now: minutesAfter(resolved.resolvedAt!, 73 * 60) });
    expect(result.closed).toBeGreaterThanOrEqual(1);
    expect((await getWorkOrder(admin, order.id)).status).toBe('closed');
    expect((await getServiceRequest(admin, order.id)).status).toBe('closed');
  });

  it.runIf(testEngine === 'postgres')(
    'shares the timers between processes: two concurrent ticks escalate each order once',
    async () => {
      const orders = [];
      for (let i = 0; i < 24; i++)
        orders.push(await submit('dead-animal', i % 2 ? XINSHA_GRID : MINGYUE_GRID_1));
      const now = minutesAfter(orders.at(-1)!.dispatchedAt!, 11);
      const [a, b] = await Promise.all([
        tickSla(admin, { now, batch: 5 }),
        tickSla(admin, { now, batch: 5 }),
      ]);
      const ours = new Set(orders.map((o) => o.id));
      const escalations = await t.db.query<{ request_id: string; n: number }>(
        `SELECT request_id::text, count(*)::int AS n FROM gov_work_order_history
          WHERE action = 'escalate' AND request_id = ANY($1::bigint[]) GROUP BY request_id`,
        [[...ours]],
      );
      expect(escalations).toHaveLength(orders.length);
      expect(escalations.every((e) => e.n === 1)).toBe(true);
      expect(a.escalated + b.escalated).toBeGreaterThanOrEqual(orders.length);
    },
  );
});

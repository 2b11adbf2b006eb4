import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import type { Ctx } from '../../foundation/access/context.ts';
import { writeTestFile } from '../../foundation/address/testing.ts';
import { tickSla } from '../sla/sla.ts';
import { onTimeRates, satisfaction } from '../stats/stats.ts';
import { MINGYUE_GRID_1, near, seedGovernance, XINSHA_GRID } from '../testing.ts';
import { getWorkOrder } from '../workorders/read.ts';
import type { HistoricalRequest } from './import.ts';
import { importServiceRequests } from './import.ts';
import { getServiceRequest, listServiceRequests } from './read.ts';

const record = (over: Partial<HistoricalRequest>): HistoricalRequest => ({
  order_no: 'FT-0001',
  channel: 'hotline_12345',
  category: '占道经营',
  description: '路口有流动摊贩',
  address: '福田区福保街道明月社区益田路3013号',
  ...near(MINGYUE_GRID_1),
  reporter_name: '李四',
  reporter_phone: '13700000000',
  reported_at: '2026-03-02T09:00:00+08:00',
  responded_at: '2026-03-02T09:05:00+08:00',
  resolved_at: '2026-03-03T10:00:00+08:00',
  closed_at: '2026-03-04T10:00:00+08:00',
  due_hours: 48,
  status: 'closed',
  rating: 5,
  rating_comment: '满意',
  reopened: false,
  ...over,
});

describe(`history import on ${testEngine}`, () => {
  let t: TestDb;
  let admin: Ctx;
  let file: string;

  beforeAll(async () => {
    t = await createTestDb();
    admin = await seedGovernance(t.db);
    const lines = [
      record({}),
      // Late: responded after 20 minutes, resolved after 60 hours of 48; rated 1, reopened.
      record({
        order_no: 'FT-0002',
        category: 'noise-nuisance',
        ...near(XINSHA_GRID),
        responded_at: '2026-03-02T09:20:00+08:00',
        resolved_at: '2026-03-04T21:00:00+08:00',
        closed_at: '2026-03-05T21:00:00+08:00',
        rating: 1,
        reopened: true,
      }),
      // Still open in the old system: its timers passed long ago.
      record({
        order_no: 'FT-0003',
        responded_at: null,
        resolved_at: null,
        closed_at: null,
        status: 'pending',
        rating: null,
      }),
      // Not classified yet: triage.
      record({
        order_no: 'FT-0004',
        category: '',
        responded_at: null,
        resolved_at: null,
        closed_at: null,
        status: 'pending',
        rating: null,
      }),
      record({ order_no: 'FT-0001' }),
      record({ order_no: 'FT-0005', category: '不存在的类别' }),
      record({ order_no: 'FT-0006', lng: 114.3, lat: 22.7 }),
      record({ order_no: 'FT-0007', resolved_at: '2026-03-01T09:00:00+08:00' }),
    ];
    file = writeTestFile(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n{broken\n`, {
      name: 'history.jsonl',
    });
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('imports records with their original times and rejects bad ones with row and reason', async () => {
    const summary = await importServiceRequests(admin, file);
    expect(summary).toMatchObject({ status: 'succeeded', total: 9, inserted: 4, rejected: 5 });
    expect(summary.problems.map((p) => [p.row, p.field, p.reason])).toEqual([
      [5, 'order_no', 'FT-0001 appears twice for channel hotline_12345'],
      [6, 'category', 'unknown category 不存在的类别'],
      [7, 'lng', '(114.3, 22.7) lies outside the district'],
      [8, 'resolved_at', 'earlier than responded_at'],
      [9, undefined, 'not a JSON object'],
    ]);
    const { items } = await listServiceRequests(admin, { channel: ['hotline_12345'], order: 'oldest' });
    const first = items.find((r) => r.externalId === 'FT-0001')!;
    expect(first).toMatchObject({
      status: 'closed',
      submittedAt: '2026-03-02T01:00:00.000Z',
      closedAt: '2026-03-04T02:00:00.000Z',
      category: 'street-vending',
    });
    const order = await getWorkOrder(admin, first.id);
    expect(order).toMatchObject({
      agency: 'urban-management',
      zone: 'urban-management-440304010',
      status: 'closed',
    });
    expect(order.history.map((h) => h.action)).toEqual([
      'submit',
      'dispatch',
      'accept',
      'resolve',
      'visit',
      'close',
    ]);
    expect(items.find((r) => r.externalId === 'FT-0004')).toMatchObject({
      status: 'triage',
      workOrder: null,
    });
  });

  it('is idempotent: the same file again changes nothing', async () => {
    const again = await importServiceRequests(admin, file);
    expect(again).toMatchObject({ inserted: 0, unchanged: 4, rejected: 5 });
    expect((await listServiceRequests(admin, {})).total).toBe(4);
  });

  it('counts the imported history in on-time rates and satisfaction', async () => {
    const { agencies } = await onTimeRates(admin, {
      from: '2026-03-01T00:00:00+08:00',
      to: '2026-04-01T00:00:00+08:00',
    });
    expect(agencies.find((a) => a.agency === 'police')).toMatchObject({
      resolved: 1,
      resolvedOnTime: 0,
      respondedOnTime: 0,
    });
    expect(agencies.find((a) => a.agency === 'urban-management')).toMatchObject({
      resolved: 1,
      resolvedOnTime: 1,
    });
    expect(await satisfaction(admin)).toMatchObject([{ visits: 2, dissatisfied: 1 }]);
    const reopened = (await listServiceRequests(admin, { category: ['noise-nuisance'] })).items[0]!;
    expect((await getServiceRequest(admin, reopened.id)).reopenCount).toBe(1);
  });

  it('leaves open imported orders to the timers: the next tick flags them', async () => {
    const pending = (await listServiceRequests(admin, { status: ['open'] })).items[0]!;
    expect(pending.externalId).toBe('FT-0003');
    expect(await tickSla(admin)).toMatchObject({ escalated: 1 });
    expect((await getWorkOrder(admin, pending.id)).overdue).toEqual({
      response: true,
      feedback: true,
      resolve: true,
    });
  });
});

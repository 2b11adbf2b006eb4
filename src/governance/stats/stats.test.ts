import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import type { Ctx } from '../../foundation/access/context.ts';
import { submitServiceRequest } from '../requests/submit.ts';
import {
  actAs,
  FUBAO,
  MINGYUE,
  MINGYUE_GRID_1,
  MINGYUE_GRID_2,
  near,
  report,
  SHATOU,
  seedGovernance,
  XINSHA_GRID,
} from '../testing.ts';
import { recordVisit } from '../visits/visits.ts';
import { transitionWorkOrder } from '../workorders/transitions.ts';
import { hotspots, onTimeRates, requestVolumes, satisfaction } from './stats.ts';

describe(`governance statistics on ${testEngine}`, () => {
  let t: TestDb;
  let admin: Ctx;
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());

  beforeAll(async () => {
    t = await createTestDb();
    admin = await seedGovernance(t.db);
    const urban = await actAs(t.db, 'agency_handler', { kind: 'agency', id: 'urban-management' });
    const operator = await actAs(t.db, 'operator', { kind: 'district', id: '*' });
    const submit = (
      category: string | null,
      grid: Parameters<typeof near>[0],
      north: number,
      channel = 'app',
    ) =>
      submitServiceRequest(
        admin,
        report(category, grid, { ...near(grid, 0, north), channel: channel as 'app' }),
      );
    // Three street-vending reports in grid 1 (one a duplicate), one noise report in 新沙, one triage item.
    const a = await submit('street-vending', MINGYUE_GRID_1, -600);
    const b = await submit('street-vending', MINGYUE_GRID_1, 0, 'hotline_12345');
    const dup = await submit('street-vending', MINGYUE_GRID_1, 100);
    expect(dup.duplicateOf).toBe(b.id);
    await submit('noise-nuisance', XINSHA_GRID, 0, 'hotline_12345');
    await submit(null, MINGYUE_GRID_2, 0);
    // a: resolved on time, rated 5. b: resolved after its due time (the clock moved on), rated 1.
    for (const id of [a.id, b.id]) await transitionWorkOrder(urban, id, 'accept');
    await transitionWorkOrder(urban, a.id, 'resolve', '已劝离');
    await t.db.query(
      "UPDATE gov_work_orders SET resolve_due_at = now() - interval '1 hour' WHERE request_id = $1",
      [b.id],
    );
    await transitionWorkOrder(urban, b.id, 'resolve', '已劝离');
    await recordVisit(operator, a.id, { rating: 5 });
    await recordVisit(operator, b.id, { rating: 1 });
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('counts requests by category, channel, day and area level', async () => {
    expect(await requestVolumes(admin, { by: 'category' })).toEqual([
      { key: 'street-vending', name: '占道经营', count: 3 },
      { key: '', name: '待分类 triage', count: 1 },
      { key: 'noise-nuisance', name: '噪音扰民', count: 1 },
    ]);
    expect(await requestVolumes(admin, { by: 'channel' })).toEqual([
      { key: 'app', name: null, count: 3 },
      { key: 'hotline_12345', name: null, count: 2 },
    ]);
    expect(await requestVolumes(admin, { by: 'day' })).toEqual([{ key: today, name: null, count: 5 }]);
    expect(await requestVolumes(admin, { by: 'subdistrict' })).toEqual([
      { key: FUBAO, name: '福保街道', count: 4 },
      { key: SHATOU, name: '沙头街道', count: 1 },
    ]);
    expect(await requestVolumes(admin, { by: 'grid', area: MINGYUE })).toEqual([
      { key: MINGYUE_GRID_1, name: '明月社区第01网格', count: 3 },
      { key: MINGYUE_GRID_2, name: '明月社区第02网格', count: 1 },
    ]);
    expect(await requestVolumes(admin, { by: 'group', channel: 'hotline_12345' })).toEqual([
      { key: 'city-order', name: '市容秩序', count: 1 },
      { key: 'environment', name: '生态环境', count: 1 },
    ]);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    expect(await requestVolumes(admin, { by: 'category', from: tomorrow })).toEqual([]);
  });

  it('computes on-time rates per agency, counting the resolution of a reopened order', async () => {
    const { total, agencies } = await onTimeRates(admin);
    expect(agencies).toEqual([
      expect.objectContaining({
        agency: 'urban-management',
        orders: 3, // two dispatches and the reopening
        responded: 2,
        respondedOnTime: 2,
        resolved: 2,
        resolvedOnTime: 1,
        onTimeRate: 0.5,
        responseRate: 1,
        overdueOpen: 0,
      }),
      expect.objectContaining({ agency: 'police', orders: 1, resolved: 0, onTimeRate: null }),
    ]);
    expect(total).toMatchObject({ agency: '*', orders: 4, resolved: 2, resolvedOnTime: 1, onTimeRate: 0.5 });
    expect((await onTimeRates(admin, { area: SHATOU })).agencies.map((r) => r.agency)).toEqual(['police']);
  });

  it('reports satisfaction, counting the dissatisfied (who reopened their orders)', async () => {
    expect(await satisfaction(admin)).toEqual([
      {
        key: '*',
        name: '全部 all',
        visits: 2,
        averageRating: 3,
        satisfied: 1,
        dissatisfied: 1,
        satisfactionRate: 0.5,
      },
    ]);
    expect(await satisfaction(admin, { by: 'agency' })).toMatchObject([
      { key: 'urban-management', visits: 2 },
    ]);
  });

  it('ranks hotspot grids', async () => {
    expect(await hotspots(admin, { limit: 2 })).toEqual([
      expect.objectContaining({
        gridId: MINGYUE_GRID_1,
        count: 3,
        topCategory: 'street-vending',
        topCategoryName: '占道经营',
      }),
      expect.objectContaining({ count: 1 }),
    ]);
  });

  it('keeps statistics within the reader’s scope', async () => {
    const shatou = await actAs(t.db, 'analyst', { kind: 'subdistrict', id: SHATOU });
    expect(await requestVolumes(shatou, { by: 'subdistrict' })).toEqual([
      { key: SHATOU, name: '沙头街道', count: 1 },
    ]);
    const police = await actAs(t.db, 'agency_handler', { kind: 'agency', id: 'police' });
    expect((await onTimeRates(police)).agencies.map((r) => r.agency)).toEqual(['police']);
    const external = await actAs(t.db, 'external_consumer', { kind: 'district', id: '*' });
    await expect(hotspots(external)).rejects.toMatchObject({ code: 'forbidden' });
  });
});

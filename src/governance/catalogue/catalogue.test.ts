import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bumpDataVersion } from '../../db/data-versions.ts';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import type { Ctx } from '../../foundation/access/context.ts';
import { listAgencies } from '../agencies/agencies.ts';
import { ensureGovernance, expireGovernance } from '../reference.ts';
import { actAs, FUBAO, MINGYUE, seedGovernance } from '../testing.ts';
import { createCategory, getCategory, listCategories, updateCategory } from './catalogue.ts';
import { readCatalogueFile } from './file.ts';

describe(`catalogue on ${testEngine}`, () => {
  let t: TestDb;
  let admin: Ctx;

  beforeAll(async () => {
    t = await createTestDb();
    admin = await seedGovernance(t.db);
  });
  afterAll(async () => {
    await t.destroy();
  });

  it('loads the shipped catalogue on first use: about 70 matters, each with its agency and service levels', async () => {
    const categories = await listCategories(admin);
    expect(categories.length).toBe(readCatalogueFile().categories.length);
    expect(categories.length).toBeGreaterThanOrEqual(70);
    const agencies = new Set((await listAgencies(admin)).map((a) => a.code));
    expect(categories.every((c) => agencies.has(c.agency))).toBe(true);
    expect(await getCategory(admin, 'fire-lane-blocked')).toMatchObject({
      name: '消防通道堵塞',
      nameEn: 'Blocked fire lane',
      agency: 'fire',
      eventLevel: 'urgent',
      serviceLevels: { responseMinutes: 10, feedbackMinutes: 30, resolveHours: 24 },
      editedBy: null,
    });
    expect(categories.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        '占道经营',
        '乱堆放',
        '违法搭建',
        '井盖缺失',
        '路灯不亮',
        '噪音扰民',
        '垃圾满溢',
        '油烟污染',
        '出租屋安全隐患',
      ]),
    );
  });

  it('derives subdistrict offices and community workstations from the area tree', async () => {
    const offices = await listAgencies(admin, { kind: 'subdistrict_office' });
    expect(offices.map((o) => o.code)).toContain(`office-${FUBAO}`);
    expect(offices.find((o) => o.code === `office-${FUBAO}`)).toMatchObject({
      name: '福保街道办事处',
      areaId: FUBAO,
    });
    const stations = await listAgencies(admin, { kind: 'community_workstation' });
    expect(stations.find((s) => s.areaId === MINGYUE)?.name).toBe('明月社区工作站');
    // A community added later gets its workstation the next time anyone looks.
    await t.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO areas (id, name, level, parent_id, path, geometry, bbox, area_m2)
         SELECT '440304010009', '新社区', 'community', id, path || '440304010009'::text, geometry, bbox, 1 FROM areas WHERE id = $1`,
        [FUBAO],
      );
      await bumpDataVersion(tx, 'areas');
    });
    expireGovernance(t.db);
    expect((await listAgencies(admin, { kind: 'community_workstation' })).map((s) => s.code)).toContain(
      'station-440304010009',
    );
  });

  it('lets an admin add and change categories; others may not', async () => {
    const input = {
      code: 'test-matter',
      name: '测试事项',
      nameEn: 'Test matter',
      group: { code: 'social', name: '社会事务', nameEn: 'Social affairs' },
      agency: 'civil-affairs',
      eventLevel: 'general' as const,
      dispatchMode: 'agency_zone' as const,
      serviceLevels: { resolveHours: 96 },
    };
    const created = await createCategory(admin, input);
    expect(created).toMatchObject({
      serviceLevels: { responseMinutes: 10, feedbackMinutes: 30, resolveHours: 96 },
      editedBy: 'system',
    });
    await expect(createCategory(admin, input)).rejects.toMatchObject({ code: 'conflict' });
    await expect(createCategory(admin, { ...input, code: 'other', agency: 'nobody' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    const operator = await actAs(t.db, 'operator', { kind: 'district', id: '*' });
    await expect(updateCategory(operator, 'test-matter', { active: false })).rejects.toMatchObject({
      code: 'forbidden',
    });
    const changed = await updateCategory(admin, 'street-vending', {
      serviceLevels: { resolveHours: 36 },
      keywords: ['摆摊'],
    });
    expect(changed).toMatchObject({
      serviceLevels: { responseMinutes: 10, resolveHours: 36 },
      keywords: ['摆摊'],
      editedBy: 'system',
    });
    await updateCategory(admin, 'test-matter', { active: false });
    expect((await listCategories(admin)).map((c) => c.code)).not.toContain('test-matter');
    expect((await listCategories(admin, { active: false })).map((c) => c.code)).toEqual(['test-matter']);
  });

  it('merges a newer shipped file without losing API edits', async () => {
    // Simulate a release: the stored file version differs, and a shipped row drifted.
    await t.db.query("UPDATE gov_categories SET resolve_hours = 999 WHERE code = 'dead-animal'");
    await t.db.query("UPDATE gov_reference_loads SET version = 'older' WHERE source = 'categories.json'");
    expireGovernance(t.db);
    await ensureGovernance(t.db);
    expect((await getCategory(admin, 'dead-animal')).serviceLevels.resolveHours).toBe(12);
    expect((await getCategory(admin, 'street-vending')).serviceLevels.resolveHours).toBe(36);
  });
});

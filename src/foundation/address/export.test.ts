import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/db.ts';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import { csvRecords } from '../../lib/csv.ts';
import { type Ctx, systemCtx } from '../access/context.ts';
import { exportAddresses } from './export.ts';
import { ADDRESS_COLUMNS } from './format.ts';
import { importAddresses } from './import.ts';
import {
  addressCsv,
  buildingRow,
  FUBAO_GRID,
  MINGYUE,
  MINGYUE_GRID_1,
  MINGYUE_GRID_2,
  roomRow,
  seedAreas,
  writeTestFile,
  XINSHA_GRID,
} from './testing.ts';

describe(`address export on ${testEngine}`, () => {
  let t: TestDb;
  let db: Db;
  let ctx: Ctx;
  beforeAll(async () => {
    t = await createTestDb();
    db = t.db;
    ctx = systemCtx(db);
    await seedAreas(db);
    const b1 = buildingRow('EXP-B1', MINGYUE_GRID_1, { aliases: '华强|"华强"广场, 大厦', grid_id: '' });
    const b2 = buildingRow('EXP-B2', MINGYUE_GRID_2, { estate: '', road: '石厦北二街', road_no: '5' });
    const b3 = buildingRow('EXP-B3', XINSHA_GRID, { lng: '', lat: '' });
    const b4 = buildingRow('EXP-B4', FUBAO_GRID, { lng: '114.0123456789012', lat: '22.531' });
    // Rooms listed before their buildings: the export still puts every building first.
    const rows = [
      roomRow('EXP-B1-R2', b1, '12A', '12A01'),
      roomRow('EXP-B1-R1', b1, '3', '301', { entrance: '2单元' }),
      roomRow('EXP-B3-R1', b3, '1', '101'),
      b1,
      b2,
      b3,
      b4,
    ];
    const summary = await importAddresses(ctx, writeTestFile(addressCsv(rows)));
    expect(summary).toMatchObject({ inserted: 7, rejected: 0 });
  });
  afterAll(() => t.destroy());

  const exportText = async (actor: Ctx, areaId?: string) => {
    let text = '';
    for await (const chunk of exportAddresses(actor, { areaId })) text += chunk;
    return text;
  };
  /** The records keyed by the header row. */
  const parse = (text: string) => {
    const [header = [], ...rows] = csvRecords(text);
    return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
  };

  it('writes the import format, buildings before rooms, and re-imports as all unchanged', async () => {
    const text = await exportText(ctx);
    const records = parse(text);
    expect(text.split('\n')[0]).toBe(ADDRESS_COLUMNS.join(','));
    expect(records.map((r) => r.address_id)).toEqual([
      'EXP-B1',
      'EXP-B2',
      'EXP-B3',
      'EXP-B4',
      'EXP-B1-R1',
      'EXP-B1-R2',
      'EXP-B3-R1',
    ]);
    expect(records[0]).toMatchObject({
      subdistrict: '福保街道',
      community: '明月社区',
      aliases: '华强|"华强"广场, 大厦',
      grid_id: MINGYUE_GRID_1,
    });
    expect(records[2]).toMatchObject({ lng: '', lat: '', grid_id: XINSHA_GRID });
    expect(records[3]).toMatchObject({ lng: '114.0123456789012', lat: '22.531' });

    const again = await importAddresses(ctx, writeTestFile(text));
    expect(again).toMatchObject({
      total: 7,
      inserted: 0,
      updated: 0,
      unchanged: 7,
      rejected: 0,
      warnings: 0,
    });
  });

  it('exports one area, and never beyond the reader scope', async () => {
    const ids = async (actor: Ctx, areaId?: string) =>
      parse(await exportText(actor, areaId)).map((r) => r.address_id);
    expect(await ids(ctx, MINGYUE_GRID_1)).toEqual(['EXP-B1', 'EXP-B1-R1', 'EXP-B1-R2']);
    const worker: Ctx = {
      db,
      actor: { username: 'w', role: 'grid_worker', scope: { kind: 'community', id: MINGYUE } },
    };
    expect(await ids(worker)).toEqual(['EXP-B1', 'EXP-B2', 'EXP-B1-R1', 'EXP-B1-R2']);
    expect(await ids(worker, XINSHA_GRID)).toEqual([]);
    await expect(exportText(ctx, 'NO-SUCH-AREA')).rejects.toThrow(/area NO-SUCH-AREA not found/);
  });
});

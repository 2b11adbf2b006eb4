import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, QueryOptions } from '../../db/db.ts';
import { createTestDb, type TestDb, testEngine } from '../../db/testing.ts';
import { systemCtx } from '../access/context.ts';
import { AREAS, seedMatchLibrary } from '../address/match/testing.ts';
import { ingestFeed } from '../fusion/ingest.ts';
import {
  HOUSEHOLD_HEADER,
  HOUSEHOLD_MAPPING,
  householdRows,
  tempDir,
  writeCsv,
  writeMapping,
} from '../fusion/testing.ts';
import { Resolution, resolveEntities } from './resolve.ts';

describe(`resolution on ${testEngine}`, () => {
  let t: TestDb;
  let db: Db;
  beforeAll(async () => {
    t = await createTestDb();
    db = t.db;
    await seedMatchLibrary(db);
    const dir = tempDir();
    await ingestFeed(
      systemCtx(db),
      writeMapping(dir, 'ps_household', HOUSEHOLD_MAPPING),
      writeCsv(dir, 'household.csv', [HOUSEHOLD_HEADER, ...householdRows(25)]),
    );
  });
  afterAll(() => t.destroy());

  const rebuild = (batch: number) =>
    db.transaction(async (tx) => {
      const records = await tx.query<{ kind: string; id: string }>(
        'SELECT entity_kind AS kind, entity_id::text AS id FROM source_records WHERE entity_id IS NOT NULL',
      );
      return resolveEntities(tx, AREAS.district, records, { batchSize: batch });
    });
  const snapshot = async () => ({
    people: await db.query("SELECT to_jsonb(p) - 'updated_at' - 'created_at' AS p FROM people p ORDER BY id"),
    households: await db.query(
      "SELECT to_jsonb(h) - 'updated_at' - 'created_at' AS h FROM households h ORDER BY id",
    ),
  });

  it('recomputes the same registry from the records, batch by batch, each entity once', async () => {
    const before = await snapshot();
    expect(before.people).toHaveLength(25);
    expect(await rebuild(4)).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });
    await db.exec('DELETE FROM people; DELETE FROM households');
    expect(await rebuild(3)).toMatchObject({ inserted: 25 + 9, updated: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('resolves a stream of entities, each added as the batch before is written', async () => {
    const before = await snapshot();
    await db.exec('DELETE FROM people; DELETE FROM households');
    const counts = await db.transaction(async (tx) => {
      const records = await tx.query<{ kind: string; id: string }>(
        'SELECT entity_kind AS kind, entity_id::text AS id FROM source_records WHERE entity_id IS NOT NULL ORDER BY id',
      );
      let added = 0;
      const addNext = () => {
        const r = records[added++];
        if (r) resolution.add(new Map([[r.kind, [Number(r.id)]]]));
      };
      // Each batch's write statement, once answered, adds the next entity: it comes while the
      // pipeline waits for the last batch to be written.
      const spied: Db = {
        ...tx,
        query: <T>(sql: string, params?: unknown[], options?: QueryOptions) => {
          const answered = tx.query<T>(sql, params, options);
          if (!sql.includes('WITH upserted')) return answered;
          return answered.then((rows) => {
            addNext();
            return rows;
          });
        },
      };
      const resolution = await Resolution.start(spied, AREAS.district);
      addNext();
      return resolution.finish();
    });
    expect(counts).toMatchObject({ inserted: 25 + 9, updated: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('credits each field of an entity with one record to that record', async () => {
    const people = await db.query<{ field_sources: Record<string, number>; record: string; fields: object }>(
      `SELECT p.field_sources, r.id::text AS record, r.fields
         FROM people p JOIN source_records r ON r.entity_kind = 'person' AND r.entity_id = p.id`,
    );
    expect(people).toHaveLength(25);
    for (const p of people)
      expect(p.field_sources).toEqual(
        Object.fromEntries(Object.keys(p.fields).map((field) => [field, Number(p.record)])),
      );
  });

  it('removes an entity whose records are all retired', async () => {
    await db.exec(`UPDATE source_records SET retired_by_feed = feed_id WHERE target = 'household'`);
    expect(await rebuild(5)).toMatchObject({ deleted: 9 });
    expect(await db.query('SELECT 1 FROM households')).toHaveLength(0);
  });
});

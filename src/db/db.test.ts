import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyLines } from './copy-lines.ts';
import type { Db } from './db.ts';
import { copyText, csvLine, openDb } from './db.ts';
import { migrate, migrationFiles } from './migrate.ts';
import { createTestDb, type TestDb, testEngine } from './testing.ts';

describe(`database on ${testEngine}`, () => {
  let t: TestDb;
  let db: Db;
  beforeAll(async () => {
    t = await createTestDb();
    db = t.db;
  });
  afterAll(() => t.destroy());

  it('applies every migration once', async () => {
    const rows = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(migrationFiles());
    expect(await migrate(db)).toEqual([]);
  });

  it('copies CSV rows, including quotes, commas, newlines, nulls and arrays', async () => {
    await db.exec('CREATE TABLE copy_probe (a text, b text, c text[])');
    const data = csvLine(['x,"y"', null, ['p', 'q r']]) + csvLine(['多行\n文本', '', []]);
    const copied = await db.copyFrom('COPY copy_probe (a, b, c) FROM STDIN WITH (FORMAT csv)', data);
    expect(copied).toBe(2);
    const rows = await db.query<{ a: string; b: string | null; c: string[] }>(
      'SELECT * FROM copy_probe ORDER BY a',
    );
    expect(rows).toEqual([
      { a: 'x,"y"', b: null, c: ['p', 'q r'] },
      { a: '多行\n文本', b: '', c: [] },
    ]);
  });

  it('copies text-format rows, including backslashes, tabs, newlines, JSON, nulls and arrays', async () => {
    await db.exec('CREATE TABLE copy_text_probe (a text, b jsonb, c text[], d text)');
    const line = (values: unknown[]) => `${values.map(copyText).join('\t')}\n`;
    const json = JSON.stringify({ name: '张"三', path: 'C:\\x', note: 'a\tb\nc' });
    const data = line(['a\\b\tc\r\nd', json, ['p', 'q "r"', 's\\t'], null]) + line(['', null, [], '\\N']);
    expect(await db.copyFrom('COPY copy_text_probe (a, b, c, d) FROM STDIN', data)).toBe(2);
    const rows = await db.query<{ a: string; b: unknown; c: string[]; d: string | null }>(
      'SELECT * FROM copy_text_probe ORDER BY a DESC',
    );
    expect(rows).toEqual([
      { a: 'a\\b\tc\r\nd', b: JSON.parse(json), c: ['p', 'q "r"', 's\\t'], d: null },
      { a: '', b: null, c: [], d: '\\N' },
    ]);
  });

  it('rolls a failed transaction back whole, including COPY', async () => {
    await db.exec('CREATE TABLE tx_probe (id int PRIMARY KEY)');
    await expect(
      db.transaction(async (tx) => {
        await tx.copyFrom('COPY tx_probe (id) FROM STDIN WITH (FORMAT csv)', '1\n2\n');
        await tx.query('INSERT INTO tx_probe VALUES (1)');
      }),
    ).rejects.toThrow();
    expect(await db.query('SELECT * FROM tx_probe')).toEqual([]);
  });

  it('runs a bulk transaction: statements sent at once run in order, and it commits', async () => {
    await db.exec('CREATE TABLE bulk_probe (id int PRIMARY KEY, note text)');
    const workMem = async (on: Db) => (await on.query<{ work_mem: string }>('SHOW work_mem'))[0]!.work_mem;
    const outside = await workMem(db);
    const counts = await db.bulkTransaction(async (tx) => {
      expect(tx.inTransaction).toBe(true);
      // Batches sort in memory, for this transaction only.
      expect(await workMem(tx)).toBe('64MB');
      // Sent without waiting for each: the COPY lands before the update, the update before the count.
      const copied = tx.copyFrom('COPY bulk_probe (id, note) FROM STDIN', '1\tone\n2\ttwo\n');
      const updated = tx.query("UPDATE bulk_probe SET note = note || '!' WHERE id = $1 RETURNING id", [2]);
      const counted = tx.query<{ n: number }>('SELECT count(*)::int AS n FROM bulk_probe', [], {
        name: 'bulk_probe_count',
      });
      // Nested transactions join it.
      const nested = tx.transaction((inner) =>
        inner.query<{ note: string }>('SELECT note FROM bulk_probe WHERE id = 2'),
      );
      return Promise.all([copied, updated, counted, nested]);
    });
    expect(counts).toEqual([2, [{ id: 2 }], [{ n: 2 }], [{ note: 'two!' }]]);
    expect(await workMem(db)).toBe(outside);
    expect(await db.query('SELECT id, note FROM bulk_probe ORDER BY id')).toEqual([
      { id: 1, note: 'one' },
      { id: 2, note: 'two!' },
    ]);
  });

  it('copies lines encoded beforehand, their buffer handed to the transaction', async () => {
    await db.exec('CREATE TABLE bulk_bytes_probe (id int PRIMARY KEY, note text)');
    const lines = new CopyLines();
    // Past Node's pool of small buffers: its memory moves rather than being copied.
    for (let id = 1; id <= 2_000; id++) lines.push(`${id}\t街道 ${id}\n`);
    const bytes = lines.take();
    expect(
      await db.bulkTransaction((tx) => tx.copyFrom('COPY bulk_bytes_probe (id, note) FROM STDIN', bytes)),
    ).toBe(2_000);
    // Moved to the database's thread, not copied: nothing is left here.
    expect(bytes.byteLength).toBe(0);
    expect(await db.query('SELECT count(*)::int AS n, max(note) AS last FROM bulk_bytes_probe')).toEqual([
      { n: 2_000, last: '街道 999' },
    ]);
  });

  it('rolls a failed bulk transaction back whole, with the error as the server gave it', async () => {
    await db.exec('CREATE TABLE bulk_fail_probe (id int PRIMARY KEY)');
    const failed = db.bulkTransaction(async (tx) => {
      await tx.copyFrom('COPY bulk_fail_probe (id) FROM STDIN', '1\n2\n');
      await tx.query('INSERT INTO bulk_fail_probe VALUES (1)');
    });
    await expect(failed).rejects.toMatchObject({ code: '23505', constraint: 'bulk_fail_probe_pkey' });
    expect(await db.query('SELECT * FROM bulk_fail_probe')).toEqual([]);
    // The next one starts afresh.
    await db.bulkTransaction((tx) => tx.query('INSERT INTO bulk_fail_probe VALUES (3)'));
    expect(await db.query('SELECT * FROM bulk_fail_probe')).toEqual([{ id: 3 }]);
  });
});

describe('PGlite checkpoints', () => {
  const walSinceCheckpoint = async (db: Db) =>
    (
      await db.query<{ bytes: number }>(
        'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), redo_lsn)::float8 AS bytes FROM pg_control_checkpoint()',
      )
    )[0]!.bytes;
  const writeInTransaction = (db: Db) =>
    db.transaction((tx) =>
      tx.exec('CREATE TABLE wal_probe (x int); INSERT INTO wal_probe SELECT generate_series(1, 100000)'),
    );

  it('after a commit once the WAL has grown past the limit, and not before', async () => {
    const small = await openDb({ dataDir: 'memory://', migrate: false, walCheckpointBytes: 1_000_000 });
    const large = await openDb({ dataDir: 'memory://', migrate: false });
    try {
      await writeInTransaction(small);
      await writeInTransaction(large);
      expect(await walSinceCheckpoint(large)).toBeGreaterThan(1_000_000);
      expect(await walSinceCheckpoint(small)).toBeLessThan(10_000);
    } finally {
      await small.close();
      await large.close();
    }
  });
});

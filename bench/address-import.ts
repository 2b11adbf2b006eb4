// Address import throughput on one engine: the real importer (parse, check, COPY to staging,
// checks in SQL, merge) against a plain COPY of the same rows into an unindexed text table.
import { readFile } from 'node:fs/promises';
import { systemCtx } from '../src/foundation/access/context.ts';
import { ADDRESS_COLUMNS } from '../src/foundation/address/format.ts';
import { importAddresses } from '../src/foundation/address/import.ts';
import { importAreas } from '../src/foundation/areas/import.ts';
import type { BenchDb } from './engines.ts';

export interface ImportResult {
  engine: string;
  rows: number;
  importSeconds: number;
  importPerSecond: number;
  reimportSeconds: number;
  copySeconds: number;
  copyPerSecond: number;
  timingsMs: { read: number; copy: number; check: number; merge: number };
}

export async function benchAddressImport(
  bench: BenchDb,
  files: { areas: string; addresses: string },
): Promise<ImportResult> {
  const ctx = systemCtx(bench.db);
  const areas = await importAreas(ctx, files.areas);
  if (areas.status !== 'succeeded') throw new Error(`areas import failed: ${areas.problems[0]?.reason}`);

  let t0 = performance.now();
  const first = await importAddresses(ctx, files.addresses);
  const importSeconds = (performance.now() - t0) / 1000;
  if (first.status !== 'succeeded') throw new Error(`address import failed: ${first.problems[0]?.reason}`);

  t0 = performance.now();
  const again = await importAddresses(ctx, files.addresses);
  const reimportSeconds = (performance.now() - t0) / 1000;
  if (again.inserted + again.updated !== 0)
    throw new Error('re-import changed rows: the import is not idempotent');

  // The same bytes through a bare COPY: the floor any importer on this engine is measured against.
  const bytes = await readFile(files.addresses);
  await bench.db.exec(
    `CREATE TABLE bench_plain_copy (${ADDRESS_COLUMNS.map((c) => `${c} text`).join(', ')})`,
  );
  t0 = performance.now();
  const copied = await bench.db.copyFrom(
    `COPY bench_plain_copy (${ADDRESS_COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv, HEADER true)`,
    bytes,
  );
  const copySeconds = (performance.now() - t0) / 1000;

  return {
    engine: bench.engine,
    rows: first.total,
    importSeconds,
    importPerSecond: first.total / importSeconds,
    reimportSeconds,
    copySeconds,
    copyPerSecond: copied / copySeconds,
    timingsMs: first.timingsMs,
  };
}

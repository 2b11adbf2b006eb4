// Imports the standard address CSV (DESIGN.md §4). One file is one transaction:
//   1. stream-parse the text and check each row on its own (validate.ts);
//   2. COPY the kept rows into a temporary staging table in chunks;
//   3. check in SQL what needs the whole file or the library (a room's building, an id kept under
//      another district), and drop those rows from staging;
//   4. merge staging into `addresses` with one INSERT … ON CONFLICT … WHERE IS DISTINCT FROM, so
//      an unchanged row is not rewritten and re-importing a file reports every row unchanged.
// Rejected rows and warnings are stored with the run (import_problems) in the same transaction.
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { bumpDataVersion } from '../../db/data-versions.ts';
import { csvField, type Db } from '../../db/db.ts';
import { DomainError, invalidInput } from '../../lib/errors.ts';
import { type DecodedText, readTextFile } from '../../lib/text.ts';
import { audit, type Ctx, requirePermission } from '../access/context.ts';
import { loadLocator } from '../areas/locator.ts';
import {
  emptyCounts,
  finishImport,
  type ImportCounts,
  type ImportProblem,
  type ImportSummary,
  recordProblems,
  startImport,
} from '../imports/runs.ts';
import { ADDRESS_COLUMNS, type AddressColumn } from './format.ts';
import {
  type AddressRow,
  type CsvHeader,
  type CsvRow,
  csvHeader,
  loadAreaNames,
  type RawRow,
  rawOf,
  rowChecker,
} from './validate.ts';

export type AddressImportPhase = 'reading' | 'checking' | 'merging';

export interface AddressImportOptions {
  /** Data rows read so far (cumulative), every few thousand rows and once at the end of the file. */
  onProgress?: (rows: number) => void;
  /** Called as the import enters each phase, for long files whose later phases print nothing. */
  onPhase?: (phase: AddressImportPhase) => void;
}

export interface AddressImportSummary extends ImportSummary {
  /** Where the time went: parse and check rows, COPY into staging, checks in SQL, merge. */
  timingsMs: { read: number; copy: number; check: number; merge: number };
}

/** Rows per COPY into staging: large enough to amortise the round trip, small enough to bound memory. */
export const STAGING_CHUNK_ROWS = 20_000;
const PROGRESS_EVERY_ROWS = 5_000;
const ANALYZE_AFTER_ROWS = 5_000;
const REQUIRED_COLUMNS: readonly AddressColumn[] = ['address_id', 'level'];

export async function importAddresses(
  ctx: Ctx,
  path: string,
  options: AddressImportOptions = {},
): Promise<AddressImportSummary> {
  requirePermission(ctx, 'addresses:write');
  return importAddressText(ctx, path, await readTextFile(path), options);
}

/** Imports already-decoded text; `file` names it in the run and in every problem. */
export async function importAddressText(
  ctx: Ctx,
  file: string,
  input: DecodedText,
  options: AddressImportOptions = {},
): Promise<AddressImportSummary> {
  requirePermission(ctx, 'addresses:write');
  const importId = await startImport(ctx, 'addresses', file, input);
  const counts = emptyCounts();
  try {
    return await ctx.db.transaction((tx) =>
      runImport({ ...ctx, db: tx }, { importId, file, input, counts, options }),
    );
  } catch (error) {
    // The data rolled back; the run keeps its failure (and, for an unreadable file, where it failed).
    const problems: ImportProblem[] =
      error instanceof DomainError ? error.problems.map((p) => ({ ...p, severity: 'error' as const })) : [];
    await recordProblems(ctx.db, importId, problems);
    await finishImport(
      ctx.db,
      importId,
      'failed',
      counts,
      error instanceof Error ? error.message : String(error),
    );
    throw error;
  }
}

interface Run {
  importId: string;
  file: string;
  input: DecodedText;
  counts: ImportCounts;
  options: AddressImportOptions;
}

async function runImport(ctx: Ctx, run: Run): Promise<AddressImportSummary> {
  const { db } = ctx;
  const { importId, file, input, counts, options } = run;
  const timingsMs = { read: 0, copy: 0, check: 0, merge: 0 };
  let started = performance.now();
  options.onPhase?.('reading');

  const locator = await loadLocator(db);
  if (locator.size === 0)
    throw invalidInput('there is no area tree yet: import the areas first (citybrain areas import)');
  const checker = rowChecker(file, locator, await loadAreaNames(db), ctx.actor);
  await createStaging(db);
  const problems: ImportProblem[] = [];
  const rejected = new Set<number>();
  let chunk: string[] = [];
  const flush = async () => {
    const copyStarted = performance.now();
    await copyToStaging(db, chunk.join(''));
    chunk = [];
    timingsMs.copy += performance.now() - copyStarted;
  };

  for await (const row of readAddressRows(file, input.text)) {
    const { rowNumber } = row;
    counts.total = rowNumber;
    if (row.fields.length !== row.header.names.length) {
      rejected.add(rowNumber);
      problems.push({
        severity: 'error',
        file,
        row: rowNumber,
        reason: `has ${row.fields.length} fields, the header has ${row.header.names.length}`,
        raw: rawOf(row),
      });
    } else {
      const result = checker.check(row);
      for (const problem of result.problems) problems.push(problem);
      if (result.row) chunk.push(stagingLine(result.row));
      else rejected.add(rowNumber);
    }
    if (chunk.length >= STAGING_CHUNK_ROWS) await flush();
    if (rowNumber % PROGRESS_EVERY_ROWS === 0) options.onProgress?.(rowNumber);
  }
  await flush();
  options.onProgress?.(counts.total);
  timingsMs.read = performance.now() - started - timingsMs.copy;

  options.onPhase?.('checking');
  started = performance.now();
  const late = await checkStaged(db, checker.firstRowOf);
  if (late.length > 0) {
    const raws = await rawRowsAt(file, input.text, new Set(late.map((p) => p.row)));
    for (const problem of late) {
      rejected.add(problem.row);
      problems.push({ severity: 'error', file, ...problem, raw: raws.get(problem.row) });
    }
  }
  timingsMs.check = performance.now() - started;

  options.onPhase?.('merging');
  started = performance.now();
  const merged = await mergeStaged(db, importId);
  // PGlite runs no autovacuum: without fresh statistics the planner walks the table for every
  // keyset page of an export or list. PostgreSQL would get there on its own, later.
  if (merged.inserted + merged.updated >= ANALYZE_AFTER_ROWS) await db.exec('ANALYZE addresses');
  timingsMs.merge = performance.now() - started;

  // Warnings of rows rejected later are noise: the row is reported as rejected.
  const kept = problems
    .filter((p) => p.severity === 'error' || !rejected.has(p.row!))
    .sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  counts.inserted = merged.inserted;
  counts.updated = merged.updated;
  counts.rejected = rejected.size;
  counts.unchanged = counts.total - counts.rejected - merged.inserted - merged.updated;
  counts.warnings = kept.length - kept.filter((p) => p.severity === 'error').length;

  await recordProblems(db, importId, kept);
  if (merged.inserted + merged.updated > 0) await bumpDataVersion(db, 'addresses');
  await audit(ctx, 'addresses.import', { kind: 'import', id: importId }, { file, ...counts });
  await finishImport(db, importId, 'succeeded', counts);
  return {
    ...counts,
    importId,
    file,
    encoding: input.encoding,
    status: 'succeeded',
    problems: kept,
    timingsMs,
  };
}

// ---- reading ---------------------------------------------------------------------------------

/** Streams the data rows of an address CSV. */
export async function* readAddressRows(file: string, text: string): AsyncGenerator<CsvRow> {
  const parser = parse({ skip_empty_lines: true, relax_column_count: true });
  Readable.from(lineAlignedChunks(text)).pipe(parser);
  let header: CsvHeader | undefined;
  let rowNumber = 0;
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = readHeader(file, fields);
        continue;
      }
      rowNumber += 1;
      yield { rowNumber, fields, header };
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // `records` counts the header too, so it is the 1-based data row that failed (0: the header).
    const failedRow = typeof error.records === 'number' ? error.records : rowNumber + 1;
    throw invalidInput(`${file} is not a readable CSV file`, [
      { file, ...(failedRow > 0 && { row: failedRow }), reason: error.message },
    ]);
  }
  if (!header)
    throw invalidInput(`${file} is empty: expected a header row`, [{ file, reason: 'empty file' }]);
}

function readHeader(file: string, record: string[]): CsvHeader {
  const header = record.map((name) => name.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  const repeated = header.filter((name, i) => name && header.indexOf(name) !== i);
  const problems = [
    ...missing.map((column) => ({ file, field: column, reason: 'missing column in the header row' })),
    ...repeated.map((column) => ({ file, field: column, reason: 'column appears twice in the header row' })),
  ];
  if (problems.length > 0)
    throw invalidInput(
      `${file}: the header row must name the columns ${ADDRESS_COLUMNS.join(',')}`,
      problems,
    );
  return csvHeader(header);
}

/** ~1 MB pieces cut after a newline, so no piece splits a character. */
function* lineAlignedChunks(text: string, size = 1 << 20): Generator<string> {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start + size);
    end = end === -1 ? text.length : end + 1;
    yield text.slice(start, end);
    start = end;
  }
}

/** The raw records of some rows: a second pass, only for rows rejected after staging. */
async function rawRowsAt(
  file: string,
  text: string,
  rows: ReadonlySet<number>,
): Promise<Map<number, RawRow>> {
  const found = new Map<number, RawRow>();
  for await (const row of readAddressRows(file, text)) {
    if (rows.has(row.rowNumber)) found.set(row.rowNumber, rawOf(row));
    if (found.size === rows.size) break;
  }
  return found;
}

// ---- staging and merge (exported for the benchmark) --------------------------------------------

const STAGED_COLUMNS =
  'district_id, address_id, level, parent_id, subdistrict_id, community_id, grid_id, road, road_no, estate, building, entrance, floor, room, aliases, lng, lat';
/** The columns whose change makes a row "updated"; district_id and address_id are the key. */
const COMPARED_COLUMNS = STAGED_COLUMNS.split(', ').slice(2);

/** A temporary table dropped at commit: call inside the import's transaction. */
export async function createStaging(db: Db): Promise<void> {
  await db.exec(`CREATE TEMP TABLE address_staging (
    row_number integer NOT NULL,
    district_id text NOT NULL,
    address_id text NOT NULL,
    level text NOT NULL,
    parent_id text,
    subdistrict_id text,
    community_id text,
    grid_id text NOT NULL,
    road text, road_no text, estate text, building text, entrance text, floor text, room text,
    aliases text[] NOT NULL,
    lng double precision,
    lat double precision
  ) ON COMMIT DROP`);
}

/** One staging line for COPY (FORMAT csv). Hot: it runs per row, so text is quoted only when it must be. */
export function stagingLine(row: AddressRow): string {
  return `${row.rowNumber},${copyText(row.districtId)},${copyText(row.addressId)},${row.level},${copyText(row.parentId)},${copyText(row.subdistrictId)},${copyText(row.communityId)},${copyText(row.gridId)},${copyText(row.road)},${copyText(row.roadNo)},${copyText(row.estate)},${copyText(row.building)},${copyText(row.entrance)},${copyText(row.floor)},${copyText(row.room)},${csvField(row.aliases)},${row.lng ?? ''},${row.lat ?? ''}\n`;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** null → an unquoted empty field (NULL); text is never empty here (empty cells became null). */
function copyText(value: string | null): string {
  if (value === null) return '';
  return NEEDS_QUOTES.test(value) ? csvField(value) : value;
}

/** COPYs lines made by `stagingLine`; returns the rows copied. */
export async function copyToStaging(db: Db, lines: string): Promise<number> {
  if (lines.length === 0) return 0;
  return db.copyFrom(
    `COPY address_staging (row_number, ${STAGED_COLUMNS}) FROM STDIN WITH (FORMAT csv)`,
    lines,
  );
}

export interface LateProblem {
  row: number;
  field: string;
  reason: string;
}

/**
 * Rejects staged rows that only the whole file and the library can judge, and removes them from
 * staging: an address_id kept under another district, and a room whose building is neither a
 * building in this file nor one in the library (of the same district).
 */
export async function checkStaged(
  db: Db,
  firstRowOf: (addressId: string) => number | undefined,
): Promise<LateProblem[]> {
  await db.exec('CREATE INDEX ON address_staging (address_id); ANALYZE address_staging');
  const problems: LateProblem[] = [];
  const elsewhere = await db.query<{ row_number: number; address_id: string; district_id: string }>(
    `DELETE FROM address_staging s USING addresses a
      WHERE a.address_id = s.address_id AND a.district_id <> s.district_id
      RETURNING s.row_number, s.address_id, a.district_id`,
  );
  for (const r of elsewhere)
    problems.push({
      row: r.row_number,
      field: 'address_id',
      reason: `${r.address_id} exists already in district ${r.district_id}`,
    });

  // A building in this file wins over the library's version of it.
  const orphans = await db.query<{
    row_number: number;
    parent_id: string;
    district_id: string;
    parent_level: string | null;
    parent_district: string | null;
  }>(
    `WITH rooms AS (
       SELECT s.row_number, COALESCE(p.level, a.level) AS parent_level,
              COALESCE(p.district_id, a.district_id) AS parent_district
         FROM address_staging s
         LEFT JOIN address_staging p ON p.address_id = s.parent_id
         LEFT JOIN addresses a ON p.address_id IS NULL AND a.address_id = s.parent_id
        WHERE s.level = 'room'
     )
     DELETE FROM address_staging s USING rooms r
      WHERE s.row_number = r.row_number
        AND (r.parent_level IS DISTINCT FROM 'building' OR r.parent_district <> s.district_id)
      RETURNING s.row_number, s.parent_id, s.district_id, r.parent_level, r.parent_district`,
  );
  for (const r of orphans) {
    const fileRow = firstRowOf(r.parent_id);
    const reason =
      r.parent_level === null
        ? fileRow === undefined
          ? `no address ${r.parent_id} in the file or the library`
          : `its building ${r.parent_id} (row ${fileRow}) was rejected`
        : r.parent_level !== 'building'
          ? `${r.parent_id} is a ${r.parent_level}, not a building`
          : `its building ${r.parent_id} is in district ${r.parent_district}, not ${r.district_id}`;
    problems.push({ row: r.row_number, field: 'parent_id', reason });
  }
  return problems;
}

/** Upserts staging into `addresses`, rewriting only rows that differ. */
export async function mergeStaged(db: Db, importId: string): Promise<{ inserted: number; updated: number }> {
  const [counts] = await db.query<{ inserted: number; updated: number }>(
    `WITH merged AS (
       INSERT INTO addresses AS a (${STAGED_COLUMNS}, import_id)
       SELECT ${STAGED_COLUMNS}, $1::bigint FROM address_staging ORDER BY district_id, address_id
       ON CONFLICT (district_id, address_id) DO UPDATE
          SET ${COMPARED_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')},
              import_id = excluded.import_id, updated_at = now()
        WHERE (${COMPARED_COLUMNS.map((c) => `a.${c}`).join(', ')})
              IS DISTINCT FROM (${COMPARED_COLUMNS.map((c) => `excluded.${c}`).join(', ')})
       RETURNING (a.xmax = 0) AS inserted
     )
     SELECT (count(*) FILTER (WHERE inserted))::int AS inserted,
            (count(*) FILTER (WHERE NOT inserted))::int AS updated
       FROM merged`,
    [importId],
  );
  return counts ?? { inserted: 0, updated: 0 };
}

// Imports the standard address CSV (DESIGN.md §4). One file is one transaction:
//   1. read the records (lib/csv.ts) and check each row on its own (validate.ts);
//   2. COPY the kept rows into a temporary staging table in chunks;
//   3. check what needs the whole file or the library: an id kept under another district (one join
//      in SQL), then each room's building (in memory, asking the library only for the buildings
//      the file lacks); drop the rows rejected there from staging;
//   4. merge: UPDATE the stored rows whose content differs, then INSERT the ids not stored yet.
//      An unchanged row is not rewritten, so re-importing a file reports every row unchanged.
// Rejected rows and warnings are stored with the run (import_problems) in the same transaction.
import { bumpDataVersion } from '../../db/data-versions.ts';
import { csvField, type Db } from '../../db/db.ts';
import { CsvSyntaxError, csvRecords } from '../../lib/csv.ts';
import { invalidInput } from '../../lib/errors.ts';
import { type DecodedText, readTextFile } from '../../lib/text.ts';
import { audit, type Ctx, requirePermission } from '../access/context.ts';
import { loadLocator } from '../areas/locator.ts';
import {
  emptyCounts,
  failImport,
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
  /** Where the time went: read and check rows, COPY into staging, checks after staging, merge. */
  timingsMs: { read: number; copy: number; check: number; merge: number };
}

/** Rows per COPY into staging: large enough to amortise the round trip, small enough to bound memory. */
const STAGING_CHUNK_ROWS = 20_000;
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
    // The data rolled back; the run keeps its failure (and, for a refused file, where it failed).
    await failImport(ctx.db, importId, counts, error);
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
  const ids = keptIds();
  let chunk: string[] = [];
  const flush = async () => {
    const copyStarted = performance.now();
    await copyToStaging(db, chunk.join(''));
    chunk = [];
    timingsMs.copy += performance.now() - copyStarted;
  };

  for (const row of readAddressRows(file, input.text)) {
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
      if (result.row) {
        chunk.push(stagingLine(result.row));
        ids.add(result.row);
      } else rejected.add(rowNumber);
    }
    if (chunk.length >= STAGING_CHUNK_ROWS) await flush();
    if (rowNumber % PROGRESS_EVERY_ROWS === 0) options.onProgress?.(rowNumber);
  }
  await flush();
  options.onProgress?.(counts.total);
  timingsMs.read = performance.now() - started - timingsMs.copy;

  options.onPhase?.('checking');
  started = performance.now();
  const elsewhere = await idsElsewhere(db);
  for (const problem of elsewhere) {
    rejected.add(problem.row);
    ids.buildings.delete(problem.addressId);
  }
  const late = [...elsewhere, ...(await checkRooms(db, ids, rejected, checker.firstRowOf))];
  if (late.length > 0) {
    const lateRows = late.map((p) => p.row);
    await db.query('DELETE FROM address_staging WHERE row_number = ANY($1::int[])', [lateRows]);
    const raws = rawRowsAt(file, input.text, new Set(lateRows));
    for (const { row, field, reason } of late) {
      rejected.add(row);
      problems.push({ severity: 'error', file, row, field, reason, raw: raws.get(row) });
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

/** The data rows of an address CSV, in file order. */
function* readAddressRows(file: string, text: string): Generator<CsvRow> {
  let header: CsvHeader | undefined;
  let rowNumber = 0;
  try {
    for (const fields of csvRecords(text)) {
      if (!header) {
        header = readHeader(file, fields);
        continue;
      }
      rowNumber += 1;
      yield { rowNumber, fields, header };
    }
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    // The record being read is the next data row (none while the header is read).
    throw invalidInput(`${file} is not a readable CSV file`, [
      { file, ...(header && { row: rowNumber + 1 }), reason: error.message },
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

/** The raw records of some rows: a second pass, only for rows rejected after staging. */
function rawRowsAt(file: string, text: string, rows: ReadonlySet<number>): Map<number, RawRow> {
  const found = new Map<number, RawRow>();
  for (const row of readAddressRows(file, text)) {
    if (rows.has(row.rowNumber)) found.set(row.rowNumber, rawOf(row));
    if (found.size === rows.size) break;
  }
  return found;
}

// ---- staging, checks after staging, merge ------------------------------------------------------

const STAGED_COLUMNS =
  'district_id, address_id, level, parent_id, subdistrict_id, community_id, grid_id, road, road_no, estate, building, entrance, floor, room, aliases, lng, lat';
/** The columns whose change makes a row "updated"; district_id and address_id are the key. */
const COMPARED_COLUMNS = STAGED_COLUMNS.split(', ').slice(2);

/**
 * A temporary table dropped at commit: call inside the import's transaction. The joins of staging
 * with `addresses` hash a whole file; with the default 4 MB of work_mem they spill to disk in
 * batches, so this transaction gets more.
 */
async function createStaging(db: Db): Promise<void> {
  await db.exec(`SET LOCAL work_mem = '64MB'; CREATE TEMP TABLE address_staging (
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

/**
 * One staging line for COPY (FORMAT csv). Hot: it runs per row, so text is quoted only when it must
 * be, and the line is joined from an array: a flat string, where a template literal would leave a
 * rope of ~35 pieces per row for the garbage collector to trace until the chunk is sent.
 */
function stagingLine(row: AddressRow): string {
  return [
    row.rowNumber,
    copyText(row.districtId),
    copyText(row.addressId),
    row.level,
    copyText(row.parentId),
    copyText(row.subdistrictId),
    copyText(row.communityId),
    copyText(row.gridId),
    copyText(row.road),
    copyText(row.roadNo),
    copyText(row.estate),
    copyText(row.building),
    copyText(row.entrance),
    copyText(row.floor),
    copyText(row.room),
    row.aliases.length === 0 ? '{}' : csvField(row.aliases),
    row.lng ?? '',
    `${row.lat ?? ''}\n`,
  ].join(',');
}

const NEEDS_QUOTES = /[",\r\n]/;

/** null → an unquoted empty field (NULL); text is never empty here (empty cells became null). */
function copyText(value: string | null): string {
  if (value === null) return '';
  return NEEDS_QUOTES.test(value) ? csvField(value) : value;
}

/** COPYs lines made by `stagingLine`; returns the rows copied. */
async function copyToStaging(db: Db, lines: string): Promise<number> {
  if (lines.length === 0) return 0;
  return db.copyFrom(
    `COPY address_staging (row_number, ${STAGED_COLUMNS}) FROM STDIN WITH (FORMAT csv)`,
    lines,
  );
}

interface LateProblem {
  row: number;
  field: string;
  reason: string;
}

/** The staged rows whose address_id is stored under another district: the library keeps it there. */
async function idsElsewhere(db: Db): Promise<(LateProblem & { addressId: string })[]> {
  const rows = await db.query<{ row_number: number; address_id: string; district_id: string }>(
    `SELECT s.row_number, s.address_id, a.district_id
       FROM address_staging s JOIN addresses a ON a.address_id = s.address_id
      WHERE a.district_id <> s.district_id`,
  );
  return rows.map((r) => ({
    row: r.row_number,
    addressId: r.address_id,
    field: 'address_id',
    reason: `${r.address_id} exists already in district ${r.district_id}`,
  }));
}

/**
 * What the file keeps, for checking each room's building once the whole file is read (a room may
 * come before its building): its buildings by id with their district, and its rooms in columns,
 * with no object or hash entry per room, as a district has hundreds of thousands of them.
 */
function keptIds() {
  const buildings = new Map<string, string>();
  const rooms = {
    rows: [] as number[],
    ids: [] as string[],
    parents: [] as string[],
    districts: [] as string[],
  };
  return {
    buildings,
    rooms,
    add(row: AddressRow) {
      if (row.level === 'building') buildings.set(row.addressId, row.districtId);
      else {
        rooms.rows.push(row.rowNumber);
        rooms.ids.push(row.addressId);
        rooms.parents.push(row.parentId!);
        rooms.districts.push(row.districtId);
      }
    },
  };
}
type KeptIds = ReturnType<typeof keptIds>;

/**
 * Rejects the kept rooms whose building is neither a building of this file nor one in the library,
 * of the same district. A building in this file wins over the library's version of it, so the
 * library is asked only about the parents the file lacks. `rejected` holds the rows rejected so
 * far, whose buildings are out of `kept.buildings` already.
 */
async function checkRooms(
  db: Db,
  kept: KeptIds,
  rejected: ReadonlySet<number>,
  firstRowOf: (addressId: string) => number | undefined,
): Promise<LateProblem[]> {
  const { buildings, rooms } = kept;
  const others = new Set<string>();
  for (const parentId of rooms.parents) if (!buildings.has(parentId)) others.add(parentId);
  // Parents that are not a building of the file: a room of the file, or whatever the library has.
  const parents = new Map<string, { level: string; district_id: string }>();
  if (others.size > 0) {
    rooms.ids.forEach((id, i) => {
      if (others.has(id) && !rejected.has(rooms.rows[i]!))
        parents.set(id, { level: 'room', district_id: rooms.districts[i]! });
    });
    const stored = await db.query<{ address_id: string; level: string; district_id: string }>(
      'SELECT address_id, level, district_id FROM addresses WHERE address_id = ANY($1::text[])',
      [[...others].filter((id) => !parents.has(id))],
    );
    for (const r of stored) parents.set(r.address_id, r);
  }

  const problems: LateProblem[] = [];
  rooms.parents.forEach((parentId, i) => {
    const row = rooms.rows[i]!;
    const districtId = rooms.districts[i]!;
    const fileDistrict = buildings.get(parentId);
    if (fileDistrict === districtId || rejected.has(row)) return;
    const parent =
      fileDistrict === undefined ? parents.get(parentId) : { level: 'building', district_id: fileDistrict };
    if (parent?.level === 'building' && parent.district_id === districtId) return;
    const fileRow = firstRowOf(parentId);
    const reason = !parent
      ? fileRow === undefined
        ? `no address ${parentId} in the file or the library`
        : `its building ${parentId} (row ${fileRow}) was rejected`
      : parent.level !== 'building'
        ? `${parentId} is a ${parent.level}, not a building`
        : `its building ${parentId} is in district ${parent.district_id}, not ${districtId}`;
    problems.push({ row, field: 'parent_id', reason });
  });
  return problems;
}

/**
 * Merges staging into `addresses`: an UPDATE of the stored rows whose content differs, then an
 * INSERT of the ids not stored yet. Rows stored under another district were rejected before, so
 * every staged row is new, changed or unchanged; unchanged rows are not touched.
 */
async function mergeStaged(db: Db, importId: string): Promise<{ inserted: number; updated: number }> {
  const [updated] = await db.query<{ n: number }>(
    `WITH updated AS (
       UPDATE addresses a
          SET ${COMPARED_COLUMNS.map((c) => `${c} = s.${c}`).join(', ')},
              import_id = $1::bigint, updated_at = now()
         FROM address_staging s
        WHERE a.district_id = s.district_id AND a.address_id = s.address_id
          AND (${COMPARED_COLUMNS.map((c) => `a.${c}`).join(', ')})
              IS DISTINCT FROM (${COMPARED_COLUMNS.map((c) => `s.${c}`).join(', ')})
       RETURNING 1
     )
     SELECT count(*)::int AS n FROM updated`,
    [importId],
  );
  const [inserted] = await db.query<{ n: number }>(
    `WITH inserted AS (
       INSERT INTO addresses (${STAGED_COLUMNS}, import_id)
       SELECT ${STAGED_COLUMNS}, $1::bigint FROM address_staging s
        WHERE NOT EXISTS (SELECT FROM addresses a WHERE a.address_id = s.address_id)
       RETURNING 1
     )
     SELECT count(*)::int AS n FROM inserted`,
    [importId],
  );
  return { inserted: inserted?.n ?? 0, updated: updated?.n ?? 0 };
}

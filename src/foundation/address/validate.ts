// Checks one CSV row of the address file on its own: everything that needs no other row except
// duplicates. Checks that need the whole file or the database (a room's building, an id kept
// under another district) run in SQL on the staged rows, see import.ts.
import type { Db } from '../../db/db.ts';
import { type Actor, coversArea } from '../access/context.ts';
import type { AreaChain, AreaLocator } from '../areas/locator.ts';
import type { ImportProblem } from '../imports/runs.ts';
import {
  ADDRESS_COLUMNS,
  ADDRESS_LEVELS,
  type AddressColumn,
  type AddressLevel,
  splitAliases,
} from './format.ts';

/** A checked row as it is staged and merged into `addresses`. */
export interface AddressRow {
  rowNumber: number;
  districtId: string;
  addressId: string;
  level: AddressLevel;
  parentId: string | null;
  subdistrictId: string | null;
  communityId: string | null;
  gridId: string;
  road: string | null;
  roadNo: string | null;
  estate: string | null;
  building: string | null;
  entrance: string | null;
  floor: string | null;
  room: string | null;
  aliases: string[];
  lng: number | null;
  lat: number | null;
}

/** A row keyed by the file's header names, as kept with a rejected row. */
export type RawRow = Partial<Record<AddressColumn, string>> & Record<string, string>;

/** A file's header: its column names, and where each known column sits (-1 when absent). */
export interface CsvHeader {
  names: string[];
  index: Record<AddressColumn, number>;
}

/** One data row as read: fields in header order, so no per-row object is keyed by name. */
export interface CsvRow {
  /** 1-based data row: the header is not counted, nor are blank lines. */
  rowNumber: number;
  fields: string[];
  header: CsvHeader;
}

export function csvHeader(names: string[]): CsvHeader {
  const index = Object.fromEntries(ADDRESS_COLUMNS.map((c) => [c, names.indexOf(c)])) as CsvHeader['index'];
  return { names, index };
}

/** The row keyed by header name; fields beyond the header are kept as `#17`, `#18`… */
export function rawOf(row: CsvRow): RawRow {
  const raw: RawRow = {};
  row.fields.forEach((value, i) => {
    raw[row.header.names[i] ?? `#${i + 1}`] = value;
  });
  return raw;
}

export interface RowCheck {
  /** Set when the row is kept (possibly with warnings). */
  row?: AddressRow;
  problems: ImportProblem[];
}

/** Area ids by name for the two levels the file names; names may repeat across parents. */
export interface AreaNames {
  subdistricts: Map<string, string[]>;
  communities: Map<string, { id: string; parentId: string | null }[]>;
}

export async function loadAreaNames(db: Db): Promise<AreaNames> {
  const rows = await db.query<{ id: string; name: string; level: string; parent_id: string | null }>(
    "SELECT id, name, level, parent_id FROM areas WHERE level IN ('subdistrict', 'community')",
  );
  const names: AreaNames = { subdistricts: new Map(), communities: new Map() };
  for (const r of rows) {
    if (r.level === 'subdistrict') push(names.subdistricts, r.name, r.id);
    else push(names.communities, r.name, { id: r.id, parentId: r.parent_id });
  }
  return names;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export interface RowChecker {
  /** Checks the next row; rows must come in file order. */
  check(row: CsvRow): RowCheck;
  /** The first row that carried an address_id, kept or not. */
  firstRowOf(addressId: string): number | undefined;
}

/**
 * A checker for the rows of one file. It remembers the ids it has seen, so the first of two rows
 * with one address_id wins and the second is rejected.
 */
export function rowChecker(file: string, locator: AreaLocator, names: AreaNames, actor: Actor): RowChecker {
  const firstRowOf = new Map<string, number>();
  // Rows share a few thousand grids: each grid's chain and scope are worked out once.
  const grids = new Map<string, { chain: AreaChain; inScope: boolean }>();
  const gridFacts = (gridId: string) => {
    let facts = grids.get(gridId);
    if (!facts) {
      facts = { chain: locator.chainOf(gridId) ?? {}, inScope: coversArea(actor, locator.pathOf(gridId)) };
      grids.set(gridId, facts);
    }
    return facts;
  };

  // Rows repeat a few hundred subdistrict and community names: each stated pair is resolved once.
  const statedPairs = new Map<string, StatedAreas>();
  const statedAreas = (subdistrictName: string | null, communityName: string | null) => {
    const key = `${subdistrictName ?? ''}\u0000${communityName ?? ''}`; // text files hold no NUL
    let stated = statedPairs.get(key);
    if (!stated) {
      stated = resolveNames(names, subdistrictName, communityName);
      statedPairs.set(key, stated);
    }
    return stated;
  };

  const check = (csv: CsvRow): RowCheck => {
    const { rowNumber } = csv;
    const found = new RowProblems(file, csv);

    const addressId = cell(csv, 'address_id');
    if (!addressId) found.error('address_id', 'missing');
    else {
      const first = firstRowOf.get(addressId);
      if (first === undefined) firstRowOf.set(addressId, rowNumber);
      else found.error('address_id', `duplicate of row ${first} (the first wins)`);
    }

    const levelText = cell(csv, 'level');
    const level = isLevel(levelText) ? levelText : undefined;
    if (!level) found.error('level', levelText ? `"${levelText}" is not building or room` : 'missing');
    let parentId = cell(csv, 'parent_id');
    if (level === 'room' && !parentId)
      found.error('parent_id', "missing: a room needs its building's address_id");
    if (level === 'building' && parentId) {
      found.warning('parent_id', 'a building has no parent; ignored');
      parentId = null;
    }

    const point = readPoint(cell(csv, 'lng'), cell(csv, 'lat'), found);

    const statedGrid = cell(csv, 'grid_id');
    let gridId: string | undefined;
    if (statedGrid) {
      const grid = locator.get(statedGrid);
      if (!grid) found.error('grid_id', `unknown grid ${statedGrid}`);
      else if (grid.level !== 'grid') found.error('grid_id', `${statedGrid} is a ${grid.level}, not a grid`);
      else gridId = grid.id;
    } else if (point) {
      const area = locator.locateArea(point.lng, point.lat);
      if (area?.level === 'grid') gridId = area.id;
      else found.error('grid_id', `empty, and the point ${point.lng},${point.lat} lies outside every grid`);
    } else if (point === null) {
      found.error('grid_id', 'empty, and there is no lng/lat to find it from');
    }

    const subdistrictName = cell(csv, 'subdistrict');
    const communityName = cell(csv, 'community');
    const { subdistrictIds, communityIds, errors } = statedAreas(subdistrictName, communityName);
    for (const [field, reason] of errors) found.error(field, reason);

    const { chain, inScope } = gridId ? gridFacts(gridId) : { chain: undefined, inScope: false };
    if (chain && gridId) {
      if (!chain.district) found.error('grid_id', `grid ${gridId} is not under a district in the area tree`);
      if (!inScope) found.error('grid_id', `grid ${gridId} is outside your scope`);
      // The grid's chain is authoritative; a stated name that disagrees is kept as a warning.
      if (communityIds && !communityIds.includes(chain.community?.id ?? '')) {
        found.warning(
          'community',
          `stated ${communityName}, but grid ${gridId} lies in ${chain.community?.name ?? 'no community'}; the grid's community is kept`,
        );
      } else if (!communityName && subdistrictIds && !subdistrictIds.includes(chain.subdistrict?.id ?? '')) {
        found.warning(
          'subdistrict',
          `stated ${subdistrictName}, but grid ${gridId} lies in ${chain.subdistrict?.name ?? 'no subdistrict'}; the grid's subdistrict is kept`,
        );
      }
    }

    if (found.errors.length > 0 || !chain?.district || !addressId || !level || !gridId)
      return { problems: found.errors };
    return {
      row: {
        rowNumber,
        districtId: chain.district.id,
        addressId,
        level,
        parentId,
        subdistrictId: chain.subdistrict?.id ?? null,
        communityId: chain.community?.id ?? null,
        gridId,
        road: cell(csv, 'road'),
        roadNo: cell(csv, 'road_no'),
        estate: cell(csv, 'estate'),
        building: cell(csv, 'building'),
        entrance: cell(csv, 'entrance'),
        floor: cell(csv, 'floor'),
        room: cell(csv, 'room'),
        aliases: aliasesOf(cell(csv, 'aliases')),
        lng: point?.lng ?? null,
        lat: point?.lat ?? null,
      },
      problems: found.warnings,
    };
  };
  return { check, firstRowOf: (addressId) => firstRowOf.get(addressId) };
}

/** The area ids a row's subdistrict and community names stand for, and what is wrong with them. */
interface StatedAreas {
  subdistrictIds: string[] | undefined;
  communityIds: string[] | undefined;
  errors: [field: string, reason: string][];
}

function resolveNames(
  names: AreaNames,
  subdistrictName: string | null,
  communityName: string | null,
): StatedAreas {
  const errors: StatedAreas['errors'] = [];
  const subdistrictIds = subdistrictName ? names.subdistricts.get(subdistrictName) : undefined;
  if (subdistrictName && !subdistrictIds)
    errors.push(['subdistrict', `unknown subdistrict ${subdistrictName}`]);
  let communityIds: string[] | undefined;
  if (communityName) {
    const candidates = names.communities.get(communityName);
    if (!candidates) errors.push(['community', `unknown community ${communityName}`]);
    else {
      const inSubdistrict = subdistrictIds
        ? candidates.filter((c) => c.parentId !== null && subdistrictIds.includes(c.parentId))
        : candidates;
      if (inSubdistrict.length === 0 && subdistrictIds)
        errors.push(['community', `${communityName} is not in ${subdistrictName}`]);
      else communityIds = inSubdistrict.map((c) => c.id);
    }
  }
  return { subdistrictIds, communityIds, errors };
}

const isLevel = (text: string | null): text is AddressLevel =>
  (ADDRESS_LEVELS as readonly (string | null)[]).includes(text);

/** Most rows have no aliases: skip the split. */
const aliasesOf = (text: string | null): string[] => (text ? splitAliases(text) : []);

/** A trimmed cell; empty is null. */
function cell(row: CsvRow, column: AddressColumn): string | null {
  return row.fields[row.header.index[column]]?.trim() || null;
}

/** The problems of one row; errors carry the raw row so a rejected row can be fixed and re-imported. */
class RowProblems {
  readonly errors: ImportProblem[] = [];
  readonly warnings: ImportProblem[] = [];
  private raw: RawRow | undefined;
  constructor(
    private readonly file: string,
    private readonly row: CsvRow,
  ) {}
  error(field: string, reason: string): void {
    this.raw ??= rawOf(this.row);
    this.errors.push({
      severity: 'error',
      file: this.file,
      row: this.row.rowNumber,
      field,
      reason,
      raw: this.raw,
    });
  }
  warning(field: string, reason: string): void {
    this.warnings.push({ severity: 'warning', file: this.file, row: this.row.rowNumber, field, reason });
  }
}

/** The point, null when both columns are empty, undefined when they are wrong (errors reported). */
function readPoint(
  lngText: string | null,
  latText: string | null,
  found: RowProblems,
): { lng: number; lat: number } | null | undefined {
  if (lngText === null && latText === null) return null;
  const lng = readCoordinate('lng', lngText, 180, found);
  const lat = readCoordinate('lat', latText, 90, found);
  return lng === undefined || lat === undefined ? undefined : { lng, lat };
}

function readCoordinate(
  field: 'lng' | 'lat',
  value: string | null,
  limit: number,
  found: RowProblems,
): number | undefined {
  const reason =
    value === null
      ? `missing while ${field === 'lng' ? 'lat' : 'lng'} is given`
      : !NUMBER.test(value)
        ? `"${value}" is not a number`
        : Math.abs(Number(value)) > limit
          ? `${value} is out of range (±${limit})`
          : undefined;
  if (reason) {
    found.error(field, reason);
    return undefined;
  }
  return Number(value);
}

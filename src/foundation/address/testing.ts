// Test fixtures for the address library: a small area tree of two districts, address rows and
// CSV files in UTF-8 or GBK.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../db/db.ts';
import { type BoxArea, insertBoxAreas } from '../areas/testing.ts';
import { ADDRESS_COLUMNS, type AddressColumn, csvRecord } from './format.ts';

export const FUTIAN = '440304';
export const FUBAO = '440304010';
export const MINGYUE = '440304010001';
export const MINGYUE_GRID_1 = '44030401000101';
export const MINGYUE_GRID_2 = '44030401000102';
export const FUBAO_COMMUNITY = '440304010002';
export const FUBAO_GRID = '44030401000201';
export const SHATOU = '440304011';
export const XINSHA = '440304011001';
export const XINSHA_GRID = '44030401100101';
export const NANSHAN = '440305';
export const NANSHAN_GRID = '44030500100101';

/** A point inside each grid. */
export const POINTS = {
  [MINGYUE_GRID_1]: [114.005, 22.51],
  [MINGYUE_GRID_2]: [114.015, 22.51],
  [FUBAO_GRID]: [114.01, 22.53],
  [XINSHA_GRID]: [114.03, 22.52],
  [NANSHAN_GRID]: [113.92, 22.52],
} as const;

const TREE: BoxArea[] = [
  [FUTIAN, '福田区', 'district', null, [114.0, 22.5, 114.04, 22.54]],
  [FUBAO, '福保街道', 'subdistrict', FUTIAN, [114.0, 22.5, 114.02, 22.54]],
  [MINGYUE, '明月社区', 'community', FUBAO, [114.0, 22.5, 114.02, 22.52]],
  [MINGYUE_GRID_1, '明月社区第01网格', 'grid', MINGYUE, [114.0, 22.5, 114.01, 22.52]],
  [MINGYUE_GRID_2, '明月社区第02网格', 'grid', MINGYUE, [114.01, 22.5, 114.02, 22.52]],
  [FUBAO_COMMUNITY, '福保社区', 'community', FUBAO, [114.0, 22.52, 114.02, 22.54]],
  [FUBAO_GRID, '福保社区第01网格', 'grid', FUBAO_COMMUNITY, [114.0, 22.52, 114.02, 22.54]],
  [SHATOU, '沙头街道', 'subdistrict', FUTIAN, [114.02, 22.5, 114.04, 22.54]],
  [XINSHA, '新沙社区', 'community', SHATOU, [114.02, 22.5, 114.04, 22.54]],
  [XINSHA_GRID, '新沙社区第01网格', 'grid', XINSHA, [114.02, 22.5, 114.04, 22.54]],
  [NANSHAN, '南山区', 'district', null, [113.9, 22.5, 113.94, 22.54]],
  ['440305001', '南头街道', 'subdistrict', NANSHAN, [113.9, 22.5, 113.94, 22.54]],
  ['440305001001', '南头社区', 'community', '440305001', [113.9, 22.5, 113.94, 22.54]],
  [NANSHAN_GRID, '南头社区第01网格', 'grid', '440305001001', [113.9, 22.5, 113.94, 22.54]],
];

/** Inserts the tree with COPY, as the areas import would leave it. */
export async function seedAreas(db: Db): Promise<void> {
  await insertBoxAreas(db, TREE);
}

export type CsvRow = Partial<Record<AddressColumn, string>>;

/** A building row in grid `gridId` (a point inside it, names from the tree). */
export function buildingRow(addressId: string, gridId: keyof typeof POINTS, extra: CsvRow = {}): CsvRow {
  const [lng, lat] = POINTS[gridId];
  const names = GRID_NAMES[gridId];
  return {
    address_id: addressId,
    level: 'building',
    subdistrict: names[0],
    community: names[1],
    road: '益田路',
    road_no: '3013',
    estate: '南方国际广场',
    building: 'B座',
    aliases: '南方国际|南方大厦',
    lng: String(lng),
    lat: String(lat),
    grid_id: gridId,
    ...extra,
  };
}

export function roomRow(
  addressId: string,
  building: CsvRow,
  floor: string,
  room: string,
  extra: CsvRow = {},
): CsvRow {
  return {
    ...building,
    address_id: addressId,
    level: 'room',
    parent_id: building.address_id,
    entrance: '',
    floor,
    room,
    ...extra,
  };
}

const GRID_NAMES: Record<keyof typeof POINTS, [string, string]> = {
  [MINGYUE_GRID_1]: ['福保街道', '明月社区'],
  [MINGYUE_GRID_2]: ['福保街道', '明月社区'],
  [FUBAO_GRID]: ['福保街道', '福保社区'],
  [XINSHA_GRID]: ['沙头街道', '新沙社区'],
  [NANSHAN_GRID]: ['南头街道', '南头社区'],
};

export function addressCsv(rows: readonly CsvRow[]): string {
  return (
    csvRecord(ADDRESS_COLUMNS) +
    rows.map((row) => csvRecord(ADDRESS_COLUMNS.map((c) => row[c] ?? ''))).join('')
  );
}

const dir = mkdtempSync(join(tmpdir(), 'citybrain-address-'));
let fileCounter = 0;

/** Writes a file into a temporary folder: UTF-8 (optionally with a BOM) or GBK. */
export function writeTestFile(
  text: string,
  options: { encoding?: 'utf-8' | 'gbk'; bom?: boolean; name?: string } = {},
): string {
  fileCounter += 1;
  const path = join(dir, options.name ?? `addresses-${fileCounter}.csv`);
  const body = options.encoding === 'gbk' ? encodeGbk(text) : new TextEncoder().encode(text);
  writeFileSync(path, options.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body);
  return path;
}

let gbkTable: Map<string, number[]> | undefined;

/** GBK bytes for test files, by inverting the platform's GB18030 decoder over the two-byte range. */
export function encodeGbk(text: string): Uint8Array {
  if (!gbkTable) {
    gbkTable = new Map();
    const decoder = new TextDecoder('gb18030');
    for (let lead = 0x81; lead <= 0xfe; lead++)
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        const char = decoder.decode(Uint8Array.from([lead, trail]));
        if (char.length === 1 && char !== '\ufffd' && !gbkTable.has(char)) gbkTable.set(char, [lead, trail]);
      }
  }
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else {
      const pair = gbkTable.get(char);
      if (!pair) throw new Error(`no GBK code for ${char}`);
      bytes.push(...pair);
    }
  }
  return Uint8Array.from(bytes);
}

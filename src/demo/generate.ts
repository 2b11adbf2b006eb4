// Writes the demo district as a data bureau would receive it, with the ground truth beside it:
//   areas.geojson, addresses.csv
//   truth/address-errors.csv  every planted bad address row: row, id, field, reason
//   truth/address-grids.csv   the true grid of every address row delivered without grid_id
//   truth/manifest.json       seed, scale, counts
//   feeds/, truth/feeds/      department feeds and their truth (feeds/SOURCES.md)
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { roomsOf } from './addresses.ts';
import { openCsv } from './csv.ts';
import { type FeedsManifest, generateFeeds } from './feeds/generate.ts';
import { buildDemoDistrict, type DemoDistrict, type DemoModelOptions } from './model.ts';
import { writeAddresses } from './write-addresses.ts';
import { writeAreas } from './write-areas.ts';

export interface DemoOptions extends DemoModelOptions {
  outDir: string;
}

export interface DemoManifest {
  seed: number;
  scale: number;
  files: { areas: string; addresses: string; addressErrors: string; addressGrids: string };
  counts: {
    areas: { district: number; subdistrict: number; community: number; grid: number };
    buildings: number;
    rooms: number;
    /** Data rows in addresses.csv, planted bad rows included. */
    addressRows: number;
    addressRowsWithoutGridId: number;
    plantedAddressErrors: number;
  };
  feeds: FeedsManifest;
}

export const DEMO_FILES = {
  areas: 'areas.geojson',
  addresses: 'addresses.csv',
  addressErrors: 'truth/address-errors.csv',
  addressGrids: 'truth/address-grids.csv',
  manifest: 'truth/manifest.json',
} as const;

/** Builds the model and writes every file into `outDir`; the same seed and scale give identical bytes. */
export async function generateDemo({ seed, scale, outDir }: DemoOptions): Promise<DemoManifest> {
  const district = buildDemoDistrict({ seed, scale });
  await mkdir(join(outDir, 'truth'), { recursive: true });
  await writeAreas(district, join(outDir, DEMO_FILES.areas));
  const stats = await writeAddresses(district, join(outDir, DEMO_FILES.addresses));
  await writeAddressErrors(district, stats.errorRows, join(outDir, DEMO_FILES.addressErrors));
  await writeAddressGrids(district, join(outDir, DEMO_FILES.addressGrids));
  const feeds = await generateFeeds({ seed, scale, outDir, district });
  const manifest: DemoManifest = {
    seed,
    scale,
    files: {
      areas: DEMO_FILES.areas,
      addresses: DEMO_FILES.addresses,
      addressErrors: DEMO_FILES.addressErrors,
      addressGrids: DEMO_FILES.addressGrids,
    },
    counts: {
      areas: {
        district: 1,
        subdistrict: district.subdistricts.length,
        community: district.communities.length,
        grid: district.grids.length,
      },
      buildings: stats.buildings,
      rooms: stats.rooms,
      addressRows: stats.rows,
      addressRowsWithoutGridId: stats.rowsWithoutGridId,
      plantedAddressErrors: district.addressFile.errors.length,
    },
    feeds,
  };
  await writeFile(join(outDir, DEMO_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** `row` counts data rows from 1 (header not counted), as the importer's problems do. */
async function writeAddressErrors(district: DemoDistrict, rows: readonly number[], path: string) {
  const csv = openCsv(path, ['row', 'address_id', 'field', 'reason']);
  const planted = district.addressFile.errors.map((error, i) => ({ error, row: rows[i]! }));
  for (const { error, row } of planted.sort((a, b) => a.row - b.row))
    await csv.write([row, error.row.address_id, error.field, error.reason]);
  await csv.close();
}

async function writeAddressGrids(district: DemoDistrict, path: string) {
  const csv = openCsv(path, ['address_id', 'grid_id']);
  for (const b of district.buildings) {
    if (!district.addressFile.withoutGridId.has(b.id)) continue;
    await csv.write([b.id, b.gridId]);
    for (const room of roomsOf(b)) await csv.write([room.id, b.gridId]);
  }
  await csv.close();
}

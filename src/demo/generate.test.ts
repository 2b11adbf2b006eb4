import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FILES, type DemoManifest, generateDemo } from './generate.ts';

const FILES = Object.values(DEMO_FILES);
let root: string;
let manifest: DemoManifest;
const dir = (name: string) => join(root, name);
const read = (name: string, file: string) => readFile(join(dir(name), file), 'utf8');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'citybrain-demo-'));
  manifest = await generateDemo({ seed: 3, scale: 0.02, outDir: dir('a') });
  await generateDemo({ seed: 3, scale: 0.02, outDir: dir('b') });
  await generateDemo({ seed: 4, scale: 0.02, outDir: dir('c') });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('generateDemo', () => {
  it('writes identical files for the same seed and different ones for another', async () => {
    for (const file of FILES) expect(await read('b', file)).toBe(await read('a', file));
    expect(await read('c', DEMO_FILES.addresses)).not.toBe(await read('a', DEMO_FILES.addresses));
  });

  it('writes the area GeoJSON of DESIGN.md §4', async () => {
    const geojson = JSON.parse(await read('a', DEMO_FILES.areas));
    expect(geojson.type).toBe('FeatureCollection');
    const { district, subdistrict, community, grid } = manifest.counts.areas;
    expect(geojson.features).toHaveLength(district + subdistrict + community + grid);
    expect(geojson.features[0].properties).toEqual({
      id: '440304',
      name: '福田区',
      level: 'district',
      parent_id: '',
    });
    expect(geojson.features.at(-1).properties.level).toBe('grid');
  });

  it('writes the address CSV with rooms after their building and some rows left to locate', async () => {
    const lines = (await read('a', DEMO_FILES.addresses)).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'address_id,level,parent_id,subdistrict,community,road,road_no,estate,building,entrance,floor,room,aliases,lng,lat,grid_id',
    );
    expect(lines).toHaveLength(manifest.counts.addressRows + 1);
    expect(manifest.counts.addressRows).toBe(
      manifest.counts.buildings + manifest.counts.rooms + manifest.counts.plantedAddressErrors,
    );
    const seen = new Set<string>();
    for (const line of lines.slice(1)) {
      const [id, level, parent] = line.split(',');
      if (level === 'room' && !parent!.endsWith('99999')) expect(seen.has(parent!)).toBe(true);
      seen.add(id!);
    }
    expect(manifest.counts.addressRowsWithoutGridId).toBeGreaterThan(0);
    const blanks = lines.filter((line) => line.endsWith(',')).length;
    expect(blanks).toBe(manifest.counts.addressRowsWithoutGridId);
    const located = (await read('a', DEMO_FILES.addressGrids)).trimEnd().split('\n');
    expect(located[0]).toBe('address_id,grid_id');
    // Every blank row but the planted one outside all grids has its true grid in truth/.
    expect(located.length - 1).toBe(blanks - 1);
  });

  it('lists every planted bad row in truth/address-errors.csv, at its row', async () => {
    const lines = (await read('a', DEMO_FILES.addresses)).split('\n');
    const truth = (await read('a', DEMO_FILES.addressErrors)).trimEnd().split('\n');
    expect(truth[0]).toBe('row,address_id,field,reason');
    const errors = truth.slice(1).map((line) => line.split(','));
    expect(errors).toHaveLength(manifest.counts.plantedAddressErrors);
    expect(new Set(errors.map((e) => e[2]))).toEqual(
      new Set(['parent_id', 'lng', 'community', 'grid_id', 'level']),
    );
    for (const [row, id] of errors) expect(lines[Number(row)]!.startsWith(`${id},`)).toBe(true);
    const onFile: DemoManifest = JSON.parse(await read('a', DEMO_FILES.manifest));
    expect(onFile).toEqual(manifest);
  });
});

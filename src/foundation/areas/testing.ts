// Small area fixtures for tests: rectangles near Futian and a 2×2 tiling of grids.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bumpDataVersion } from '../../db/data-versions.ts';
import { csvLine, type Db } from '../../db/db.ts';
import type { AreaFeature, AreaFeatureCollection } from './export.ts';
import { type AreaGeometry, areaM2, bboxOf, type Polygon, type Ring } from './geometry.ts';
import type { AreaLevel } from './locator.ts';

/** A counter-clockwise closed rectangle ring. */
export function rectRing(x0: number, y0: number, x1: number, y1: number): Ring {
  return [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ];
}

export function rect(x0: number, y0: number, x1: number, y1: number): Polygon {
  return { type: 'Polygon', coordinates: [rectRing(x0, y0, x1, y1)] };
}

export function feature(
  id: string,
  name: string,
  level: AreaLevel,
  parentId: string | null,
  geometry: AreaGeometry,
): AreaFeature {
  return { type: 'Feature', properties: { id, name, level, parent_id: parentId }, geometry };
}

export const collection = (features: AreaFeature[]): AreaFeatureCollection => ({
  type: 'FeatureCollection',
  features,
});

/** Corners of the fixture district: 0.04° square (≈4.1 × 4.4 km) at 114.00–114.04 E, 22.50–22.54 N. */
export const X0 = 114.0;
export const Y0 = 22.5;
export const STEP = 0.02;

export const IDS = {
  district: '440304',
  subdistrict: '440304010',
  west: '440304010001',
  east: '440304010002',
  westSouth: '44030401000101',
  westNorth: '44030401000102',
  eastSouth: '44030401000201',
  eastNorth: '44030401000202',
} as const;

/**
 * District = subdistrict = the square; two communities (west and east halves); each with two grids
 * (south and north): four grids tiling the square 2×2.
 */
export function tiling(): AreaFeatureCollection {
  const [x1, x2, y1, y2] = [X0 + STEP, X0 + 2 * STEP, Y0 + STEP, Y0 + 2 * STEP];
  return collection([
    feature(IDS.district, '福田区', 'district', null, rect(X0, Y0, x2, y2)),
    feature(IDS.subdistrict, '福保街道', 'subdistrict', IDS.district, rect(X0, Y0, x2, y2)),
    feature(IDS.west, '明月社区', 'community', IDS.subdistrict, rect(X0, Y0, x1, y2)),
    feature(IDS.east, '福保社区', 'community', IDS.subdistrict, rect(x1, Y0, x2, y2)),
    feature(IDS.westSouth, '明月社区第01网格', 'grid', IDS.west, rect(X0, Y0, x1, y1)),
    feature(IDS.westNorth, '明月社区第02网格', 'grid', IDS.west, rect(X0, y1, x1, y2)),
    feature(IDS.eastSouth, '福保社区第01网格', 'grid', IDS.east, rect(x1, Y0, x2, y1)),
    feature(IDS.eastNorth, '福保社区第02网格', 'grid', IDS.east, rect(x1, y1, x2, y2)),
  ]);
}

/** Writes a fixture (an object as JSON, or raw text or bytes) to a fresh temporary folder. */
export function writeFixture(name: string, content: AreaFeatureCollection | string | Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'citybrain-areas-')), name);
  writeFileSync(
    path,
    typeof content === 'object' && !(content instanceof Uint8Array) ? JSON.stringify(content) : content,
  );
  return path;
}

/** A rectangle area: id, name, level, parent id (listed earlier), [west, south, east, north]. */
export type BoxArea = [
  id: string,
  name: string,
  level: AreaLevel,
  parent: string | null,
  box: [number, number, number, number],
];

/** Writes rectangle areas straight into the table, as an areas import leaves them (paths, bbox, m²). */
export async function insertBoxAreas(db: Db, tree: readonly BoxArea[]): Promise<void> {
  const paths = new Map<string, string[]>();
  const lines = tree.map(([id, name, level, parent, [x0, y0, x1, y1]]) => {
    const path = [...(parent ? paths.get(parent)! : []), id];
    paths.set(id, path);
    const geometry = rect(x0, y0, x1, y1);
    return csvLine([
      id,
      name,
      level,
      parent,
      path,
      JSON.stringify(geometry),
      bboxOf(geometry),
      areaM2(geometry),
    ]);
  });
  await db.transaction(async (tx) => {
    await tx.copyFrom(
      'COPY areas (id, name, level, parent_id, path, geometry, bbox, area_m2) FROM STDIN WITH (FORMAT csv)',
      lines.join(''),
    );
    await bumpDataVersion(tx, 'areas');
  });
}

// areas.geojson in the area interchange format (DESIGN.md §4): one Feature per area, parents first,
// one feature per line so the file diffs well.
import { writeFile } from 'node:fs/promises';
import type { DemoArea } from './areas.ts';
import type { DemoDistrict } from './model.ts';

export function areaFeatures(district: DemoDistrict): DemoArea[] {
  return [district.district, ...district.subdistricts, ...district.communities, ...district.grids];
}

export async function writeAreas(district: DemoDistrict, path: string): Promise<number> {
  const features = areaFeatures(district).map((area) =>
    JSON.stringify({
      type: 'Feature',
      properties: { id: area.id, name: area.name, level: area.level, parent_id: area.parentId ?? '' },
      geometry: area.geometry,
    }),
  );
  await writeFile(path, `{"type":"FeatureCollection","features":[\n${features.join(',\n')}\n]}\n`);
  return features.length;
}

import { writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { systemCtx } from '../../foundation/access/context.ts';
import { exportAreas, formatFeatureCollection } from '../../foundation/areas/export.ts';
import { importAreas } from '../../foundation/areas/import.ts';
import { AREA_LEVELS, type AreaLevel } from '../../foundation/areas/locator.ts';
import { describeImport } from '../../foundation/imports/runs.ts';
import { formatProblem } from '../../lib/errors.ts';
import { type DataOptions, withDataDir, withDb } from '../options.ts';

export function registerAreas(program: Command): void {
  const areas = program
    .command('areas')
    .description('the area tree: district → subdistrict → community → grid (GeoJSON in and out)');
  withDataDir(areas.command('import <file>'))
    .description('import a GeoJSON FeatureCollection of areas (all or nothing; UTF-8 or GBK)')
    .action(async (file: string, options: DataOptions) => {
      const summary = await withDb(options, (db) => importAreas(systemCtx(db), file));
      console.log(describeImport(summary));
      for (const p of summary.problems)
        console.log(`${p.severity === 'warning' ? 'warning: ' : ''}${formatProblem(p)}`);
      if (summary.status === 'failed') process.exitCode = 1;
    });
  withDataDir(areas.command('export'))
    .description('write the area tree as GeoJSON (the import format)')
    .addOption(new Option('--level <level>', 'only areas of this level').choices(AREA_LEVELS))
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (options: DataOptions & { level?: AreaLevel; out?: string }) => {
      const collection = await withDb(options, (db) => exportAreas(systemCtx(db), { level: options.level }));
      const text = formatFeatureCollection(collection);
      if (!options.out) {
        process.stdout.write(text);
        return;
      }
      await writeFile(options.out, text);
      console.error(`wrote ${collection.features.length} areas to ${options.out}`);
    });
}

import type { Command } from 'commander';
import { systemCtx } from '../../foundation/access/context.ts';
import { generateHandlingZones, listAgencies, setHandlingZones } from '../../governance/agencies/agencies.ts';
import { AGENCY_KINDS, type AgencyKind } from '../../governance/agencies/model.ts';
import { listCategories } from '../../governance/catalogue/catalogue.ts';
import { invalidInput } from '../../lib/errors.ts';
import { table } from '../../lib/table.ts';
import { readTextFile } from '../../lib/text.ts';
import { type DataOptions, withDataDir, withDb } from '../options.ts';

export function registerAgencies(program: Command): void {
  withDataDir(program.command('categories'))
    .description('the catalogue of reportable matters (事项清单)')
    .action(async (options: DataOptions) => {
      await withDb(options, async (db) => {
        const categories = await listCategories(systemCtx(db));
        console.log(
          table(
            ['code', 'name', 'agency', 'level', 'dispatch', 'resolve h'],
            categories.map((c) => [
              c.code,
              c.name,
              c.agency,
              c.eventLevel,
              c.dispatchMode,
              String(c.serviceLevels.resolveHours),
            ]),
          ),
        );
      });
    });

  const agencies = program
    .command('agencies')
    .description('agencies (处置单位) and their handling zones (业务网格)');
  withDataDir(agencies.command('list'))
    .description('departments, subdistrict offices and community workstations')
    .option('--kind <kind>', AGENCY_KINDS.join(' | '))
    .action(async (options: DataOptions & { kind?: string }) => {
      if (options.kind && !AGENCY_KINDS.includes(options.kind as AgencyKind))
        throw invalidInput(`--kind must be one of ${AGENCY_KINDS.join(', ')}`);
      await withDb(options, async (db) => {
        const list = await listAgencies(systemCtx(db), { kind: options.kind as AgencyKind | undefined });
        console.log(
          table(
            ['code', 'name', 'kind'],
            list.map((a) => [a.code, a.name, a.kind]),
          ),
        );
      });
    });
  withDataDir(agencies.command('zones-generate'))
    .description("cut each department's handling zones from the area tree by its zoning (the demo's zones)")
    .action(async (options: DataOptions) => {
      await withDb(options, async (db) => {
        for (const { agency, zones } of await generateHandlingZones(systemCtx(db)))
          console.log(`${agency}\t${zones} zones`);
      });
    });
  withDataDir(agencies.command('zones-import <agency> <file>'))
    .description(
      "replace an agency's handling zones with a GeoJSON FeatureCollection (properties zone_id, name)",
    )
    .action(async (agency: string, file: string, options: DataOptions) => {
      const { text } = await readTextFile(file);
      let collection: { features?: { properties?: Record<string, unknown>; geometry?: unknown }[] };
      try {
        collection = JSON.parse(text);
      } catch (error) {
        throw invalidInput(`${file} is not JSON: ${(error as Error).message}`);
      }
      const zones = (collection.features ?? []).map((f) => ({
        zoneId: String(f.properties?.zone_id ?? ''),
        name: String(f.properties?.name ?? ''),
        geometry: f.geometry,
      }));
      await withDb(options, async (db) => {
        console.log(`${agency}: ${await setHandlingZones(systemCtx(db), agency, zones)} zones`);
      });
    });
}

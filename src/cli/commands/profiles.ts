import type { Command } from 'commander';
import { systemCtx } from '../../foundation/access/context.ts';
import { getBlock } from '../../foundation/blocks/block.ts';
import { getCompanyProfile, getPersonProfile, getRoomProfile } from '../../foundation/profiles/profile.ts';
import { findEntity } from '../../foundation/registry/read.ts';
import { invalidInput, notFound } from '../../lib/errors.ts';
import { type DataOptions, withDataDir, withDb } from '../options.ts';

type ProfileOptions = DataOptions & { unmask?: string; reason?: string };

export function registerProfiles(program: Command): void {
  withDataDir(program.command('profile <kind> <id>'))
    .description(
      'one person (ID or resident ID), company (ID or credit code) or room (address code) with provenance and links, as JSON (masked unless --unmask)',
    )
    .option(
      '--unmask <fields>',
      'personal fields of the subject to show in clear, comma-separated (needs --reason; logged)',
    )
    .option('--reason <text>', 'why the personal fields are read in clear')
    .action(async (kind: string, id: string, options: ProfileOptions) => {
      const unmask = {
        fields: options.unmask?.split(',').map((f) => f.trim()) ?? [],
        reason: options.reason,
      };
      await withDb(options, async (db) => {
        const ctx = systemCtx(db);
        // A short number is an entity id; anything longer is the registry's key.
        const entityId = async (registry: 'person' | 'legal_entity', field: string) => {
          if (/^\d{1,12}$/.test(id)) return id;
          const found = await findEntity(ctx, registry, { [field]: id });
          if (!found) throw notFound(`${kind} ${id}`);
          return found;
        };
        let profile: unknown;
        if (kind === 'person')
          profile = await getPersonProfile(ctx, await entityId('person', 'id_number'), { unmask });
        else if (kind === 'company')
          profile = await getCompanyProfile(ctx, await entityId('legal_entity', 'credit_code'), { unmask });
        else if (kind === 'room') profile = await getRoomProfile(ctx, id, { unmask });
        else throw invalidInput(`no profile kind "${kind}"; kinds: person, company, room`);
        console.log(JSON.stringify(profile, null, 2));
      });
    });

  withDataDir(program.command('block <area>'))
    .description(
      'an area of any level: population, households, companies, rooms, licences, components (JSON)',
    )
    .option('--as-of <date>', 'the day ages and expiries count from (YYYY-MM-DD; default today)')
    .action(async (area: string, options: DataOptions & { asOf?: string }) => {
      await withDb(options, async (db) => {
        console.log(JSON.stringify(await getBlock(systemCtx(db), area, { asOf: options.asOf }), null, 2));
      });
    });
}

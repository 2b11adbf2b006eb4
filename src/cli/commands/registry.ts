import type { Command } from 'commander';
import { systemCtx } from '../../foundation/access/context.ts';
import { decideLinkReview, listLinkReviews } from '../../foundation/fusion/reviews.ts';
import { ENTITIES } from '../../foundation/registry/model.ts';
import {
  conflictSummary,
  findEntity,
  getEntity,
  listConflicts,
  parseEntityKind,
} from '../../foundation/registry/read.ts';
import { invalidInput, notFound } from '../../lib/errors.ts';
import { type DataOptions, intOption, withDataDir, withDb } from '../options.ts';

export function registerRegistry(program: Command): void {
  const registry = program
    .command('registry')
    .description(
      `the base registries (${Object.keys(ENTITIES).join(', ')}): entities, provenance, conflicts`,
    );

  withDataDir(registry.command('show <kind> <id-or-key>'))
    .description(
      'one entity as JSON: fields with their source record, history and conflicts (masked unless --unmask)',
    )
    .option('--unmask <fields>', 'personal fields to show in clear, comma-separated (needs --reason; logged)')
    .option('--reason <text>', 'why the personal fields are read in clear')
    .action(
      async (
        kindText: string,
        idOrKey: string,
        options: DataOptions & { unmask?: string; reason?: string },
      ) => {
        const kind = parseEntityKind(kindText);
        await withDb(options, async (db) => {
          const ctx = systemCtx(db);
          // A number small enough to be an entity id is one; anything else is the registry's exact key.
          const keyFields = ENTITIES[kind].exactKey;
          let id: string | null = idOrKey;
          if (!/^\d{1,12}$/.test(idOrKey)) {
            const parts = idOrKey.split('|');
            if (parts.length !== keyFields.length)
              throw invalidInput(`give an entity id or ${keyFields.join('|')}`);
            id = await findEntity(ctx, kind, Object.fromEntries(keyFields.map((k, i) => [k, parts[i]!])));
            if (!id) throw notFound(`${kind} ${idOrKey}`);
          }
          const view = await getEntity(
            ctx,
            { kind, id },
            {
              unmask: {
                fields: options.unmask?.split(',').map((f) => f.trim()) ?? [],
                reason: options.reason,
              },
            },
          );
          console.log(JSON.stringify(view, null, 2));
        });
      },
    );

  withDataDir(registry.command('conflicts'))
    .description('fields on which sources disagree (open ones; --all for settled too), or --summary counts')
    .option('--kind <kind>', 'one registry')
    .option('--field <field>', 'one field')
    .option('--source <source>', 'conflicts this source is party to')
    .option('--all', 'include conflicts the sources have since settled')
    .option('--summary', 'counts per registry, field and disagreeing sources')
    .option('--limit <n>', 'how many', intOption('--limit'), 50)
    .action(
      async (
        options: DataOptions & {
          kind?: string;
          field?: string;
          source?: string;
          all?: boolean;
          summary?: boolean;
          limit: number;
        },
      ) => {
        await withDb(options, async (db) => {
          const ctx = systemCtx(db);
          if (options.summary) {
            for (const c of await conflictSummary(ctx))
              console.log(
                `${c.kind}\t${c.field}\t${c.sources.join(' vs ')}\t${c.open} open\t${c.resolved} settled`,
              );
            return;
          }
          const conflicts = await listConflicts(ctx, {
            kind: options.kind ? parseEntityKind(options.kind) : undefined,
            field: options.field,
            source: options.source,
            includeResolved: options.all,
            limit: options.limit,
          });
          for (const c of conflicts)
            console.log(
              `${c.kind} ${c.entityId}\t${c.field}\t${c.claims.map((cl) => `${cl.source}=${JSON.stringify(cl.value)}`).join('  ')}${c.resolvedAt ? `\tsettled ${c.resolvedAt}` : ''}`,
            );
        });
      },
    );

  withDataDir(registry.command('reviews'))
    .description('records whose link waits for a person, with the weights that put them there')
    .option('--kind <kind>', 'one registry')
    .option('--limit <n>', 'how many', intOption('--limit'), 20)
    .action(async (options: DataOptions & { kind?: string; limit: number }) => {
      await withDb(options, async (db) => {
        const reviews = await listLinkReviews(systemCtx(db), {
          kind: options.kind ? parseEntityKind(options.kind) : undefined,
          limit: options.limit,
        });
        for (const r of reviews) console.log(JSON.stringify(r));
      });
    });

  withDataDir(registry.command('link <record-id>'))
    .description('decide a link in review: --entity <id> or --new')
    .option('--entity <id>', 'the entity the record describes')
    .option('--new', 'the record describes someone not yet in the registry')
    .option('--note <text>', 'why')
    .action(
      async (recordId: string, options: DataOptions & { entity?: string; new?: boolean; note?: string }) => {
        if (Boolean(options.entity) === Boolean(options.new))
          throw invalidInput('give either --entity <id> or --new');
        await withDb(options, async (db) => {
          const result = await decideLinkReview(
            systemCtx(db),
            recordId,
            options.entity
              ? { entityId: options.entity, note: options.note }
              : { newEntity: true, note: options.note },
          );
          console.log(`record ${result.recordId} → entity ${result.entityId}`);
        });
      },
    );
}

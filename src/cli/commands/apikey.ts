import type { Command } from 'commander';
import { systemCtx } from '../../foundation/access/context.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../governance/open311/apikeys.ts';
import { type DataOptions, withDataDir, withDb } from '../options.ts';

/** `citybrain apikey create|list|revoke`: keys Open311 clients need to POST requests. */
export function registerApiKey(program: Command): void {
  const apikey = program.command('apikey').description('Open311 API keys (needed to POST service requests)');
  withDataDir(apikey.command('create <name>'))
    .description('issue a key for a client; the key is printed once on stdout')
    .action(async (name: string, options: DataOptions) => {
      await withDb(options, async (db) => {
        const created = await createApiKey(systemCtx(db), name);
        console.error(`Open311 API key #${created.id} for ${created.name}:`);
        console.log(created.key);
      });
    });
  withDataDir(apikey.command('list'))
    .description('list keys (never the secrets)')
    .action(async (options: DataOptions) => {
      await withDb(options, async (db) => {
        for (const k of await listApiKeys(systemCtx(db)))
          console.log(
            `#${k.id}\t${k.name}\t${k.createdAt}${k.revoked ? '\trevoked' : ''}${k.lastUsedAt ? `\tlast used ${k.lastUsedAt}` : ''}`,
          );
      });
    });
  withDataDir(apikey.command('revoke <id>'))
    .description('revoke a key by its number')
    .action(async (id: string, options: DataOptions) => {
      await withDb(options, async (db) => {
        await revokeApiKey(systemCtx(db), id);
        console.log(`revoked Open311 API key #${id}`);
      });
    });
}

import type { Command } from 'commander';
import { systemCtx } from '../../foundation/access/context.ts';
import { ROLES, SCOPE_KINDS, type ScopeKind } from '../../foundation/access/roles.ts';
import { createToken, createUser, listUsers, revokeToken } from '../../foundation/access/users.ts';
import { invalidInput } from '../../lib/errors.ts';
import { type DataOptions, intOption, withDataDir, withDb } from '../options.ts';

/** `subdistrict:440304010` → a scope; `district` alone means the whole district. */
function parseScope(text: string): { kind: ScopeKind; id: string } {
  const [kind, id] = text.split(':', 2);
  if (!SCOPE_KINDS.includes(kind as ScopeKind))
    throw invalidInput(`--scope must start with one of ${SCOPE_KINDS.join(', ')}, got "${text}"`);
  if (kind === 'district') return { kind, id: id || '*' };
  if (!id) throw invalidInput(`--scope ${kind} needs an id, e.g. ${kind}:440304010`);
  return { kind: kind as ScopeKind, id };
}

export function registerUsers(program: Command): void {
  const user = program.command('user').description('manage users (roles and scopes)');
  withDataDir(user.command('add <username>'))
    .description('create a user')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option(
      '--scope <kind:id>',
      `${SCOPE_KINDS.join('|')}:<area or agency code>; "district" for all`,
      'district',
    )
    .option('--name <name>', 'display name (defaults to the username)')
    .option('--phone <phone>', 'contact phone')
    .action(
      async (
        username: string,
        options: DataOptions & { role: string; scope: string; name?: string; phone?: string },
      ) => {
        await withDb(options, async (db) => {
          const created = await createUser(systemCtx(db), {
            username,
            displayName: options.name ?? username,
            phone: options.phone,
            role: options.role as (typeof ROLES)[number],
            scope: parseScope(options.scope),
          });
          console.log(
            `created user ${created.username} (${created.role}, ${created.scope.kind} ${created.scope.id})`,
          );
        });
      },
    );
  withDataDir(user.command('list'))
    .description('list users')
    .action(async (options: DataOptions) => {
      await withDb(options, async (db) => {
        for (const u of await listUsers(systemCtx(db)))
          console.log(
            `${u.username}\t${u.role}\t${u.scope.kind}:${u.scope.id}${u.disabled ? '\tdisabled' : ''}`,
          );
      });
    });

  const token = program.command('token').description('manage API tokens');
  withDataDir(token.command('create <username>'))
    .description('issue an API token; the secret is printed once on stdout')
    .option('--name <name>', 'what the token is for', 'default')
    .option('--expires-days <n>', 'days until it expires (default: never)', intOption('--expires-days'))
    .action(async (username: string, options: DataOptions & { name: string; expiresDays?: number }) => {
      await withDb(options, async (db) => {
        const created = await createToken(systemCtx(db), {
          username,
          name: options.name,
          expiresInDays: options.expiresDays,
        });
        console.error(
          `token #${created.id} for ${username}${created.expiresAt ? `, expires ${created.expiresAt}` : ''}:`,
        );
        console.log(created.token);
      });
    });
  withDataDir(token.command('revoke <id>'))
    .description('revoke a token by its number')
    .action(async (id: string, options: DataOptions) => {
      await withDb(options, async (db) => {
        await revokeToken(systemCtx(db), id);
        console.log(`revoked token #${id}`);
      });
    });
}

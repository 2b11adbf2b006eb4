// Users and their API tokens. Every change is audited in the same transaction.
import { z } from 'zod';
import { conflict, forbidden, invalidInput, notFound } from '../../lib/errors.ts';
import { audit, type Ctx, requirePermission } from './context.ts';
import { ROLES, SCOPE_KINDS } from './roles.ts';
import { hashToken, newTokenSecret } from './tokens.ts';

export const newUserSchema = z.object({
  username: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'lower-case letters, digits, . _ - (2 to 64)'),
  displayName: z.string().min(1).max(100),
  phone: z
    .string()
    .regex(/^\+?[0-9-]{5,20}$/, 'digits, optionally with + and -')
    .optional(),
  role: z.enum(ROLES),
  scope: z.object({ kind: z.enum(SCOPE_KINDS), id: z.string().min(1).max(64) }),
});
export type NewUser = z.infer<typeof newUserSchema>;

export interface User {
  username: string;
  displayName: string;
  phone: string | null;
  role: NewUser['role'];
  scope: NewUser['scope'];
  createdAt: string;
  disabled: boolean;
}

interface UserRow {
  username: string;
  display_name: string;
  phone: string | null;
  role: User['role'];
  scope_kind: User['scope']['kind'];
  scope_id: string;
  created_at: Date | string;
  disabled_at: Date | string | null;
}

const toUser = (r: UserRow): User => ({
  username: r.username,
  displayName: r.display_name,
  phone: r.phone,
  role: r.role,
  scope: { kind: r.scope_kind, id: r.scope_id },
  createdAt: new Date(r.created_at).toISOString(),
  disabled: r.disabled_at !== null,
});

export async function createUser(ctx: Ctx, input: NewUser): Promise<User> {
  requirePermission(ctx, 'users:manage');
  const user = parse(newUserSchema, input);
  if (user.scope.kind !== 'agency' && user.scope.kind !== 'district') {
    const [area] = await ctx.db.query<{ level: string }>('SELECT level FROM areas WHERE id = $1', [
      user.scope.id,
    ]);
    if (!area) throw invalidInput(`scope ${user.scope.kind} ${user.scope.id}: no such area`);
    if (area.level !== user.scope.kind)
      throw invalidInput(`scope ${user.scope.id} is a ${area.level}, not a ${user.scope.kind}`);
  }
  return ctx.db.transaction(async (tx) => {
    const rows = await tx.query<UserRow>(
      `INSERT INTO users (username, display_name, phone, role, scope_kind, scope_id)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING RETURNING *`,
      [user.username, user.displayName, user.phone ?? null, user.role, user.scope.kind, user.scope.id],
    );
    if (!rows[0]) throw conflict(`user ${user.username} exists already`);
    await audit(
      { ...ctx, db: tx },
      'user.create',
      { kind: 'user', id: user.username },
      {
        role: user.role,
        scope: user.scope,
      },
    );
    return toUser(rows[0]);
  });
}

export async function getUser(ctx: Ctx, username: string): Promise<User> {
  const [row] = await ctx.db.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
  if (!row) throw notFound(`user ${username}`);
  return toUser(row);
}

/** Users whose scope lies within the reader's (a district-wide reader sees everyone). */
export async function listUsers(ctx: Ctx): Promise<User[]> {
  requirePermission(ctx, 'users:read');
  const { scope } = ctx.actor;
  if (scope.kind === 'agency') throw forbidden('agency-scoped users cannot list users');
  const rows = await ctx.db.query<UserRow>(
    `SELECT u.* FROM users u
      WHERE $1 = '*' OR EXISTS (SELECT 1 FROM areas a WHERE a.id = u.scope_id AND $1 = ANY (a.path))
      ORDER BY u.username`,
    [scope.id],
  );
  return rows.map(toUser);
}

/** One user, if the reader's scope covers the user's scope. */
export async function readUser(ctx: Ctx, username: string): Promise<User> {
  requirePermission(ctx, 'users:read');
  const user = await getUser(ctx, username);
  const { scope } = ctx.actor;
  if (scope.id === '*' || ctx.actor.username === username) return user;
  const [area] = await ctx.db.query<{ path: string[] }>('SELECT path FROM areas WHERE id = $1', [
    user.scope.id,
  ]);
  if (scope.kind === 'agency' || !area?.path.includes(scope.id))
    throw forbidden(`user ${username} is outside your scope`);
  return user;
}

/** Personal fields of a user record, for masking. */
export const USER_PERSONAL_FIELDS = { displayName: 'name', phone: 'phone' } as const;

export interface CreatedToken {
  id: string;
  username: string;
  name: string;
  /** The secret: shown once, never stored. */
  token: string;
  expiresAt: string | null;
}

export async function createToken(
  ctx: Ctx,
  input: { username: string; name?: string | undefined; expiresInDays?: number | undefined },
): Promise<CreatedToken> {
  requirePermission(ctx, 'users:manage');
  const user = await getUser(ctx, input.username);
  if (user.disabled) throw invalidInput(`user ${user.username} is disabled`);
  const token = newTokenSecret();
  const name = input.name ?? 'default';
  const expiresAt = input.expiresInDays
    ? new Date(Date.now() + input.expiresInDays * 86_400_000).toISOString()
    : null;
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      'INSERT INTO api_tokens (username, name, token_sha256, expires_at) VALUES ($1, $2, $3, $4) RETURNING id::text',
      [user.username, name, hashToken(token), expiresAt],
    );
    await audit(
      { ...ctx, db: tx },
      'token.create',
      { kind: 'user', id: user.username },
      { tokenId: row!.id, name },
    );
    return { id: row!.id, username: user.username, name, token, expiresAt };
  });
}

export async function revokeToken(ctx: Ctx, tokenId: string): Promise<void> {
  requirePermission(ctx, 'users:manage');
  await ctx.db.transaction(async (tx) => {
    const rows = await tx.query<{ username: string }>(
      'UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING username',
      [tokenId],
    );
    if (!rows[0]) throw notFound(`active token ${tokenId}`);
    await audit({ ...ctx, db: tx }, 'token.revoke', { kind: 'user', id: rows[0].username }, { tokenId });
  });
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalidInput(
    'invalid user',
    result.error.issues.map((issue) => ({ field: issue.path.join('.'), reason: issue.message })),
  );
}

// API tokens: random secrets shown once; only their SHA-256 is stored.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/db.ts';
import type { Actor } from './context.ts';
import type { Role, ScopeKind } from './roles.ts';

const TOKEN_PREFIX = 'cb_';
/** How fresh `last_used_at` is kept. */
const LAST_USED_GRAIN = '1 minute';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(24).toString('base64url');
}

/** The actor behind a bearer token, or null when it is unknown, revoked, expired or its user disabled. */
export async function authenticateToken(db: Db, token: string): Promise<Actor | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const rows = await db.query<{
    id: string;
    username: string;
    role: Role;
    scope_kind: ScopeKind;
    scope_id: string;
    stale: boolean;
  }>(
    `SELECT t.id, u.username, u.role, u.scope_kind, u.scope_id,
            t.last_used_at IS NULL OR t.last_used_at < now() - interval '${LAST_USED_GRAIN}' AS stale
       FROM api_tokens t JOIN users u USING (username)
      WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL
        AND (t.expires_at IS NULL OR t.expires_at > now())`,
    [hashToken(token)],
  );
  const row = rows[0];
  if (!row) return null;
  // Last use is informational, to the minute: writing it on every request would make each one a
  // write. A lost update here is harmless, so it is not awaited inside a transaction.
  if (row.stale) await db.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [row.id]);
  return { username: row.username, role: row.role, scope: { kind: row.scope_kind, id: row.scope_id } };
}

// Open311 API keys: a POST must carry one. Random secrets shown once; only their SHA-256 is stored.
// The server keeps a short-lived cache of checked keys so a burst of POSTs costs no extra query each.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/db.ts';
import { audit, type Ctx, requirePermission } from '../../foundation/access/context.ts';
import { hashToken } from '../../foundation/access/tokens.ts';
import { invalidInput, notFound } from '../../lib/errors.ts';

const KEY_PREFIX = 'o311_';

export interface ApiKeyInfo {
  id: string;
  name: string;
}

export interface CreatedApiKey extends ApiKeyInfo {
  /** The secret, shown once. */
  key: string;
}

export async function createApiKey(ctx: Ctx, name: string): Promise<CreatedApiKey> {
  requirePermission(ctx, 'users:manage');
  const clean = name.trim();
  if (!clean || clean.length > 100) throw invalidInput('an API key needs a name (1 to 100 characters)');
  const key = KEY_PREFIX + randomBytes(24).toString('base64url');
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      'INSERT INTO open311_api_keys (name, key_sha256) VALUES ($1, $2) RETURNING id::text',
      [clean, hashToken(key)],
    );
    await audit(
      { ...ctx, db: tx },
      'open311.apikey.create',
      { kind: 'open311_api_key', id: row!.id },
      { name: clean },
    );
    return { id: row!.id, name: clean, key };
  });
}

export async function revokeApiKey(ctx: Ctx, id: string): Promise<void> {
  requirePermission(ctx, 'users:manage');
  await ctx.db.transaction(async (tx) => {
    const rows = await tx.query(
      'UPDATE open311_api_keys SET revoked_at = now() WHERE id = $1::bigint AND revoked_at IS NULL RETURNING id',
      [id],
    );
    if (!rows[0]) throw notFound(`active API key #${id}`);
    await audit({ ...ctx, db: tx }, 'open311.apikey.revoke', { kind: 'open311_api_key', id });
  });
}

export async function listApiKeys(
  ctx: Ctx,
): Promise<(ApiKeyInfo & { createdAt: string; revoked: boolean; lastUsedAt: string | null })[]> {
  requirePermission(ctx, 'users:read');
  const rows = await ctx.db.query<{
    id: string;
    name: string;
    created_at: Date | string;
    revoked_at: Date | string | null;
    last_used_at: Date | string | null;
  }>('SELECT id::text, name, created_at, revoked_at, last_used_at FROM open311_api_keys ORDER BY id');
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: new Date(r.created_at).toISOString(),
    revoked: r.revoked_at !== null,
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at).toISOString() : null,
  }));
}

/**
 * Checks keys against the database, remembering answers for `ttlMs`. An answer older than that is
 * still given while one query checks the key again (for up to another `ttlMs`), so a burst of POSTs
 * never waits on that query or queues behind its row lock; a revoked key stops working once the
 * check returns. Concurrent first checks of a key share one query. Last use is stamped by the check.
 */
export function apiKeyChecker(
  db: Db,
  { ttlMs = 10_000, now = Date.now }: { ttlMs?: number; now?: () => number } = {},
): (key: string) => Promise<ApiKeyInfo | null> {
  const cache = new Map<string, { info: ApiKeyInfo | null; at: number }>();
  const checking = new Map<string, Promise<ApiKeyInfo | null>>();
  const check = (hash: string): Promise<ApiKeyInfo | null> => {
    let pending = checking.get(hash);
    if (!pending) {
      pending = db
        .query<{ id: string; name: string }>(
          `UPDATE open311_api_keys SET last_used_at = now()
            WHERE key_sha256 = $1 AND revoked_at IS NULL RETURNING id::text, name`,
          [hash],
        )
        .then(([row]) => {
          const info = row ? { id: row.id, name: row.name } : null;
          // Bounded: unknown keys are cached too (so guessing costs no query), but the map is capped.
          if (cache.size > 10_000) cache.clear();
          cache.set(hash, { info, at: now() });
          return info;
        })
        .finally(() => checking.delete(hash));
      checking.set(hash, pending);
    }
    return pending;
  };
  return async (key) => {
    if (!key.startsWith(KEY_PREFIX) || key.length > 100) return null;
    const hash = hashToken(key);
    const hit = cache.get(hash);
    const age = hit ? now() - hit.at : Number.POSITIVE_INFINITY;
    if (hit && age < ttlMs) return hit.info;
    if (hit && age < 2 * ttlMs) {
      // A failed check is retried by the next request; past 2 × ttl requests wait for (and see) it.
      check(hash).catch(() => {});
      return hit.info;
    }
    return check(hash);
  };
}

// The context every domain function receives: who acts, within what scope, on which database.
import type { Db } from '../../db/db.ts';
import { forbidden } from '../../lib/errors.ts';
import { type Permission, ROLE_PERMISSIONS, type Role, type ScopeKind } from './roles.ts';

export interface Scope {
  kind: ScopeKind;
  /** An area code for area scopes, an agency code for 'agency'. */
  id: string;
}

export interface Actor {
  username: string;
  role: Role;
  scope: Scope;
}

export interface Ctx {
  db: Db;
  actor: Actor;
  requestId?: string | undefined;
}

/** The actor for local CLI commands: whoever runs the command on the server owns the data folder. */
export const SYSTEM_ACTOR: Actor = {
  username: 'system',
  role: 'admin',
  scope: { kind: 'district', id: '*' },
};

export function systemCtx(db: Db): Ctx {
  return { db, actor: SYSTEM_ACTOR };
}

export function can(actor: Actor, permission: Permission): boolean {
  return ROLE_PERMISSIONS[actor.role].has(permission);
}

export function requirePermission(ctx: Ctx, permission: Permission): void {
  if (!can(ctx.actor, permission)) throw forbidden(`role ${ctx.actor.role} lacks permission ${permission}`);
}

/**
 * Whether an area-scoped actor covers an area, given that area's path (ancestor ids down to itself).
 * Agency scopes see the district's reference data but no area-bound record; their own records
 * (work orders) are filtered by agency in the governance platform.
 */
export function coversArea(actor: Actor, areaPath: readonly string[]): boolean {
  const { kind, id } = actor.scope;
  if (kind === 'agency') return false;
  if (id === '*') return true;
  return areaPath.includes(id);
}

/** Reads of reference data (areas, addresses): agency scopes may read the whole district. */
export function canReadArea(actor: Actor, areaPath: readonly string[]): boolean {
  return actor.scope.kind === 'agency' || coversArea(actor, areaPath);
}

export function requireAreaRead(ctx: Ctx, areaPath: readonly string[], what: string): void {
  if (!canReadArea(ctx.actor, areaPath))
    throw forbidden(`${what} is outside your scope ${describeScope(ctx.actor.scope)}`);
}

export function requireAreaWrite(ctx: Ctx, areaPath: readonly string[], what: string): void {
  if (!coversArea(ctx.actor, areaPath))
    throw forbidden(`${what} is outside your scope ${describeScope(ctx.actor.scope)}`);
}

export function describeScope(scope: Scope): string {
  return scope.id === '*' ? 'all' : `${scope.kind} ${scope.id}`;
}

/** Writes one audit row. Call it with the transaction that makes the change, so both land or neither. */
export async function audit(
  ctx: Ctx,
  action: string,
  entity: { kind: string; id: string },
  detail: Record<string, unknown> = {},
): Promise<void> {
  await ctx.db.query(
    'INSERT INTO audit_log (actor, action, entity_kind, entity_id, detail, request_id) VALUES ($1, $2, $3, $4, $5, $6)',
    [ctx.actor.username, action, entity.kind, entity.id, JSON.stringify(detail), ctx.requestId ?? null],
  );
}

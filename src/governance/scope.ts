// Who sees which requests and work orders. District-wide actors see all; area-scoped actors
// (operators, grid workers) the requests placed inside their area; agency-scoped actors (handlers)
// the requests whose work order their agency holds.
import type { Actor } from '../foundation/access/context.ts';
import { describeScope } from '../foundation/access/context.ts';
import { forbidden } from '../lib/errors.ts';

/** The places and holder of one request, as stored. */
export interface Placed {
  districtId: string;
  subdistrictId: string | null;
  communityId: string | null;
  gridId: string;
  /** The agency holding its work order, if any. */
  agency: string | null;
}

export function coversPlace(actor: Actor, p: Omit<Placed, 'agency'>): boolean {
  const { kind, id } = actor.scope;
  if (kind === 'agency') return false;
  return id === '*' || [p.districtId, p.subdistrictId, p.communityId, p.gridId].includes(id);
}

export function canSee(actor: Actor, p: Placed): boolean {
  if (actor.scope.kind === 'agency') return p.agency === actor.scope.id;
  return coversPlace(actor, p);
}

export function requireSee(actor: Actor, p: Placed, what: string): void {
  if (!canSee(actor, p)) throw forbidden(`${what} is outside your scope ${describeScope(actor.scope)}`);
}

/**
 * A SQL condition for the actor's rows over `gov_requests r` and `gov_work_orders w` (left-joined),
 * appending its parameter to `params`.
 */
export function scopeSql(actor: Actor, params: unknown[]): string {
  const { kind, id } = actor.scope;
  if (kind !== 'agency' && id === '*') return 'true';
  params.push(id);
  const p = `$${params.length}`;
  if (kind === 'agency') return `w.agency_code = ${p}`;
  return `${p} IN (r.district_id, r.subdistrict_id, r.community_id, r.grid_id)`;
}

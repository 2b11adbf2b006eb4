// The dispatch rule (派单): who handles a request of a category at a place, and why.
//  - agency_zone: the category's agency, in its handling zone containing the point (FixMyStreet's
//    "body by polygon + contact by category"); outside all its zones, the agency as a whole;
//  - subdistrict_office: the office of the subdistrict containing the point (街道事项);
//  - grid_worker: the worker of the grid (patrol items), for the community's workstation.
// The reason is stored with the order and shown to operators and handlers.
import type { Db } from '../../db/db.ts';
import { pointInGeometry } from '../../foundation/areas/geometry.ts';
import { type HandlingZone, officeCode, stationCode } from '../agencies/model.ts';
import type { Category } from '../catalogue/model.ts';
import type { GovernanceReference } from '../reference.ts';

export interface DispatchTarget {
  agency: string;
  zoneId: string | null;
  assignee: string | null;
  reason: string;
}

export interface DispatchPlace {
  lng: number;
  lat: number;
  subdistrictId: string | null;
  communityId: string | null;
  gridId: string;
}

/** Open work-order states: what counts towards a grid worker's load. */
const ACTIVE_ORDER_STATES = ['dispatched', 'accepted', 'in_progress'] as const;

export async function dispatchTarget(
  db: Db,
  ref: GovernanceReference,
  category: Category,
  place: DispatchPlace,
): Promise<DispatchTarget> {
  const rule = dispatchRule(ref, category, place);
  if (!rule.patrolOf) return rule.target;
  const [row] = await db.query<{ username: string }>(gridWorkerSql('$1'), [place.gridId]);
  const worker = row?.username ?? null;
  return {
    ...rule.target,
    assignee: worker,
    reason: patrolReason(ref, category, place, rule.target, worker),
  };
}

/** Why a patrol item went where it went: to the grid's worker, or to the workstation when it has none. */
export function patrolReason(
  ref: GovernanceReference,
  category: Category,
  place: DispatchPlace,
  target: DispatchTarget,
  worker: string | null,
): string {
  const station = ref.agencies.get(target.agency)!;
  const what = `${category.name} (${category.code})`;
  return worker
    ? `${what} is a patrol item: grid worker ${worker} of grid ${place.gridId}, for ${station.name}`
    : `${what} is a patrol item, but grid ${place.gridId} has no grid worker: ${station.name} assigns it`;
}

/**
 * The rule without the database: the agency and zone. For a patrol item `patrolOf` names the grid
 * whose worker is still to be found (history imports leave it to the workstation).
 */
export function dispatchRule(
  ref: GovernanceReference,
  category: Category,
  place: DispatchPlace,
): { target: DispatchTarget; patrolOf: string | null } {
  const responsible = ref.agencies.get(category.agency);
  const what = `${category.name} (${category.code})`;
  const responsibleName = responsible?.name ?? category.agency;

  if (category.dispatchMode === 'subdistrict_office' && place.subdistrictId) {
    const office = ref.agencies.get(officeCode(place.subdistrictId));
    if (office?.active)
      return {
        patrolOf: null,
        target: {
          agency: office.code,
          zoneId: null,
          assignee: null,
          reason: `${what} is a subdistrict matter: ${office.name} serves the subdistrict containing the point (responsible agency ${responsibleName})`,
        },
      };
  }

  if (category.dispatchMode === 'grid_worker' && place.communityId) {
    const station = ref.agencies.get(stationCode(place.communityId));
    if (station?.active)
      return {
        patrolOf: place.gridId,
        target: {
          agency: station.code,
          zoneId: null,
          assignee: null,
          reason: `${what} is a patrol item of grid ${place.gridId}: ${station.name} assigns it`,
        },
      };
  }

  const zones = ref.zones.get(category.agency) ?? [];
  const zone = zoneContaining(zones, place.lng, place.lat);
  const fallback =
    category.dispatchMode === 'agency_zone'
      ? ''
      : ` (no ${category.dispatchMode === 'grid_worker' ? 'community workstation' : 'subdistrict office'} for this place)`;
  return {
    patrolOf: null,
    target: {
      agency: category.agency,
      zoneId: zone?.zoneId ?? null,
      assignee: null,
      reason: zone
        ? `${what} is handled by ${responsibleName}; its handling zone ${zone.name} (${zone.zoneId}) contains the point${fallback}`
        : `${what} is handled by ${responsibleName}; none of its ${zones.length} handling zones contains the point, so the agency as a whole${fallback}`,
    },
  };
}

export function zoneContaining(
  zones: readonly HandlingZone[],
  lng: number,
  lat: number,
): HandlingZone | undefined {
  return zones.find(
    (z) =>
      lng >= z.bbox[0] &&
      lng <= z.bbox[2] &&
      lat >= z.bbox[1] &&
      lat <= z.bbox[3] &&
      pointInGeometry(lng, lat, z.geometry),
  );
}

/**
 * The grid's worker with the fewest open orders (several may share a grid), as a query on the grid
 * parameter `grid`: dispatch runs it alone, intake inside its one statement.
 */
export function gridWorkerSql(grid: string): string {
  return `SELECT u.username FROM users u
      WHERE u.role = 'grid_worker' AND u.scope_kind = 'grid' AND u.scope_id = ${grid} AND u.disabled_at IS NULL
      ORDER BY (SELECT count(*) FROM gov_work_orders w
                 WHERE w.assignee = u.username AND w.status IN (${ACTIVE_ORDER_STATES.map((s) => `'${s}'`).join(', ')})),
               u.username
      LIMIT 1`;
}

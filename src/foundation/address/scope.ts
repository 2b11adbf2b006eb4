// Which addresses a reader may see, as SQL conditions, and the area tree in memory for names.
import type { Db } from '../../db/db.ts';
import { notFound } from '../../lib/errors.ts';
import type { Actor } from '../access/context.ts';
import { type AreaLevel, type AreaLocator, cachedLocator } from '../areas/locator.ts';

/** The addresses column that holds an area of each level. */
const COLUMN_OF_LEVEL: Record<AreaLevel, string> = {
  district: 'district_id',
  subdistrict: 'subdistrict_id',
  community: 'community_id',
  grid: 'grid_id',
};

export interface SqlConditions {
  where: string[];
  params: unknown[];
}

/**
 * Conditions for addresses within `areaId` (when given) and within the actor's scope. Agency and
 * whole-district scopes read every address; an area scope reads the addresses under its area.
 */
export async function areaConditions(
  db: Db,
  actor: Actor,
  areaId: string | undefined,
  params: unknown[] = [],
): Promise<SqlConditions> {
  const where: string[] = [];
  const add = (level: AreaLevel, id: string) => {
    params.push(id);
    where.push(`${COLUMN_OF_LEVEL[level]} = $${params.length}`);
  };
  if (areaId !== undefined) {
    const [area] = await db.query<{ level: AreaLevel }>('SELECT level FROM areas WHERE id = $1', [areaId]);
    if (!area) throw notFound(`area ${areaId}`);
    add(area.level, areaId);
  }
  const { kind, id } = actor.scope;
  if (kind === 'agency' || id === '*') return { where, params };
  add(kind, id);
  return { where, params };
}

const locators = new WeakMap<Db, () => Promise<AreaLocator>>();

/** A locator per database, rebuilt when the area tree changes: names and paths for address reads. */
export function addressLocator(db: Db): Promise<AreaLocator> {
  let get = locators.get(db);
  if (!get) {
    get = cachedLocator(db);
    locators.set(db, get);
  }
  return get();
}

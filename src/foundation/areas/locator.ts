// Point → area chain, in memory. A Flatbush R-tree over the leaf areas' bounding boxes narrows a
// point to a few candidates; exact point-in-polygon decides. Built from the areas table and rebuilt
// when the tree's data version changes (any process may import areas).
import Flatbush from 'flatbush';
import { dataVersion } from '../../db/data-versions.ts';
import type { Db } from '../../db/db.ts';
import { type AreaGeometry, bboxOf, pointInFlatPolygon, polygonsOf } from './geometry.ts';

export type AreaLevel = 'district' | 'subdistrict' | 'community' | 'grid';
export const AREA_LEVELS: readonly AreaLevel[] = ['district', 'subdistrict', 'community', 'grid'];

export interface AreaRef {
  id: string;
  name: string;
  level: AreaLevel;
}

/** The areas containing a point (or an area), from the district down; absent levels are undefined. */
export interface AreaChain {
  district?: AreaRef;
  subdistrict?: AreaRef;
  community?: AreaRef;
  grid?: AreaRef;
}

export interface LocatorArea extends AreaRef {
  parentId: string | null;
  geometry: AreaGeometry;
}

export class AreaLocator {
  private readonly byId = new Map<string, LocatorArea>();
  private readonly leaves: LocatorArea[];
  /** Per leaf, per polygon: outer ring then holes, as flat [x0, y0, x1, y1, …] arrays (cache-friendly). */
  private readonly leafRings: Float64Array[][][];
  private readonly index: Flatbush | null;
  /** Chains are computed once per area and shared, so they are frozen. */
  private readonly chains = new Map<string, Readonly<AreaChain>>();

  constructor(areas: readonly LocatorArea[]) {
    const parents = new Set<string>();
    for (const area of areas) {
      this.byId.set(area.id, area);
      if (area.parentId) parents.add(area.parentId);
    }
    this.leaves = areas.filter((area) => !parents.has(area.id));
    this.leafRings = this.leaves.map((leaf) =>
      polygonsOf(leaf.geometry).map((polygon) => polygon.map((ring) => Float64Array.from(ring.flat()))),
    );
    if (this.leaves.length === 0) {
      this.index = null;
      return;
    }
    this.index = new Flatbush(this.leaves.length);
    for (const leaf of this.leaves) this.index.add(...bboxOf(leaf.geometry));
    this.index.finish();
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): LocatorArea | undefined {
    return this.byId.get(id);
  }

  /** The deepest area containing the point (a grid where grids exist), or undefined outside all. */
  locateArea(lng: number, lat: number): LocatorArea | undefined {
    if (!this.index) return undefined;
    let found = -1;
    // The filter runs once per bounding-box candidate; deciding there avoids building a result list.
    this.index.search(lng, lat, lng, lat, (i) => {
      if (found >= 0) return false;
      const polygons = this.leafRings[i]!;
      for (let p = 0; p < polygons.length; p++) {
        if (pointInFlatPolygon(lng, lat, polygons[p]!)) {
          found = i;
          break;
        }
      }
      return false;
    });
    return found < 0 ? undefined : this.leaves[found];
  }

  locate(lng: number, lat: number): Readonly<AreaChain> | undefined {
    const area = this.locateArea(lng, lat);
    return area ? this.chainOf(area.id) : undefined;
  }

  /** The chain of an area: itself and its ancestors, keyed by level. */
  chainOf(id: string): Readonly<AreaChain> | undefined {
    const cached = this.chains.get(id);
    if (cached) return cached;
    let area = this.byId.get(id);
    if (!area) return undefined;
    const chain: AreaChain = {};
    for (let guard = 0; area && guard < 10; guard++) {
      chain[area.level] = Object.freeze({ id: area.id, name: area.name, level: area.level });
      area = area.parentId ? this.byId.get(area.parentId) : undefined;
    }
    Object.freeze(chain);
    this.chains.set(id, chain);
    return chain;
  }

  /** Ancestor ids from the district down to the area itself. */
  pathOf(id: string): string[] {
    const path: string[] = [];
    let area = this.byId.get(id);
    for (let guard = 0; area && guard < 10; guard++) {
      path.unshift(area.id);
      area = area.parentId ? this.byId.get(area.parentId) : undefined;
    }
    return path;
  }
}

export async function loadLocator(db: Db): Promise<AreaLocator> {
  const rows = await db.query<{
    id: string;
    name: string;
    level: AreaLevel;
    parent_id: string | null;
    geometry: AreaGeometry;
  }>('SELECT id, name, level, parent_id, geometry FROM areas');
  return new AreaLocator(
    rows.map((r) => ({
      id: r.id,
      name: r.name,
      level: r.level,
      parentId: r.parent_id,
      geometry: r.geometry,
    })),
  );
}

/**
 * A locator kept current: it checks the areas data version at most once per `maxAgeMs` and
 * rebuilds when another import changed the tree. Pass `via` when calling inside a transaction on
 * `db`: the check then runs through it (PGlite's one connection is the transaction's), and a tree
 * the transaction sees differently gets a locator of its own that is not kept.
 */
export function cachedLocator(db: Db, maxAgeMs = 1_000): (via?: Db) => Promise<AreaLocator> {
  let current: { locator: AreaLocator; version: string } | undefined;
  let checkedAt = 0;
  let pending: Promise<AreaLocator> | undefined;
  const refresh = async (): Promise<AreaLocator> => {
    const version = await dataVersion(db, 'areas');
    checkedAt = Date.now();
    if (!current || current.version !== version) current = { locator: await loadLocator(db), version };
    return current.locator;
  };
  return async (via = db) => {
    if (current && Date.now() - checkedAt < maxAgeMs) return current.locator;
    if (via.inTransaction) {
      const version = await dataVersion(via, 'areas');
      if (current?.version !== version) return loadLocator(via);
      checkedAt = Date.now();
      return current.locator;
    }
    pending ??= refresh().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

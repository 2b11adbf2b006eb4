// Point → grid chain lookups on one core against the scale-1 demo grid tree (~1,990 grids).
import { buildAreas } from '../src/demo/areas.ts';
import { createRng } from '../src/demo/random.ts';
import { bboxOf } from '../src/foundation/areas/geometry.ts';
import { AreaLocator } from '../src/foundation/areas/locator.ts';

export interface LookupResult {
  grids: number;
  buildMs: number;
  lookups: number;
  perSecond: number;
  hitRate: number;
}

export function benchLookups(lookups = 2_000_000): LookupResult {
  const areas = buildAreas(1, 1);
  const all = [areas.district, ...areas.subdistricts, ...areas.communities, ...areas.grids];
  const started = performance.now();
  const locator = new AreaLocator(all.map((a) => ({ ...a, parentId: a.parentId })));
  const buildMs = performance.now() - started;

  const [minX, minY, maxX, maxY] = bboxOf(areas.district.geometry);
  const rng = createRng(7, 'bench-points');
  const xs = new Float64Array(lookups);
  const ys = new Float64Array(lookups);
  for (let i = 0; i < lookups; i++) {
    xs[i] = minX + rng.next() * (maxX - minX);
    ys[i] = minY + rng.next() * (maxY - minY);
  }
  for (let i = 0; i < 50_000; i++) locator.locate(xs[i]!, ys[i]!); // warm-up
  let hits = 0;
  const t0 = performance.now();
  for (let i = 0; i < lookups; i++) if (locator.locate(xs[i]!, ys[i]!)?.grid) hits++;
  const seconds = (performance.now() - t0) / 1000;
  return {
    grids: areas.grids.length,
    buildMs,
    lookups,
    perSecond: lookups / seconds,
    hitRate: hits / lookups,
  };
}

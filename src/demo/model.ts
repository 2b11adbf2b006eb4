// The demo district as one in-memory model: areas → buildings → rooms, plus how each file is delivered.
// Every part is a pure function of (seed, scale) with its own random stream; writers turn the model
// into files. Later parts (people, legal entities, feeds, service requests) join here the same way.

import { invalidInput } from '../lib/errors.ts';
import { type AddressFilePlan, planAddressFile } from './address-file.ts';
import { buildAddresses, type DemoBuilding } from './addresses.ts';
import { buildAreas, type DemoAreas } from './areas.ts';

export interface DemoModelOptions {
  seed: number;
  /** 1 = the real district (~1,990 grids, ~600,000 rooms). */
  scale: number;
}

export interface DemoDistrict extends DemoAreas {
  seed: number;
  scale: number;
  buildings: DemoBuilding[];
  addressFile: AddressFilePlan;
}

/** Above this, communities run out of two-digit grid codes. */
export const MAX_SCALE = 4;

export function buildDemoDistrict({ seed, scale }: DemoModelOptions): DemoDistrict {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw invalidInput(`seed must be a whole number ≥ 0, got ${seed}`);
  if (!(scale > 0 && scale <= MAX_SCALE))
    throw invalidInput(`scale must be in (0, ${MAX_SCALE}], got ${scale}`);
  const areas = buildAreas(seed, scale);
  const buildings = buildAddresses(seed, areas);
  return { seed, scale, ...areas, buildings, addressFile: planAddressFile(seed, areas, buildings) };
}

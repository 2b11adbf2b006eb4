// Growing the typed arrays that hold the linker's and the ingest's per-entity and per-record data.

type Growable = Float64Array | Uint32Array | Uint8Array;

/**
 * `array` with room for at least `length` elements: itself when it has it, else a copy grown by
 * `factor` as often as needed (2: fewer copies; 1.5: less room left unused).
 */
export function grownTo<T extends Growable>(array: T, length: number, factor = 2): T {
  let size = Math.max(1, array.length);
  while (size < length) size = Math.ceil(size * factor);
  if (size === array.length) return array;
  const bigger = new (array.constructor as new (length: number) => T)(size);
  bigger.set(array);
  return bigger;
}

// The address CSV of DESIGN.md §4, shared by import and export so a file round-trips unchanged.

export const ADDRESS_COLUMNS = [
  'address_id',
  'level',
  'parent_id',
  'subdistrict',
  'community',
  'road',
  'road_no',
  'estate',
  'building',
  'entrance',
  'floor',
  'room',
  'aliases',
  'lng',
  'lat',
  'grid_id',
] as const;
export type AddressColumn = (typeof ADDRESS_COLUMNS)[number];

export const ADDRESS_LEVELS = ['building', 'room'] as const;
export type AddressLevel = (typeof ADDRESS_LEVELS)[number];

/** `华强|华强广场大厦` → trimmed, de-duplicated names in their order. */
export function splitAliases(text: string): string[] {
  return normaliseAliases(text.split('|'));
}

export function normaliseAliases(names: readonly string[]): string[] {
  return [...new Set(names.map((name) => name.trim()).filter(Boolean))];
}

export function joinAliases(aliases: readonly string[]): string {
  return aliases.join('|');
}

/** One CSV cell for a file people open: quoted only when it has to be. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRecord(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\n`;
}

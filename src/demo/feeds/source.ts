// What a department source is: its file layout (columns with their meaning, encoding, date style), the
// errors it carries, and the function that writes one delivery of it from the world. SOURCES.md is the
// same information for people; a test keeps the two in step.
import type { Rng } from '../random.ts';
import type { AddressHabits, AreaNames } from './address-text.ts';
import type { DateStyle } from './dates.ts';
import { DELIVERY_1 } from './dates.ts';
import { type Injector, injector } from './inject.ts';
import { type Person, presentOn } from './population.ts';
import type { Encoding, ErrorKind, FeedRow, FeedWriter } from './sink.ts';
import type { FeedWorld } from './world.ts';

export interface Column {
  header: string;
  /** Meaning and format, for SOURCES.md. */
  meaning: string;
}

export interface SourceSpec {
  source: string;
  department: string;
  encoding: Encoding;
  dates: DateStyle;
  /** What `entity_id` in the truth is. */
  subject: string;
  /** How the department writes addresses, for SOURCES.md. */
  addressNote: string;
  habits: AddressHabits;
  /** Injected errors: the rate per row (per eligible row) and where they go. */
  errors: Partial<Record<ErrorKind, { rate: number; note: string }>>;
  columns: readonly Column[];
  /** Delivery days; most sources have one. */
  deliveries: readonly number[];
  write(ctx: SourceContext): Promise<void>;
}

export interface SourceContext {
  world: FeedWorld;
  spec: SourceSpec;
  feed: FeedWriter;
  rng: Rng;
  /** The delivery being written (a day) and whether it is the source's first. */
  delivery: number;
  first: boolean;
  names: AreaNames;
}

export const col = (header: string, meaning: string): Column => ({ header, meaning });

/** Cells in column order from an object keyed by header; the first row of a file is checked fully. */
export function cells(spec: SourceSpec, values: Record<string, string | number>, check = false): string[] {
  if (check) {
    for (const key of Object.keys(values))
      if (!spec.columns.some((c) => c.header === key)) throw new Error(`${spec.source}: no column ${key}`);
    for (const c of spec.columns)
      if (!(c.header in values)) throw new Error(`${spec.source}: column ${c.header} has no value`);
  }
  return spec.columns.map((c) => {
    const v = values[c.header];
    return v === undefined ? '' : String(v);
  });
}

/** Column index by header, computed once per file. */
export function columnAt(spec: SourceSpec): (header: string) => number {
  const index = new Map(spec.columns.map((c, i) => [c.header, i]));
  return (header) => {
    const i = index.get(header);
    if (i === undefined) throw new Error(`${spec.source}: no column ${header}`);
    return i;
  };
}

/** The source's error rates, each kind once early on (inject.ts). */
export const injectorOf = (ctx: SourceContext): Injector =>
  injector(ctx.rng, Object.fromEntries(Object.entries(ctx.spec.errors).map(([kind, e]) => [kind, e!.rate])));

/** A row with its truth and no errors yet. */
export function row(values: string[], entity: string | null, address: string | null, related = ''): FeedRow {
  return { values, entity, address, related, errors: [] };
}

/** A mobile number as typed: mostly plain, sometimes grouped with dashes or spaces. */
export function writePhone(rng: Rng, phone: string, grouped: number): string {
  if (!phone || !rng.chance(grouped)) return phone;
  const sep = rng.chance(0.6) ? '-' : ' ';
  return `${phone.slice(0, 3)}${sep}${phone.slice(3, 7)}${sep}${phone.slice(7)}`;
}

export const sexText = (p: Person): string => (p.sex === 'male' ? '男' : '女');

/** Another mobile number for the same person: the one they had before. */
export function oldPhone(rng: Rng, phone: string): string {
  for (;;) {
    const other = `1${rng.pick(['3', '5', '8'])}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`;
    if (other !== phone) return other;
  }
}

/** A name with one character replaced by one that sounds alike (a clerk's IME slip). */
export function nameVariant(name: string): string {
  const swaps: Record<string, string> = {
    伟: '玮',
    华: '化',
    明: '铭',
    军: '君',
    杰: '洁',
    丽: '莉',
    芳: '方',
    敏: '民',
    静: '晶',
    燕: '艳',
    霞: '侠',
    峰: '锋',
    辉: '晖',
    林: '琳',
    红: '宏',
    建: '健',
    志: '智',
  };
  const chars = Array.from(name);
  for (let i = chars.length - 1; i > 0; i--) {
    const swap = swaps[chars[i]!];
    if (swap && swap !== chars[i]) {
      chars[i] = swap;
      return chars.join('');
    }
  }
  // No look-alike: the given name's last character doubled or dropped, as a hurried typist does.
  return chars.length > 2 ? chars.slice(0, -1).join('') : `${name}${chars[chars.length - 1]}`;
}

/**
 * Whether the police household register lists this person's mobile. A phone contradiction is only
 * injected where it is one between sources: an old number of someone no other feed lists a number
 * for is simply that person's number as far as any data can tell.
 */
export function registerListsPhone(world: FeedWorld, p: Person): boolean {
  return (
    p.phone !== '' && world.households[p.household]?.residency === 'registered' && presentOn(p, DELIVERY_1)
  );
}

// One feed row → the records it describes, with every problem found on the way. A mapping is first
// compiled against the file's header (column positions once, not per row); then each row runs
// through its targets' fields: cells → transforms → value map → typed check. A bad required field or
// a missing key rejects the row; a bad optional field is dropped with a warning. Addresses and refs
// are left for the ingest, which matches and links them.

import { invalidInput } from '../../lib/errors.ts';
import type { ImportProblem } from '../imports/runs.ts';
import { residentIdInfo } from '../registry/checksums.ts';
import type { Condition, FieldMapping, SourceMapping, TargetMapping } from './mapping.ts';
import type { FeedRow } from './reader.ts';
import { applyTransforms, type Parsed, parseDate, parsePoint, parseValue, type Value } from './values.ts';

/** A condition with its column found: a cell passes when it is one of the values or matches. */
export interface CompiledCondition {
  column: number;
  test: (cell: string) => boolean;
}

export interface CompiledField {
  mapping: FieldMapping;
  columns: number[];
  /** Shown in problems: the department's column names. */
  label: string;
  when?: CompiledCondition | undefined;
  codeColumn: number;
  lapsesColumn: number;
}

export interface CompiledTarget {
  mapping: TargetMapping;
  /** Key alternatives: the first whose columns are all filled is the record's key. */
  keyColumns: number[][];
  when?: CompiledCondition | undefined;
  fields: CompiledField[];
}

export interface CompiledMapping {
  source: SourceMapping;
  header: string[];
  targets: CompiledTarget[];
  recencyColumn: number;
}

const headerKey = (name: string) => name.normalize('NFKC').replace(/\s+/g, '');

/** Finds every column the mapping names in the header; all missing ones are reported together. */
export function compileMapping(source: SourceMapping, header: string[], file: string): CompiledMapping {
  const positions = new Map<string, number>();
  header.forEach((name, i) => {
    const key = headerKey(name);
    if (key && !positions.has(key)) positions.set(key, i);
  });
  const missing = new Set<string>();
  const column = (name: string) => {
    const i = positions.get(headerKey(name));
    if (i === undefined) missing.add(name);
    return i ?? -1;
  };
  const condition = (c: Condition | undefined): CompiledCondition | undefined => {
    if (!c) return undefined;
    const values = c.in && new Set(c.in);
    const regex = c.matches === undefined ? undefined : new RegExp(c.matches, 'u');
    return { column: column(c.column), test: (cell) => (values ? values.has(cell) : regex!.test(cell)) };
  };
  const targets = source.targets.map(
    (t): CompiledTarget => ({
      mapping: t,
      keyColumns: t.keys.map((k) => k.map(column)),
      when: condition(t.when),
      fields: t.fields.map((f) => ({
        mapping: f,
        columns: f.columns.map(column),
        label: f.columns.join('+') || f.code || '',
        when: condition(f.when),
        codeColumn: f.code ? column(f.code) : -1,
        lapsesColumn: f.lapses ? column(f.lapses.column) : -1,
      })),
    }),
  );
  const recencyColumn = source.recency ? column(source.recency) : -1;
  if (missing.size > 0)
    throw invalidInput(
      `${file}: the header lacks ${missing.size === 1 ? 'a column' : 'columns'} the mapping of ${source.source} names`,
      [...missing].map((name) => ({ file, field: name, reason: `no column "${name}" in the header row` })),
    );
  return { source, header, targets, recencyColumn };
}

export interface AddressCell {
  field: string;
  /** As written; empty when the row gives only a code. */
  text: string;
  /** The library's address code, when the row gives one. */
  code: string;
}

export interface TargetDraft {
  target: CompiledTarget;
  /** The source's key of this record. */
  key: string;
  values: Record<string, Value>;
  /** Address fields still to match. */
  addresses: AddressCell[];
  /** Ref fields: field → the targets whose entity it names (the first that made one). */
  refs: { field: string; targets: string[] }[];
}

export interface RowDraft {
  rowNumber: number;
  /** ISO date from the recency column, if the mapping has one and the cell reads. */
  observedOn?: string | undefined;
  targets: TargetDraft[];
  /** Every target key the row holds, even of a rejected row (a snapshot still lists it). */
  keys: { target: string; key: string }[];
  problems: ImportProblem[];
  rejected: boolean;
}

export interface RowContext {
  file: string;
  /** ISO date of the delivery: no birth, registration or row date may be later. */
  deliveredOn: string;
  /** The area tree's grids: a grid cell must name one. */
  grids: ReadonlySet<string>;
}

/**
 * One row as the reader gave it: read as `readRow` does, a row whose width is not the header's is
 * rejected, and each error of a rejected row carries the row as read.
 */
export function draftRow(compiled: CompiledMapping, row: FeedRow, ctx: RowContext): RowDraft {
  const draft = readRow(compiled, row.rowNumber, row.fields, ctx);
  if (row.fields.length !== compiled.header.length) {
    draft.rejected = true;
    draft.problems.unshift({
      severity: 'error',
      file: ctx.file,
      row: row.rowNumber,
      reason: `has ${row.fields.length} fields, the header has ${compiled.header.length}`,
    });
  }
  if (draft.rejected) {
    const raw = rawRow(compiled.header, row.fields);
    draft.problems = draft.problems.map((p) => (p.severity === 'error' ? { ...p, raw } : p));
  }
  return draft;
}

/** The row as read, keyed by column name, for problems (so a rejected row can be fixed and sent again). */
function rawRow(header: readonly string[], fields: readonly string[]): Record<string, string> {
  const raw: Record<string, string> = {};
  header.forEach((name, i) => {
    raw[name || `column ${i + 1}`] = fields[i] ?? '';
  });
  return raw;
}

export function readRow(
  compiled: CompiledMapping,
  rowNumber: number,
  cells: readonly string[],
  ctx: RowContext,
): RowDraft {
  const draft: RowDraft = { rowNumber, targets: [], keys: [], problems: [], rejected: false };
  const problem = (severity: 'error' | 'warning', field: string | undefined, reason: string) => {
    draft.problems.push({ severity, file: ctx.file, row: rowNumber, ...(field && { field }), reason });
    if (severity === 'error') draft.rejected = true;
  };
  const cell = (i: number) => (cells[i] ?? '').trim();

  if (compiled.recencyColumn >= 0) {
    const text = cell(compiled.recencyColumn);
    const parsed = text ? parseDate(text, compiled.source.dates) : undefined;
    const date = parsed && 'value' in parsed ? (parsed.value as string) : undefined;
    if (date && date <= ctx.deliveredOn) draft.observedOn = date;
    else
      problem(
        'warning',
        compiled.source.recency!,
        `${date ? `${date} is after the delivery (${ctx.deliveredOn})` : parsed && 'error' in parsed ? parsed.error : 'empty'}: the row counts as of its delivery date`,
      );
  }

  for (const target of compiled.targets) {
    const t = target.mapping;
    if (target.when && !target.when.test(cell(target.when.column))) continue;
    const alternative = target.keyColumns.findIndex((columns) => columns.every((i) => cell(i) !== ''));
    if (alternative < 0) {
      const keys = t.keys.map((k) => k.join('+')).join(' or ');
      if (!t.optional && !t.lookup) problem('error', keys, `${t.name}: the key ${keys} is empty`);
      continue;
    }
    // Keys of different alternatives never meet: one is a resident ID, another a name and a date.
    const parts = target.keyColumns[alternative]!.map(cell).join('|');
    const key = alternative === 0 ? parts : `${alternative}:${parts}`;
    draft.keys.push({ target: t.name, key });
    const values: Record<string, Value> = {};
    const addresses: AddressCell[] = [];
    const refs: { field: string; targets: string[] }[] = [];
    let missingRequired = false;
    for (const f of target.fields) {
      const m = f.mapping;
      const where = `${t.name}.${m.field}`;
      if (f.when && !f.when.test(cell(f.when.column))) continue;
      if (m.ref !== undefined) {
        refs.push({ field: m.field, targets: m.ref });
        continue;
      }
      const parsed = readField(f, cells, ctx);
      // An optional target without a required value is left out, not the row: a warning, not an error.
      if (parsed === undefined) {
        if (m.required) {
          missingRequired = true;
          if (!t.optional) problem('error', f.label || m.field, `${where} is required but empty`);
        }
        continue;
      }
      if ('error' in parsed) {
        if (m.required) {
          missingRequired = true;
          if (t.optional)
            problem('warning', f.label || m.field, `${where}: ${parsed.error}; ${t.name} is left out`);
          else problem('error', f.label || m.field, `${where}: ${parsed.error}`);
        } else problem('warning', f.label || m.field, `${where}: ${parsed.error}; the value is left out`);
        continue;
      }
      if ('address' in parsed) {
        addresses.push({ field: m.field, text: parsed.address, code: parsed.code });
        continue;
      }
      if (parsed.note) problem('warning', f.label || m.field, `${where}: ${parsed.note}`);
      values[m.field] = parsed.value;
    }
    if (missingRequired) continue;
    if (t.entity === 'person')
      checkIdAgainst(values, (field, reason) => problem('warning', field, `${t.name}: ${reason}`));
    draft.targets.push({ target, key, values, addresses, refs });
  }
  return draft;
}

type FieldRead = Parsed | { address: string; code: string };

/** One field's value from its cells, or undefined when empty. */
function readField(f: CompiledField, cells: readonly string[], ctx: RowContext): FieldRead | undefined {
  const m = f.mapping;
  const options = { dates: m.dates, unit: m.unit, latest: ctx.deliveredOn };
  if (m.value !== undefined) return parseValue(String(m.value), m.def, options);
  const parts = f.columns.map((i) => applyTransforms((cells[i] ?? '').trim(), m.transform));
  if (m.def.type === 'point') {
    if (parts.every((p) => p === '')) return undefined;
    return parsePoint(parts, m.crs);
  }
  let text = parts.filter((p) => p !== '').join(m.join);
  if (m.map && Object.hasOwn(m.map, text)) {
    const mapped = m.map[text];
    if (mapped === null || mapped === undefined) return undefined;
    text = String(mapped);
  }
  if (m.def.type === 'address') {
    const code = f.codeColumn >= 0 ? (cells[f.codeColumn] ?? '').trim() : '';
    return text === '' && code === '' ? undefined : { address: text, code };
  }
  if (text === '') return undefined;
  if (m.def.type === 'grid' && !ctx.grids.has(text))
    return { error: `"${text}" is no grid of the area tree` };
  const parsed = parseValue(text, m.def, options);
  if (!m.lapses || 'error' in parsed) return parsed;
  // A value that holds until a date: past that date at delivery, it has lapsed.
  const until = parseDate((cells[f.lapsesColumn] ?? '').trim(), options.dates);
  if (!('value' in until) || (until.value as string) >= ctx.deliveredOn) return parsed;
  const lapsed = parseValue(String(m.lapses.to), m.def, options);
  if ('error' in lapsed) return lapsed;
  return {
    value: lapsed.value,
    note: `"${text}" but ${m.lapses.column} ${until.value} has passed: taken as ${m.lapses.to}`,
  };
}

/** A resident ID carries its holder's birth date and sex: a row that says otherwise contradicts itself. */
function checkIdAgainst(values: Record<string, Value>, warn: (field: string, reason: string) => void): void {
  const id = values.id_number;
  if (typeof id !== 'string') return;
  const info = residentIdInfo(id);
  if (!info) return;
  if (typeof values.birth_date === 'string' && values.birth_date !== info.birthDate)
    warn('birth_date', `birth date ${values.birth_date} contradicts the ID's ${info.birthDate}`);
  const sex = info.sex === 'male' ? 'M' : 'F';
  if (typeof values.sex === 'string' && values.sex !== sex)
    warn('sex', `sex ${values.sex} contradicts the ID's ${sex}`);
}

// Source mappings: one YAML (or JSON) file per department feed says how its rows become source
// records — which columns feed which registry fields, how to clean them, which date styles and
// encoding the department uses, the key of each record and the priority of each field. Adding a
// department is adding a file. Mappings are checked with zod when loaded, then against the registry
// model, and every problem names the file and the path inside it. The format: docs/fusion.md.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DomainError, invalidInput, type Problem } from '../../lib/errors.ts';
import {
  ATTRIBUTE_PREFIX,
  ATTRIBUTE_TYPES,
  type AttributeType,
  coreField,
  ENTITIES,
  ENTITY_KINDS,
  type EntityKind,
  type FieldDef,
} from '../registry/model.ts';
import { linkCompared } from './linking.ts';
import { compileDateFormat, DEFAULT_DATE_FORMATS } from './values.ts';

/** The demo district's sources, shipped with the code. */
export const BUILTIN_SOURCES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sources');

const NAME = /^[a-z][a-z0-9_]*$/;
const name = z.string().regex(NAME, 'lower-case letters, digits and _, starting with a letter');

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const transform = z.union([
  z.enum(['upper', 'lower', 'digits', 'strip_spaces']),
  z.strictObject({
    split: z.strictObject({ separator: z.string().min(1), index: z.number().int() }),
  }),
  z.strictObject({
    replace: z.strictObject({ pattern: z.string().min(1), with: z.string() }),
  }),
]);

/** A test on a cell: one of some values, or matching a regular expression. */
const condition = z
  .strictObject({
    column: z.string().min(1),
    in: z.array(z.string()).min(1).optional(),
    matches: z.string().min(1).optional(),
  })
  .refine((c) => (c.in === undefined) !== (c.matches === undefined), {
    message: 'give either in or matches',
  });

const fieldSpec = z
  .strictObject({
    column: z.string().min(1).optional(),
    columns: z.array(z.string().min(1)).min(1).optional(),
    /** Joins several columns into one text (addresses written in parts). */
    join: z.string().optional(),
    value: scalar.optional(),
    /** The target (or the first of several that produced one) whose entity this field names. */
    ref: z.union([name, z.array(name).min(1)]).optional(),
    /** Only rows passing this test give the field a value. */
    when: condition.optional(),
    /** An address field: a column with the library's address code, used when it holds a known one. */
    code: z.string().min(1).optional(),
    /** The value holds until the date in this column; after it (at delivery) the value is `to`. */
    lapses: z.strictObject({ column: z.string().min(1), to: scalar }).optional(),
    transform: z.array(transform).optional(),
    map: z.record(z.string(), scalar.nullable()).optional(),
    dates: z.array(z.string().min(1)).min(1).optional(),
    unit: z.enum(['fen', 'yuan', 'wan_yuan']).optional(),
    crs: z.enum(['wgs84', 'gcj02']).optional(),
    type: z.enum(ATTRIBUTE_TYPES).optional(),
    required: z.boolean().optional(),
    priority: z.number().int().optional(),
    /**
     * Compared when linking, never stored: what the source knows that points at the entity without
     * being the registry's value (the room an owner owns, compared with where people live).
     */
    link_only: z.boolean().optional(),
  })
  .refine((f) => [f.column, f.columns, f.value, f.ref].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of column, columns, value or ref',
  });

const targetSchema = z.strictObject({
  entity: z.enum(ENTITY_KINDS),
  /**
   * Columns whose values together are the record's key within the source; or several such lists,
   * the first whose columns are all filled being the key (an ID, else name and birth date).
   */
  key: z.union([z.array(z.string().min(1)).min(1), z.array(z.array(z.string().min(1)).min(1)).min(1)]),
  /** Rows without this target's key (or required fields) skip the target instead of being rejected. */
  optional: z.boolean().optional(),
  /** Only rows passing this test produce this target. */
  when: condition.optional(),
  /** A field (often an attribute, like a school code) that finds an entity exactly when its key is absent. */
  link_on: z.string().min(1).optional(),
  /** Only finds an entity (by its exact key or link_on) for other targets' refs; stores no record. */
  lookup: z.boolean().optional(),
  fields: z.record(z.string(), z.union([z.string().min(1), fieldSpec])),
});

export const mappingSchema = z.strictObject({
  source: name,
  title: z.string().min(1),
  department: z.string().min(1).optional(),
  description: z.string().optional(),
  format: z
    .strictObject({
      encoding: z.enum(['auto', 'utf-8', 'gb18030', 'gbk']).default('auto'),
      delimiter: z.string().length(1).default(','),
      /** Lines above the header row (a title, an export date). */
      skip_lines: z.number().int().min(0).default(0),
    })
    .default({ encoding: 'auto', delimiter: ',', skip_lines: 0 }),
  dates: z
    .array(z.string().min(1))
    .min(1)
    .default([...DEFAULT_DATE_FORMATS]),
  /** `snapshot`: each delivery lists everything the source holds, so what it omits has left. */
  delivery: z.enum(['increment', 'snapshot']).default('increment'),
  /** A column with each row's own as-of date; without it a row is as recent as its delivery. */
  recency: z.string().min(1).optional(),
  priority: z.number().int(),
  targets: z.record(name, targetSchema).refine((t) => Object.keys(t).length > 0, 'name at least one target'),
});

type RawMapping = z.infer<typeof mappingSchema>;
type RawField = z.infer<typeof fieldSpec>;
export type Transform = z.infer<typeof transform>;

/** A field of a target, resolved against the registry model. */
export interface FieldMapping {
  field: string;
  def: FieldDef;
  /** Core fields are typed by the model; attributes by the mapping. */
  attribute: boolean;
  columns: string[];
  join: string;
  value?: string | number | boolean | undefined;
  ref?: string[] | undefined;
  when?: Condition | undefined;
  code?: string | undefined;
  lapses?: { column: string; to: string | number | boolean } | undefined;
  transform: Transform[];
  map?: Record<string, string | number | boolean | null> | undefined;
  dates: string[];
  unit: 'fen' | 'yuan' | 'wan_yuan';
  crs: 'wgs84' | 'gcj02';
  required: boolean;
  priority: number;
  /** Compared when linking, never stored (link_only). */
  linkOnly: boolean;
}

export type Condition = z.infer<typeof condition>;

export interface TargetMapping {
  name: string;
  entity: EntityKind;
  /** Key alternatives, in order of preference. */
  keys: string[][];
  optional: boolean;
  when?: Condition | undefined;
  linkOn?: string | undefined;
  lookup: boolean;
  fields: FieldMapping[];
}

export interface SourceMapping {
  source: string;
  title: string;
  department: string | null;
  description: string | null;
  encoding: 'auto' | 'utf-8' | 'gb18030';
  delimiter: string;
  skipLines: number;
  delivery: 'increment' | 'snapshot';
  dates: string[];
  recency: string | null;
  priority: number;
  /** In dependency order: a target comes after every target its refs name. */
  targets: TargetMapping[];
  /** Where it was read from. */
  file: string;
  /** Of the checked mapping, so a reformatted file is the same mapping. */
  sha256: string;
}

const attributeDef = (type: AttributeType): FieldDef => ({ type });

/** Parses and checks one mapping's text; `file` names it in problems. */
export function parseMapping(text: string, file: string): SourceMapping {
  let data: unknown;
  try {
    data = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw invalidInput(`${file} is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}`, [
      { file, reason: error instanceof Error ? error.message.split('\n')[0]! : String(error) },
    ]);
  }
  const parsed = mappingSchema.safeParse(data);
  if (!parsed.success) {
    throw invalidInput(
      `${file} is not a valid source mapping`,
      parsed.error.issues.map((issue) => ({
        file,
        field: issue.path.join('.') || undefined,
        reason: issue.message,
      })),
    );
  }
  const problems: Problem[] = [];
  const mapping = resolveMapping(parsed.data, file, problems);
  if (problems.length > 0) throw invalidInput(`${file} is not a valid source mapping`, problems);
  return mapping;
}

function resolveMapping(raw: RawMapping, file: string, problems: Problem[]): SourceMapping {
  const stem = basename(file, extname(file));
  if (stem !== raw.source)
    problems.push({
      file,
      field: 'source',
      reason: `must match the file name: "${stem}", got "${raw.source}"`,
    });
  const problem = (field: string, reason: string) => problems.push({ file, field, reason });
  const checkRegex = (field: string, pattern: string) => {
    try {
      new RegExp(pattern, 'u');
    } catch (error) {
      problem(field, (error as Error).message);
    }
  };
  for (const [i, format] of raw.dates.entries()) {
    const error = compileDateFormat(format).error;
    if (error) problem(`dates.${i}`, error);
  }

  const targets: TargetMapping[] = [];
  for (const [targetName, t] of Object.entries(raw.targets)) {
    const at = `targets.${targetName}`;
    const fields: FieldMapping[] = [];
    for (const [field, spec] of Object.entries(t.fields)) {
      const f: RawField = typeof spec === 'string' ? { column: spec } : spec;
      const path = `${at}.fields.${field}`;
      const attribute = field.startsWith(ATTRIBUTE_PREFIX);
      let def = coreField(t.entity, field);
      if (attribute) {
        if (!NAME.test(field.slice(ATTRIBUTE_PREFIX.length)))
          problem(path, 'an attribute name is lower-case letters, digits and _ after "attributes."');
        if (!f.type) problem(path, `an attribute needs a type (${ATTRIBUTE_TYPES.join(', ')})`);
        def = attributeDef(f.type ?? 'text');
      } else if (!def) {
        problem(
          path,
          `${ENTITIES[t.entity].label} has no field "${field}" (fields: ${Object.keys(ENTITIES[t.entity].fields).join(', ')}; or attributes.<name>)`,
        );
        continue;
      } else if (f.type) {
        problem(
          `${path}.type`,
          `"${field}" is a ${def.type} field of the registry; only attributes take a type`,
        );
      }
      if (!def) continue;
      if (def.type === 'ref' && f.ref === undefined)
        problem(path, `"${field}" refers to another entity: give ref: <target>`);
      if (f.ref !== undefined && def.type !== 'ref')
        problem(`${path}.ref`, `"${field}" is not a reference field`);
      if (f.unit && def.type !== 'money') problem(`${path}.unit`, 'only money fields take a unit');
      if (f.code && def.type !== 'address') problem(`${path}.code`, 'only address fields take a code column');
      if (f.lapses && def.type === 'enum' && !def.values!.includes(String(f.lapses.to)))
        problem(`${path}.lapses.to`, `must be one of ${def.values!.join(', ')}`);
      for (const [at, c] of [[`${path}.when`, f.when] as const])
        if (c?.matches !== undefined) checkRegex(`${at}.matches`, c.matches);
      if (f.crs && def.type !== 'point') problem(`${path}.crs`, 'only point fields take a crs');
      if (f.link_only && !linkCompared(t.entity).includes(field))
        problem(
          `${path}.link_only`,
          `linking compares ${ENTITIES[t.entity].label} on ${linkCompared(t.entity).join(', ') || 'nothing'}, not "${field}"`,
        );
      if (def.type === 'point' && f.columns && f.columns.length > 2)
        problem(`${path}.columns`, 'a point is one column ("lng,lat") or two (lng, lat)');
      for (const [i, t] of (f.transform ?? []).entries())
        if (typeof t === 'object' && 'replace' in t)
          checkRegex(`${path}.transform.${i}.replace.pattern`, t.replace.pattern);
      for (const [i, format] of (f.dates ?? []).entries()) {
        const error = compileDateFormat(format).error;
        if (error) problem(`${path}.dates.${i}`, error);
      }
      if (def.type === 'enum' && f.value !== undefined && !def.values!.includes(String(f.value)))
        problem(`${path}.value`, `must be one of ${def.values!.join(', ')}`);
      if (def.type === 'enum' && f.map)
        for (const [from, to] of Object.entries(f.map))
          if (to !== null && !def.values!.includes(String(to)))
            problem(`${path}.map.${from}`, `maps to "${to}", not one of ${def.values!.join(', ')}`);
      fields.push({
        field,
        def,
        attribute,
        columns: f.columns ?? (f.column ? [f.column] : []),
        join: f.join ?? '',
        value: f.value,
        ref: f.ref === undefined ? undefined : [f.ref].flat(),
        when: f.when,
        code: f.code,
        lapses: f.lapses,
        transform: f.transform ?? [],
        map: f.map,
        dates: f.dates ?? raw.dates,
        unit: f.unit ?? 'yuan',
        crs: f.crs ?? 'wgs84',
        required: f.required ?? false,
        priority: f.priority ?? raw.priority,
        linkOnly: f.link_only ?? false,
      });
    }
    const entity = ENTITIES[t.entity];
    const mapped = new Set(fields.map((f) => f.field));
    const exact = entity.exactKey.filter((k) => mapped.has(k));
    if (exact.length > 0 && exact.length < entity.exactKey.length)
      problem(
        `${at}.fields`,
        `the exact key of ${entity.label} is ${entity.exactKey.join(' + ')}: map all or none`,
      );
    if (t.lookup && exact.length === 0 && t.link_on === undefined)
      problem(at, `a lookup finds an entity by ${entity.exactKey.join(' + ')} or link_on: map one`);
    if (exact.length === 0 && !t.lookup && !['person', 'legal_entity'].includes(t.entity))
      problem(
        `${at}.fields`,
        `${entity.label} is found only by ${entity.exactKey.join(' + ')}: map ${entity.exactKey.length > 1 ? 'them' : 'it'}`,
      );
    if (t.when?.matches !== undefined) checkRegex(`${at}.when.matches`, t.when.matches);
    if (t.link_on !== undefined && !mapped.has(t.link_on))
      problem(`${at}.link_on`, `"${t.link_on}" is not a field of this target`);
    targets.push({
      name: targetName,
      entity: t.entity,
      keys: (typeof t.key[0] === 'string' ? [t.key] : t.key) as string[][],
      optional: t.optional ?? false,
      when: t.when,
      linkOn: t.link_on,
      lookup: t.lookup ?? false,
      fields,
    });
  }

  // Refs name targets of the same mapping that make an allowed kind of entity; no cycles.
  const byName = new Map(targets.map((t) => [t.name, t]));
  for (const t of targets)
    for (const f of t.fields)
      for (const ref of f.ref ?? []) {
        const other = byName.get(ref);
        const path = `targets.${t.name}.fields.${f.field}.ref`;
        if (!other) problem(path, `no target "${ref}" in this mapping`);
        else if (other === t) problem(path, 'a target cannot refer to itself');
        else if (!f.def.refKinds!.includes(other.entity))
          problem(
            path,
            `target "${ref}" makes a ${other.entity}; "${f.field}" refers to ${f.def.refKinds!.join(' or ')}`,
          );
      }
  const ordered = orderTargets(targets, (cycle) =>
    problem('targets', `references go round in a circle: ${cycle.join(' → ')}`),
  );

  const encoding = raw.format.encoding === 'gbk' ? 'gb18030' : raw.format.encoding;
  const mapping: Omit<SourceMapping, 'sha256'> = {
    source: raw.source,
    title: raw.title,
    department: raw.department ?? null,
    description: raw.description ?? null,
    encoding,
    delimiter: raw.format.delimiter,
    skipLines: raw.format.skip_lines,
    delivery: raw.delivery,
    dates: raw.dates,
    recency: raw.recency ?? null,
    priority: raw.priority,
    targets: ordered,
    file,
  };
  const { file: _file, ...content } = mapping;
  const sha256 = createHash('sha256')
    .update(JSON.stringify(content, (_k, v) => (v === undefined ? null : v)))
    .digest('hex');
  return { ...mapping, sha256 };
}

function orderTargets(targets: TargetMapping[], onCycle: (cycle: string[]) => void): TargetMapping[] {
  const byName = new Map(targets.map((t) => [t.name, t]));
  const done = new Set<string>();
  const out: TargetMapping[] = [];
  const visit = (t: TargetMapping, path: string[]) => {
    if (done.has(t.name)) return;
    if (path.includes(t.name)) {
      onCycle([...path.slice(path.indexOf(t.name)), t.name]);
      return;
    }
    for (const f of t.fields)
      for (const ref of f.ref ?? []) {
        const other = byName.get(ref);
        if (other && other !== t) visit(other, [...path, t.name]);
      }
    if (!done.has(t.name)) {
      done.add(t.name);
      out.push(t);
    }
  };
  for (const t of targets) visit(t, []);
  return out;
}

export function loadMappingFile(path: string): SourceMapping {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw invalidInput(`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  return parseMapping(text, path);
}

const MAPPING_FILE = /\.(ya?ml|json)$/i;

/**
 * Every mapping in these folders, by source name. All files are checked and all problems reported
 * together; two files for one source is a problem too.
 */
export function loadSources(dirs: readonly string[] = sourceDirs()): Map<string, SourceMapping> {
  const sources = new Map<string, SourceMapping>();
  const problems: Problem[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir)
        .filter((n) => MAPPING_FILE.test(n))
        .sort();
    } catch (error) {
      throw invalidInput(
        `source mappings folder ${dir}: cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`,
      );
    }
    for (const n of names) {
      try {
        const mapping = loadMappingFile(join(dir, n));
        const earlier = sources.get(mapping.source);
        if (earlier)
          problems.push({
            file: mapping.file,
            field: 'source',
            reason: `"${mapping.source}" is mapped by ${earlier.file} too`,
          });
        else sources.set(mapping.source, mapping);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        problems.push(...error.problems);
      }
    }
  }
  if (problems.length > 0) throw invalidInput('some source mappings are not valid', problems);
  return sources;
}

/** The built-in folder, then the folders in CITYBRAIN_SOURCES (path-separated) for a deployment's own. */
export function sourceDirs(): string[] {
  const extra = process.env.CITYBRAIN_SOURCES?.split(/[:;]/).filter(Boolean) ?? [];
  return [BUILTIN_SOURCES_DIR, ...extra];
}

/** The mapping of one source, with the known sources named when it is not one of them. */
export function sourceMapping(sources: ReadonlyMap<string, SourceMapping>, source: string): SourceMapping {
  const mapping = sources.get(source);
  if (!mapping)
    throw invalidInput(
      `no source "${source}"; known sources: ${[...sources.keys()].sort().join(', ') || 'none'}`,
    );
  return mapping;
}

// The six base registries as data: each entity kind, its table, its fields with their value types,
// which fields are personal, where its grid comes from and how a source record finds its entity.
// Mappings (fusion/mapping.ts), validation, linking, resolution and reads are all driven by this.
import type { PersonalKind } from '../access/masking.ts';

export const ENTITY_KINDS = [
  'person',
  'household',
  'legal_entity',
  'room',
  'license',
  'city_component',
] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/**
 * How a field's value is read, checked and stored:
 * - `name`: a person's or organisation's name (spaces, width and script normalised);
 * - `id_number`: resident ID (GB 11643); `credit_code`: unified social credit code (GB 32100);
 * - `phone`: mobile or Shenzhen landline, digits only;
 * - `date`: ISO date; `past_date`: not after today (births, founding);
 * - `enum`: one of `values`; `industry`: GB/T 4754 class, section letter + digits;
 * - `money`: integer fen (the mapping names the unit the source writes);
 * - `address`: free text standardised to an address_id of the library;
 * - `point`: [lng, lat] in WGS84 (the mapping names the source's datum); `grid`: a grid of the tree;
 * - `ref`: the id of an entity another target of the same row produced.
 */
export type ValueType =
  | 'text'
  | 'name'
  | 'id_number'
  | 'credit_code'
  | 'phone'
  | 'date'
  | 'past_date'
  | 'enum'
  | 'industry'
  | 'integer'
  | 'decimal'
  | 'money'
  | 'boolean'
  | 'address'
  | 'point'
  | 'grid'
  | 'ref';

/** Types a mapping may give an attribute (a field outside the registry's core set). */
export const ATTRIBUTE_TYPES = [
  'text',
  'name',
  'date',
  'past_date',
  'integer',
  'decimal',
  'money',
  'boolean',
] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];
/** Attribute fields are named `attributes.<name>`; they land in the registry's `attributes` jsonb. */
export const ATTRIBUTE_PREFIX = 'attributes.';

export interface FieldDef {
  type: ValueType;
  /** Allowed values of an enum, in the registry's own (English) codes. */
  values?: readonly string[];
  /** The entity kinds a ref may point at. */
  refKinds?: readonly EntityKind[];
  /** Masked on the way out unless unmasked with a reason. */
  personal?: PersonalKind;
  /** The resolved value is the union of every record's values, not one winner (co-owners). */
  union?: boolean;
}

export interface EntityDef {
  kind: EntityKind;
  table: string;
  label: string;
  fields: Readonly<Record<string, FieldDef>>;
  /** The fields that together identify an entity exactly, when a record has them all. */
  exactKey: readonly string[];
  /**
   * Where the row's grid comes from, first present wins: address fields (the library's grid of the
   * address), or `grid_id` itself (filled from the point at ingest when the source gives none).
   */
  grid: readonly string[];
}

const SEX = ['M', 'F'] as const;
const RESIDENCY = ['registered', 'floating'] as const;
const PERSON_STATUS = ['active', 'moved_out', 'deceased'] as const;
const HOUSEHOLD_RELATION = ['head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other'] as const;
const HOUSEHOLD_TYPE = ['family', 'collective'] as const;
const ENTITY_STATUS = ['active', 'revoked', 'cancelled', 'moved_out'] as const;
const ROOM_USE = ['residential', 'commercial', 'office', 'industrial', 'public', 'other'] as const;
const RENTAL_STATE = ['rented', 'self_occupied', 'vacant'] as const;
const COMPONENT_STATE = ['normal', 'damaged', 'missing', 'occupied', 'removed'] as const;
const LICENSE_STATUS = ['valid', 'expired', 'suspended', 'revoked', 'cancelled'] as const;

export const ENTITIES: Readonly<Record<EntityKind, EntityDef>> = {
  person: {
    kind: 'person',
    table: 'people',
    label: '人口 person',
    exactKey: ['id_number'],
    grid: ['residence_address_id'],
    fields: {
      id_number: { type: 'id_number', personal: 'idNumber' },
      name: { type: 'name', personal: 'name' },
      sex: { type: 'enum', values: SEX },
      birth_date: { type: 'past_date' },
      residency: { type: 'enum', values: RESIDENCY },
      status: { type: 'enum', values: PERSON_STATUS },
      household_id: { type: 'ref', refKinds: ['household'] },
      household_relation: { type: 'enum', values: HOUSEHOLD_RELATION },
      residence_address_id: { type: 'address' },
      phone: { type: 'phone', personal: 'phone' },
      mother_id: { type: 'ref', refKinds: ['person'] },
      father_id: { type: 'ref', refKinds: ['person'] },
      employer_id: { type: 'ref', refKinds: ['legal_entity'] },
    },
  },
  household: {
    kind: 'household',
    table: 'households',
    label: '户 household',
    exactKey: ['household_no'],
    grid: ['address_id'],
    fields: {
      household_no: { type: 'text' },
      type: { type: 'enum', values: HOUSEHOLD_TYPE },
      address_id: { type: 'address' },
    },
  },
  legal_entity: {
    kind: 'legal_entity',
    table: 'legal_entities',
    label: '法人 legal entity',
    exactKey: ['credit_code'],
    grid: ['operating_address_id', 'registered_address_id'],
    fields: {
      credit_code: { type: 'credit_code' },
      name: { type: 'name' },
      type: { type: 'text' },
      legal_rep: { type: 'name', personal: 'name' },
      registered_address_id: { type: 'address' },
      operating_address_id: { type: 'address' },
      industry: { type: 'industry' },
      capital_fen: { type: 'money' },
      founded_on: { type: 'past_date' },
      status: { type: 'enum', values: ENTITY_STATUS },
      annual_revenue_fen: { type: 'money' },
      insured_employees: { type: 'integer' },
      phone: { type: 'phone', personal: 'phone' },
    },
  },
  room: {
    kind: 'room',
    table: 'room_facts',
    label: '房屋 room',
    exactKey: ['address_id'],
    grid: ['address_id'],
    fields: {
      address_id: { type: 'address' },
      use: { type: 'enum', values: ROOM_USE },
      area_m2: { type: 'decimal' },
      owner_ids: { type: 'ref', refKinds: ['person', 'legal_entity'], union: true },
      rental_state: { type: 'enum', values: RENTAL_STATE },
    },
  },
  license: {
    kind: 'license',
    table: 'licenses',
    label: '证照 licence',
    exactKey: ['type', 'license_no'],
    grid: ['premises_address_id'],
    fields: {
      license_no: { type: 'text' },
      type: { type: 'text' },
      holder_person_id: { type: 'ref', refKinds: ['person'] },
      holder_entity_id: { type: 'ref', refKinds: ['legal_entity'] },
      issued_on: { type: 'past_date' },
      expires_on: { type: 'date' },
      issuer: { type: 'text' },
      status: { type: 'enum', values: LICENSE_STATUS },
      premises_address_id: { type: 'address' },
    },
  },
  city_component: {
    kind: 'city_component',
    table: 'city_components',
    label: '城市部件 city component',
    exactKey: ['code'],
    grid: ['grid_id', 'address_id'],
    fields: {
      code: { type: 'text' },
      type: { type: 'text' },
      location: { type: 'point' },
      grid_id: { type: 'grid' },
      address_id: { type: 'address' },
      state: { type: 'enum', values: COMPONENT_STATE },
      agency: { type: 'text' },
    },
  },
};

export function isEntityKind(value: string): value is EntityKind {
  return (ENTITY_KINDS as readonly string[]).includes(value);
}

/** The definition of a core field, or undefined for an attribute or an unknown name. */
export function coreField(kind: EntityKind, field: string): FieldDef | undefined {
  return Object.hasOwn(ENTITIES[kind].fields, field) ? ENTITIES[kind].fields[field] : undefined;
}

/**
 * The national identifiers (resident ID, credit code) of a kind's exact key that a mapping's fields
 * read from a column: a record without one is incomplete (completeness.identifier).
 */
export function mappedIdentifiers(
  kind: EntityKind,
  fields: readonly { field: string; columns?: readonly string[] | undefined }[],
): string[] {
  const exactKey = ENTITIES[kind].exactKey;
  return fields
    .filter(
      (f) =>
        (f.field === 'id_number' || f.field === 'credit_code') &&
        exactKey.includes(f.field) &&
        (f.columns?.length ?? 0) > 0,
    )
    .map((f) => f.field);
}

/** Which resolved fields are personal, for masking. */
export function personalFields(kind: EntityKind): Record<string, PersonalKind> {
  const out: Record<string, PersonalKind> = {};
  for (const [name, def] of Object.entries(ENTITIES[kind].fields)) if (def.personal) out[name] = def.personal;
  return out;
}

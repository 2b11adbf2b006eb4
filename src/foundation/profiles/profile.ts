// One person, one company, one room (一人一档 / 一企一档 / 一房一档): everything the registries know
// about an entity — each field with its provenance, history and conflicts (registry/read.ts) — and
// its links: household and members, employer, rooms owned or rented, licences, companies at a room,
// components nearby. Links found in a source row carry that row (source, feed, row, time), so the
// profile says where each link comes from.
// Masked by default: the subject's own personal fields can be unmasked with permission and a reason
// (logged in the access log by getEntity); the names and phones of linked people stay masked.
// Scope: a profile is bound to the subject's grid; outside the actor's scope it is forbidden.
import { forbidden, notFound } from '../../lib/errors.ts';
import { type Ctx, coversArea, describeScope, requirePermission } from '../access/context.ts';
import { maskName, type UnmaskRequest } from '../access/masking.ts';
import type { EntityKind } from '../registry/model.ts';
import { type EntityView, getEntity, type Provenance } from '../registry/read.ts';

/** A linked entity, with a short masked label and where the link was found. */
export interface Link {
  kind: EntityKind;
  id: string;
  label: string | null;
  /** How it relates to the subject: owner_person, tenant_person, head, employer, member … */
  role: string;
  /** The source row that names both, when the link comes from one. */
  via: Provenance | null;
  detail?: Record<string, unknown> | undefined;
}

export interface PersonProfile {
  person: EntityView;
  household: { household: Link | null; members: Link[] };
  employers: Link[];
  rooms: Link[];
  licences: Link[];
  companies: Link[];
  related: Link[];
}

export interface CompanyProfile {
  company: EntityView;
  employees: { insured: number | null; linkedPeople: number };
  rooms: Link[];
  licences: Link[];
  people: Link[];
  related: Link[];
}

export interface RoomProfile {
  addressId: string;
  address: Record<string, unknown>;
  room: EntityView | null;
  owners: Link[];
  residents: Link[];
  households: Link[];
  companies: Link[];
  licences: Link[];
  /** City components within COMPONENT_RADIUS_M of the building. */
  componentsNearby: (Link & { distanceM: number })[];
  records: Link[];
}

export const COMPONENT_RADIUS_M = 100;

const iso = (v: Date | string) => new Date(v).toISOString();

async function requireInScope(ctx: Ctx, gridId: string | null, what: string): Promise<void> {
  const [row] = gridId
    ? await ctx.db.query<{ path: string[] }>('SELECT path FROM areas WHERE id = $1', [gridId])
    : [];
  if (!coversArea(ctx.actor, row?.path ?? []))
    throw forbidden(`${what} is outside your scope ${describeScope(ctx.actor.scope)}`);
}

/** The entity's grid, or not found. */
async function gridOf(ctx: Ctx, table: string, id: string, what: string): Promise<string | null> {
  if (!/^\d{1,18}$/.test(id)) throw notFound(what);
  const [row] = await ctx.db.query<{ grid_id: string | null }>(`SELECT grid_id FROM ${table} WHERE id = $1`, [
    id,
  ]);
  if (!row) throw notFound(what);
  return row.grid_id;
}

interface CoRow {
  entity_kind: EntityKind;
  entity_id: string;
  target: string;
  my_target: string;
  record_id: string;
  source: string;
  feed_id: string;
  file_name: string | null;
  row_number: number;
  observed_at: Date | string;
  label: string | null;
}

/**
 * Entities named in the same source row as the subject (a lease names the tenant and the room;
 * a registration the company and its representative), with the row as provenance.
 */
async function coMentioned(ctx: Ctx, kind: EntityKind, id: string): Promise<CoRow[]> {
  return ctx.db.query<CoRow>(
    `SELECT DISTINCT ON (o.entity_kind, o.entity_id, o.target, me.target)
            o.entity_kind, o.entity_id::text, o.target, me.target AS my_target, o.id::text AS record_id, o.source,
            o.feed_id::text, f.file_name, o.row_number, o.observed_at,
            coalesce(o.fields->>'name', o.fields->>'household_no', o.fields->>'license_no', o.fields->>'code',
                     o.fields->>'address_id') AS label
       FROM source_records me
       JOIN source_records o ON o.district_id = me.district_id AND o.source = me.source AND o.feed_id = me.feed_id
        AND o.row_number = me.row_number AND o.id <> me.id
       LEFT JOIN feeds f ON f.id = o.feed_id
      WHERE me.entity_kind = $1 AND me.entity_id = $2 AND o.entity_id IS NOT NULL
        AND me.retired_by_feed IS NULL AND o.retired_by_feed IS NULL
        AND NOT (o.entity_kind = me.entity_kind AND o.entity_id = me.entity_id)
      ORDER BY o.entity_kind, o.entity_id, o.target, me.target, o.observed_at DESC`,
    [kind, id],
  );
}

function linkOf(r: CoRow): Link {
  return {
    kind: r.entity_kind,
    id: r.entity_id,
    label: r.entity_kind === 'person' && r.label ? maskName(r.label) : r.label,
    role: `${r.my_target}→${r.target}`,
    via: {
      recordId: r.record_id,
      source: r.source,
      target: r.target,
      feedId: r.feed_id,
      file: r.file_name,
      row: r.row_number,
      observedAt: iso(r.observed_at),
    },
  };
}

const personLabel = (name: string | null) => (name ? maskName(name) : null);

/** Rooms whose owners include the person or company. */
async function ownedRooms(ctx: Ctx, ownerId: string): Promise<Link[]> {
  const rows = await ctx.db.query<{ id: string; address_id: string | null; use: string | null }>(
    'SELECT id::text, address_id, use FROM room_facts WHERE owner_ids @> ARRAY[$1::bigint] ORDER BY id',
    [ownerId],
  );
  return rows.map((r) => ({
    kind: 'room',
    id: r.id,
    label: r.address_id,
    role: 'owner',
    via: null,
    detail: { use: r.use },
  }));
}

interface LicenceRow {
  id: string;
  type: string | null;
  license_no: string | null;
  expires_on: string | null;
  status: string | null;
}

const LICENCE_COLUMNS = 'id::text, type, license_no, expires_on::text, status';

const licenceLink = (l: LicenceRow, role: 'holder' | 'premises'): Link => ({
  kind: 'license',
  id: l.id,
  label: l.license_no,
  role,
  via: null,
  detail: { type: l.type, expiresOn: l.expires_on, status: l.status },
});

/** Licences held by the person or company, soonest expiring first. */
async function heldLicences(
  ctx: Ctx,
  holder: 'holder_person_id' | 'holder_entity_id',
  id: string,
): Promise<Link[]> {
  const rows = await ctx.db.query<LicenceRow>(
    `SELECT ${LICENCE_COLUMNS} FROM licenses WHERE ${holder} = $1 ORDER BY expires_on`,
    [id],
  );
  return rows.map((l) => licenceLink(l, 'holder'));
}

export async function getPersonProfile(
  ctx: Ctx,
  id: string,
  options: { unmask?: UnmaskRequest } = {},
): Promise<PersonProfile> {
  requirePermission(ctx, 'registry:read');
  await requireInScope(ctx, await gridOf(ctx, 'people', id, `person ${id}`), `person ${id}`);
  const person = await getEntity(ctx, { kind: 'person', id }, options);
  const [row] = await ctx.db.query<{ household_id: string | null; employer_id: string | null }>(
    'SELECT household_id::text, employer_id::text FROM people WHERE id = $1',
    [id],
  );
  const household = row?.household_id
    ? ((
        await ctx.db.query<{
          id: string;
          household_no: string | null;
          address_id: string | null;
          type: string | null;
        }>('SELECT id::text, household_no, address_id, type FROM households WHERE id = $1', [
          row.household_id,
        ])
      ).map(
        (h): Link => ({
          kind: 'household',
          id: h.id,
          label: h.household_no,
          role: 'household',
          via: person.fields.household_id?.from[0] ?? null,
          detail: { addressId: h.address_id, type: h.type },
        }),
      )[0] ?? null)
    : null;
  const members = row?.household_id
    ? (
        await ctx.db.query<{
          id: string;
          name: string | null;
          relation: string | null;
          birth_date: string | null;
          sex: string | null;
        }>(
          `SELECT id::text, name, household_relation AS relation, birth_date::text, sex FROM people
            WHERE household_id = $1 AND id <> $2 ORDER BY household_relation = 'head' DESC, birth_date`,
          [row.household_id, id],
        )
      ).map(
        (m): Link => ({
          kind: 'person',
          id: m.id,
          label: personLabel(m.name),
          role: m.relation ?? 'member',
          via: null,
          detail: { sex: m.sex, birthYear: m.birth_date?.slice(0, 4) ?? null },
        }),
      )
    : [];
  const employers = row?.employer_id
    ? (
        await ctx.db.query<{ id: string; name: string | null; credit_code: string | null }>(
          'SELECT id::text, name, credit_code FROM legal_entities WHERE id = $1',
          [row.employer_id],
        )
      ).map(
        (e): Link => ({
          kind: 'legal_entity',
          id: e.id,
          label: e.name,
          role: 'employer',
          via: person.fields.employer_id?.from[0] ?? null,
          detail: { creditCode: e.credit_code },
        }),
      )
    : [];
  const co = await coMentioned(ctx, 'person', id);
  const rooms: Link[] = [
    ...(await ownedRooms(ctx, id)),
    ...co.filter((r) => r.entity_kind === 'room').map(linkOf),
  ];
  return {
    person,
    household: { household, members },
    employers,
    rooms,
    licences: await heldLicences(ctx, 'holder_person_id', id),
    companies: co.filter((r) => r.entity_kind === 'legal_entity').map(linkOf),
    related: co.filter((r) => r.entity_kind === 'person' || r.entity_kind === 'household').map(linkOf),
  };
}

export async function getCompanyProfile(
  ctx: Ctx,
  id: string,
  options: { unmask?: UnmaskRequest } = {},
): Promise<CompanyProfile> {
  requirePermission(ctx, 'registry:read');
  await requireInScope(ctx, await gridOf(ctx, 'legal_entities', id, `company ${id}`), `company ${id}`);
  const company = await getEntity(ctx, { kind: 'legal_entity', id }, options);
  const [counts] = await ctx.db.query<{ insured: number | null; linked: number }>(
    `SELECT (SELECT insured_employees FROM legal_entities WHERE id = $1) AS insured,
            (SELECT count(*)::int FROM people WHERE employer_id = $1) AS linked`,
    [id],
  );
  const [addresses] = await ctx.db.query<{ registered: string | null; operating: string | null }>(
    'SELECT registered_address_id AS registered, operating_address_id AS operating FROM legal_entities WHERE id = $1',
    [id],
  );
  const placed = await ctx.db.query<{ id: string; address_id: string; use: string | null }>(
    'SELECT id::text, address_id, use FROM room_facts WHERE address_id = ANY($1::text[]) ORDER BY id',
    [[addresses?.registered, addresses?.operating].filter(Boolean)],
  );
  const co = await coMentioned(ctx, 'legal_entity', id);
  return {
    company,
    employees: { insured: counts?.insured ?? null, linkedPeople: counts?.linked ?? 0 },
    rooms: [
      ...(await ownedRooms(ctx, id)),
      ...placed.map(
        (r): Link => ({
          kind: 'room',
          id: r.id,
          label: r.address_id,
          role: r.address_id === addresses?.registered ? 'registered_at' : 'operates_at',
          via:
            company.fields[
              r.address_id === addresses?.registered ? 'registered_address_id' : 'operating_address_id'
            ]?.from[0] ?? null,
          detail: { use: r.use },
        }),
      ),
      ...co.filter((r) => r.entity_kind === 'room').map(linkOf),
    ],
    licences: await heldLicences(ctx, 'holder_entity_id', id),
    people: co.filter((r) => r.entity_kind === 'person').map(linkOf),
    related: co.filter((r) => r.entity_kind !== 'person' && r.entity_kind !== 'room').map(linkOf),
  };
}

export async function getRoomProfile(
  ctx: Ctx,
  addressId: string,
  options: { unmask?: UnmaskRequest } = {},
): Promise<RoomProfile> {
  requirePermission(ctx, 'registry:read');
  const [address] = await ctx.db.query<
    Record<string, unknown> & { grid_id: string; parent_id: string | null }
  >(
    `SELECT address_id, level, parent_id, subdistrict_id, community_id, grid_id, road, road_no, estate, building,
            entrance, floor, room, lng, lat FROM addresses WHERE address_id = $1`,
    [addressId],
  );
  if (!address) throw notFound(`address ${addressId}`);
  await requireInScope(ctx, address.grid_id, `address ${addressId}`);
  const [facts] = await ctx.db.query<{ id: string; owner_ids: string[] | null }>(
    'SELECT id::text, owner_ids::text[] AS owner_ids FROM room_facts WHERE address_id = $1',
    [addressId],
  );
  const room = facts ? await getEntity(ctx, { kind: 'room', id: facts.id }, options) : null;
  const ownerIds = facts?.owner_ids ?? [];
  const owners = await ctx.db.query<{ kind: EntityKind; id: string; name: string | null }>(
    `SELECT 'person' AS kind, id::text, name FROM people WHERE id = ANY($1::bigint[])
     UNION ALL SELECT 'legal_entity', id::text, name FROM legal_entities WHERE id = ANY($1::bigint[]) ORDER BY 2`,
    [ownerIds],
  );
  const residents = await ctx.db.query<{
    id: string;
    name: string | null;
    residency: string | null;
    relation: string | null;
  }>(
    `SELECT id::text, name, residency, household_relation AS relation FROM people
      WHERE residence_address_id = $1 AND coalesce(status, 'active') = 'active' ORDER BY household_id, id`,
    [addressId],
  );
  const households = await ctx.db.query<{ id: string; household_no: string | null }>(
    'SELECT id::text, household_no FROM households WHERE address_id = $1 ORDER BY id',
    [addressId],
  );
  const companies = await ctx.db.query<{
    id: string;
    name: string | null;
    registered: boolean;
    status: string | null;
    industry: string | null;
  }>(
    `SELECT id::text, name, registered_address_id = $1 AS registered, status, industry FROM legal_entities
      WHERE registered_address_id = $1 OR operating_address_id = $1 ORDER BY id`,
    [addressId],
  );
  const licences = await ctx.db.query<LicenceRow>(
    `SELECT ${LICENCE_COLUMNS} FROM licenses WHERE premises_address_id = $1 ORDER BY id`,
    [addressId],
  );
  // Components near the building (a room has no point of its own); a flat-earth distance is exact
  // enough at 100 m.
  const near = await ctx.db.query<{
    id: string;
    code: string | null;
    type: string | null;
    state: string | null;
    d: number;
  }>(
    `WITH here AS (SELECT coalesce(a.lng, b.lng) AS lng, coalesce(a.lat, b.lat) AS lat
                     FROM addresses a LEFT JOIN addresses b ON b.address_id = a.parent_id WHERE a.address_id = $1)
     SELECT c.id::text, c.code, c.type, c.state,
            sqrt(power((c.lng - here.lng) * 111320 * cos(radians(here.lat)), 2) + power((c.lat - here.lat) * 110574, 2)) AS d
       FROM city_components c, here
      WHERE here.lng IS NOT NULL AND c.lng BETWEEN here.lng - $2::float8 / 100000 AND here.lng + $2::float8 / 100000
        AND c.lat BETWEEN here.lat - $2::float8 / 100000 AND here.lat + $2::float8 / 100000
      ORDER BY d LIMIT 200`,
    [addressId, COMPONENT_RADIUS_M],
  );
  const records = room ? await coMentioned(ctx, 'room', room.id) : [];
  return {
    addressId,
    address,
    room,
    owners: owners.map((o) => ({
      kind: o.kind,
      id: o.id,
      label: o.kind === 'person' ? personLabel(o.name) : o.name,
      role: 'owner',
      via: null,
    })),
    residents: residents.map((r) => ({
      kind: 'person',
      id: r.id,
      label: personLabel(r.name),
      role: r.relation ?? 'resident',
      via: null,
      detail: { residency: r.residency },
    })),
    households: households.map((h) => ({
      kind: 'household',
      id: h.id,
      label: h.household_no,
      role: 'registered_here',
      via: null,
    })),
    companies: companies.map((c) => ({
      kind: 'legal_entity',
      id: c.id,
      label: c.name,
      role: c.registered ? 'registered_here' : 'operates_here',
      via: null,
      detail: { status: c.status, industry: c.industry },
    })),
    licences: licences.map((l) => licenceLink(l, 'premises')),
    componentsNearby: near
      .filter((c) => c.d <= COMPONENT_RADIUS_M)
      .map((c) => ({
        kind: 'city_component',
        id: c.id,
        label: c.code,
        role: c.type ?? 'component',
        via: null,
        detail: { state: c.state },
        distanceM: Math.round(c.d),
      })),
    records: records.map(linkOf),
  };
}

-- The six base registries (people, households, legal entities, rooms' facts, licences, city
-- components). Each row is the resolved view of one entity, fused from the source records linked to
-- it (0007_fusion.sql): `field_sources` maps each field to the source record whose value won, so
-- provenance and history cost one jsonb per entity, not one row per field value. Every table is
-- keyed by district first, so it can be distributed; every row with a place carries its grid.
-- Enumerated columns are checked by the ingest (registry/model.ts), not by CHECK constraints, so a
-- new code needs no migration. Which sources know an entity is in its records (indexed by entity),
-- not here: a feed that confirms what is known then rewrites no registry row. The tables every
-- source updates leave room on their pages (fillfactor 80), so an update that changes no indexed
-- column stays on its page (HOT) and writes no index entries.

-- One id space for all six kinds: a reference (a licence's holder, a room's owners) names an entity
-- without naming its table.
CREATE SEQUENCE registry_entity_ids;

CREATE TABLE people (
  district_id text NOT NULL,
  id bigint NOT NULL,
  id_number text,                          -- resident ID, GB 11643
  name text,
  sex text,                                -- M | F
  birth_date date,
  residency text,                          -- registered | floating
  status text,                             -- active | moved_out | deceased
  household_id bigint,
  household_relation text,                 -- head | spouse | child | parent | grandchild | sibling | other
  residence_address_id text,               -- a room (or a building) of the address library
  phone text,
  mother_id bigint,
  father_id bigint,
  employer_id bigint,                      -- a legal entity
  grid_id text,
  attributes jsonb NOT NULL DEFAULT '{}',  -- fields a source brings beyond the core set
  field_sources jsonb NOT NULL DEFAULT '{}', -- field → id of the winning source record
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (district_id, id)
) WITH (fillfactor = 80);
CREATE UNIQUE INDEX people_id_number ON people (district_id, id_number);
CREATE INDEX people_grid ON people (district_id, grid_id);
CREATE INDEX people_household ON people (district_id, household_id);
CREATE INDEX people_residence ON people (district_id, residence_address_id);
CREATE INDEX people_employer ON people (district_id, employer_id);

CREATE TABLE households (
  district_id text NOT NULL,
  id bigint NOT NULL,
  household_no text,                       -- 户号
  type text,                               -- family | collective
  address_id text,
  grid_id text,
  attributes jsonb NOT NULL DEFAULT '{}',
  field_sources jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (district_id, id)
);
CREATE UNIQUE INDEX households_no ON households (district_id, household_no);
CREATE INDEX households_grid ON households (district_id, grid_id);

CREATE TABLE legal_entities (
  district_id text NOT NULL,
  id bigint NOT NULL,
  credit_code text,                        -- unified social credit code, GB 32100
  name text,
  type text,
  legal_rep text,
  registered_address_id text,
  operating_address_id text,
  industry text,                           -- GB/T 4754 class: section letter + digits (I6510)
  capital_fen bigint,
  founded_on date,
  status text,                             -- active | revoked | cancelled | moved_out
  annual_revenue_fen bigint,
  insured_employees integer,
  phone text,
  grid_id text,
  attributes jsonb NOT NULL DEFAULT '{}',
  field_sources jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (district_id, id)
) WITH (fillfactor = 80);
CREATE UNIQUE INDEX legal_entities_credit_code ON legal_entities (district_id, credit_code);
CREATE INDEX legal_entities_grid ON legal_entities (district_id, grid_id);
CREATE INDEX legal_entities_industry ON legal_entities (district_id, industry);

-- Facts about a room (or a building) of the address library, extending it by address_id.
CREATE TABLE room_facts (
  district_id text NOT NULL,
  id bigint NOT NULL,
  address_id text,
  use text,                                -- residential | commercial | office | industrial | public | other
  area_m2 numeric,
  owner_ids bigint[],                      -- people or legal entities
  rental_state text,                       -- rented | self_occupied | vacant
  grid_id text,
  attributes jsonb NOT NULL DEFAULT '{}',
  field_sources jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (district_id, id)
) WITH (fillfactor = 80);
CREATE UNIQUE INDEX room_facts_address ON room_facts (district_id, address_id);
CREATE INDEX room_facts_grid ON room_facts (district_id, grid_id);
CREATE INDEX room_facts_owners ON room_facts USING gin (owner_ids);

CREATE TABLE licenses (
  district_id text NOT NULL,
  id bigint NOT NULL,
  license_no text,
  type text,
  holder_person_id bigint,
  holder_entity_id bigint,
  issued_on date,
  expires_on date,
  issuer text,
  status text,                             -- valid | expired | suspended | revoked | cancelled
  premises_address_id text,
  grid_id text,
  attributes jsonb NOT NULL DEFAULT '{}',
  field_sources jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (district_id, id)
);
CREATE UNIQUE INDEX licenses_no ON licenses (district_id, type, license_no);
CREATE INDEX licenses_grid ON licenses (district_id, grid_id);
CREATE INDEX licenses_holder_person ON licenses (district_id, holder_person_id);
CREATE INDEX licenses_holder_entity ON licenses (district_id, holder_entity_id);
CREATE INDEX licenses_expiry ON licenses (district_id, expires_on);

CREATE TABLE city_components (
  district_id text NOT NULL,
  id bigint NOT NULL,
  code text,
  type text,                               -- 井盖 manhole, 路灯 lamp, 消防栓 hydrant …
  lng double precision,                    -- WGS84
  lat double precision,
  address_id text,
  state text,                              -- normal | damaged | missing | occupied | removed
  agency text,
  grid_id text,
  attributes jsonb NOT NULL DEFAULT '{}',
  field_sources jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (district_id, id)
);
CREATE UNIQUE INDEX city_components_code ON city_components (district_id, code);
CREATE INDEX city_components_grid ON city_components (district_id, grid_id);

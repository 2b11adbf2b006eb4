-- The standard address library. Keyed by district so it can be distributed by district_id.
CREATE TABLE addresses (
  district_id text NOT NULL,
  address_id text NOT NULL,
  level text NOT NULL CHECK (level IN ('building', 'room')),
  parent_id text,                          -- a room's building
  subdistrict_id text,
  community_id text,
  grid_id text NOT NULL,
  road text,
  road_no text,
  estate text,
  building text,
  entrance text,
  floor text,
  room text,
  aliases text[] NOT NULL DEFAULT '{}',
  lng double precision,
  lat double precision,
  import_id bigint,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (district_id, address_id)
);
-- address_id is unique across districts too; the importer enforces it, this index serves lookups.
CREATE UNIQUE INDEX addresses_address_id ON addresses (address_id);
CREATE INDEX addresses_parent ON addresses (district_id, parent_id);
CREATE INDEX addresses_grid ON addresses (district_id, grid_id);
CREATE INDEX addresses_community ON addresses (district_id, community_id);

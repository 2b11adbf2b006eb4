-- Department feeds fused into the registries (0006_registries.sql).
--
-- A source is one department's export, described by a mapping file (src/foundation/fusion/sources/);
-- a feed is one delivery of it, ingested as one import run (imports.id = feeds.id). Each feed row
-- yields one source record per entity it describes (a rental filing: the room and the tenant), kept
-- under the source's own key, so a newer delivery updates the record and the replaced version moves
-- to source_record_history. A registry row points at the winning record of each field.
-- The big tables carry no foreign keys: they are written in bulk inside the ingest's transaction,
-- which is what keeps them consistent.

-- The mapping each source was last ingested with: resolution reads priorities from here, so it does
-- not depend on which mapping files the resolving process happens to have.
CREATE TABLE feed_sources (
  name text PRIMARY KEY,
  title text NOT NULL,
  department text,
  priority integer NOT NULL,               -- the source's default field priority
  mapping jsonb NOT NULL,
  mapping_sha256 text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Per target and field: the priority when it differs from the source's default.
CREATE TABLE source_field_priorities (
  source text NOT NULL REFERENCES feed_sources (name) ON DELETE CASCADE,
  target text NOT NULL,
  field text NOT NULL,
  priority integer NOT NULL,
  PRIMARY KEY (source, target, field)
);

CREATE TABLE feeds (
  id bigint PRIMARY KEY REFERENCES imports (id),
  district_id text NOT NULL,
  source text NOT NULL REFERENCES feed_sources (name),
  file_name text NOT NULL,
  file_sha256 text NOT NULL,
  mapping_sha256 text NOT NULL,
  delivered_at timestamptz NOT NULL,       -- the recency of its records, unless a row names its own date
  ingested_at timestamptz NOT NULL DEFAULT now(),
  rows_total integer NOT NULL,
  rows_rejected integer NOT NULL,
  records_new integer NOT NULL,
  records_changed integer NOT NULL,
  records_unchanged integer NOT NULL,
  records_stale integer NOT NULL,          -- older than the version already held: kept as history only
  records_retired integer NOT NULL         -- absent from a snapshot delivery
);
CREATE INDEX feeds_source ON feeds (source, ingested_at DESC);
CREATE INDEX feeds_file ON feeds (source, file_sha256);

CREATE SEQUENCE source_record_ids;

CREATE TABLE source_records (
  district_id text NOT NULL,
  id bigint NOT NULL DEFAULT nextval('source_record_ids'),
  source text NOT NULL,
  target text NOT NULL,                    -- which of the mapping's targets made it (person, tenant, holder…)
  record_key text NOT NULL,                -- the source's own key for it
  entity_kind text NOT NULL,
  entity_id bigint,                        -- null while in clerical review or without an address
  link_status text NOT NULL CHECK (link_status IN ('exact', 'probable', 'new', 'review', 'confirmed', 'unlinked')),
  link jsonb NOT NULL,                     -- how it was linked: the key, or each field's m, u and weight
  fields jsonb NOT NULL,                   -- mapped, checked, standardised values
  texts jsonb,                             -- address fields as written
  content_hash bigint NOT NULL,            -- of fields and texts: an unchanged re-delivery is found without reading them
  feed_id bigint NOT NULL,
  row_number integer NOT NULL,
  observed_at timestamptz NOT NULL,
  first_feed_id bigint NOT NULL,
  retired_by_feed bigint,                  -- a snapshot delivery without this record: it no longer counts
  PRIMARY KEY (district_id, id)
);
CREATE UNIQUE INDEX source_records_key ON source_records (district_id, source, target, record_key);
CREATE INDEX source_records_entity ON source_records (district_id, entity_kind, entity_id);
CREATE INDEX source_records_review ON source_records (district_id, entity_kind) WHERE link_status = 'review';

-- Earlier versions of source records: replaced by a newer delivery, or delivered stale (older than
-- the version held, superseded_by_feed null).
CREATE TABLE source_record_history (
  district_id text NOT NULL,
  record_id bigint NOT NULL,
  feed_id bigint NOT NULL,
  row_number integer NOT NULL,
  observed_at timestamptz NOT NULL,
  entity_id bigint,
  fields jsonb NOT NULL,
  texts jsonb,
  superseded_by_feed bigint,
  superseded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (district_id, record_id, feed_id)
);

-- Fields on which sources disagree (each source's latest value counted once), with every claim;
-- kept after the disagreement ends (resolved_at), so the report shows what was contradicted when.
CREATE TABLE registry_conflicts (
  district_id text NOT NULL,
  entity_kind text NOT NULL,
  entity_id bigint NOT NULL,
  field text NOT NULL,
  claims jsonb NOT NULL,                   -- [{value, source, recordId, priority, observedAt}], winner first
  winner_record_id bigint NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  PRIMARY KEY (district_id, entity_kind, entity_id, field)
);
CREATE INDEX registry_conflicts_open ON registry_conflicts (district_id, entity_kind, field) WHERE resolved_at IS NULL;

-- Bumped by every change to the registries (ingest, link decisions): a process that keeps the
-- linking index in memory between ingests reloads it when another process changed them.
INSERT INTO data_versions (name) VALUES ('registry');

-- Governance (一网统管): the catalogue of categories, agencies and their handling zones, service
-- requests with photos, work orders with their history, service-level timers and the supervision
-- queue, return visits and the notice outbox.
-- Agencies, zones and categories are small reference tables (replicated to every node when sharded);
-- tables that grow with reports are keyed by district_id first, so they can be distributed, and carry
-- no foreign keys: the domain functions write them in one transaction.

CREATE TABLE gov_agencies (
  code text PRIMARY KEY,                   -- 'urban-management', 'office-440304010', 'station-440304010004'
  name text NOT NULL,
  name_en text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('department', 'subdistrict_office', 'community_workstation')),
  area_id text,                            -- the subdistrict or community an office or workstation serves
  zoning jsonb,                            -- how generated handling zones cut the district: {"by": …}
  active boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- 业务网格: an agency's own polygons (a department's squads, a water district …).
CREATE TABLE gov_handling_zones (
  agency_code text NOT NULL REFERENCES gov_agencies (code) ON DELETE CASCADE,
  zone_id text NOT NULL,
  name text NOT NULL,
  area_ids text[] NOT NULL DEFAULT '{}',   -- the areas a generated zone was built from
  geometry jsonb NOT NULL,                 -- GeoJSON Polygon or MultiPolygon, WGS84
  bbox double precision[] NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agency_code, zone_id)
);

-- 事项清单: what can be reported, who answers for it, how fast.
CREATE TABLE gov_categories (
  code text PRIMARY KEY,                   -- also the Open311 service_code
  name text NOT NULL,
  name_en text NOT NULL,
  group_code text NOT NULL,
  group_name text NOT NULL,
  group_name_en text NOT NULL,
  agency_code text NOT NULL REFERENCES gov_agencies (code),
  event_level text NOT NULL CHECK (event_level IN ('general', 'important', 'urgent')),
  dispatch_mode text NOT NULL CHECK (dispatch_mode IN ('agency_zone', 'subdistrict_office', 'grid_worker')),
  response_minutes integer NOT NULL CHECK (response_minutes > 0),
  feedback_minutes integer NOT NULL CHECK (feedback_minutes > 0),
  resolve_hours integer NOT NULL CHECK (resolve_hours > 0),
  keywords text[] NOT NULL DEFAULT '{}',
  description text NOT NULL DEFAULT '',
  active boolean NOT NULL DEFAULT true,
  edited_by text,                          -- set by an API edit: the shipped file no longer overwrites the row
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Which version of each shipped file (and of the area tree) the reference tables were built from.
CREATE TABLE gov_reference_loads (
  source text PRIMARY KEY,                 -- 'departments.json', 'categories.json', 'areas'
  version text NOT NULL,                   -- the file's SHA-256, or the areas data version
  loaded_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO data_versions (name) VALUES ('governance');

CREATE SEQUENCE gov_request_ids;

CREATE TABLE gov_requests (
  district_id text NOT NULL,
  id bigint NOT NULL,
  channel text NOT NULL,                   -- app | web | hotline_12345 | wechat | grid_patrol | sensor | open311 | …
  external_id text,                        -- the id in the system it came from (history imports, clients)
  status text NOT NULL CHECK (status IN ('triage', 'open', 'resolved', 'closed')),
  category_code text,                      -- null while in triage
  classified_by text,                      -- reporter | model | operator
  classification_confidence double precision,
  description text NOT NULL,
  urgent boolean NOT NULL DEFAULT false,
  lng double precision NOT NULL,
  lat double precision NOT NULL,
  subdistrict_id text,
  community_id text,
  grid_id text NOT NULL,
  location_source text NOT NULL CHECK (location_source IN ('point', 'address', 'point_and_address')),
  address_text text,
  address_id text,
  address_match text,                      -- matched | ambiguous | unmatched
  location_conflict_m double precision,    -- the point and the matched address lie this far apart (> 300 m)
  reporter_name text,
  reporter_phone text,
  reporter_email text,
  reporter_ref text,                       -- a device or account id from the channel
  duplicate_of bigint,                     -- the original this report was linked to
  duplicate_distance_m double precision,
  reopen_count integer NOT NULL DEFAULT 0,
  visit_token_sha256 text,                 -- the return-visit link's secret, hashed
  submitted_by text NOT NULL,
  submitted_at timestamptz NOT NULL,       -- when it was reported (kept from the source for imports)
  received_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  closed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (district_id, id)
);
CREATE INDEX gov_requests_id ON gov_requests (id);
CREATE UNIQUE INDEX gov_requests_external ON gov_requests (district_id, channel, external_id)
  WHERE external_id IS NOT NULL;
-- Duplicate search: open originals of one category near a point.
CREATE INDEX gov_requests_open_originals ON gov_requests (district_id, category_code, lat)
  WHERE status = 'open' AND duplicate_of IS NULL;
CREATE INDEX gov_requests_duplicates ON gov_requests (district_id, duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE INDEX gov_requests_submitted ON gov_requests (district_id, submitted_at);
CREATE INDEX gov_requests_grid ON gov_requests (district_id, grid_id, submitted_at);
CREATE INDEX gov_requests_triage ON gov_requests (district_id, submitted_at) WHERE status = 'triage';
CREATE UNIQUE INDEX gov_requests_visit_token ON gov_requests (visit_token_sha256)
  WHERE visit_token_sha256 IS NOT NULL;

-- Photos live in the database: durable and backed up with the request they belong to, shared by every
-- server process (a data folder is not), and small (≤ 5 MB each, a few per request).
CREATE TABLE gov_request_photos (
  district_id text NOT NULL,
  request_id bigint NOT NULL,
  seq integer NOT NULL,
  content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
  size_bytes integer NOT NULL,
  sha256 text NOT NULL,
  bytes bytea NOT NULL,
  uploaded_by text NOT NULL,
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (district_id, request_id, seq)
);

-- One work order per request that is not a duplicate; it shares the request's id.
CREATE TABLE gov_work_orders (
  district_id text NOT NULL,
  request_id bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('submitted', 'dispatched', 'accepted', 'in_progress', 'resolved', 'closed', 'returned')),
  category_code text NOT NULL,
  agency_code text,                        -- who holds it now; null while submitted or returned
  zone_id text,
  assignee text,                           -- a grid worker for patrol items
  dispatch_reason text,
  urgent boolean NOT NULL DEFAULT false,
  escalation_level integer NOT NULL DEFAULT 0,
  dispatched_at timestamptz,
  response_due_at timestamptz,
  feedback_due_at timestamptz,
  resolve_due_at timestamptz,
  close_due_at timestamptz,                -- end of the return-visit window after resolution
  responded_at timestamptz,
  feedback_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  response_overdue boolean NOT NULL DEFAULT false,
  feedback_overdue boolean NOT NULL DEFAULT false,
  resolve_overdue boolean NOT NULL DEFAULT false,
  next_due_at timestamptz,                 -- the earliest pending timer: what the SLA scheduler polls
  returns integer NOT NULL DEFAULT 0,
  reassignments integer NOT NULL DEFAULT 0,
  reopens integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (district_id, request_id)
);
CREATE INDEX gov_work_orders_request ON gov_work_orders (request_id);
CREATE INDEX gov_work_orders_due ON gov_work_orders (next_due_at) WHERE next_due_at IS NOT NULL;
CREATE INDEX gov_work_orders_agency ON gov_work_orders (agency_code, status);
CREATE INDEX gov_work_orders_assignee ON gov_work_orders (assignee, status) WHERE assignee IS NOT NULL;
CREATE INDEX gov_work_orders_dispatched ON gov_work_orders (district_id, dispatched_at);

-- Every transition and action on a work order: who, when, why.
CREATE TABLE gov_work_order_history (
  district_id text NOT NULL,
  request_id bigint NOT NULL,
  id bigserial,
  action text NOT NULL,
  from_status text,
  to_status text NOT NULL,
  actor text NOT NULL,
  at timestamptz NOT NULL,
  note text,
  detail jsonb NOT NULL DEFAULT '{}',      -- agency, zone, assignee, reason, due times, linked requests
  PRIMARY KEY (district_id, request_id, id)
);

-- Overdue steps, one row per step and due time: the command centre's supervision queue (督办).
CREATE TABLE gov_supervision (
  district_id text NOT NULL,
  request_id bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('response', 'feedback', 'resolve')),
  due_at timestamptz NOT NULL,
  agency_code text,
  flagged_at timestamptz NOT NULL,
  escalation_level integer NOT NULL,
  done_at timestamptz,                     -- when the late step was done or the order left that step
  PRIMARY KEY (district_id, request_id, kind, due_at)
);
CREATE INDEX gov_supervision_open ON gov_supervision (flagged_at) WHERE done_at IS NULL;

-- Return visits (回访): the reporter's rating after resolution.
CREATE TABLE gov_visits (
  district_id text NOT NULL,
  request_id bigint NOT NULL,
  id bigserial,
  rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
  comment text,
  channel text NOT NULL,                   -- sms_link | phone | app
  recorded_by text NOT NULL,
  at timestamptz NOT NULL,
  agency_code text,                        -- who had resolved it
  reopened boolean NOT NULL,
  PRIMARY KEY (district_id, request_id, id)
);
CREATE INDEX gov_visits_at ON gov_visits (district_id, at);

-- Notices to send (SMS to reporters, app pushes to handlers), written in the transaction of the
-- change that causes them; a gateway sends them and stamps sent_at.
CREATE TABLE gov_outbox (
  district_id text NOT NULL,
  id bigserial,
  channel text NOT NULL CHECK (channel IN ('sms', 'app')),
  recipient text NOT NULL,                 -- a phone number, or agency:<code> / user:<username>
  kind text NOT NULL,                      -- dispatched | overdue | duplicate_resolved | visit_link | …
  request_id bigint,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  PRIMARY KEY (district_id, id)
);
CREATE INDEX gov_outbox_unsent ON gov_outbox (created_at) WHERE sent_at IS NULL;
CREATE INDEX gov_outbox_request ON gov_outbox (district_id, request_id);

-- Users, their role and scope, API tokens, and the two trails: audit (who changed what)
-- and access (who read whose personal data unmasked, and why).
CREATE TABLE users (
  username text PRIMARY KEY,
  display_name text NOT NULL,
  phone text,
  role text NOT NULL CHECK (role IN ('admin', 'analyst', 'operator', 'agency_handler', 'grid_worker', 'external_consumer')),
  scope_kind text NOT NULL CHECK (scope_kind IN ('district', 'subdistrict', 'community', 'grid', 'agency')),
  scope_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz
);

CREATE TABLE api_tokens (
  id bigserial PRIMARY KEY,
  username text NOT NULL REFERENCES users (username),
  name text NOT NULL,
  token_sha256 text NOT NULL UNIQUE,       -- only the hash is stored; the token is shown once
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,                    -- e.g. 'areas.import', 'address.update', 'user.create'
  entity_kind text NOT NULL,
  entity_id text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}',
  request_id text
);
CREATE INDEX audit_log_entity ON audit_log (entity_kind, entity_id);

CREATE TABLE access_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  subject_kind text NOT NULL,              -- whose record: 'user', later 'person', 'legal_entity' …
  subject_id text NOT NULL,
  fields text[] NOT NULL,
  reason text NOT NULL,
  request_id text
);
CREATE INDEX access_log_subject ON access_log (subject_kind, subject_id);
CREATE INDEX access_log_actor ON access_log (actor, at DESC);

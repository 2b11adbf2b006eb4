-- Every file import run, and every problem it found (rejected rows and warnings), so nothing is lost.
CREATE TABLE imports (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,                      -- 'areas' | 'addresses' | later feeds
  file_name text NOT NULL,
  file_sha256 text NOT NULL,
  encoding text,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  actor text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  rows_total integer NOT NULL DEFAULT 0,
  rows_inserted integer NOT NULL DEFAULT 0,
  rows_updated integer NOT NULL DEFAULT 0,
  rows_unchanged integer NOT NULL DEFAULT 0,
  rows_rejected integer NOT NULL DEFAULT 0,
  warnings integer NOT NULL DEFAULT 0,
  error text
);
CREATE INDEX imports_kind_started ON imports (kind, started_at DESC);

CREATE TABLE import_problems (
  import_id bigint NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  severity text NOT NULL CHECK (severity IN ('error', 'warning')),
  file text NOT NULL,
  row_number integer,                      -- 1-based data row (header excluded); null for whole-file problems
  field text,
  reason text NOT NULL,
  raw jsonb,                               -- the row as read, so a rejected row can be fixed and re-imported
  PRIMARY KEY (import_id, seq)
);

-- Bumped by every change to the area tree, so in-memory spatial indexes in any process know to rebuild.
CREATE TABLE data_versions (
  name text PRIMARY KEY,
  version bigint NOT NULL DEFAULT 0,
  changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO data_versions (name) VALUES ('areas'), ('addresses');

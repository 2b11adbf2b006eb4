-- The address review queue: free text from feeds and reports that the matcher could not place with
-- confidence, kept until a person confirms a candidate (or dismisses it). One open item per
-- normalised text; repeats count up instead of queueing again.
CREATE TABLE address_review (
  id bigserial PRIMARY KEY,
  input text NOT NULL,                     -- the text as first received
  text_key text NOT NULL,                  -- its normalised form, what a confirmation is keyed by
  source text NOT NULL,                    -- where it came from: 'feed:<name>', 'report:<id>', …
  match_status text NOT NULL CHECK (match_status IN ('matched', 'ambiguous', 'unmatched')),
  score double precision NOT NULL,
  result jsonb NOT NULL,                   -- the matcher's answer, candidates included
  area_ids text[] NOT NULL DEFAULT '{}',   -- areas of the candidates (and their ancestors), for scope
  occurrences integer NOT NULL DEFAULT 1,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'dismissed')),
  address_id text,                         -- the confirmed address
  resolved_by text,
  resolved_at timestamptz,
  note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX address_review_open_text ON address_review (text_key) WHERE status = 'open';
CREATE INDEX address_review_status ON address_review (status, last_seen_at DESC);
CREATE INDEX address_review_areas ON address_review USING gin (area_ids);

-- Confirmed texts: the matcher consults these first, so the same text matches next time.
CREATE TABLE address_match_aliases (
  text_key text PRIMARY KEY,
  address_id text NOT NULL,
  review_id bigint REFERENCES address_review (id),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Its own version, so a confirmation reloads only the aliases, not the whole matching index.
INSERT INTO data_versions (name) VALUES ('address_aliases');

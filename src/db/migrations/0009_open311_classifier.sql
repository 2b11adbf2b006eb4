-- Open311 API keys (POST needs one), tracking tokens, and the request classifier's trained models.
CREATE TABLE open311_api_keys (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  key_sha256 text NOT NULL UNIQUE,         -- only the hash is stored; the key is shown once
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  last_used_at timestamptz
);

-- Every Open311 POST gets a token the reporter can track the request by (GET tokens/{token}).
CREATE TABLE open311_tokens (
  token text PRIMARY KEY,
  service_request_id text NOT NULL,
  api_key_id bigint REFERENCES open311_api_keys (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX open311_tokens_request ON open311_tokens (service_request_id);

-- The newest row is the model in use; older rows stay for comparison and rollback.
CREATE TABLE classifier_models (
  id bigserial PRIMARY KEY,
  trained_at timestamptz NOT NULL DEFAULT now(),
  trained_by text NOT NULL,
  algorithm text NOT NULL,
  threshold double precision NOT NULL,     -- confidence at or above which a category is applied
  metrics jsonb NOT NULL,
  model bytea NOT NULL                     -- naive-bayes.ts encodeModel: gzip(header + float32 weights)
);

-- What the model proposed for a request it was not sure enough about: the operator's triage queue
-- shows these as suggestions. One row per request and model.
CREATE TABLE classifier_suggestions (
  request_id text NOT NULL,
  model_id bigint NOT NULL REFERENCES classifier_models (id) ON DELETE CASCADE,
  ranked jsonb NOT NULL,                   -- [{ "category": code, "probability": p }, …] best first
  applied boolean NOT NULL,                -- confident enough: the category was set by the model
  scored_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (request_id, model_id)
);

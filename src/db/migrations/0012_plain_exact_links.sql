-- A record linked on its kind's exact key and nothing more (most records) stores no link: its
-- link_status 'exact' says all the JSON would, and millions of copies of it cost ingest time and disk.
ALTER TABLE source_records ALTER COLUMN link DROP NOT NULL;
COMMENT ON COLUMN source_records.link IS 'how it was linked (the key, or each field''s m, u and weight); null: on the kind''s exact key';

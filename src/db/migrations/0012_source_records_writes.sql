-- Cheaper writes of source records, the table every feed row lands in (millions of rows a delivery).
--
-- A record linked on its kind's exact key and nothing more (most records) stores no link: its
-- link_status 'exact' says all the JSON would.
ALTER TABLE source_records ALTER COLUMN link DROP NOT NULL;
COMMENT ON COLUMN source_records.link IS 'how it was linked (the key, or each field''s m, u and weight); null: on the kind''s exact key';

-- The unique index on (source, target, record_key) cost a quarter of every COPY (its text keys land
-- all over the tree) and served no query: an ingest loads its source's records in id order and
-- keeps each key once itself (stage.ts), one ingest at a time (INGEST_LOCK). An index in that order
-- is appended to, not scattered into, and turns the load from a scan of every source's records into
-- a range of one.
DROP INDEX source_records_key;
CREATE INDEX source_records_source ON source_records (district_id, source, id);

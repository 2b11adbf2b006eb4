-- The newest requests first (the Open311 list, the operators' list) without sorting every request
-- of the last 90 days: the page is read off this index and only its rows are joined. It also serves
-- every time range, so the (district_id, submitted_at) index goes: one index less to write per
-- report. (Sharded by district, each shard's index is its district's anyway.)
CREATE INDEX gov_requests_recent ON gov_requests (submitted_at, id);
DROP INDEX gov_requests_submitted;

-- Address cells of source records that wait for a person in the address review queue: when the
-- text (by its normalised form, address_review.text_key) is confirmed, the records that carry it
-- take the address at once, not only from their next delivery.
CREATE TABLE source_record_pending_addresses (
  district_id text NOT NULL,
  record_id bigint NOT NULL,
  field text NOT NULL,
  text_key text NOT NULL,
  PRIMARY KEY (district_id, record_id, field)
);
CREATE INDEX source_record_pending_addresses_text ON source_record_pending_addresses (text_key);

// Address cells of source records that the matcher could not place and sent to the review queue.
// The ingest remembers them (record, field, the text's review key); when a person confirms the text,
// the records still holding it unmatched take the address in the same transaction, and their
// entities are resolved again — the registry shows the room now, not after the next delivery.
import { bumpDataVersion } from '../../db/data-versions.ts';
import type { Db } from '../../db/db.ts';
import type { Ctx } from '../access/context.ts';
import { onAddressConfirmed, reviewKey } from '../address/match/review.ts';
import { resolveEntities } from '../registry/resolve.ts';
import { INGEST_LOCK } from './ingest.ts';

export interface PendingAddress {
  recordId: number;
  field: string;
  text: string;
}

/** Remembers the uncertain cells of records a feed wrote; a cell written anew replaces its old text. */
export async function rememberPendingAddresses(
  db: Db,
  districtId: string,
  cells: readonly PendingAddress[],
): Promise<void> {
  const keyed = cells.map((c) => ({ ...c, key: reviewKey(c.text) })).filter((c) => c.key !== '');
  if (keyed.length === 0) return;
  await db.query(
    `INSERT INTO source_record_pending_addresses (district_id, record_id, field, text_key)
     SELECT $1, r, f, k FROM unnest($2::bigint[], $3::text[], $4::text[]) AS x(r, f, k)
     ON CONFLICT (district_id, record_id, field) DO UPDATE SET text_key = excluded.text_key`,
    [districtId, keyed.map((c) => c.recordId), keyed.map((c) => c.field), keyed.map((c) => c.key)],
  );
}

/**
 * The records holding `textKey` unmatched take `addressId`; returns how many cells changed. Their
 * content hash is left as it was, so the next delivery of such a row counts as changed once.
 */
export async function applyConfirmedAddress(
  ctx: Ctx,
  confirmed: { textKey: string; addressId: string },
): Promise<number> {
  const { db } = ctx;
  if (db.kind === 'postgres') await db.query('SELECT pg_advisory_xact_lock($1)', [INGEST_LOCK]);
  const touched: { district_id: string; entity_kind: string; entity_id: string | null }[] = [];
  // A record holding the text in two fields is updated once per pass.
  for (;;) {
    const rows = await db.query<{ district_id: string; entity_kind: string; entity_id: string | null }>(
      `UPDATE source_records r SET fields = jsonb_set(r.fields, ARRAY[p.field], to_jsonb($2::text))
         FROM source_record_pending_addresses p
        WHERE p.text_key = $1 AND r.district_id = p.district_id AND r.id = p.record_id
          AND NOT r.fields ? p.field AND r.retired_by_feed IS NULL
       RETURNING r.district_id, r.entity_kind, r.entity_id::text`,
      [confirmed.textKey, confirmed.addressId],
    );
    if (rows.length === 0) break;
    touched.push(...rows);
  }
  await db.query('DELETE FROM source_record_pending_addresses WHERE text_key = $1', [confirmed.textKey]);
  for (const districtId of new Set(touched.map((t) => t.district_id)))
    await resolveEntities(
      db,
      districtId,
      touched
        .filter((t) => t.district_id === districtId && t.entity_id !== null)
        .map((t) => ({ kind: t.entity_kind, id: t.entity_id! })),
    );
  if (touched.length > 0) await bumpDataVersion(db, 'registry');
  return touched.length;
}

onAddressConfirmed(applyConfirmedAddress);

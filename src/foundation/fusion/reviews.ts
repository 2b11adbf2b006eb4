// The clerical-review band of probabilistic linking: records whose best candidate scored between
// REVIEW_WEIGHT and MATCH_WEIGHT (or failed the name rule) wait unlinked until a person decides: this
// entity, or someone new. The decision is kept on the record ('confirmed') and survives later deliveries.
import { bumpDataVersion } from '../../db/data-versions.ts';
import { conflict, invalidInput, notFound } from '../../lib/errors.ts';
import { audit, type Ctx, requirePermission } from '../access/context.ts';
import { maskIdNumber, maskName, maskPhone, type PersonalKind } from '../access/masking.ts';
import { ENTITIES, type EntityKind, personalFields } from '../registry/model.ts';
import { resolveEntities } from '../registry/resolve.ts';
import { INGEST_LOCK } from './ingest.ts';
import type { LinkInfo } from './linking.ts';

export interface LinkReview {
  recordId: string;
  kind: EntityKind;
  source: string;
  target: string;
  feedId: string;
  row: number;
  observedAt: string;
  /** The record's values, personal ones masked. */
  fields: Record<string, unknown>;
  link: LinkInfo;
}

const MASKERS: Record<PersonalKind, (v: string) => string> = {
  name: maskName,
  phone: maskPhone,
  idNumber: maskIdNumber,
};

export async function listLinkReviews(
  ctx: Ctx,
  filter: { kind?: EntityKind | undefined; limit?: number | undefined; offset?: number | undefined } = {},
): Promise<LinkReview[]> {
  requirePermission(ctx, 'feeds:write');
  const rows = await ctx.db.query<{
    id: string;
    entity_kind: EntityKind;
    source: string;
    target: string;
    feed_id: string;
    row_number: number;
    observed_at: Date | string;
    fields: Record<string, unknown>;
    link: LinkInfo;
  }>(
    `SELECT id::text, entity_kind, source, target, feed_id::text, row_number, observed_at, fields, link
       FROM source_records
      WHERE link_status = 'review' AND ($1::text IS NULL OR entity_kind = $1)
      ORDER BY (link->>'score')::float DESC NULLS LAST, id LIMIT $2 OFFSET $3`,
    [filter.kind ?? null, filter.limit ?? 100, filter.offset ?? 0],
  );
  return rows.map((r) => {
    const personal = personalFields(r.entity_kind);
    const fields = Object.fromEntries(
      Object.entries(r.fields).map(([f, v]) => {
        const kind = personal[f];
        return [f, kind && typeof v === 'string' ? MASKERS[kind](v) : v];
      }),
    );
    return {
      recordId: r.id,
      kind: r.entity_kind,
      source: r.source,
      target: r.target,
      feedId: r.feed_id,
      row: r.row_number,
      observedAt: new Date(r.observed_at).toISOString(),
      fields,
      link: r.link,
    };
  });
}

export type LinkDecision =
  | { entityId: string; note?: string | undefined }
  | { newEntity: true; note?: string | undefined };

/** Links a record in review to an entity of its kind, or to a new one; the registry follows at once. */
export async function decideLinkReview(
  ctx: Ctx,
  recordId: string,
  decision: LinkDecision,
): Promise<{ recordId: string; entityId: string }> {
  requirePermission(ctx, 'feeds:write');
  if (!/^\d{1,18}$/.test(recordId)) throw notFound(`source record ${recordId}`);
  return ctx.db.transaction(async (db) => {
    const tx = { ...ctx, db };
    if (db.kind === 'postgres') await db.query('SELECT pg_advisory_xact_lock($1)', [INGEST_LOCK]);
    const [record] = await db.query<{ district_id: string; entity_kind: EntityKind; link_status: string }>(
      `SELECT district_id, entity_kind, link_status FROM source_records
        WHERE district_id IN (SELECT id FROM areas WHERE level = 'district') AND id = $1 FOR UPDATE`,
      [recordId],
    );
    if (!record) throw notFound(`source record ${recordId}`);
    if (record.link_status !== 'review')
      throw conflict(`source record ${recordId} is not in review (${record.link_status})`);
    const def = ENTITIES[record.entity_kind];
    let entityId: string;
    if ('entityId' in decision) {
      const [entity] = await db.query(`SELECT 1 FROM ${def.table} WHERE district_id = $1 AND id = $2`, [
        record.district_id,
        decision.entityId,
      ]);
      if (!entity) throw invalidInput(`no ${record.entity_kind} ${decision.entityId} in the registry`);
      entityId = decision.entityId;
    } else {
      const [next] = await db.query<{ id: string }>(`SELECT nextval('registry_entity_ids')::text AS id`);
      entityId = next!.id;
    }
    const choice = 'entityId' in decision ? 'entity' : 'new';
    await db.query(
      `UPDATE source_records SET entity_id = $3, link_status = 'confirmed',
              link = link || jsonb_build_object('decision', jsonb_build_object('by', $4::text, 'at', now(), 'choice', $5::text, 'note', $6::text))
        WHERE district_id = $1 AND id = $2`,
      [record.district_id, recordId, entityId, ctx.actor.username, choice, decision.note ?? null],
    );
    await resolveEntities(db, record.district_id, [{ kind: record.entity_kind, id: entityId }]);
    await bumpDataVersion(db, 'registry');
    await audit(tx, 'fusion.link.decide', { kind: 'source_record', id: recordId }, { entityId, choice });
    return { recordId, entityId };
  });
}

// The review queue: texts from feeds and reports the matcher could not place with confidence wait
// here for a person. Confirming a candidate stores the text as an alias of that address, so the
// matcher answers `matched` for the same text from then on. Names and phone numbers in the text are
// masked before it is stored: a reviewer needs the address, not the person.
import { bumpDataVersion } from '../../../db/data-versions.ts';
import { conflict, invalidInput, notFound } from '../../../lib/errors.ts';
import { audit, type Ctx, requireAreaWrite, requirePermission } from '../../access/context.ts';
import { maskName, maskPhone } from '../../access/masking.ts';
import { expireMatchIndex } from './index.ts';
import { inputProblem, type MatchCandidate, type MatchResult, type MatchStatus } from './match.ts';
import { normaliseAddress } from './normalise.ts';

/** Matches below this score are queued even when `matched`. */
export const REVIEW_BELOW = 0.9;

export type ReviewStatus = 'open' | 'confirmed' | 'dismissed';

export interface ReviewItem {
  id: string;
  input: string;
  /** The normalised text a confirmation is remembered by. */
  text: string;
  source: string;
  matchStatus: MatchStatus;
  score: number;
  reason: string | null;
  candidates: MatchCandidate[];
  occurrences: number;
  status: ReviewStatus;
  addressId: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  note: string | null;
  createdAt: string;
  lastSeenAt: string;
}

interface ReviewRow {
  id: string;
  input: string;
  text_key: string;
  source: string;
  match_status: MatchStatus;
  score: number;
  result: MatchResult;
  area_ids: string[];
  occurrences: number;
  status: ReviewStatus;
  address_id: string | null;
  resolved_by: string | null;
  resolved_at: Date | string | null;
  note: string | null;
  created_at: Date | string;
  last_seen_at: Date | string;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

const toItem = (r: ReviewRow): ReviewItem => ({
  id: String(r.id),
  input: r.input,
  text: r.text_key,
  source: r.source,
  matchStatus: r.match_status,
  score: Number(r.score),
  reason: r.result.reason ?? null,
  candidates: r.result.candidates ?? [],
  occurrences: r.occurrences,
  status: r.status,
  addressId: r.address_id,
  resolvedBy: r.resolved_by,
  resolvedAt: iso(r.resolved_at),
  note: r.note,
  createdAt: iso(r.created_at)!,
  lastSeenAt: iso(r.last_seen_at)!,
});

export function needsReview(result: Pick<MatchResult, 'status' | 'score'>): boolean {
  return result.status !== 'matched' || result.score < REVIEW_BELOW;
}

const LONG_DIGITS = /[0-9０-９][0-9０-９ -]{5,}[0-9０-９]/g;

/** The text with the names and phone numbers the normaliser found masked. */
export function maskPersonal(input: string): string {
  let out = input;
  for (const n of normaliseAddress(input).noise)
    if (n.label === 'person' && n.text.length >= 2) out = out.replaceAll(n.text, maskName(n.text));
  return out.replace(LONG_DIGITS, (digits) => maskPhone(digits.replace(/[ -]/g, '')));
}

/** The key a review item (and its confirmation) is stored under: the input's normalised text. */
export function reviewKey(input: string): string {
  return normaliseAddress(input).text;
}

/**
 * Runs inside the confirmation's transaction, after the alias is stored: data that waited for this
 * text takes the address now (the fusion platform re-standardises the source records holding it).
 */
export type ConfirmListener = (
  ctx: Ctx,
  confirmed: { textKey: string; addressId: string },
) => Promise<unknown>;
const confirmListeners: ConfirmListener[] = [];

export function onAddressConfirmed(listener: ConfirmListener): void {
  if (!confirmListeners.includes(listener)) confirmListeners.push(listener);
}

/**
 * Queues one input whose match needs a person (ambiguous, unmatched, or a low score); returns the
 * item, or null when the match is confident or the text is no address at all (empty, binary…).
 * Called by the ingest paths (feeds, reports) inside their own permission checks; a repeat of an
 * open text counts up and refreshes the stored answer.
 */
export async function enqueueForReview(
  ctx: Ctx,
  input: string,
  result: MatchResult,
  source: string,
): Promise<ReviewItem | null> {
  if (!needsReview(result) || inputProblem(input)) return null;
  const textKey = reviewKey(input);
  if (!textKey) return null;
  const masked = maskPersonal(input);
  const { person: _person, redundant: _redundant, ...elements } = result.elements;
  const stored: MatchResult = { ...result, input: masked, elements };
  const grids = [
    ...new Set([result.grid_id, ...result.candidates.map((c) => c.grid_id)].filter((g): g is string => !!g)),
  ];
  const [row] = await ctx.db.query<ReviewRow>(
    `WITH paths AS (SELECT coalesce(array_agg(DISTINCT p), '{}') AS ids FROM areas, unnest(path) p WHERE id = ANY($7::text[]))
     INSERT INTO address_review (input, text_key, source, match_status, score, result, area_ids)
     SELECT $1, $2, $3, $4, $5, $6, ids FROM paths
     ON CONFLICT (text_key) WHERE status = 'open' DO UPDATE SET
       occurrences = address_review.occurrences + 1,
       last_seen_at = now(),
       match_status = EXCLUDED.match_status,
       score = EXCLUDED.score,
       result = EXCLUDED.result,
       area_ids = EXCLUDED.area_ids
     RETURNING *`,
    [masked, textKey, source, result.status, result.score, JSON.stringify(stored), grids],
  );
  return toItem(row!);
}

export interface ReviewFilter {
  status?: ReviewStatus | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

/** Queue items whose candidates lie in the caller's scope (district-wide callers see all). */
export async function listReviewItems(ctx: Ctx, filter: ReviewFilter = {}): Promise<ReviewItem[]> {
  requirePermission(ctx, 'addresses:write');
  const { kind, id } = ctx.actor.scope;
  const everything = kind !== 'agency' && id === '*';
  const rows = await ctx.db.query<ReviewRow>(
    `SELECT * FROM address_review
      WHERE status = $1 AND ($2::boolean OR $3 = ANY(area_ids))
      ORDER BY last_seen_at DESC, id DESC LIMIT $4 OFFSET $5`,
    [
      filter.status ?? 'open',
      everything,
      kind === 'agency' ? '' : id,
      filter.limit ?? 100,
      filter.offset ?? 0,
    ],
  );
  return rows.map(toItem);
}

async function openItem(ctx: Ctx, id: string): Promise<ReviewRow> {
  if (!/^\d+$/.test(id)) throw notFound(`review item ${id}`);
  const [row] = await ctx.db.query<ReviewRow>('SELECT * FROM address_review WHERE id = $1 FOR UPDATE', [id]);
  if (!row) throw notFound(`review item ${id}`);
  if (row.status !== 'open') throw conflict(`review item ${id} is already ${row.status}`);
  return row;
}

/**
 * A person's answer: `addressId` (usually one of the candidates) is what the text means. Stored as
 * an alias the matcher consults first. The address must lie in the caller's scope.
 */
export async function confirmReview(
  ctx: Ctx,
  id: string,
  input: { addressId: string; note?: string | undefined },
): Promise<ReviewItem> {
  requirePermission(ctx, 'addresses:write');
  const item = await ctx.db.transaction(async (db) => {
    const tx = { ...ctx, db };
    const row = await openItem(tx, id);
    const [address] = await db.query<{ path: string[] | null }>(
      `SELECT g.path FROM addresses a LEFT JOIN areas g ON g.id = a.grid_id WHERE a.address_id = $1`,
      [input.addressId],
    );
    if (!address) throw invalidInput(`address ${input.addressId} is not in the library`);
    requireAreaWrite(tx, address.path ?? [], `address ${input.addressId}`);
    await db.query(
      `INSERT INTO address_match_aliases (text_key, address_id, review_id, created_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (text_key) DO UPDATE SET address_id = EXCLUDED.address_id, review_id = EXCLUDED.review_id,
         created_by = EXCLUDED.created_by, created_at = now()`,
      [row.text_key, input.addressId, row.id, ctx.actor.username],
    );
    const [updated] = await db.query<ReviewRow>(
      `UPDATE address_review SET status = 'confirmed', address_id = $2, resolved_by = $3, resolved_at = now(), note = $4
        WHERE id = $1 RETURNING *`,
      [row.id, input.addressId, ctx.actor.username, input.note ?? null],
    );
    await bumpDataVersion(db, 'address_aliases');
    for (const listener of confirmListeners)
      await listener(tx, { textKey: row.text_key, addressId: input.addressId });
    await audit(
      tx,
      'address.review.confirm',
      { kind: 'address_review', id: String(row.id) },
      {
        addressId: input.addressId,
        text: row.text_key,
      },
    );
    return toItem(updated!);
  });
  expireMatchIndex(ctx.db);
  return item;
}

/** Closes an item that names no address in the library (gibberish, outside the district). */
export async function dismissReview(
  ctx: Ctx,
  id: string,
  input: { note?: string | undefined } = {},
): Promise<ReviewItem> {
  requirePermission(ctx, 'addresses:write');
  return ctx.db.transaction(async (db) => {
    const tx = { ...ctx, db };
    const row = await openItem(tx, id);
    requireAreaWrite(tx, row.area_ids, `review item ${id}`);
    const [updated] = await db.query<ReviewRow>(
      `UPDATE address_review SET status = 'dismissed', resolved_by = $2, resolved_at = now(), note = $3
        WHERE id = $1 RETURNING *`,
      [row.id, ctx.actor.username, input.note ?? null],
    );
    await audit(
      tx,
      'address.review.dismiss',
      { kind: 'address_review', id: String(row.id) },
      { text: row.text_key },
    );
    return toItem(updated!);
  });
}

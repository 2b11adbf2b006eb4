// Photos of a report (the reporter's, or the handler's of the fix): PNG, JPEG or WebP, at most 5 MB,
// at most nine per request. The type is read from the bytes, not trusted from the header. They are
// stored in the database (bytea): durable and backed up with the request, shared by every server
// process, and small enough that a file store would add a second thing to back up for no gain.
import { createHash } from 'node:crypto';
import { type Ctx, can, describeScope, requirePermission } from '../../foundation/access/context.ts';
import { conflict, forbidden, invalidInput, notFound } from '../../lib/errors.ts';
import { requireId } from '../input.ts';
import { canSee } from '../scope.ts';

export const PHOTO_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
export const PHOTOS_PER_REQUEST = 9;

export interface PhotoInfo {
  requestId: string;
  seq: number;
  contentType: PhotoType;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
}

/** The image type the bytes really are, by their signature. */
export function sniffImage(bytes: Uint8Array): PhotoType | null {
  const at = (i: number, ...values: number[]) => values.every((v, k) => bytes[i + k] === v);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return null;
}

interface Placed {
  district_id: string;
  subdistrict_id: string | null;
  community_id: string | null;
  grid_id: string;
  agency_code: string | null;
}

async function placedRequest(ctx: Ctx, id: string, lock: boolean): Promise<Placed> {
  const [row] = await ctx.db.query<Placed>(
    `SELECT r.district_id, r.subdistrict_id, r.community_id, r.grid_id, w.agency_code
       FROM gov_requests r
       LEFT JOIN gov_work_orders w ON w.district_id = r.district_id AND w.request_id = coalesce(r.duplicate_of, r.id)
      WHERE r.id = $1 ${lock ? 'FOR UPDATE OF r' : ''}`,
    [id],
  );
  if (!row) throw notFound(`service request ${id}`);
  const placed = {
    districtId: row.district_id,
    subdistrictId: row.subdistrict_id,
    communityId: row.community_id,
    gridId: row.grid_id,
    agency: row.agency_code,
  };
  if (!canSee(ctx.actor, placed))
    throw forbidden(`service request ${id} is outside your scope ${describeScope(ctx.actor.scope)}`);
  return row;
}

/** Adds a photo: the reporting channel ('requests:submit') or the handler ('workorders:act'). */
export async function addRequestPhoto(
  ctx: Ctx,
  id: string,
  photo: { contentType: string; bytes: Uint8Array },
): Promise<PhotoInfo> {
  if (!can(ctx.actor, 'requests:submit') && !can(ctx.actor, 'workorders:act'))
    throw forbidden(`role ${ctx.actor.role} may not add photos`);
  requireId(id);
  const declared = photo.contentType.split(';')[0]!.trim().toLowerCase();
  if (!PHOTO_TYPES.includes(declared as PhotoType))
    throw invalidInput(`photos must be PNG, JPEG or WebP, not ${declared || 'an unnamed type'}`, [
      { field: 'content-type', reason: `one of ${PHOTO_TYPES.join(', ')}` },
    ]);
  const size = photo.bytes.byteLength;
  if (size === 0) throw invalidInput('the photo is empty');
  if (size > PHOTO_MAX_BYTES)
    throw invalidInput(`the photo has ${(size / 1_048_576).toFixed(1)} MB; at most 5 MB`, [
      { field: 'body', reason: `larger than ${PHOTO_MAX_BYTES} bytes` },
    ]);
  const actual = sniffImage(photo.bytes);
  if (actual !== declared)
    throw invalidInput(
      actual
        ? `the photo is ${actual}, not ${declared} as declared`
        : `the bytes are not a ${declared} image`,
      [{ field: 'body', reason: 'content does not match its type' }],
    );
  const sha256 = createHash('sha256').update(photo.bytes).digest('hex');
  return ctx.db.transaction(async (tx) => {
    const r = await placedRequest({ ...ctx, db: tx }, id, true);
    const [next] = await tx.query<{ seq: number; n: number }>(
      'SELECT coalesce(max(seq), 0) + 1 AS seq, count(*)::int AS n FROM gov_request_photos WHERE district_id = $1 AND request_id = $2',
      [r.district_id, id],
    );
    if (next!.n >= PHOTOS_PER_REQUEST)
      throw conflict(`request ${id} has ${PHOTOS_PER_REQUEST} photos already`);
    const [row] = await tx.query<{ uploaded_at: Date | string }>(
      `INSERT INTO gov_request_photos (district_id, request_id, seq, content_type, size_bytes, sha256, bytes, uploaded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING uploaded_at`,
      [r.district_id, id, next!.seq, declared, size, sha256, photo.bytes, ctx.actor.username],
    );
    return {
      requestId: id,
      seq: next!.seq,
      contentType: declared as PhotoType,
      sizeBytes: size,
      sha256,
      uploadedBy: ctx.actor.username,
      uploadedAt: new Date(row!.uploaded_at).toISOString(),
    };
  });
}

export async function listRequestPhotos(ctx: Ctx, id: string): Promise<PhotoInfo[]> {
  requirePermission(ctx, 'requests:read');
  requireId(id);
  const r = await placedRequest(ctx, id, false);
  const rows = await ctx.db.query<{
    seq: number;
    content_type: PhotoType;
    size_bytes: number;
    sha256: string;
    uploaded_by: string;
    uploaded_at: Date | string;
  }>(
    `SELECT seq, content_type, size_bytes, sha256, uploaded_by, uploaded_at FROM gov_request_photos
      WHERE district_id = $1 AND request_id = $2 ORDER BY seq`,
    [r.district_id, id],
  );
  return rows.map((p) => ({
    requestId: id,
    seq: p.seq,
    contentType: p.content_type,
    sizeBytes: p.size_bytes,
    sha256: p.sha256,
    uploadedBy: p.uploaded_by,
    uploadedAt: new Date(p.uploaded_at).toISOString(),
  }));
}

export async function getRequestPhoto(
  ctx: Ctx,
  id: string,
  seq: number,
): Promise<{ contentType: PhotoType; bytes: Uint8Array }> {
  requirePermission(ctx, 'requests:read');
  requireId(id);
  const r = await placedRequest(ctx, id, false);
  const [row] = await ctx.db.query<{ content_type: PhotoType; bytes: Uint8Array }>(
    'SELECT content_type, bytes FROM gov_request_photos WHERE district_id = $1 AND request_id = $2 AND seq = $3',
    [r.district_id, id, seq],
  );
  if (!row) throw notFound(`photo ${seq} of request ${id}`);
  return { contentType: row.content_type, bytes: row.bytes };
}

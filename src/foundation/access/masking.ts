// Personal data is masked in every API answer unless the reader has 'personal:unmask', names a
// reason, and the read is written to the access log (who read whose record, which fields, why).
import { invalidInput } from '../../lib/errors.ts';
import { type Ctx, requirePermission } from './context.ts';

/** 张三丰 → 张**; Li Wei → L*****. */
export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** 13812345678 → 138****5678; short numbers keep only their last two digits. */
export function maskPhone(phone: string): string {
  if (phone.length >= 11) return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
  return `${'*'.repeat(Math.max(phone.length - 2, 1))}${phone.slice(-2)}`;
}

/** 440304199001011234 → 440304********1234 (region kept, birth date and sequence hidden). */
export function maskIdNumber(id: string): string {
  if (id.length < 10) return '*'.repeat(id.length);
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

export type PersonalKind = 'name' | 'phone' | 'idNumber';

const MASKERS: Record<PersonalKind, (value: string) => string> = {
  name: maskName,
  phone: maskPhone,
  idNumber: maskIdNumber,
};

/** Which fields of a record are personal, and of what kind. */
export type PersonalFields<T> = Partial<Record<keyof T & string, PersonalKind>>;

export function maskRecord<T extends object>(record: T, fields: PersonalFields<T>): T {
  const masked = { ...record } as Record<string, unknown>;
  for (const [field, kind] of Object.entries(fields) as [string, PersonalKind][]) {
    const value = masked[field];
    if (typeof value === 'string' && value) masked[field] = MASKERS[kind](value);
  }
  return masked as T;
}

export interface UnmaskRequest {
  /** Field names to show in clear; empty means none. */
  fields: string[];
  reason?: string | undefined;
}

/**
 * Shows the requested personal fields of one subject's record in clear, after checking the
 * permission and logging the read; every other personal field stays masked.
 */
export async function revealRecord<T extends object>(
  ctx: Ctx,
  subject: { kind: string; id: string },
  record: T,
  fields: PersonalFields<T>,
  request: UnmaskRequest,
): Promise<T> {
  const wanted = request.fields.filter((f) => f in fields);
  if (wanted.length === 0) return maskRecord(record, fields);
  requirePermission(ctx, 'personal:unmask');
  const reason = request.reason?.trim() ?? '';
  if (reason.length < 2) throw invalidInput('an unmasked read needs a reason (e.g. ?reason=回访核实)');
  await ctx.db.query(
    'INSERT INTO access_log (actor, subject_kind, subject_id, fields, reason, request_id) VALUES ($1, $2, $3, $4, $5, $6)',
    [ctx.actor.username, subject.kind, subject.id, wanted, reason, ctx.requestId ?? null],
  );
  const stillMasked = Object.fromEntries(
    Object.entries(fields).filter(([field]) => !wanted.includes(field)),
  ) as PersonalFields<T>;
  return maskRecord(record, stillMasked);
}

export interface AccessLogEntry {
  at: string;
  actor: string;
  subjectKind: string;
  subjectId: string;
  fields: string[];
  reason: string;
  requestId: string | null;
}

export async function listAccessLog(
  ctx: Ctx,
  filter: {
    subjectKind?: string | undefined;
    subjectId?: string | undefined;
    actor?: string | undefined;
    limit?: number;
  },
): Promise<AccessLogEntry[]> {
  requirePermission(ctx, 'audit:read');
  const rows = await ctx.db.query<{
    at: Date | string;
    actor: string;
    subject_kind: string;
    subject_id: string;
    fields: string[];
    reason: string;
    request_id: string | null;
  }>(
    `SELECT at, actor, subject_kind, subject_id, fields, reason, request_id FROM access_log
      WHERE ($1::text IS NULL OR subject_kind = $1) AND ($2::text IS NULL OR subject_id = $2)
        AND ($3::text IS NULL OR actor = $3)
      ORDER BY id DESC LIMIT $4`,
    [filter.subjectKind ?? null, filter.subjectId ?? null, filter.actor ?? null, filter.limit ?? 100],
  );
  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    subjectKind: r.subject_kind,
    subjectId: r.subject_id,
    fields: r.fields,
    reason: r.reason,
    requestId: r.request_id,
  }));
}

// Importing another system's historical orders (the old complaint system's export, JSON Lines) with
// their original times: when reported, responded, resolved, closed, and the reporter's rating. Each
// becomes a request and, when it has a category, a work order placed and dispatched by today's rule
// (agency and zone), its due times from the report time (resolution: the hours the old system
// allowed), its history rebuilt from those times and marked as imported. Orders still open carry
// their timers: the next SLA tick flags the overdue ones. Records without a category wait in triage.
//
// One file is one transaction; a record is keyed by its channel and order number, so importing the
// same file twice changes nothing. Rejected records are kept with the run (import_problems).
// Rows go in with COPY, a chunk at a time: a year of a district is ~400,000 records.
import { z } from 'zod';
import { csvLine, type Db } from '../../db/db.ts';
import { audit, type Ctx, requirePermission } from '../../foundation/access/context.ts';
import {
  emptyCounts,
  finishImport,
  type ImportProblem,
  type ImportSummary,
  recordProblems,
  startImport,
} from '../../foundation/imports/runs.ts';
import { DomainError, invalidInput } from '../../lib/errors.ts';
import { readTextFile } from '../../lib/text.ts';
import type { Category } from '../catalogue/model.ts';
import { dispatchRule } from '../dispatch/dispatch.ts';
import { ensureGovernance, type GovernanceReference } from '../reference.ts';
import { nextDue, VISIT_WINDOW_HOURS } from '../workorders/machine.ts';
import { DISPATCHER } from '../workorders/open.ts';
import { applyDispatch, type HistoryInput, newOrder, type OrderState } from '../workorders/store.ts';
import { timeliness } from '../workorders/transitions.ts';
import { areaLocator } from './locate.ts';
import { CHANNELS } from './model.ts';

const time = z.iso.datetime({ offset: true });
const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .nullish()
    .transform((v) => v?.trim() || null);

/** One record of the export: the old system's field names. */
export const historicalRequestSchema = z
  .object({
    order_no: z.string().trim().min(1).max(100),
    channel: z.enum(CHANNELS),
    category: z.string().trim().max(50).describe("the category's code or Chinese name; empty: unclassified"),
    description: z.string().trim().min(1).max(4000),
    address: optionalText(200),
    lng: z.number().min(-180).max(180),
    lat: z.number().min(-90).max(90),
    reporter_name: optionalText(50),
    reporter_phone: optionalText(30),
    reported_at: time,
    responded_at: time.nullish(),
    resolved_at: time.nullish(),
    closed_at: time.nullish(),
    due_hours: z.number().int().min(1).max(8_760).nullish(),
    status: z.enum(['closed', 'pending']),
    rating: z.number().int().min(1).max(5).nullish(),
    rating_comment: optionalText(1000),
    reopened: z.boolean().default(false),
  })
  .superRefine((r, issue) => {
    const order: [string, string | null | undefined][] = [
      ['reported_at', r.reported_at],
      ['responded_at', r.responded_at],
      ['resolved_at', r.resolved_at],
      ['closed_at', r.closed_at],
    ];
    let last = '';
    let lastAt = Number.NEGATIVE_INFINITY;
    for (const [field, value] of order) {
      if (!value) continue;
      const at = Date.parse(value);
      if (at < lastAt) issue.addIssue({ code: 'custom', path: [field], message: `earlier than ${last}` });
      last = field;
      lastAt = at;
    }
    if (r.closed_at && !r.resolved_at)
      issue.addIssue({
        code: 'custom',
        path: ['resolved_at'],
        message: 'a closed order needs its resolution time',
      });
    if (r.status === 'closed' && r.category && !r.closed_at)
      issue.addIssue({ code: 'custom', path: ['closed_at'], message: 'status closed needs closed_at' });
    if (r.rating && !r.resolved_at)
      issue.addIssue({ code: 'custom', path: ['rating'], message: 'a rating needs a resolution' });
  });
export type HistoricalRequest = z.input<typeof historicalRequestSchema>;
type Historical = z.output<typeof historicalRequestSchema>;

/** Records per COPY round: bounds memory on a year of a district. */
const CHUNK = 10_000;

export async function importServiceRequests(
  ctx: Ctx,
  path: string,
  options: { onProgress?: (records: number) => void } = {},
): Promise<ImportSummary> {
  requirePermission(ctx, 'requests:write');
  const input = await readTextFile(path);
  const importId = await startImport(ctx, 'service_requests', path, input);
  const counts = emptyCounts();
  const problems: ImportProblem[] = [];
  try {
    const ref = await ensureGovernance(ctx.db);
    const locator = await areaLocator(ctx.db);
    if (locator.size === 0) throw invalidInput('there is no area tree yet: import the areas first');
    const byName = new Map(
      [...ref.categories.values()].flatMap((c) => [[c.code, c] as const, [c.name, c] as const]),
    );
    await ctx.db.transaction(async (tx) => {
      await createStaging(tx);
      const seen = new Set<string>();
      let chunk: Prepared[] = [];
      const flush = async () => {
        const inserted = await insertChunk(tx, ref, chunk, `import:${importId}`, ctx.actor.username);
        counts.inserted += inserted;
        counts.unchanged += chunk.length - inserted;
        chunk = [];
        options.onProgress?.(counts.total);
      };
      for (const { row, text } of lines(input.text)) {
        counts.total = row;
        const reject = (field: string | undefined, reason: string) => {
          counts.rejected += 1;
          problems.push({
            severity: 'error',
            file: path,
            row,
            field,
            reason,
            raw: { line: text.slice(0, 2000) },
          });
        };
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          reject(undefined, 'not a JSON object');
          continue;
        }
        const parsed = historicalRequestSchema.safeParse(json);
        if (!parsed.success) {
          const first = parsed.error.issues[0]!;
          reject(first.path.join('.') || undefined, first.message);
          continue;
        }
        const r = parsed.data;
        const category = r.category ? byName.get(r.category) : null;
        if (category === undefined) {
          reject('category', `unknown category ${r.category}`);
          continue;
        }
        const area = locator.locateArea(r.lng, r.lat);
        if (!area) {
          reject('lng', `(${r.lng}, ${r.lat}) lies outside the district`);
          continue;
        }
        const key = `${r.channel}|${r.order_no}`;
        if (seen.has(key)) {
          reject('order_no', `${r.order_no} appears twice for channel ${r.channel}`);
          continue;
        }
        seen.add(key);
        const chain = locator.chainOf(area.id) ?? {};
        chunk.push({
          r,
          category,
          districtId: chain.district?.id ?? locator.pathOf(area.id)[0] ?? area.id,
          subdistrictId: chain.subdistrict?.id ?? null,
          communityId: chain.community?.id ?? null,
          gridId: area.id,
        });
        if (chunk.length >= CHUNK) await flush();
      }
      if (chunk.length) await flush();
      await recordProblems(tx, importId, problems);
      await finishImport(tx, importId, 'succeeded', counts);
      await audit(
        { ...ctx, db: tx },
        'requests.import',
        { kind: 'import', id: importId },
        { file: path, inserted: counts.inserted, unchanged: counts.unchanged, rejected: counts.rejected },
      );
    });
    return { importId, file: path, encoding: input.encoding, status: 'succeeded', problems, ...counts };
  } catch (error) {
    const failure =
      error instanceof DomainError ? error.problems.map((p) => ({ ...p, severity: 'error' as const })) : [];
    await recordProblems(ctx.db, importId, failure);
    await finishImport(
      ctx.db,
      importId,
      'failed',
      counts,
      error instanceof Error ? error.message : String(error),
    );
    throw error;
  }
}

interface Prepared {
  r: Historical;
  category: Category | null;
  districtId: string;
  subdistrictId: string | null;
  communityId: string | null;
  gridId: string;
}

/** Non-empty lines with their 1-based line number. */
function* lines(text: string): Generator<{ row: number; text: string }> {
  let start = 0;
  let row = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    row += 1;
    const line = text.slice(start, end).trim();
    if (line) yield { row, text: line };
    start = end + 1;
  }
}

const STAGING_COLUMNS = [
  'district_id',
  'channel',
  'external_id',
  'status',
  'category_code',
  'description',
  'urgent',
  'lng',
  'lat',
  'subdistrict_id',
  'community_id',
  'grid_id',
  'location_source',
  'address_text',
  'reporter_name',
  'reporter_phone',
  'reopen_count',
  'submitted_at',
  'resolved_at',
  'closed_at',
] as const;

async function createStaging(tx: Db): Promise<void> {
  await tx.exec(`CREATE TEMP TABLE gov_request_staging ON COMMIT DROP AS
    SELECT ${STAGING_COLUMNS.join(', ')} FROM gov_requests WITH NO DATA`);
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const date = (v: string | null | undefined) => (v ? new Date(v) : null);

/** Inserts the chunk's new requests (by channel and order number) with their orders; returns how many. */
async function insertChunk(
  tx: Db,
  ref: GovernanceReference,
  chunk: readonly Prepared[],
  actor: string,
  submittedBy: string,
): Promise<number> {
  await tx.exec('TRUNCATE gov_request_staging');
  await tx.copyFrom(
    `COPY gov_request_staging (${STAGING_COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv)`,
    chunk
      .map(({ r, category, ...p }) =>
        csvLine([
          p.districtId,
          r.channel,
          r.order_no,
          !category ? 'triage' : r.closed_at ? 'closed' : r.resolved_at ? 'resolved' : 'open',
          category?.code ?? null,
          r.description,
          category?.eventLevel === 'urgent',
          r.lng,
          r.lat,
          p.subdistrictId,
          p.communityId,
          p.gridId,
          r.address ? 'point_and_address' : 'point',
          r.address,
          r.reporter_name,
          r.reporter_phone,
          category && r.reopened ? 1 : 0,
          r.reported_at,
          category ? (r.resolved_at ?? null) : null,
          category ? (r.closed_at ?? null) : null,
        ]),
      )
      .join(''),
  );
  const inserted = await tx.query<{ id: string; channel: string; external_id: string }>(
    `INSERT INTO gov_requests (id, classified_by, submitted_by, updated_at, ${STAGING_COLUMNS.join(', ')})
     SELECT nextval('gov_request_ids'), CASE WHEN s.category_code IS NOT NULL THEN 'operator' END, $1,
            coalesce(s.closed_at, s.resolved_at, s.submitted_at), ${STAGING_COLUMNS.map((c) => `s.${c}`).join(', ')}
       FROM gov_request_staging s
      WHERE NOT EXISTS (SELECT 1 FROM gov_requests g
                         WHERE g.district_id = s.district_id AND g.channel = s.channel AND g.external_id = s.external_id)
     RETURNING id::text, channel, external_id`,
    [submittedBy],
  );
  const byKey = new Map(chunk.map((p) => [`${p.r.channel}|${p.r.order_no}`, p]));
  const orders: string[] = [];
  const history: string[] = [];
  const visits: string[] = [];
  for (const row of inserted) {
    const p = byKey.get(`${row.channel}|${row.external_id}`)!;
    if (!p.category) continue;
    const o = rebuildOrder(ref, p, row.id);
    orders.push(orderLine(o));
    for (const h of rebuildHistory(p, o, actor)) history.push(historyLine(h));
    const { r } = p;
    if (r.rating)
      visits.push(
        csvLine([
          o.districtId,
          o.requestId,
          r.rating,
          r.rating_comment,
          'phone',
          actor,
          r.closed_at ?? r.resolved_at,
          o.agencyCode,
          r.reopened,
        ]),
      );
  }
  if (orders.length)
    await tx.copyFrom(
      `COPY gov_work_orders (district_id, request_id, ${ORDER_COPY_COLUMNS.join(', ')}) FROM STDIN WITH (FORMAT csv)`,
      orders.join(''),
    );
  if (history.length)
    await tx.copyFrom(
      'COPY gov_work_order_history (district_id, request_id, action, from_status, to_status, actor, at, note, detail) FROM STDIN WITH (FORMAT csv)',
      history.join(''),
    );
  if (visits.length)
    await tx.copyFrom(
      'COPY gov_visits (district_id, request_id, rating, comment, channel, recorded_by, at, agency_code, reopened) FROM STDIN WITH (FORMAT csv)',
      visits.join(''),
    );
  return inserted.length;
}

/** The order as the old system's times leave it, dispatched by today's rule. */
function rebuildOrder(ref: GovernanceReference, p: Prepared, requestId: string): OrderState {
  const { r, category } = p;
  const reported = new Date(r.reported_at);
  const o = newOrder(
    {
      districtId: p.districtId,
      requestId,
      categoryCode: category!.code,
      urgent: category!.eventLevel === 'urgent',
      lng: r.lng,
      lat: r.lat,
      subdistrictId: p.subdistrictId,
      communityId: p.communityId,
      gridId: p.gridId,
      description: r.description,
      reporterPhone: r.reporter_phone,
    },
    reported,
  );
  applyDispatch(o, dispatchRule(ref, category!, o).target, category!, reported);
  if (r.due_hours) o.resolveDueAt = new Date(reported.getTime() + r.due_hours * 3_600_000);
  o.respondedAt = date(r.responded_at);
  o.resolvedAt = date(r.resolved_at);
  o.closedAt = date(r.closed_at);
  if (o.respondedAt) o.status = 'accepted';
  if (o.resolvedAt) {
    o.status = 'resolved';
    o.closeDueAt = new Date(o.resolvedAt.getTime() + VISIT_WINDOW_HOURS * 3_600_000);
  }
  if (o.closedAt) o.status = 'closed';
  // A finished order's late steps are history; an open one's are flagged by the next SLA tick.
  if (o.closedAt) {
    o.responseOverdue = late(o.respondedAt, o.responseDueAt);
    o.resolveOverdue = late(o.resolvedAt, o.resolveDueAt);
  }
  o.reopens = r.reopened ? 1 : 0;
  o.updatedAt = o.closedAt ?? o.resolvedAt ?? o.respondedAt ?? reported;
  return o;
}

const late = (done: Date | null, due: Date | null) => done !== null && due !== null && done > due;

function rebuildHistory(p: Prepared, o: OrderState, actor: string): HistoryInput[] {
  const { r } = p;
  const base = { districtId: o.districtId, requestId: o.requestId, detail: { imported: true } };
  const reported = new Date(r.reported_at);
  const steps: HistoryInput[] = [
    { ...base, action: 'submit', from: null, to: 'submitted', actor, at: reported },
    {
      ...base,
      action: 'dispatch',
      from: 'submitted',
      to: 'dispatched',
      actor: DISPATCHER,
      at: reported,
      detail: { imported: true, agency: o.agencyCode, zone: o.zoneId, reason: o.dispatchReason },
    },
  ];
  let status: OrderState['status'] = 'dispatched';
  const step = (
    action: HistoryInput['action'],
    to: OrderState['status'],
    at: Date,
    detail = {},
    note?: string,
  ) => {
    steps.push({ ...base, action, from: status, to, actor, at, note, detail: { imported: true, ...detail } });
    status = to;
  };
  if (o.respondedAt) step('accept', 'accepted', o.respondedAt, timeliness(o, o.responseDueAt, o.respondedAt));
  if (o.resolvedAt) step('resolve', 'resolved', o.resolvedAt, timeliness(o, o.resolveDueAt, o.resolvedAt));
  if (r.rating && o.resolvedAt)
    step(
      'visit',
      status,
      o.closedAt ?? o.resolvedAt,
      { rating: r.rating, reopened: r.reopened },
      `rated ${r.rating}/5${r.rating_comment ? `: ${r.rating_comment}` : ''}${r.reopened ? ' (reopened, resolved again)' : ''}`,
    );
  if (o.closedAt) step('close', 'closed', o.closedAt);
  return steps;
}

const ORDER_COPY_COLUMNS = [
  'status',
  'category_code',
  'agency_code',
  'zone_id',
  'assignee',
  'dispatch_reason',
  'urgent',
  'escalation_level',
  'dispatched_at',
  'response_due_at',
  'feedback_due_at',
  'resolve_due_at',
  'close_due_at',
  'responded_at',
  'feedback_at',
  'resolved_at',
  'closed_at',
  'response_overdue',
  'feedback_overdue',
  'resolve_overdue',
  'next_due_at',
  'returns',
  'reassignments',
  'reopens',
  'created_at',
  'updated_at',
] as const;

function orderLine(o: OrderState): string {
  return csvLine([
    o.districtId,
    o.requestId,
    o.status,
    o.categoryCode,
    o.agencyCode,
    o.zoneId,
    o.assignee,
    o.dispatchReason,
    o.urgent,
    o.escalationLevel,
    iso(o.dispatchedAt),
    iso(o.responseDueAt),
    iso(o.feedbackDueAt),
    iso(o.resolveDueAt),
    iso(o.closeDueAt),
    iso(o.respondedAt),
    iso(o.feedbackAt),
    iso(o.resolvedAt),
    iso(o.closedAt),
    o.responseOverdue,
    o.feedbackOverdue,
    o.resolveOverdue,
    iso(nextDue(o)),
    o.returns,
    o.reassignments,
    o.reopens,
    iso(o.createdAt),
    iso(o.updatedAt),
  ]);
}

function historyLine(h: HistoryInput): string {
  return csvLine([
    h.districtId,
    h.requestId,
    h.action,
    h.from,
    h.to,
    h.actor,
    h.at.toISOString(),
    h.note ?? null,
    JSON.stringify(h.detail ?? {}),
  ]);
}

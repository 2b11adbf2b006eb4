// The Open311 operations as plain functions: parse the spec's arguments (strings all), call the
// governance core, and shape its answers. Reads run as a read-only identity and expose no reporter;
// a POST acts as the API key's client through the core's intake.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Actor, Ctx } from '../../foundation/access/context.ts';
import { findAddressRecord } from '../../foundation/address/queries.ts';
import { getCategory, listCategories } from '../catalogue/catalogue.ts';
import type { Category } from '../catalogue/model.ts';
import type { IntakeExtra } from '../requests/intake-sql.ts';
import { areaLocator } from '../requests/locate.ts';
import type { RequestStatus, ServiceRequest } from '../requests/model.ts';
import { getServiceRequest, listServiceRequests } from '../requests/read.ts';
import { submitServiceRequest } from '../requests/submit.ts';
import type { ApiKeyInfo } from './apikeys.ts';
import { Open311Error, open311Error } from './errors.ts';
import type { FormBody } from './form.ts';
import {
  type RequestNote,
  requestOf,
  serviceDefinitionOf,
  serviceNoticeOf,
  serviceOf,
  URGENT_ATTRIBUTE,
  w3,
} from './format.ts';

/** Futian's government site, as the spec suggests; optional because this endpoint serves one jurisdiction. */
export const JURISDICTION_ID = 'szft.gov.cn';
export const MAX_PAGE_SIZE = 1000;
/**
 * x-total-count is exact up to this many matches and the planner's estimate beyond (flagged by
 * x-total-count-estimated): counting a whole 90-day window on every list would cost as much as
 * reading it. One full page: a client paging through more reads pages until one runs short.
 */
export const EXACT_TOTAL_UP_TO = MAX_PAGE_SIZE;
const DAY_MS = 86_400_000;
const DEFAULT_SPAN_MS = 90 * DAY_MS;

/** Reads act as this: district-wide, read-only; formatting drops every personal field. */
const READER: Actor = { username: 'open311', role: 'analyst', scope: { kind: 'district', id: '*' } };

export function readerCtx(ctx: Ctx): Ctx {
  return { ...ctx, actor: READER };
}

function checkJurisdiction(value: string | undefined): void {
  if (value && value !== JURISDICTION_ID)
    throw open311Error(404, `jurisdiction_id ${value} not found (this endpoint serves ${JURISDICTION_ID})`);
}

export function discovery(baseUrl: string, changeset: string) {
  return {
    changeset,
    contact: '福田区政务服务数据管理局 Futian District data bureau: 12345 hotline; open311@szft.gov.cn',
    key_service: 'API keys for POST are issued by the district data bureau (`citybrain apikey create NAME`).',
    endpoints: [
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: `${baseUrl}/open311/v2`,
        changeset,
        type: 'production',
        formats: ['application/json', 'text/xml'],
      },
    ],
  };
}

export async function services(ctx: Ctx, query: Record<string, string | undefined>) {
  checkJurisdiction(query.jurisdiction_id);
  const list = await listCategories(readerCtx(ctx), { active: true });
  return list.map(serviceOf);
}

async function categoryOrNotFound(ctx: Ctx, code: string): Promise<Category> {
  try {
    return await getCategory(readerCtx(ctx), code);
  } catch {
    throw open311Error(404, `service_code ${code} not found`);
  }
}

export async function serviceDefinition(ctx: Ctx, code: string, query: Record<string, string | undefined>) {
  checkJurisdiction(query.jurisdiction_id);
  const category = await categoryOrNotFound(ctx, code);
  if (!category.active) throw open311Error(404, `service_code ${code} is no longer offered`);
  return serviceDefinitionOf(category);
}

const coordinate = (name: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, `${name} must be a decimal number`)
    .transform(Number)
    .refine((v) => v >= min && v <= max, `${name} must be between ${min} and ${max}`);

const postSchema = z.object({
  service_code: z
    .string({ error: 'service_code was not provided' })
    .trim()
    .min(1, 'service_code was not provided'),
  lat: coordinate('lat', -90, 90).optional(),
  long: coordinate('long', -180, 180).optional(),
  address_string: z.string().trim().min(2).max(200).optional(),
  address_id: z.string().trim().min(1).max(40).optional(),
  email: z.email('email is not a valid address').max(200).optional(),
  device_id: z.string().max(100).optional(),
  account_id: z.string().max(100).optional(),
  first_name: z.string().trim().max(25).optional(),
  last_name: z.string().trim().max(25).optional(),
  phone: z.string().trim().max(30).optional(),
  description: z.string().trim().max(4000, 'description is limited to 4,000 characters').optional(),
  media_url: z.url('media_url is not a URL').max(1000).optional(),
});

/** Empty form fields count as absent (the spec's "Optional Arguments"). */
function present(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v.trim() !== ''));
}

function zodErrors(error: z.ZodError): Open311Error {
  return new Open311Error(
    400,
    error.issues.map((issue) => ({
      code: 400,
      description: issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    })),
  );
}

const TOKEN_INSERT: IntakeExtra = {
  name: 'open311_token',
  sql: (created) =>
    `INSERT INTO open311_tokens (token, service_request_id, api_key_id)
     SELECT extra->>'token', id::text, (extra->>'apiKeyId')::bigint FROM ${created}`,
};

export interface CreatedRequest {
  service_request_id: string;
  service_notice: string;
  account_id: string | null;
  token?: string;
}

export async function createRequest(
  ctx: Ctx,
  key: ApiKeyInfo,
  form: FormBody,
  extensions: boolean,
): Promise<CreatedRequest> {
  const fields = present(form.fields);
  checkJurisdiction(fields.jurisdiction_id);
  const parsed = postSchema.safeParse(fields);
  if (!parsed.success) throw zodErrors(parsed.error);
  const input = parsed.data;
  if ((input.lat === undefined) !== (input.long === undefined))
    throw open311Error(400, 'lat and long must be sent together');
  if (input.lat === undefined && !input.address_string && !input.address_id)
    throw open311Error(400, 'a location is required: lat & long, address_string or address_id');
  const unknown = Object.keys(form.attributes).filter((code) => code !== URGENT_ATTRIBUTE);
  if (unknown.length)
    throw open311Error(400, `unknown attribute ${unknown.join(', ')} for service_code ${input.service_code}`);
  const urgentValue = form.attributes[URGENT_ATTRIBUTE];
  if (urgentValue !== undefined && urgentValue !== 'true' && urgentValue !== 'false')
    throw open311Error(400, `attribute[${URGENT_ATTRIBUTE}] must be true or false`);
  const category = await categoryOrNotFound(ctx, input.service_code);
  if (!category.active) throw open311Error(404, `service_code ${input.service_code} is no longer offered`);

  let point = input.lat === undefined ? undefined : { lat: input.lat, lng: input.long! };
  let address = input.address_string;
  if (input.address_id) {
    const record = await findAddressRecord(ctx.db, input.address_id);
    if (!record) throw open311Error(400, `address_id ${input.address_id} is not in the address library`);
    if (!point && record.lng !== null && record.lat !== null) point = { lng: record.lng, lat: record.lat };
    address ??= [
      record.road,
      record.road_no ? `${record.road_no}号` : '',
      record.estate,
      record.building,
      record.room,
    ]
      .filter(Boolean)
      .join('');
  }
  const name = [input.last_name, input.first_name].filter(Boolean).join('');
  const actorCtx: Ctx = {
    ...ctx,
    actor: {
      username: `open311:${key.name}`,
      role: 'external_consumer',
      scope: { kind: 'district', id: '*' },
    },
  };
  const token = randomBytes(12).toString('base64url');
  const created = await submitServiceRequest(
    actorCtx,
    {
      channel: 'open311',
      category: category.code,
      description: input.description || category.name,
      ...(point ? { lng: point.lng, lat: point.lat } : {}),
      ...(address ? { address } : {}),
      urgent: urgentValue === 'true',
      reporter: {
        ...(name ? { name } : {}),
        ...(input.phone ? { phone: input.phone } : {}),
        ...(input.email ? { email: input.email } : {}),
        ...(input.account_id || input.device_id ? { ref: input.account_id ?? input.device_id } : {}),
      },
    },
    // Written by the intake's own statement: a request that got a reply always has its token.
    { alsoInsert: { extra: TOKEN_INSERT, row: { token, apiKeyId: key.id } } },
  );
  return {
    service_request_id: created.id,
    service_notice: serviceNoticeOf(category, created.urgent),
    account_id: input.account_id ?? null,
    ...(extensions ? { token } : {}),
  };
}

const w3Date = z.iso.datetime({
  offset: true,
  error: 'must be a w3 date-time with a timezone, e.g. 2010-01-01T00:00:00Z',
});

export interface RequestQuery {
  ids?: string[];
  codes?: string[];
  statuses?: RequestStatus[];
  from: string;
  to: string;
  page: number;
  pageSize: number;
  extensions: boolean;
}

/** The GET requests arguments, with the spec's defaults: the last 90 days, at most 1,000 requests. */
export function parseRequestQuery(query: Record<string, string | undefined>, now = Date.now()): RequestQuery {
  checkJurisdiction(query.jurisdiction_id);
  const q = present(query as Record<string, string>);
  const list = (v: string | undefined) =>
    v
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const problems: string[] = [];
  const date = (name: 'start_date' | 'end_date') => {
    const v = q[name];
    if (v === undefined) return undefined;
    const ok = w3Date.safeParse(v);
    if (!ok.success) {
      problems.push(`${name}: ${ok.error.issues[0]!.message}`);
      return undefined;
    }
    return Date.parse(v);
  };
  let start = date('start_date');
  let end = date('end_date');
  if (start === undefined && end === undefined) {
    end = now;
    start = now - DEFAULT_SPAN_MS;
  } else if (start === undefined) start = end! - DEFAULT_SPAN_MS;
  else if (end === undefined) end = Math.min(start + DEFAULT_SPAN_MS, Math.max(now, start));
  if (start! > end!) problems.push('start_date is after end_date');
  if (end! - start! > DEFAULT_SPAN_MS)
    problems.push('start_date and end_date may not span more than 90 days');
  const statuses = list(q.status);
  const bad = statuses?.filter((s) => s !== 'open' && s !== 'closed') ?? [];
  if (bad.length) problems.push(`status must be open or closed, got ${bad.join(', ')}`);
  const int = (name: string, fallback: number, max: number) => {
    const v = q[name];
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      problems.push(`${name} must be a whole number from 1 to ${max}`);
      return fallback;
    }
    return n;
  };
  const page = int('page', 1, 1_000_000);
  const pageSize = int('page_size', MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const ids = list(q.service_request_id);
  if (ids?.some((id) => !/^[1-9]\d{0,17}$/.test(id)))
    problems.push('service_request_id must be comma-separated numbers');
  if (ids && ids.length > MAX_PAGE_SIZE) problems.push(`at most ${MAX_PAGE_SIZE} service_request_id at once`);
  if (problems.length)
    throw new Open311Error(
      400,
      problems.map((description) => ({ code: 400, description })),
    );
  return {
    ...(ids ? { ids } : {}),
    ...(list(q.service_code) ? { codes: list(q.service_code)! } : {}),
    ...(statuses
      ? {
          statuses: statuses.flatMap((s): RequestStatus[] =>
            s === 'open' ? ['triage', 'open'] : ['resolved', 'closed'],
          ),
        }
      : {}),
    from: new Date(start!).toISOString(),
    to: new Date(end!).toISOString(),
    page,
    pageSize,
    extensions: q.extensions === 'true',
  };
}

async function formatter(ctx: Ctx) {
  const areas = await areaLocator(ctx.db);
  const categories = new Map((await listCategories(readerCtx(ctx), {})).map((c) => [c.code, c]));
  return {
    areaName: (id: string | null) => (id ? (areas.get(id)?.name ?? null) : null),
    category: (code: string | null) => (code ? categories.get(code) : undefined),
  };
}

/** The work-order history as Open311 notes: what happened and when, never who or their words. */
async function notesOf(ctx: Ctx, ids: readonly string[]): Promise<Map<string, RequestNote[]>> {
  const notes = new Map<string, RequestNote[]>();
  if (!ids.length) return notes;
  const rows = await ctx.db.query<{
    request_id: string;
    action: string;
    to_status: string;
    at: Date | string;
    agency: string | null;
  }>(
    `SELECT h.request_id::text, h.action, h.to_status, h.at, a.name AS agency
       FROM gov_work_order_history h LEFT JOIN gov_agencies a ON a.code = h.detail->>'agency'
      WHERE h.request_id = ANY ($1::bigint[]) ORDER BY h.request_id, h.at, h.id`,
    [ids],
  );
  for (const r of rows) {
    const list = notes.get(r.request_id) ?? [];
    list.push({
      datetime: w3(new Date(r.at).toISOString())!,
      description: `${NOTE_TEXT[r.action] ?? r.action}${r.agency ? ` → ${r.agency}` : ''}`,
      type: r.action,
    });
    notes.set(r.request_id, list);
  }
  return notes;
}

const NOTE_TEXT: Record<string, string> = {
  submit: '受理 Received',
  dispatch: '派单 Dispatched',
  accept: '响应 Accepted',
  feedback: '反馈 Feedback given',
  note: '处置进展 Progress noted',
  resolve: '办结 Resolved',
  close: '结案 Closed',
  return: '退单 Returned',
  reassign: '改派 Reassigned',
  escalate: '督办升级 Escalated',
  reopen: '重新办理 Reopened',
};

export async function queryRequests(ctx: Ctx, query: RequestQuery) {
  const reader = readerCtx(ctx);
  // service_request_id overrides every other argument (the spec).
  const filter = query.ids
    ? { ids: query.ids, limit: query.ids.length, offset: 0 }
    : {
        ...(query.codes ? { category: query.codes } : {}),
        ...(query.statuses ? { status: query.statuses } : {}),
        from: query.from,
        to: query.to,
        limit: query.pageSize,
        offset: (query.page - 1) * query.pageSize,
      };
  const { total, totalEstimated, items } = await listServiceRequests(reader, filter, {
    exactTotalUpTo: EXACT_TOTAL_UP_TO,
  });
  return {
    total,
    totalEstimated: totalEstimated === true,
    requests: await formatRequests(ctx, items, query.extensions),
  };
}

async function formatRequests(ctx: Ctx, items: ServiceRequest[], extensions: boolean) {
  const options = await formatter(ctx);
  const notes = extensions
    ? await notesOf(
        ctx,
        items.map((r) => r.id),
      )
    : new Map<string, RequestNote[]>();
  return items.map((r) => requestOf(r, { ...options, notes: notes.get(r.id) ?? [] }, extensions));
}

export async function requestById(ctx: Ctx, id: string, query: Record<string, string | undefined>) {
  checkJurisdiction(query.jurisdiction_id);
  if (!/^[1-9]\d{0,17}$/.test(id)) throw open311Error(404, `service_request_id ${id} not found`);
  let request: ServiceRequest;
  try {
    request = await getServiceRequest(readerCtx(ctx), id);
  } catch {
    throw open311Error(404, `service_request_id ${id} not found`);
  }
  return formatRequests(ctx, [request], query.extensions === 'true');
}

export async function tokenLookup(ctx: Ctx, token: string, query: Record<string, string | undefined>) {
  checkJurisdiction(query.jurisdiction_id);
  const [row] = await ctx.db.query<{ service_request_id: string }>(
    'SELECT service_request_id FROM open311_tokens WHERE token = $1',
    [token],
  );
  if (!row) throw open311Error(404, `token ${token} not found`);
  return [{ service_request_id: row.service_request_id, token }];
}

// Our records in Open311's shapes. Ids and codes are strings (the spec's own examples are not valid
// JSON), dates carry the +08:00 offset (Shenzhen), and a request never shows who reported it.
import type { Category } from '../catalogue/model.ts';
import type { ServiceRequest } from '../requests/model.ts';

/** 2026-03-02T08:15:00+08:00: the spec wants an offset; people here read Shenzhen time. */
export function w3(iso: string | null): string | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  const d = new Date(ms + 8 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}+08:00`;
}

/** The one attribute every service defines: whether the matter is urgent (resolved within 24 hours). */
export const URGENT_ATTRIBUTE = 'urgent';

export function serviceOf(c: Category) {
  return {
    service_code: c.code,
    service_name: c.name,
    description: c.description || `${c.name} (${c.nameEn})`,
    metadata: true,
    type: 'realtime',
    keywords: c.keywords.join(', '),
    group: c.group.name,
  };
}

export function serviceDefinitionOf(c: Category) {
  return {
    service_code: c.code,
    attributes: [
      {
        variable: true,
        code: URGENT_ATTRIBUTE,
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: '是否紧急 Is it urgent (a danger to people or property)?',
        order: 1,
        description: '紧急事项24小时内办结 Urgent matters are resolved within 24 hours',
        values: [
          { key: 'false', name: '否 No' },
          { key: 'true', name: '是 Yes' },
        ],
      },
    ],
  };
}

/** What the reporter is promised: the 10-30-24 rule with this category's resolution time. */
export function serviceNoticeOf(c: Pick<Category, 'serviceLevels'>, urgent: boolean): string {
  const hours = urgent ? Math.min(24, c.serviceLevels.resolveHours) : c.serviceLevels.resolveHours;
  return `${c.serviceLevels.responseMinutes}分钟内响应，${c.serviceLevels.feedbackMinutes}分钟内反馈，${hours}小时内办结。Response within ${c.serviceLevels.responseMinutes} min, feedback within ${c.serviceLevels.feedbackMinutes} min, resolution within ${hours} h.`;
}

// Eleven-digit mobile numbers and 18-character ID numbers people type into descriptions.
const PERSONAL_NUMBERS =
  /(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)|(?<![\dXx])(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])/g;

/** A description as the public may read it: phone and ID numbers in the text are masked. */
export function publicDescription(text: string): string {
  return text.replace(PERSONAL_NUMBERS, (_m, p1, p2, i1, i2) =>
    p1 ? `${p1}****${p2}` : `${i1}********${i2}`,
  );
}

export function statusOf(r: Pick<ServiceRequest, 'status'>): 'open' | 'closed' {
  return r.status === 'triage' || r.status === 'open' ? 'open' : 'closed';
}

function statusNotesOf(r: ServiceRequest): string | null {
  if (r.duplicateOf)
    return `与诉求 ${r.duplicateOf} 重复，随原诉求办理 Duplicate of request ${r.duplicateOf}`;
  if (r.status === 'triage') return '待分类 Awaiting classification';
  const wo = r.workOrder;
  if (!wo) return null;
  const NOTES: Record<string, string> = {
    submitted: '已受理 Received',
    dispatched: '已派单 Dispatched',
    accepted: '已响应 Accepted by the handling agency',
    in_progress: '处置中 In progress',
    resolved: '已办结，待回访 Resolved, awaiting the return visit',
    closed: '已办结 Closed',
    returned: '退回指挥中心重新派单 Returned for re-dispatch',
  };
  return NOTES[wo.status] ?? null;
}

export interface RequestNote {
  datetime: string;
  description: string;
  type: string;
}

export interface FormatOptions {
  /** Area names for the human-readable address, by area id. */
  areaName: (id: string | null) => string | null;
  category: (code: string | null) => Category | undefined;
  /** Extensions: notes (the history) and extended attributes. */
  notes?: RequestNote[];
}

export function requestOf(r: ServiceRequest, options: FormatOptions, extensions: boolean) {
  const category = options.category(r.category);
  const area = [options.areaName(r.location.subdistrictId), options.areaName(r.location.communityId)]
    .filter(Boolean)
    .join('');
  const out: Record<string, unknown> = {
    service_request_id: r.id,
    status: statusOf(r),
    status_notes: statusNotesOf(r),
    service_name: r.categoryName,
    service_code: r.category,
    description: publicDescription(r.description),
    agency_responsible: r.workOrder?.agencyName ?? null,
    service_notice: category ? serviceNoticeOf(category, r.urgent) : null,
    requested_datetime: w3(r.submittedAt),
    updated_datetime: w3(r.closedAt ?? r.resolvedAt ?? r.updatedAt),
    expected_datetime: w3(r.expectedAt),
    address:
      [r.location.address?.text, area ? `深圳市福田区${area}` : null].filter(Boolean).join('，') || null,
    address_id: r.location.address?.addressId ?? null,
    zipcode: null,
    lat: r.location.lat,
    long: r.location.lng,
    media_url: null,
  };
  if (!extensions) return out;
  out.extended_attributes = {
    channel: r.channel,
    urgent: r.urgent,
    subdistrict_id: r.location.subdistrictId,
    community_id: r.location.communityId,
    grid_id: r.location.gridId,
    duplicate_of: r.duplicateOf,
    duplicates: r.duplicates,
    photos: r.photos,
    reopen_count: r.reopenCount,
    work_order_status: r.workOrder?.status ?? null,
    overdue: r.workOrder?.overdue ?? false,
  };
  out.notes = options.notes ?? [];
  return out;
}

// The intake statement: one statement writes a batch of new requests (one or many) with everything
// they bring: the duplicate search, the grid worker of a patrol item, the request, its order, two
// history steps, the dispatch notice and a caller's extra row. Atomic on its own: when it returns,
// every request in it has committed, whole; when it fails, none has.
import { gridWorkerSql } from '../dispatch/dispatch.ts';
import { nearestOriginalSql } from '../duplicates/duplicates.ts';
import { ORDER_COLUMNS } from '../workorders/store.ts';
import type { RequestRow } from './read.ts';

/** One request of a batch, worked out in memory (`submit.ts`): what the statement needs of it. */
export interface IntakeItem {
  /** gov_requests columns by name (id, duplicate and dates of later steps aside). */
  request: Record<string, unknown>;
  /** gov_work_orders columns as the dispatch rule leaves them; null: no order (triage). */
  order: Record<string, unknown> | null;
  /** The grid whose least-busy grid worker takes a patrol item; the reason names them in the slot. */
  patrolGrid: string | null;
  reasonWithWorker: string | null;
  /** The dispatch history step's detail. */
  detail: Record<string, unknown>;
  noticeRecipient: string | null;
  /** The dispatch notice; the slot stands for the new id. */
  noticeBody: string | null;
  submittedBy: string;
  at: Date;
  /** The caller's extra row (`IntakeExtra`), as its SQL reads it. */
  extra: Record<string, unknown> | null;
}

/** One more row written with each new request (Open311's tracking token). */
export interface IntakeExtra {
  /** Names this variant of the prepared statement. */
  name: string;
  /**
   * An INSERT … SELECT from `relation`, which holds each new request's `id` and its item's
   * `extra` (jsonb); a repeat of an external id has no row there.
   */
  sql: (relation: string) => string;
}

/** The work order's fields of a request row, as dispatch sets them at intake. */
export type WorkOrderField =
  | 'agency_code'
  | 'zone_id'
  | 'assignee'
  | 'dispatch_reason'
  | 'dispatched_at'
  | 'response_due_at'
  | 'feedback_due_at'
  | 'resolve_due_at'
  | 'escalation_level'
  | 'wo_overdue';

/** What the statement returns for each item that inserted a request (by its 1-based position). */
export type IntakeRow = Pick<
  RequestRow,
  'id' | 'duplicate_of' | 'duplicate_distance_m' | 'wo_status' | WorkOrderField
> & {
  n: string;
};

// $1 the items (a jsonb array of IntakeItem), $2 the dispatcher, $3 the slot character.
const orderColumn = (c: (typeof ORDER_COLUMNS)[number]): string => {
  if (c === 'assignee') return 'coalesce(w.username, p.assignee)';
  if (c === 'dispatch_reason')
    return 'CASE WHEN w.username IS NULL THEN p.dispatch_reason ELSE replace(p.reason_with_worker, $3, w.username) END';
  return `p.${c}`;
};

const REQUEST_COLUMNS = `district_id, id, channel, external_id, status, category_code, classified_by,
         classification_confidence, description, urgent, lng, lat, subdistrict_id, community_id, grid_id,
         location_source, address_text, address_id, address_match, location_conflict_m, reporter_name,
         reporter_phone, reporter_email, reporter_ref, duplicate_of, duplicate_distance_m, submitted_by,
         submitted_at, received_at, updated_at`;

const statements = new Map<string, { name: string; sql: string }>();

/** The statement, with the caller's extra insert if any: each variant is prepared once per connection. */
export function intakeStatement(extra: IntakeExtra | undefined): { name: string; sql: string } {
  const name = extra ? `gov_intake_${extra.name}` : 'gov_intake';
  let statement = statements.get(name);
  if (!statement) {
    const also = extra
      ? `,\nextra_rows AS (SELECT c.id, c.item->'extra' AS extra FROM created c),\nalso AS (${extra.sql('extra_rows')})`
      : '';
    statement = { name, sql: INTAKE_SQL.replace('/*also*/', also) };
    statements.set(name, statement);
  }
  return statement;
}

// A duplicate's original order, looked up by key for each (LIMIT keeps it a lookup: the planner
// takes a batch for 100 rows and would rather hash-join the whole table).
const ORIGINAL_ORDER = `SELECT * FROM gov_work_orders o
     WHERE o.district_id = c.district_id AND o.request_id = c.duplicate_of LIMIT 1`;

// Ids are drawn for every item up front (a repeat of an external id burns one): the inserted rows
// find their items by them. A batch never holds two reports that could be each other's duplicate
// (submit.ts keeps them apart), so each finds the originals it would find running alone.
const INTAKE_SQL = `
WITH batch AS (
  SELECT b.n, b.item, nextval('gov_request_ids') AS new_id
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS b(item, n)
),
input AS (
  SELECT b.n, b.new_id, i.*
    FROM batch b CROSS JOIN LATERAL jsonb_populate_record(NULL::gov_requests, b.item->'request') i
),
original AS (
  SELECT i.n, o.id, o.distance_m
    FROM input i CROSS JOIN LATERAL (${nearestOriginalSql({
      district: 'i.district_id',
      category: 'i.category_code',
      lng: 'i.lng',
      lat: 'i.lat',
      exclude: 'NULL::bigint',
    })}) o
),
req AS (
  INSERT INTO gov_requests (${REQUEST_COLUMNS})
  SELECT i.district_id, i.new_id, i.channel, i.external_id, i.status, i.category_code,
         i.classified_by, i.classification_confidence, i.description, i.urgent, i.lng, i.lat, i.subdistrict_id,
         i.community_id, i.grid_id, i.location_source, i.address_text, i.address_id, i.address_match,
         i.location_conflict_m, i.reporter_name, i.reporter_phone, i.reporter_email, i.reporter_ref, o.id,
         o.distance_m, i.submitted_by, i.submitted_at, i.received_at, i.updated_at
    FROM input i LEFT JOIN original o ON o.n = i.n
  ON CONFLICT (district_id, channel, external_id) WHERE external_id IS NOT NULL DO NOTHING
  RETURNING district_id, id, duplicate_of, duplicate_distance_m
),
created AS (
  SELECT b.n, b.item, r.district_id, r.id, r.duplicate_of, r.duplicate_distance_m
    FROM req r JOIN batch b ON b.new_id = r.id
),
planned AS (
  SELECT c.n, c.district_id, c.id AS request_id, (c.item->>'at')::timestamptz AS at,
         c.item->>'submittedBy' AS submitted_by, c.item->>'patrolGrid' AS patrol_grid,
         c.item->>'reasonWithWorker' AS reason_with_worker, c.item->'detail' AS detail,
         c.item->>'noticeRecipient' AS notice_recipient, c.item->>'noticeBody' AS notice_body,
         ${ORDER_COLUMNS.map((col) => `p.${col}`).join(', ')}
    FROM created c CROSS JOIN LATERAL jsonb_populate_record(NULL::gov_work_orders, c.item->'order') p
   WHERE c.duplicate_of IS NULL AND jsonb_typeof(c.item->'order') = 'object'
),
wo AS (
  INSERT INTO gov_work_orders (district_id, request_id, ${ORDER_COLUMNS.join(', ')}, created_at, updated_at)
  SELECT p.district_id, p.request_id, ${ORDER_COLUMNS.map(orderColumn).join(', ')}, p.at, p.at
    FROM planned p LEFT JOIN LATERAL (${gridWorkerSql('p.patrol_grid')}) w ON true
  RETURNING district_id, request_id, status, agency_code, zone_id, assignee, dispatch_reason, dispatched_at,
            response_due_at, feedback_due_at, resolve_due_at, escalation_level
),
history AS (
  INSERT INTO gov_work_order_history (district_id, request_id, action, from_status, to_status, actor, at, detail)
  SELECT s.district_id, s.request_id, s.action, s.from_status, s.to_status, s.actor, s.at, s.detail FROM (
    SELECT p.n, 1 AS step, w.district_id, w.request_id, 'submit' AS action, NULL AS from_status,
           'submitted' AS to_status, p.submitted_by AS actor, p.at, '{}'::jsonb AS detail
      FROM wo w JOIN planned p ON p.request_id = w.request_id
    UNION ALL
    SELECT p.n, 2, w.district_id, w.request_id, 'dispatch', 'submitted', 'dispatched', $2, p.at,
           p.detail || jsonb_build_object('assignee', w.assignee, 'reason', w.dispatch_reason)
      FROM wo w JOIN planned p ON p.request_id = w.request_id
    UNION ALL
    SELECT c.n, 3, o.district_id, o.request_id, 'duplicate', o.status, o.status, c.item->>'submittedBy',
           (c.item->>'at')::timestamptz, jsonb_build_object('linked', c.id::text, 'distanceM', c.duplicate_distance_m)
      FROM created c CROSS JOIN LATERAL (${ORIGINAL_ORDER}) o
  ) s ORDER BY s.n, s.step
),
notice AS (
  INSERT INTO gov_outbox (district_id, channel, recipient, kind, request_id, body)
  SELECT w.district_id, 'app', CASE WHEN w.assignee IS NULL THEN p.notice_recipient ELSE 'user:' || w.assignee END,
         'dispatched', w.request_id, replace(p.notice_body, $3, w.request_id::text)
    FROM wo w JOIN planned p ON p.request_id = w.request_id
),
shown AS (
  SELECT p.n, w.status, w.agency_code, w.zone_id, w.assignee, w.dispatch_reason, w.dispatched_at,
         w.response_due_at, w.feedback_due_at, w.resolve_due_at, w.escalation_level, false AS overdue
    FROM wo w JOIN planned p ON p.request_id = w.request_id
  UNION ALL
  SELECT c.n, o.status, o.agency_code, o.zone_id, o.assignee, o.dispatch_reason, o.dispatched_at, o.response_due_at,
         o.feedback_due_at, o.resolve_due_at, o.escalation_level,
         o.response_overdue OR o.feedback_overdue OR o.resolve_overdue
    FROM created c CROSS JOIN LATERAL (${ORIGINAL_ORDER}) o
)/*also*/
SELECT c.n::text AS n, c.id::text AS id, c.duplicate_of::text AS duplicate_of, c.duplicate_distance_m,
       s.status AS wo_status, s.agency_code, s.zone_id, s.assignee, s.dispatch_reason, s.dispatched_at,
       s.response_due_at, s.feedback_due_at, s.resolve_due_at, s.escalation_level, s.overdue AS wo_overdue
  FROM created c LEFT JOIN shown s ON s.n = c.n
 ORDER BY c.n`;

// Reading the audit trail (writes happen through audit() in context.ts, inside each change's transaction).
import { type Ctx, requirePermission } from './context.ts';

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  entityKind: string;
  entityId: string;
  detail: Record<string, unknown>;
  requestId: string | null;
}

export async function listAudit(
  ctx: Ctx,
  filter: { entityKind?: string | undefined; entityId?: string | undefined; limit?: number },
): Promise<AuditEntry[]> {
  requirePermission(ctx, 'audit:read');
  const rows = await ctx.db.query<{
    at: Date | string;
    actor: string;
    action: string;
    entity_kind: string;
    entity_id: string;
    detail: Record<string, unknown>;
    request_id: string | null;
  }>(
    `SELECT at, actor, action, entity_kind, entity_id, detail, request_id FROM audit_log
      WHERE ($1::text IS NULL OR entity_kind = $1) AND ($2::text IS NULL OR entity_id = $2)
      ORDER BY id DESC LIMIT $3`,
    [filter.entityKind ?? null, filter.entityId ?? null, filter.limit ?? 100],
  );
  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    entityKind: r.entity_kind,
    entityId: r.entity_id,
    detail: r.detail,
    requestId: r.request_id,
  }));
}

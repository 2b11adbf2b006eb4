// Reading the import log: what ran, how it went, and every rejected row with its reason.
import { notFound } from '../../lib/errors.ts';
import { type Ctx, requirePermission } from '../access/context.ts';
import type { Severity } from './runs.ts';

export interface ImportRunView {
  id: string;
  kind: string;
  fileName: string;
  fileSha256: string;
  encoding: string | null;
  status: 'running' | 'succeeded' | 'failed';
  actor: string;
  startedAt: string;
  finishedAt: string | null;
  rows: { total: number; inserted: number; updated: number; unchanged: number; rejected: number };
  warnings: number;
  error: string | null;
}

export interface ImportProblemView {
  seq: number;
  severity: Severity;
  file: string;
  row: number | null;
  field: string | null;
  reason: string;
  raw: Record<string, unknown> | null;
}

interface RunRow {
  id: string;
  kind: string;
  file_name: string;
  file_sha256: string;
  encoding: string | null;
  status: ImportRunView['status'];
  actor: string;
  started_at: Date | string;
  finished_at: Date | string | null;
  rows_total: number;
  rows_inserted: number;
  rows_updated: number;
  rows_unchanged: number;
  rows_rejected: number;
  warnings: number;
  error: string | null;
}

const toView = (r: RunRow): ImportRunView => ({
  id: r.id,
  kind: r.kind,
  fileName: r.file_name,
  fileSha256: r.file_sha256,
  encoding: r.encoding,
  status: r.status,
  actor: r.actor,
  startedAt: new Date(r.started_at).toISOString(),
  finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
  rows: {
    total: r.rows_total,
    inserted: r.rows_inserted,
    updated: r.rows_updated,
    unchanged: r.rows_unchanged,
    rejected: r.rows_rejected,
  },
  warnings: r.warnings,
  error: r.error,
});

const RUN_COLUMNS = `id::text, kind, file_name, file_sha256, encoding, status, actor, started_at, finished_at,
  rows_total, rows_inserted, rows_updated, rows_unchanged, rows_rejected, warnings, error`;

export async function listImports(
  ctx: Ctx,
  filter: { kind?: string | undefined; limit?: number | undefined } = {},
): Promise<ImportRunView[]> {
  requirePermission(ctx, 'imports:read');
  const rows = await ctx.db.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM imports WHERE ($1::text IS NULL OR kind = $1) ORDER BY id DESC LIMIT $2`,
    [filter.kind ?? null, filter.limit ?? 50],
  );
  return rows.map(toView);
}

export async function getImport(ctx: Ctx, id: string): Promise<ImportRunView> {
  requirePermission(ctx, 'imports:read');
  const [row] = await ctx.db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM imports WHERE id = $1`, [id]);
  if (!row) throw notFound(`import #${id}`);
  return toView(row);
}

export async function listImportProblems(
  ctx: Ctx,
  id: string,
  page: { severity?: Severity | undefined; limit?: number | undefined; offset?: number | undefined } = {},
): Promise<ImportProblemView[]> {
  await getImport(ctx, id);
  const rows = await ctx.db.query<{
    seq: number;
    severity: Severity;
    file: string;
    row_number: number | null;
    field: string | null;
    reason: string;
    raw: Record<string, unknown> | null;
  }>(
    `SELECT seq, severity, file, row_number, field, reason, raw FROM import_problems
      WHERE import_id = $1 AND ($2::text IS NULL OR severity = $2)
      ORDER BY seq LIMIT $3 OFFSET $4`,
    [id, page.severity ?? null, page.limit ?? 1000, page.offset ?? 0],
  );
  return rows.map((r) => ({
    seq: r.seq,
    severity: r.severity,
    file: r.file,
    row: r.row_number,
    field: r.field,
    reason: r.reason,
    raw: r.raw,
  }));
}

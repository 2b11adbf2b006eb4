// The log of file imports: one row per run, and every problem it found (rejected rows with their
// reason, warnings), so a rejected row is never lost and can be fixed and re-imported.

import type { Db } from '../../db/db.ts';
import { csvLine } from '../../db/db.ts';
import { DomainError, type Problem } from '../../lib/errors.ts';
import type { DecodedText } from '../../lib/text.ts';
import type { Ctx } from '../access/context.ts';

export type Severity = 'error' | 'warning';

export interface ImportProblem extends Problem {
  severity: Severity;
  /** The row as read, for rejected rows. */
  raw?: Record<string, unknown> | undefined;
}

export interface ImportCounts {
  total: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  warnings: number;
}

export interface ImportSummary extends ImportCounts {
  importId: string;
  file: string;
  encoding: string;
  status: 'succeeded' | 'failed';
  problems: ImportProblem[];
}

/** Opens a run before any data is touched, so even a crash leaves a trace ('running' forever). */
export async function startImport(
  ctx: Ctx,
  kind: string,
  file: string,
  input: Pick<DecodedText, 'sha256' | 'encoding'>,
): Promise<string> {
  const [row] = await ctx.db.query<{ id: string }>(
    'INSERT INTO imports (kind, file_name, file_sha256, encoding, actor) VALUES ($1, $2, $3, $4, $5) RETURNING id::text',
    [kind, file, input.sha256, input.encoding, ctx.actor.username],
  );
  return row!.id;
}

/** Stores problems in bulk. Pass the data transaction when the import commits, the root db when it rolled back. */
export async function recordProblems(
  db: Db,
  importId: string,
  problems: readonly ImportProblem[],
): Promise<void> {
  if (problems.length === 0) return;
  const lines = problems.map((p, seq) =>
    csvLine([
      importId,
      seq + 1,
      p.severity,
      p.file ?? '',
      p.row ?? null,
      p.field ?? null,
      p.reason,
      p.raw ? JSON.stringify(p.raw) : null,
    ]),
  );
  await db.copyFrom(
    'COPY import_problems (import_id, seq, severity, file, row_number, field, reason, raw) FROM STDIN WITH (FORMAT csv)',
    lines.join(''),
  );
}

export async function finishImport(
  db: Db,
  importId: string,
  status: 'succeeded' | 'failed',
  counts: ImportCounts,
  error?: string,
): Promise<void> {
  await db.query(
    `UPDATE imports SET status = $2, finished_at = now(), rows_total = $3, rows_inserted = $4, rows_updated = $5,
            rows_unchanged = $6, rows_rejected = $7, warnings = $8, error = $9
      WHERE id = $1`,
    [
      importId,
      status,
      counts.total,
      counts.inserted,
      counts.updated,
      counts.unchanged,
      counts.rejected,
      counts.warnings,
      error ?? null,
    ],
  );
}

/**
 * Closes a run whose transaction threw: its data rolled back, the run keeps the failure and, for a
 * refused file, the problems the error named (file, row, field, reason).
 */
export async function failImport(
  db: Db,
  importId: string,
  counts: ImportCounts,
  error: unknown,
): Promise<void> {
  if (error instanceof DomainError)
    await recordProblems(
      db,
      importId,
      error.problems.map((p) => ({ ...p, severity: 'error' as const })),
    );
  await finishImport(db, importId, 'failed', counts, error instanceof Error ? error.message : String(error));
}

export const emptyCounts = (): ImportCounts => ({
  total: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  rejected: 0,
  warnings: 0,
});

/** A one-line human summary for the CLI. */
export function describeImport(s: ImportSummary): string {
  return (
    `${s.file} (${s.encoding}): ${s.status}; ${s.total} rows — ${s.inserted} new, ${s.updated} updated, ` +
    `${s.unchanged} unchanged, ${s.rejected} rejected, ${s.warnings} warnings (import #${s.importId})`
  );
}

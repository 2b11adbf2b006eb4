// Scores the quality findings against a demo's truth: every error the generator injected
// (truth/feeds/errors.csv: file, source, row, kind, field, detail) should be flagged by some check on
// the same file and row. Reports, per source and error kind, how many were found and which were
// missed — the check behind "the demo's injected errors must all be found".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvLine } from '../../db/db.ts';
import { csvRecords } from '../../lib/csv.ts';
import { invalidInput } from '../../lib/errors.ts';
import { type Ctx, requirePermission } from '../access/context.ts';
import { collectFindings } from './findings.ts';

export interface TruthKindScore {
  source: string;
  kind: string;
  injected: number;
  found: number;
  /** The checks that flagged the found ones, with how many each. */
  foundBy: Record<string, number>;
  missed: { file: string; row: number; field: string; detail: string }[];
}

export interface TruthScore {
  injected: number;
  found: number;
  /** Errors in files that were never ingested are not scored. */
  notIngested: number;
  kinds: TruthKindScore[];
}

const MISSED_EXAMPLES = 10;

/** `truthDir` is the demo's `truth/feeds` folder. */
export async function scoreAgainstTruth(ctx: Ctx, truthDir: string): Promise<TruthScore> {
  requirePermission(ctx, 'imports:read');
  let text: string;
  try {
    text = readFileSync(join(truthDir, 'errors.csv'), 'utf8');
  } catch {
    throw invalidInput(`${truthDir}: no errors.csv (give the demo's truth/feeds folder)`);
  }
  const [header, ...records] = [...csvRecords(text)];
  if (header?.join(',') !== 'file,source,row,kind,field,detail')
    throw invalidInput(`${truthDir}/errors.csv: expected the header file,source,row,kind,field,detail`);
  const lines = records
    .filter((r) => r.length === 6)
    .map((r) => csvLine([r[0], r[1], Number(r[2]), r[3], r[4], r[5]]))
    .join('');

  return ctx.db.transaction(async (db) => {
    await collectFindings(db, null);
    await db.exec(`CREATE TEMP TABLE quality_truth (file text, source text, row_number integer, kind text,
                     field text, detail text) ON COMMIT DROP`);
    if (lines) await db.copyFrom('COPY quality_truth FROM STDIN WITH (FORMAT csv)', lines);
    // Findings by file base name and row (feeds keep the path they were ingested from).
    await db.exec(`CREATE TEMP TABLE quality_flagged ON COMMIT DROP AS
      SELECT DISTINCT regexp_replace(f.file_name, '^.*[\\\\/]', '') AS file, q.row_number, q.check_name
        FROM quality_findings q JOIN feeds f ON f.id = q.feed_id WHERE q.row_number IS NOT NULL;
      CREATE INDEX ON quality_flagged (file, row_number)`);
    const rows = await db.query<{
      file: string;
      source: string;
      row_number: number;
      kind: string;
      field: string;
      detail: string;
      ingested: boolean;
      checks: string[] | null;
    }>(
      `SELECT t.file, t.source, t.row_number, t.kind, t.field, t.detail,
              EXISTS (SELECT 1 FROM feeds f WHERE regexp_replace(f.file_name, '^.*[\\\\/]', '') = t.file) AS ingested,
              (SELECT array_agg(DISTINCT q.check_name) FROM quality_flagged q
                WHERE q.file = t.file AND q.row_number = t.row_number) AS checks
         FROM quality_truth t ORDER BY t.source, t.kind, t.file, t.row_number`,
    );
    const kinds = new Map<string, TruthKindScore>();
    let notIngested = 0;
    for (const r of rows) {
      if (!r.ingested) {
        notIngested += 1;
        continue;
      }
      const key = `${r.source}|${r.kind}`;
      let score = kinds.get(key);
      if (!score) {
        score = { source: r.source, kind: r.kind, injected: 0, found: 0, foundBy: {}, missed: [] };
        kinds.set(key, score);
      }
      score.injected += 1;
      if (r.checks && r.checks.length > 0) {
        score.found += 1;
        for (const c of r.checks) score.foundBy[c] = (score.foundBy[c] ?? 0) + 1;
      } else if (score.missed.length < MISSED_EXAMPLES)
        score.missed.push({ file: r.file, row: r.row_number, field: r.field, detail: r.detail });
    }
    const list = [...kinds.values()];
    return {
      injected: list.reduce((n, k) => n + k.injected, 0),
      found: list.reduce((n, k) => n + k.found, 0),
      notIngested,
      kinds: list,
    };
  });
}

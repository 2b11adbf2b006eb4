import type { Command } from 'commander';
import { systemCtx } from '../../foundation/access/context.ts';
import { getImport, listImportProblems, listImports } from '../../foundation/imports/queries.ts';
import { formatProblem } from '../../lib/errors.ts';
import { type DataOptions, intOption, withDataDir, withDb } from '../options.ts';

export function registerImports(program: Command): void {
  const imports = program.command('imports').description('the log of file imports and their rejected rows');
  withDataDir(imports.command('list'))
    .description('recent imports, newest first')
    .option('--kind <kind>', 'only this kind (areas, addresses, …)')
    .option('--limit <n>', 'how many', intOption('--limit'), 20)
    .action(async (options: DataOptions & { kind?: string; limit: number }) => {
      await withDb(options, async (db) => {
        for (const run of await listImports(systemCtx(db), options)) {
          const r = run.rows;
          console.log(
            `#${run.id}\t${run.startedAt}\t${run.kind}\t${run.status}\t${r.total} rows: ${r.inserted} new, ${r.updated} updated, ` +
              `${r.unchanged} unchanged, ${r.rejected} rejected, ${run.warnings} warnings\t${run.fileName}`,
          );
        }
      });
    });
  withDataDir(imports.command('show <id>'))
    .description('one import and its problems (rejected rows and warnings)')
    .option('--severity <level>', 'error or warning')
    .action(async (id: string, options: DataOptions & { severity?: 'error' | 'warning' }) => {
      await withDb(options, async (db) => {
        const ctx = systemCtx(db);
        const run = await getImport(ctx, id);
        console.log(JSON.stringify(run, null, 2));
        for (const p of await listImportProblems(ctx, id, { severity: options.severity, limit: 100_000 }))
          console.log(
            `${p.severity}\t${formatProblem({ file: p.file, row: p.row ?? undefined, field: p.field ?? undefined, reason: p.reason })}`,
          );
      });
    });
}

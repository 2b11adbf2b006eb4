import type { Command } from 'commander';
import { systemCtx } from '../../foundation/access/context.ts';
import { qualityReport } from '../../foundation/quality/report.ts';
import { scoreAgainstTruth } from '../../foundation/quality/truth.ts';
import { type DataOptions, withDataDir, withDb } from '../options.ts';

export function registerQuality(program: Command): void {
  withDataDir(program.command('quality'))
    .description(
      'data quality per source and per registry: named checks with status, observed value and examples',
    )
    .option('--source <source>', 'only this source')
    .option('--json', 'print the full report as JSON')
    .option('--all', 'list passing checks too')
    .option(
      '--truth <dir>',
      "score the findings against a demo's truth/feeds folder: which injected errors were missed",
    )
    .action(
      async (options: DataOptions & { source?: string; json?: boolean; all?: boolean; truth?: string }) => {
        await withDb(options, async (db) => {
          const ctx = systemCtx(db);
          if (options.truth) {
            const score = await scoreAgainstTruth(ctx, options.truth);
            if (options.json) {
              console.log(JSON.stringify(score, null, 2));
              return;
            }
            console.log(
              `injected errors found: ${score.found} of ${score.injected} (${score.notIngested} in files not ingested)`,
            );
            for (const k of score.kinds) {
              const by = Object.entries(k.foundBy)
                .map(([c, n]) => `${c} ${n}`)
                .join(', ');
              console.log(
                `${k.found === k.injected ? 'ok  ' : 'MISS'}\t${k.source}\t${k.kind}\t${k.found}/${k.injected}\t${by}`,
              );
              for (const m of k.missed) console.log(`\t\tmissed ${m.file}:${m.row} ${m.field} (${m.detail})`);
            }
            return;
          }
          const report = await qualityReport(ctx, { source: options.source });
          if (options.json) {
            console.log(JSON.stringify(report, null, 2));
            return;
          }
          const { pass, warn, fail } = report.summary;
          console.log(`${report.checks.length} checks: ${pass} pass, ${warn} warn, ${fail} fail`);
          for (const c of report.checks) {
            if (c.status === 'pass' && !options.all) continue;
            const o = c.observed;
            console.log(
              `${c.status.toUpperCase()}\t${c.scope} ${c.subject}\t${c.name}\t${o.failing}/${o.total} (${o.percent}%; warn > ${c.threshold.warnAbove}%, fail > ${c.threshold.failAbove}%)`,
            );
            for (const e of c.examples.slice(0, 3))
              console.log(
                `\t\t${e.file ? `${e.file}:${e.row}` : `${e.entity?.kind} ${e.entity?.id}`}${e.field ? ` ${e.field}` : ''}${e.value ? ` = ${e.value}` : ''}: ${e.why}`,
              );
          }
        });
      },
    );
}

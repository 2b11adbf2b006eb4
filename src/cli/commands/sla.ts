import type { Command } from 'commander';
import { systemCtx } from '../../foundation/access/context.ts';
import { listSupervision, tickSla } from '../../governance/sla/sla.ts';
import { table } from '../../lib/table.ts';
import { type DataOptions, intOption, withDataDir, withDb } from '../options.ts';

export function registerSla(program: Command): void {
  const sla = program
    .command('sla')
    .description('10-30-24 service-level timers (the server ticks them by itself)');
  withDataDir(sla.command('tick'))
    .description('flag overdue orders and close unrated resolved ones now (safe beside running servers)')
    .action(async (options: DataOptions) => {
      await withDb(options, async (db) => {
        const r = await tickSla(systemCtx(db));
        console.log(
          `escalated ${r.escalated} orders (overdue: ${r.overdue.response} responses, ${r.overdue.feedback} feedbacks, ${r.overdue.resolve} resolutions); closed ${r.closed} after the visit window`,
        );
      });
    });
  withDataDir(sla.command('overdue'))
    .description('the supervision queue: overdue steps still open')
    .option('--limit <n>', 'how many', intOption('--limit'), 50)
    .action(async (options: DataOptions & { limit: number }) => {
      await withDb(options, async (db) => {
        const items = await listSupervision(systemCtx(db), { limit: options.limit });
        console.log(
          table(
            ['request', 'step', 'due', 'agency', 'category', 'level'],
            items.map((i) => [
              i.requestId,
              i.kind,
              i.dueAt.slice(0, 16),
              i.agencyName ?? '',
              i.categoryName ?? i.category,
              String(i.escalationLevel),
            ]),
          ),
        );
      });
    });
}

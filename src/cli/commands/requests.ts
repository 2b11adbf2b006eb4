import type { Command } from 'commander';
import { systemCtx } from '../../foundation/access/context.ts';
import { describeImport } from '../../foundation/imports/runs.ts';
import { importServiceRequests } from '../../governance/requests/import.ts';
import { getServiceRequest, listServiceRequests } from '../../governance/requests/read.ts';
import { getWorkOrder } from '../../governance/workorders/read.ts';
import { formatProblem } from '../../lib/errors.ts';
import { progress } from '../../lib/progress.ts';
import { table } from '../../lib/table.ts';
import { type DataOptions, intOption, withDataDir, withDb } from '../options.ts';

const csv = (value?: string) => value?.split(',').filter(Boolean);

export function registerRequests(program: Command): void {
  const requests = program.command('requests').description('service requests (诉求) and their work orders');
  withDataDir(requests.command('list'))
    .description('requests, newest first (reporters masked)')
    .option('--status <list>', 'comma-separated: triage, open, resolved, closed')
    .option('--category <list>', 'comma-separated category codes')
    .option('--area <id>', 'an area id of any level')
    .option('--limit <n>', 'how many', intOption('--limit'), 20)
    .action(
      async (options: DataOptions & { status?: string; category?: string; area?: string; limit: number }) => {
        await withDb(options, async (db) => {
          const { total, items } = await listServiceRequests(systemCtx(db), {
            status: csv(options.status) as never,
            category: csv(options.category),
            area: options.area,
            limit: options.limit,
          });
          console.log(
            table(
              ['id', 'submitted', 'channel', 'category', 'status', 'agency', 'grid'],
              items.map((r) => [
                r.id,
                r.submittedAt.slice(0, 16),
                r.channel,
                r.categoryName ?? '(triage)',
                r.duplicateOf ? `dup of ${r.duplicateOf}` : (r.workOrder?.status ?? r.status),
                r.workOrder?.agencyName ?? '',
                r.location.gridId,
              ]),
            ),
          );
          console.error(`${items.length} of ${total}`);
        });
      },
    );
  withDataDir(requests.command('import <file>'))
    .description("import another system's historical orders (JSON Lines) with their original times")
    .action(async (file: string, options: DataOptions) => {
      await withDb(options, async (db) => {
        const bar = progress('  records');
        let seen = 0;
        const summary = await importServiceRequests(systemCtx(db), file, {
          onProgress: (records) => {
            bar.tick(records - seen);
            seen = records;
          },
        });
        bar.done();
        console.log(describeImport(summary));
        for (const p of summary.problems.slice(0, 20)) console.error(`  ${formatProblem(p)}`);
      });
    });
  withDataDir(requests.command('show <id>'))
    .description('one request with its work order and history, as JSON')
    .action(async (id: string, options: DataOptions) => {
      await withDb(options, async (db) => {
        const ctx = systemCtx(db);
        const request = await getServiceRequest(ctx, id);
        const order = request.workOrder && !request.duplicateOf ? await getWorkOrder(ctx, id) : null;
        console.log(JSON.stringify({ ...request, history: order?.history ?? [] }, null, 2));
      });
    });
}

import type { Command } from 'commander';
import { systemCtx } from '../../foundation/access/context.ts';
import { loadMappingFile, loadSources } from '../../foundation/fusion/mapping.ts';
import { listSources } from '../../foundation/fusion/sources.ts';
import { type DataOptions, withDataDir, withDb } from '../options.ts';

export function registerSources(program: Command): void {
  const sources = program.command('sources').description('department sources: their mappings and deliveries');
  withDataDir(sources.command('list'))
    .description('every source of the mapping folders, with its last delivery')
    .option('--json', 'print as JSON')
    .action(async (options: DataOptions & { json?: boolean }) => {
      const views = await withDb(options, (db) => listSources(systemCtx(db)));
      if (options.json) {
        console.log(JSON.stringify(views, null, 2));
        return;
      }
      for (const s of views) {
        const last = s.lastFeed
          ? `last #${s.lastFeed.id} ${s.lastFeed.deliveredAt.slice(0, 10)} ${s.lastFeed.rows} rows (${s.lastFeed.rejected} rejected)`
          : 'never ingested';
        const targets = s.targets.map((t) => `${t.name}→${t.entity}`).join(', ');
        console.log(`${s.source}\t${s.title}\t${s.delivery}\t${targets}\t${last}`);
      }
    });
  sources
    .command('check [files...]')
    .description('check mapping files (default: every mapping in the folders) and report every problem')
    .action((files: string[]) => {
      const loaded = files.length > 0 ? files.map((f) => loadMappingFile(f)) : [...loadSources().values()];
      for (const m of loaded) console.log(`${m.file}: ${m.source} ok (${m.targets.length} targets)`);
    });
}

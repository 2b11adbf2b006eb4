import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { systemCtx } from '../../foundation/access/context.ts';
import { exportAddresses } from '../../foundation/address/export.ts';
import { ADDRESS_COLUMNS, csvRecord } from '../../foundation/address/format.ts';
import { importAddresses } from '../../foundation/address/import.ts';
import { describeImport, type ImportProblem } from '../../foundation/imports/runs.ts';
import { formatProblem } from '../../lib/errors.ts';
import { progress } from '../../lib/progress.ts';
import { type DataOptions, withDataDir, withDb } from '../options.ts';

const SHOWN_PROBLEMS = 20;

/** The `address` command group: import and export here; `match` joins it (address-match.ts). */
export function registerAddress(program: Command): void {
  const address = program.command('address').description('the standard address library (CSV in and out)');

  withDataDir(address.command('import <file>'))
    .description('import the address CSV (UTF-8 or GBK); bad rows are rejected, the rest imports')
    .option('--rejects <out.csv>', 'write the rejected rows, with their reasons, to this file')
    .action(async (file: string, options: DataOptions & { rejects?: string }) => {
      const summary = await withDb(options, (db) => {
        const bar = progress('reading addresses');
        let read = 0;
        return importAddresses(systemCtx(db), file, {
          onProgress: (rows) => {
            bar.tick(rows - read);
            read = rows;
          },
          onPhase: (phase) => {
            if (phase === 'checking') bar.done();
            if (phase !== 'reading') console.error(`${phase}…`);
          },
        });
      });
      console.log(describeImport(summary));
      for (const p of summary.problems.slice(0, SHOWN_PROBLEMS))
        console.log(`${p.severity === 'warning' ? 'warning: ' : ''}${formatProblem(p)}`);
      if (summary.problems.length > SHOWN_PROBLEMS)
        console.log(
          `… and ${summary.problems.length - SHOWN_PROBLEMS} more (citybrain imports show ${summary.importId})`,
        );
      if (options.rejects) {
        const rows = await writeRejects(options.rejects, summary.problems);
        console.error(`wrote ${rows} rejected rows to ${options.rejects}`);
      }
    });

  withDataDir(address.command('export'))
    .description('write the address library as the import CSV (buildings, then rooms)')
    .option('--area <id>', 'only addresses within this area')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (options: DataOptions & { area?: string; out?: string }) => {
      const out = options.out ? createWriteStream(options.out) : process.stdout;
      await withDb(options, async (db) => {
        for await (const chunk of exportAddresses(systemCtx(db), { areaId: options.area }))
          if (!out.write(chunk)) await once(out, 'drain');
      });
      if (options.out) {
        out.end();
        await finished(out);
        console.error(`wrote ${options.out}`);
      }
    });
}

/** One line per rejected row: the row as read, then its row number and every reason. */
async function writeRejects(path: string, problems: readonly ImportProblem[]): Promise<number> {
  const rows = new Map<number, { raw: Record<string, unknown>; reasons: string[] }>();
  for (const p of problems) {
    if (p.severity !== 'error' || p.row === undefined) continue;
    const entry = rows.get(p.row) ?? { raw: p.raw ?? {}, reasons: [] };
    entry.reasons.push(p.field ? `${p.field}: ${p.reason}` : p.reason);
    rows.set(p.row, entry);
  }
  // The file's own columns, so a fixed reject file imports again (the extra columns are ignored).
  const columns = [...ADDRESS_COLUMNS] as string[];
  for (const { raw } of rows.values())
    for (const key of Object.keys(raw)) if (!columns.includes(key)) columns.push(key);
  const out = createWriteStream(path);
  out.write(csvRecord([...columns, 'row', 'reason']));
  for (const [row, { raw, reasons }] of rows) {
    const line = csvRecord([
      ...columns.map((c) => (raw[c] === undefined ? '' : String(raw[c]))),
      row,
      reasons.join('; '),
    ]);
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await finished(out);
  return rows.size;
}

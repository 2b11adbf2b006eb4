import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { defaultWorkers, matchStream, readLines } from '../../foundation/address/match/batch.ts';
import { buildMatchIndex } from '../../foundation/address/match/index.ts';
import { invalidInput } from '../../lib/errors.ts';
import { progress, step } from '../../lib/progress.ts';
import { type DataOptions, intOption, withDataDir, withDb } from '../options.ts';

interface MatchOptions extends DataOptions {
  jsonl?: boolean;
  workers: number;
}

/** `citybrain address match [FILE|-] --jsonl`: one answer per input line, in order (DESIGN.md §4). */
export function registerAddressMatch(program: Command): void {
  // `address` may already exist (import, export): match joins it as a subcommand.
  const address =
    program.commands.find((c) => c.name() === 'address') ??
    program.command('address').description('the standard address library');
  withDataDir(address.command('match'))
    .argument('[file]', 'a text file with one address per line (UTF-8 or GBK); - or nothing reads stdin')
    .description('match free-text addresses to the standard address library, one answer per line')
    .option(
      '--jsonl',
      'JSON Lines as in DESIGN.md §4 (default: tab-separated input, status, id, level, score, grid, reason)',
    )
    .option(
      '--workers <n>',
      'worker threads added for large inputs; 0 matches on one thread',
      intOption('--workers'),
      defaultWorkers(),
    )
    .action(async (file: string | undefined, options: MatchOptions) => {
      const fromStdin = file === undefined || file === '-';
      if (!fromStdin) {
        const info = await stat(file).catch(() => undefined);
        if (!info?.isFile()) throw invalidInput(`${file}: no such file`);
      }
      await withDb(options, async (db) => {
        const index = await step('loading the address library', () => buildMatchIndex(db));
        const source = fromStdin ? process.stdin : createReadStream(file, { highWaterMark: 1 << 16 });
        const bar = progress('matching');
        const counts = await matchStream(index, readLines(source), writeStdout, {
          jsonl: options.jsonl === true,
          workers: options.workers,
          data: index.data,
          onLines: (n) => bar.tick(n),
        });
        bar.done(`— ${counts.matched} matched, ${counts.ambiguous} ambiguous, ${counts.unmatched} unmatched`);
      });
    });
}

async function writeStdout(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

import type { Command } from 'commander';
import { systemCtx } from '../../foundation/access/context.ts';
import { type IngestSummary, ingestFeed } from '../../foundation/fusion/ingest.ts';
import { loadMappingFile } from '../../foundation/fusion/mapping.ts';
import { describeImport } from '../../foundation/imports/runs.ts';
import { formatProblem, invalidInput } from '../../lib/errors.ts';
import { progress } from '../../lib/progress.ts';
import { type DataOptions, withDataDir, withDb } from '../options.ts';

const SHOWN_PROBLEMS = 20;

interface IngestCommandOptions extends DataOptions {
  delivered?: string;
  force?: boolean;
  mapping?: string;
  district?: string;
  json?: boolean;
}

export function registerIngest(program: Command): void {
  withDataDir(program.command('ingest <source> <file>'))
    .description(
      "ingest one delivery of a department's feed (its mapping names columns, encoding, dates, key, priorities): " +
        'validate, standardise addresses, link entities, upsert with provenance — one transaction',
    )
    .option(
      '--delivered <date>',
      'when the department produced the file (default: a date in the file name, else now)',
    )
    .option('--force', 'ingest even if these bytes were ingested before under the same mapping')
    .option('--mapping <file>', 'use this mapping file instead of the one of SOURCE in the mapping folders')
    .option('--district <id>', 'the district the feed belongs to (default: the only one of the area tree)')
    .option('--json', 'print the summary as JSON')
    .action(async (source: string, file: string, options: IngestCommandOptions) => {
      const mapping = options.mapping ? loadMappingFile(options.mapping) : source;
      if (typeof mapping !== 'string' && mapping.source !== source)
        throw invalidInput(`${options.mapping} maps source "${mapping.source}", not "${source}"`);
      const summary = await withDb(options, (db) => {
        const bar = progress(`reading ${source}`);
        let read = 0;
        return ingestFeed(systemCtx(db), mapping, file, {
          deliveredAt: options.delivered ? parseDelivered(options.delivered) : undefined,
          force: options.force,
          districtId: options.district,
          onProgress: (rows) => {
            bar.tick(rows - read);
            read = rows;
          },
          onPhase: (phase) => {
            if (phase === 'merging') bar.done();
            if (phase !== 'reading') console.error(`${phase}…`);
          },
        });
      });
      if (options.json) {
        console.log(JSON.stringify(summary, null, 2));
        return;
      }
      printSummary(summary);
    });
}

function parseDelivered(text: string): Date {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00+08:00` : text);
  if (Number.isNaN(date.getTime()))
    throw invalidInput(`--delivered must be a date (2026-10-31), got "${text}"`);
  return date;
}

function printSummary(s: IngestSummary): void {
  if (s.alreadyIngested) {
    console.log(
      `${s.file}: already ingested as feed #${s.alreadyIngested} (same bytes, same mapping); nothing to do`,
    );
    return;
  }
  console.log(describeImport(s));
  const r = s.records;
  console.log(
    `records: ${r.new} new, ${r.changed} changed, ${r.unchanged} unchanged, ${r.stale} stale, ${r.duplicate} repeated in the file, ${r.retired} retired`,
  );
  const l = s.links;
  console.log(
    `links: ${l.exact} exact, ${l.probable} probable, ${l.new} new entities, ${l.review} in review, ${l.unlinked} without a key`,
  );
  const a = s.addresses;
  console.log(`addresses: ${a.matched} matched, ${a.unmatched} not matched, ${a.review} for review`);
  const g = s.registry;
  console.log(
    `registry: ${g.inserted} entities added, ${g.updated} updated, ${g.deleted} removed; conflicts ${g.conflictsOpened} opened, ${g.conflictsClosed} closed`,
  );
  const t = s.timingsMs;
  const sec = (ms: number) => (ms / 1000).toFixed(1);
  console.log(
    `time: read ${sec(t.read)}s, copy ${sec(t.copy)}s, merge ${sec(t.merge)}s, resolve ${sec(t.resolve)}s, review ${sec(t.review)}s`,
  );
  for (const p of s.problems.slice(0, SHOWN_PROBLEMS))
    console.log(`${p.severity === 'warning' ? 'warning: ' : ''}${formatProblem(p)}`);
  if (s.problems.length > SHOWN_PROBLEMS)
    console.log(`… and ${s.problems.length - SHOWN_PROBLEMS} more (citybrain imports show ${s.importId})`);
}

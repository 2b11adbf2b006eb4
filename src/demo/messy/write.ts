// Writes the messy-address set as JSON Lines beside the demo files, and reads it back for the bench.
// Run directly: node --import tsx src/demo/messy/write.ts LIBRARY.csv OUT.jsonl [--seed N] [--count N]
import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { readTextFile } from '../../lib/text.ts';
import { generateMessyAddresses, type MessyRecord, type Place } from './generate.ts';

export interface MessySetSummary {
  records: number;
  /** How many records carry each variation kind. */
  variations: Record<string, number>;
}

/** Reads the address CSV at `libraryCsv` (UTF-8 or GBK) and writes one record per line to `outFile`. */
export async function writeMessySet(
  libraryCsv: string,
  outFile: string,
  options: { seed: number; count: number; place?: Place },
): Promise<MessySetSummary> {
  const { text } = await readTextFile(libraryCsv);
  const records = generateMessyAddresses({ libraryCsv: text, ...options });
  await writeFile(outFile, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const variations: Record<string, number> = {};
  for (const r of records) for (const v of r.variation) variations[v] = (variations[v] ?? 0) + 1;
  return { records: records.length, variations };
}

export async function readMessySet(file: string): Promise<MessyRecord[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as MessyRecord);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { seed: { type: 'string', default: '1' }, count: { type: 'string', default: '5000' } },
  });
  const [library, out] = positionals;
  const seed = Number(values.seed);
  const count = Number(values.count);
  if (!library || !out || !Number.isInteger(seed) || !Number.isInteger(count) || count < 0) {
    console.error('usage: write.ts LIBRARY.csv OUT.jsonl [--seed N] [--count N]');
    process.exitCode = 2;
    return;
  }
  const summary = await writeMessySet(library, out, { seed, count });
  console.log(`${summary.records} messy addresses → ${out}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}

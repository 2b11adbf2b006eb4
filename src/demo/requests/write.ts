// The year of history as the data bureau receives it from the old complaint system: one JSON object
// per line (original times kept), and beside it under truth/ the true category of every hotline call
// that arrived without one, so the classifier can be scored on them.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { openCsv } from '../csv.ts';
import type { DemoDistrict } from '../model.ts';
import { generateHistory, type HistoryTruth } from './history.ts';

export const HISTORY_FILES = {
  requests: 'service-requests.jsonl',
  unclassified: 'truth/unclassified-requests.csv',
} as const;

export interface HistoryStats {
  requests: number;
  unclassified: number;
  byChannel: Record<string, number>;
}

const CHUNK = 256 * 1024;

export async function writeHistory(
  district: DemoDistrict,
  paths: { requests: string; unclassified: string },
): Promise<HistoryStats> {
  const out = createWriteStream(paths.requests);
  let failure: Error | undefined;
  out.on('error', (error) => {
    failure = error;
  });
  const truth: HistoryTruth[] = [];
  const stats: HistoryStats = { requests: 0, unclassified: 0, byChannel: {} };
  let buffer = '';
  for (const record of generateHistory(district, (t) => truth.push(t))) {
    buffer += `${JSON.stringify(record)}\n`;
    stats.requests++;
    stats.byChannel[record.channel] = (stats.byChannel[record.channel] ?? 0) + 1;
    if (buffer.length < CHUNK) continue;
    if (failure) throw failure;
    const chunk = buffer;
    buffer = '';
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end(buffer);
  await finished(out);
  const csv = openCsv(paths.unclassified, ['order_no', 'category']);
  for (const t of truth) await csv.write([t.order_no, t.category]);
  await csv.close();
  stats.unclassified = truth.length;
  return stats;
}

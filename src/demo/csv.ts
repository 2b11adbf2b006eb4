// Streaming CSV output: rows are gathered into ~64 KB chunks and written with backpressure, so a
// 600,000-line file never sits in memory and a slow disk slows the generator instead of filling RAM.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { csvRecord } from '../foundation/address/format.ts';

export interface CsvWriter {
  write(values: readonly (string | number)[]): Promise<void>;
  /** Data rows written so far (the header not counted): the row number of the last row. */
  readonly rows: number;
  close(): Promise<void>;
}

const CHUNK = 64 * 1024;

export function openCsv(path: string, header: readonly string[]): CsvWriter {
  const stream = createWriteStream(path);
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  let buffer = `${header.join(',')}\n`;
  let rows = 0;
  const flush = async () => {
    if (failure) throw failure;
    const chunk = buffer;
    buffer = '';
    if (!stream.write(chunk)) await once(stream, 'drain');
  };
  return {
    get rows() {
      return rows;
    },
    async write(values) {
      buffer += csvRecord(values);
      rows++;
      if (buffer.length >= CHUNK) await flush();
    },
    async close() {
      await flush();
      stream.end();
      await finished(stream);
    },
  };
}

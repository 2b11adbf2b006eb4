// Writes one feed file in its department's encoding and line endings, streamed in ~64 KB chunks like
// csv.ts, and beside it the truth of every row: the entity it is about, the address it means and the
// errors injected into it. Duplicates are queued to come out some rows later, as they do in real exports.
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import iconv from 'iconv-lite';

export type Encoding = 'gbk' | 'utf8-bom' | 'utf8';

export const ERROR_KINDS = [
  'bad-checksum',
  'impossible-date',
  'future-date',
  'duplicate-row',
  'duplicate-entity',
  'contradiction',
  'missing-id',
  'stale',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface InjectedError {
  kind: ErrorKind;
  /** The column header. */
  field: string;
  detail: string;
}

export interface FeedRow {
  /** Cells in column order. */
  values: string[];
  entity: string | null;
  address: string | null;
  /** `role=id` pairs joined by `|`. */
  related: string;
  errors: InjectedError[];
}

const CHUNK = 64 * 1024;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV line, cells quoted only when they must be (csvRecord without its per-row arrays). */
export function csvLine(values: readonly (string | number)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    const text = typeof value === 'number' ? String(value) : value;
    if (i > 0) line += ',';
    line += NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  }
  return `${line}\n`;
}

export interface TextSink {
  line(record: string): Promise<void>;
  close(): Promise<void>;
}

/** Encoded text output with backpressure; GBK files get CRLF as Windows exports do. */
export function openEncoded(path: string, encoding: Encoding, header: string): TextSink {
  const stream: WriteStream = createWriteStream(path);
  let failure: Error | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  const newline = encoding === 'gbk' ? '\r\n' : '\n';
  const lineOf = (record: string) => (newline === '\n' ? record : `${record.slice(0, -1)}\r\n`);
  let buffer = `${encoding === 'utf8-bom' ? '\uFEFF' : ''}${lineOf(header)}`;
  const flush = async () => {
    if (failure) throw failure;
    const chunk = buffer;
    buffer = '';
    const bytes = encoding === 'gbk' ? iconv.encode(chunk, 'gbk') : Buffer.from(chunk, 'utf8');
    if (!stream.write(bytes)) await once(stream, 'drain');
  };
  return {
    async line(record: string) {
      buffer += lineOf(record);
      if (buffer.length >= CHUNK) await flush();
    },
    async close() {
      await flush();
      stream.end();
      await finished(stream);
    },
  };
}

export interface ErrorLog {
  write(file: string, source: string, row: number, error: InjectedError): Promise<void>;
  /** Injected errors by source and kind. */
  readonly counts: Map<string, Map<ErrorKind, number>>;
  close(): Promise<void>;
}

export function openErrorLog(path: string): ErrorLog {
  const csv = openEncoded(path, 'utf8', csvLine(['file', 'source', 'row', 'kind', 'field', 'detail']));
  const counts = new Map<string, Map<ErrorKind, number>>();
  return {
    counts,
    async write(file, source, row, error) {
      const bySource = counts.get(source) ?? new Map<ErrorKind, number>();
      bySource.set(error.kind, (bySource.get(error.kind) ?? 0) + 1);
      counts.set(source, bySource);
      await csv.line(csvLine([file, source, row, error.kind, error.field, error.detail]));
    },
    close: () => csv.close(),
  };
}

export interface FeedWriter {
  write(row: FeedRow): Promise<number>;
  /** Writes `row` after `after` more rows have been written (or at the end). */
  later(row: FeedRow, after: number): void;
  /** Data rows written so far: the number of the last one. */
  readonly rows: number;
  close(): Promise<number>;
}

export interface FeedFile {
  source: string;
  /** File name under feeds/, e.g. `police_household_20260930.csv`. */
  file: string;
  encoding: Encoding;
  header: readonly string[];
}

export function openFeed(feedPath: string, truthPath: string, spec: FeedFile, errors: ErrorLog): FeedWriter {
  const out = openEncoded(feedPath, spec.encoding, csvLine(spec.header));
  const truth = openEncoded(
    truthPath,
    'utf8',
    csvLine(['row', 'entity_id', 'address_id', 'related', 'errors']),
  );
  let rows = 0;
  const pending = new Map<number, FeedRow[]>();
  const put = async (row: FeedRow) => {
    if (row.values.length !== spec.header.length)
      throw new Error(`${spec.file}: ${row.values.length} cells for ${spec.header.length} columns`);
    await out.line(csvLine(row.values));
    rows++;
    const kinds = row.errors.length === 0 ? '' : row.errors.map((e) => e.kind).join('|');
    await truth.line(csvLine([rows, row.entity ?? '', row.address ?? '', row.related, kinds]));
    for (const error of row.errors) await errors.write(spec.file, spec.source, rows, error);
  };
  let checked = 0;
  const drain = async () => {
    while (checked < rows) {
      checked++;
      const due = pending.get(checked);
      if (!due) continue;
      pending.delete(checked);
      for (const row of due) await put(row);
    }
  };
  return {
    get rows() {
      return rows;
    },
    async write(row) {
      await put(row);
      const number = rows;
      await drain();
      return number;
    },
    later(row, after) {
      const due = rows + Math.max(1, after);
      pending.set(due, [...(pending.get(due) ?? []), row]);
    },
    async close() {
      for (const due of [...pending.keys()].sort((a, b) => a - b))
        for (const row of pending.get(due)!) await put(row);
      pending.clear();
      await out.close();
      await truth.close();
      return rows;
    },
  };
}

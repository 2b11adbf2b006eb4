// Reading a feed file as a stream: one pass hashes it and settles the encoding (UTF-8 with or without
// BOM, or GB18030/GBK), a second decodes and parses CSV row by row, so a file of millions of rows
// never sits in memory as one string.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline, Transform } from 'node:stream';
import { CsvSyntaxError, csvRecordsOf } from '../../lib/csv.ts';
import { invalidInput } from '../../lib/errors.ts';
import type { TextEncoding } from '../../lib/text.ts';

export interface FeedFile {
  path: string;
  /** The name problems and the import log show. */
  name: string;
  sha256: string;
  bytes: number;
  encoding: TextEncoding;
}

/** Looked at to decide between UTF-8 and GB18030 when the mapping says `auto`. */
const SNIFF_BYTES = 1 << 20;

/** Hashes the file and settles its encoding: the mapping's, or for `auto` what its bytes are. */
export async function inspectFeedFile(
  path: string,
  declared: 'auto' | TextEncoding,
  name = path,
): Promise<FeedFile> {
  let bytes: number;
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headBytes = 0;
  try {
    bytes = (await stat(path)).size;
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      if (headBytes < SNIFF_BYTES) {
        head.push(chunk);
        headBytes += chunk.length;
      }
    }
  } catch (error) {
    throw unreadable(name, error);
  }
  const sample = Buffer.concat(head).subarray(0, SNIFF_BYTES);
  if (sample.includes(0)) throw invalidInput(`${name} is not a text file (it contains NUL bytes)`);
  return {
    path,
    name,
    sha256: hash.digest('hex'),
    bytes,
    encoding: declared === 'auto' ? sniffEncoding(sample) : declared,
  };
}

/** A file the file system would not give us (gone, a folder, a disk error), as an error naming it. */
function unreadable(name: string, error: unknown) {
  const code = (error as NodeJS.ErrnoException).code;
  return invalidInput(
    code === 'ENOENT' ? `${name}: no such file` : `${name}: cannot be read (${code ?? error})`,
  );
}

function sniffEncoding(sample: Uint8Array): TextEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  try {
    // stream: a character cut at the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** Bytes → text, failing with the byte offset when UTF-8 turns out not to be. */
function decoder(file: FeedFile): Transform {
  const text = new TextDecoder(file.encoding, { fatal: file.encoding === 'utf-8' });
  let offset = 0;
  return new Transform({
    // Strings out, as decoded: not turned back into bytes for the CSV reader to decode again.
    readableObjectMode: true,
    decodeStrings: true,
    transform(chunk: Buffer, _enc, done) {
      try {
        const out = text.decode(chunk, { stream: true });
        offset += chunk.length;
        done(null, out);
      } catch {
        done(
          invalidInput(
            `${file.name} is not valid UTF-8 near byte ${offset}: declare encoding: gb18030 in its mapping`,
            [{ file: file.name, reason: `invalid UTF-8 after byte ${offset}` }],
          ),
        );
      }
    },
    flush(done) {
      done(null, text.decode());
    },
  });
}

export interface FeedRow {
  /** 1-based data row (the header and skipped lines not counted), as import problems number them. */
  rowNumber: number;
  fields: string[];
}

export interface FeedReader {
  header: string[];
  rows: AsyncGenerator<FeedRow>;
}

/** Opens the file, reads the header row (after `skipLines` lines) and streams the data rows. */
export async function openFeedRows(
  file: FeedFile,
  options: { delimiter: string; skipLines: number },
): Promise<FeedReader> {
  // pipeline(), not pipe(): a read error reaches the rows (pipe() left them waiting for ever), and
  // destroying the decoder closes the file.
  const source = pipeline(createReadStream(file.path), decoder(file), () => {});
  const records = csvRecordsOf(source as AsyncIterable<string>, {
    delimiter: options.delimiter,
    skipLines: options.skipLines,
    relaxQuotes: true,
  });
  const fail = (error: unknown, row: number): never => {
    if (error instanceof CsvSyntaxError)
      throw invalidInput(`${file.name} is not a readable CSV file`, [
        { file: file.name, ...(row > 0 && { row }), reason: error.message },
      ]);
    // The file system's own, not one of ours.
    if (error instanceof Error && 'syscall' in error) throw unreadable(file.name, error);
    throw error;
  };
  let first: IteratorResult<string[]>;
  try {
    first = await records.next();
  } catch (error) {
    return fail(error, 0);
  }
  if (first.done)
    throw invalidInput(`${file.name} is empty: expected a header row`, [
      { file: file.name, reason: 'empty file' },
    ]);
  const header = first.value.map((h) => h.replace(/^\ufeff/, '').trim());
  async function* rows(): AsyncGenerator<FeedRow> {
    let rowNumber = 0;
    try {
      for (;;) {
        const next = await records.next();
        if (next.done) return;
        rowNumber += 1;
        yield { rowNumber, fields: next.value };
      }
    } catch (error) {
      fail(error, rowNumber + 1);
    } finally {
      source.destroy();
    }
  }
  return { header, rows: rows() };
}

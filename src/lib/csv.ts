// RFC 4180 records, from text in memory (the address import, the demo's library) or streamed in
// chunks (department feeds). Most rows of a department's file hold no quote at all, so such a line
// is split() whole; only a line with a quote is read field by field. This is several times faster
// than a general streaming parser (csv-parse took a tenth of a feed ingest's main thread at scale 1)
// and allocates little beyond the fields themselves.

/** Text that is not valid CSV; `line` is the 1-based line of the text where the faulty field starts. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'CsvSyntaxError';
  }
}

export interface CsvOptions {
  /** One character; default a comma. */
  delimiter?: string;
  /** A quote inside an unquoted field is kept as a character, not refused (exports that write 5" pipe). */
  relaxQuotes?: boolean;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * The records of `text` as arrays of fields: quotes removed and `""` read as `"`, line breaks inside
 * quotes kept, a leading BOM and blank lines skipped. Records end with LF or CRLF, or with CR alone
 * in a text without any LF (old Mac spreadsheets). Records may differ in length:
 * the caller checks them against its header. A quote inside an unquoted field (unless relaxed), text
 * after a closing quote, or a quote never closed throws a CsvSyntaxError.
 */
export function* csvRecords(text: string, options: CsvOptions = {}): Generator<string[], void, undefined> {
  const reader = new RecordReader(text, eolOf(text), options);
  yield* reader.records(true);
}

/**
 * The same records from text arriving in chunks (a decoded file stream): each record is read once
 * whole, so memory holds a chunk and the record it ends in, not the file. `skipLines` lines before
 * the first record are dropped.
 */
export async function* csvRecordsOf(
  chunks: AsyncIterable<string>,
  options: CsvOptions & { skipLines?: number } = {},
): AsyncGenerator<string[], void, undefined> {
  let reader: RecordReader | undefined;
  let pending = '';
  let skip = options.skipLines ?? 0;
  for await (const chunk of chunks) {
    pending += chunk;
    if (!reader) {
      // Line ends are known once a line has ended (a CR alone may be the first half of a CRLF).
      const lf = pending.indexOf('\n');
      const cr = pending.indexOf('\r');
      if (lf < 0 && (cr < 0 || cr === pending.length - 1)) continue;
      reader = new RecordReader(pending, lf >= 0 ? '\n' : '\r', options);
    } else reader.feed(pending);
    pending = '';
    if (skip > 0) skip = reader.skip(skip);
    if (skip === 0) yield* reader.records(false);
  }
  // Text without a line end yet is the whole file: one record, or none.
  reader ??= new RecordReader(pending, eolOf(pending), options);
  if (skip > 0) reader.skip(skip);
  yield* reader.records(true);
}

/**
 * A field as a string of its own. V8 makes a substring of 13 or more characters a view into the text
 * it was cut from: one resident ID kept in the linker would keep its whole chunk of the file alive
 * (928,000 IDs of the scale-1 household file kept 318 MB of heap alive; copied, 111 MB). Copying
 * costs a few ns a field.
 */
const own = (field: string): string => (field.length < 13 ? field : ` ${field}`.slice(1));

const eolOf = (text: string) => (!text.includes('\n') && text.includes('\r') ? '\r' : '\n');

class RecordReader {
  private at = 0;
  private line = 1;
  /** The next quote at or after `at`, searched again only once passed: one scan of the text in all. */
  private quote = -1;
  private readonly delimiter: string;
  private readonly delimiterCode: number;
  private readonly eolCode: number;
  private readonly relaxQuotes: boolean;

  constructor(
    private text: string,
    private readonly eol: string,
    options: CsvOptions,
  ) {
    this.delimiter = options.delimiter ?? ',';
    if (this.delimiter.length !== 1)
      throw new Error(`a CSV delimiter is one character, not "${this.delimiter}"`);
    this.delimiterCode = this.delimiter.charCodeAt(0);
    this.eolCode = eol.charCodeAt(0);
    this.relaxQuotes = options.relaxQuotes ?? false;
    if (text.charCodeAt(0) === 0xfeff) this.at = 1;
  }

  /** Appends text; what was read is dropped. */
  feed(more: string): void {
    // A quote found ahead stays found; "none ahead" held for the old text only.
    this.quote = this.quote >= this.at && this.quote < this.text.length ? this.quote - this.at : -1;
    this.text = this.text.slice(this.at) + more;
    this.at = 0;
  }

  /** Drops up to `lines` whole lines; returns how many are still to drop. */
  skip(lines: number): number {
    let left = lines;
    while (left > 0) {
      const end = this.text.indexOf(this.eol, this.at);
      if (end < 0) return left;
      this.at = end + 1;
      this.line += 1;
      left -= 1;
    }
    return 0;
  }

  /** The records in the text so far; unless `final`, the last one is left until more text comes. */
  *records(final: boolean): Generator<string[], void, undefined> {
    const { text, eol } = this;
    const length = text.length;
    while (this.at < length) {
      const at = this.at;
      let end = text.indexOf(eol, at);
      if (end < 0) {
        if (!final) return;
        end = length;
      }
      if (this.quote < at) this.quote = text.indexOf('"', at) >>> 0; // -1 (none) becomes 2^32 - 1: never reached
      if (this.quote >= end) {
        const stop = eol === '\n' && end > at && text.charCodeAt(end - 1) === CR ? end - 1 : end;
        if (stop > at) {
          const fields = text.slice(at, stop).split(this.delimiter);
          for (let i = 0; i < fields.length; i++) fields[i] = own(fields[i]!);
          yield fields;
        }
        this.at = end + 1;
        this.line += 1;
        continue;
      }
      const record = this.quotedRecord(at, final);
      // It runs past the text seen so far: read again once more text came.
      if (!record) return;
      this.at = record.next;
      this.line = record.line;
      yield record.fields;
    }
  }

  /**
   * Reads one record that has a quote somewhere, field by field; it may span several lines. Null,
   * unless `final`, when it runs to the end of the text so far.
   */
  private quotedRecord(
    start: number,
    final: boolean,
  ): { fields: string[]; next: number; line: number } | null {
    const { text, eolCode, delimiterCode } = this;
    const length = text.length;
    const fields: string[] = [];
    let line = this.line;
    let at = start;
    for (;;) {
      let value = '';
      let code: number;
      if (text.charCodeAt(at) === QUOTE) {
        let from = at + 1;
        for (;;) {
          const close = text.indexOf('"', from);
          if (close < 0) {
            if (!final) return null;
            throw new CsvSyntaxError(line, 'a quoted field is never closed');
          }
          value += text.slice(from, close);
          // A quote at the end of the text so far may be the first of a doubled one.
          if (!final && close + 1 === length) return null;
          if (text.charCodeAt(close + 1) !== QUOTE) {
            at = close + 1;
            break;
          }
          value += '"';
          from = close + 2;
        }
        for (let i = value.indexOf(this.eol); i >= 0; i = value.indexOf(this.eol, i + 1)) line += 1;
        code = text.charCodeAt(at);
        if (eolCode === LF && code === CR) {
          if (!final && at + 1 === length) return null;
          if (text.charCodeAt(at + 1) === LF) code = text.charCodeAt(++at);
        }
        if (at < length && code !== delimiterCode && code !== eolCode)
          throw new CsvSyntaxError(line, `text after the closing quote of field ${fields.length + 1}`);
      } else {
        let stop = at;
        for (code = text.charCodeAt(stop); stop < length && code !== delimiterCode && code !== eolCode; ) {
          if (code === QUOTE && !this.relaxQuotes)
            throw new CsvSyntaxError(line, `a quote inside unquoted field ${fields.length + 1}`);
          code = text.charCodeAt(++stop);
        }
        const crlf = eolCode === LF && code === LF && stop > at && text.charCodeAt(stop - 1) === CR;
        value = text.slice(at, crlf ? stop - 1 : stop);
        at = stop;
      }
      // The record runs to the end of the text so far: more of it may follow.
      if (!final && at >= length) return null;
      fields.push(own(value));
      at += 1;
      if (code !== delimiterCode || at > length) return { fields, next: at, line: line + 1 };
    }
  }
}

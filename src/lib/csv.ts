// RFC 4180 records from text already in memory: the CSV reader for files read whole (the address
// import, the demo's library). Most rows of a department's file hold no quote at all, so such a line
// is split() whole; only a line with a quote is read field by field. This is several times faster
// than a general streaming parser and allocates little beyond the fields themselves.

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

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * The records of `text` as arrays of fields: quotes removed and `""` read as `"`, line breaks inside
 * quotes kept, a leading BOM and blank lines skipped. Records end with LF or CRLF, or with CR alone
 * in a text without any LF (old Mac spreadsheets). Records may differ in length:
 * the caller checks them against its header. A quote inside an unquoted field, text after a
 * closing quote, or a quote never closed throws a CsvSyntaxError.
 */
export function* csvRecords(text: string): Generator<string[], void, undefined> {
  const length = text.length;
  const eol = !text.includes('\n') && text.includes('\r') ? '\r' : '\n';
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  // The next quote at or after `at`, searched again only once passed: one scan of the text in all.
  let quote = -1;
  while (at < length) {
    let end = text.indexOf(eol, at);
    if (end < 0) end = length;
    if (quote < at) quote = text.indexOf('"', at) >>> 0; // -1 (none) becomes 2^32 - 1: never reached
    if (quote >= end) {
      const stop = eol === '\n' && end > at && text.charCodeAt(end - 1) === CR ? end - 1 : end;
      if (stop > at) yield text.slice(at, stop).split(',');
      at = end + 1;
      line += 1;
      continue;
    }
    const record = quotedRecord(text, at, line, eol);
    yield record.fields;
    at = record.next;
    line = record.line;
  }
}

/** Reads one record that has a quote somewhere, field by field; it may span several lines. */
function quotedRecord(text: string, start: number, startLine: number, eol: string) {
  const length = text.length;
  const eolCode = eol.charCodeAt(0);
  const fields: string[] = [];
  let line = startLine;
  let at = start;
  for (;;) {
    let value = '';
    let code: number;
    if (text.charCodeAt(at) === QUOTE) {
      let from = at + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close < 0) throw new CsvSyntaxError(line, 'a quoted field is never closed');
        value += text.slice(from, close);
        if (text.charCodeAt(close + 1) !== QUOTE) {
          at = close + 1;
          break;
        }
        value += '"';
        from = close + 2;
      }
      for (let i = value.indexOf(eol); i >= 0; i = value.indexOf(eol, i + 1)) line += 1;
      code = text.charCodeAt(at);
      if (eolCode === LF && code === CR && text.charCodeAt(at + 1) === LF) code = text.charCodeAt(++at);
      if (at < length && code !== COMMA && code !== eolCode)
        throw new CsvSyntaxError(line, `text after the closing quote of field ${fields.length + 1}`);
    } else {
      let stop = at;
      for (code = text.charCodeAt(stop); stop < length && code !== COMMA && code !== eolCode; ) {
        if (code === QUOTE)
          throw new CsvSyntaxError(line, `a quote inside unquoted field ${fields.length + 1}`);
        code = text.charCodeAt(++stop);
      }
      const crlf = eolCode === LF && code === LF && stop > at && text.charCodeAt(stop - 1) === CR;
      value = text.slice(at, crlf ? stop - 1 : stop);
      at = stop;
    }
    fields.push(value);
    at += 1;
    if (code !== COMMA || at > length) return { fields, next: at, line: line + 1 };
  }
}

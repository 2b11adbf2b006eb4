import { describe, expect, it } from 'vitest';
import { type CsvOptions, CsvSyntaxError, csvRecords, csvRecordsOf } from './csv.ts';

const read = (text: string) => [...csvRecords(text)];

describe('csvRecords', () => {
  it('splits plain lines, LF or CRLF, skipping blank lines', () => {
    expect(read('a,b,c\n1,2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
    expect(read('a,b\r\n\r\n1,2\r\n\n3,4')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(read('')).toEqual([]);
  });

  it('reads a text whose lines end with CR alone, as old Mac spreadsheets write them', () => {
    expect(read('a,b\r1,"x\ry"\r\r2,3')).toEqual([
      ['a', 'b'],
      ['1', 'x\ry'],
      ['2', '3'],
    ]);
    expect(() => read('a\r"b\rc')).toThrow('line 2: a quoted field is never closed');
  });

  it('keeps empty fields and rows of any length', () => {
    expect(read('a,,c,\n1\n,\n')).toEqual([['a', '', 'c', ''], ['1'], ['', '']]);
  });

  it('reads quoted fields: commas, escaped quotes and line breaks inside', () => {
    expect(read('id,name\n1,"华强, ""北"" 路"\n2,"two\nlines"\r\n3,"a\r\nb",""\n')).toEqual([
      ['id', 'name'],
      ['1', '华强, "北" 路'],
      ['2', 'two\nlines'],
      ['3', 'a\r\nb', ''],
    ]);
    expect(read('"x","y"')).toEqual([['x', 'y']]);
    expect(read('"x",\n"",y\r\n')).toEqual([
      ['x', ''],
      ['', 'y'],
    ]);
  });

  it('skips a leading BOM', () => {
    expect(read('\ufeffaddress_id,level\n1,building\n')).toEqual([
      ['address_id', 'level'],
      ['1', 'building'],
    ]);
  });

  it('names the line of a quote that is never closed, counting lines inside quotes', () => {
    const text = 'a,b\n"1\n2",x\n3,"open\n4,5\n';
    const records = csvRecords(text);
    expect(records.next().value).toEqual(['a', 'b']);
    expect(records.next().value).toEqual(['1\n2', 'x']);
    expect(() => records.next()).toThrow(new CsvSyntaxError(4, 'a quoted field is never closed'));
    expect(() => read('a\n"b')).toThrow('line 2: a quoted field is never closed');
  });

  it('refuses stray quotes', () => {
    expect(() => read('a,b\n1,2"3\n')).toThrow('line 2: a quote inside unquoted field 2');
    expect(() => read('a\n\n"1"2,3\n')).toThrow('line 3: text after the closing quote of field 1');
  });
});

/** The text streamed in chunks of `size` characters. */
async function readStreamed(text: string, size: number, options: CsvOptions & { skipLines?: number } = {}) {
  async function* chunks() {
    for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
  }
  const out: string[][] = [];
  for await (const record of csvRecordsOf(chunks(), options)) out.push(record);
  return out;
}

describe('csvRecordsOf', () => {
  const texts = [
    'a,b,c\n1,2,3\n',
    'a,b\r\n\r\n1,2\r\n\n3,4',
    'a,b\r1,"x\ry"\r\r2,3',
    'a,,c,\n1\n,\n',
    'id,name\n1,"华强, ""北"" 路"\n2,"two\nlines"\r\n3,"a\r\nb",""\n',
    '"x","y"',
    '"x",\n"",y\r\n',
    '\ufeffaddress_id,level\n1,building\n',
    'a,b\n,""\n"",x\n',
    '',
  ];

  it('reads, chunk by chunk, the records the whole text holds', async () => {
    for (const text of texts)
      for (const size of [1, 2, 3, 5, 64])
        expect(await readStreamed(text, size), `${JSON.stringify(text)} in chunks of ${size}`).toEqual([
          ...csvRecords(text),
        ]);
  });

  it('fails as the whole text does', async () => {
    for (const size of [1, 4, 64]) {
      await expect(readStreamed('a,b\n"1\n2",x\n3,"open\n4,5\n', size)).rejects.toThrow(
        new CsvSyntaxError(4, 'a quoted field is never closed'),
      );
      await expect(readStreamed('a,b\n1,2"3\n', size)).rejects.toThrow(
        'line 2: a quote inside unquoted field 2',
      );
      await expect(readStreamed('a\n\n"1"2,3\n', size)).rejects.toThrow(
        'line 3: text after the closing quote of field 1',
      );
    }
  });

  it('takes another delimiter, keeps stray quotes when relaxed, and skips lines before the header', async () => {
    for (const size of [1, 3, 64]) {
      expect(await readStreamed('a;b\n1;"x;y"\n', size, { delimiter: ';' })).toEqual([
        ['a', 'b'],
        ['1', 'x;y'],
      ]);
      expect(await readStreamed('a\tb\n5"\t"6"\n', size, { delimiter: '\t', relaxQuotes: true })).toEqual([
        ['a', 'b'],
        ['5"', '6'],
      ]);
      expect(await readStreamed('导出时间 2026-10-31\n\na,b\n1,2\n', size, { skipLines: 2 })).toEqual([
        ['a', 'b'],
        ['1', '2'],
      ]);
    }
  });
});

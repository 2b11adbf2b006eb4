import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, csvRecords } from './csv.ts';

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

import { describe, expect, it } from 'vitest';
import { detectDelimiter, parseDelimited } from './catalog.csv.ts';

describe('detectDelimiter', () => {
  it('picks tab when the header has more tabs than commas', () => {
    expect(detectDelimiter('id\ttitle\tprice\n1\ta, b\t1 USD')).toBe('\t');
    expect(detectDelimiter('id,title,price\n1,"a\tb",1 USD')).toBe(',');
    expect(detectDelimiter('id')).toBe(',');
  });
});

describe('parseDelimited (CSV)', () => {
  it('handles quoted commas, escaped quotes and line breaks, with the starting line of each record', () => {
    const text = 'id,title,description\r\n1,"Shirt, red","He said ""hi"""\r\n2,Plain,"line one\nline two\r\nline three"\n3,x,y';
    expect(parseDelimited(text, ',')).toEqual([
      { line: 1, fields: ['id', 'title', 'description'] },
      { line: 2, fields: ['1', 'Shirt, red', 'He said "hi"'] },
      { line: 3, fields: ['2', 'Plain', 'line one\nline two\r\nline three'] },
      { line: 6, fields: ['3', 'x', 'y'] },
    ]);
  });
  it('keeps a quote inside an unquoted field, empty fields and a trailing delimiter', () => {
    expect(parseDelimited('a,5" TV,,\n', ',')).toEqual([{ line: 1, fields: ['a', '5" TV', '', ''] }]);
  });
  it('skips blank lines, drops a BOM and accepts lone CR line ends', () => {
    expect(parseDelimited('\uFEFFa,b\r\rc,d\r', ',')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['c', 'd'] },
    ]);
  });
  it('flags text after a closing quote and keeps parsing the next records', () => {
    const r = parseDelimited('a,"b"x,c\nd,e,f', ',');
    expect(r[0]).toEqual({ line: 1, fields: ['a', 'bx', 'c'], error: { column: 1, message: 'unexpected text after a closing quote' } });
    expect(r[1]).toEqual({ line: 2, fields: ['d', 'e', 'f'] });
  });
  it('flags a quote that is never closed', () => {
    const r = parseDelimited('a,b\nc,"d\ne,f', ',');
    expect(r).toHaveLength(2);
    expect(r[1]).toMatchObject({ line: 2, error: { column: 1, message: 'quoted field is never closed' } });
  });
  it('parses a quoted empty field and quoted field at end of input', () => {
    expect(parseDelimited('"",x,"y"', ',')).toEqual([{ line: 1, fields: ['', 'x', 'y'] }]);
  });
});

describe('parseDelimited (TSV)', () => {
  it('honours well-formed quotes and reads malformed ones literally', () => {
    const text = 'id\ttitle\n1\t"A\tB"\n2\t"Best" shirt\n3\t"open quote';
    expect(parseDelimited(text, '\t')).toEqual([
      { line: 1, fields: ['id', 'title'] },
      { line: 2, fields: ['1', 'A\tB'] },
      { line: 3, fields: ['2', '"Best" shirt'] },
      { line: 4, fields: ['3', '"open quote'] },
    ]);
  });
  it('treats commas as ordinary characters', () => {
    expect(parseDelimited('a, b\tc', '\t')).toEqual([{ line: 1, fields: ['a, b', 'c'] }]);
  });
});

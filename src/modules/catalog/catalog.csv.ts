/**
 * A small delimited-text parser for product feeds (RFC 4180 CSV, and the tab-separated files
 * Merchant Center takes). No I/O.
 *
 * Contract:
 * - A field is quoted only when its first character is `"`; inside, `""` is a quote and
 *   delimiters and line breaks are literal. A `"` later in an unquoted field is literal (`5" TV`).
 * - Records end at \n, \r\n or \r outside quotes. Each record carries the physical (1-based) line
 *   it starts on, so errors point at the line a spreadsheet user sees.
 * - Blank lines are skipped. A leading byte-order mark is dropped.
 * - CSV is strict about quotes: text after a closing quote, or a quote never closed, flags the
 *   record. TSV producers rarely quote, so there a field that does not parse as quoted is read
 *   literally instead (`"Best" shirt` stays as written).
 */

export type Delimiter = ',' | '\t';

export interface DelimitedRecord {
  /** Physical line the record starts on (1-based). */
  line: number;
  fields: string[];
  /** Set when the record is malformed; `column` is the 0-based index of the offending field. */
  error?: { column: number; message: string };
}

/** Tab-separated when the first line has more tabs than commas, else comma-separated. */
export function detectDelimiter(text: string): Delimiter {
  const end = text.search(/[\r\n]/);
  const first = end < 0 ? text : text.slice(0, end);
  let tabs = 0, commas = 0;
  for (const ch of first) {
    if (ch === '\t') tabs++;
    else if (ch === ',') commas++;
  }
  return tabs > commas ? '\t' : ',';
}

export function parseDelimited(input: string, delimiter: Delimiter): DelimitedRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const n = text.length;
  const records: DelimitedRecord[] = [];
  let pos = 0;
  let line = 1;

  /** Consumes one line break at pos if there is one. */
  const atBreak = (i: number): number => (text[i] === '\r' ? (text[i + 1] === '\n' ? 2 : 1) : text[i] === '\n' ? 1 : 0);

  /** Reads an unquoted field starting at i; returns the end index (at delimiter, break or EOF). */
  const scanPlain = (i: number): number => {
    while (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') i++;
    return i;
  };

  while (pos < n) {
    const startLine = line;
    const fields: string[] = [];
    let error: DelimitedRecord['error'];
    for (;;) {
      let value: string;
      if (text[pos] === '"') {
        // Quoted field: find the closing quote, unescaping "" on the way.
        let i = pos + 1;
        let out = '';
        let closed = false;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) { out += text.slice(i); i = n; break; }
          out += text.slice(i, q);
          if (text[q + 1] === '"') { out += '"'; i = q + 2; continue; }
          closed = true;
          i = q + 1;
          break;
        }
        const linesInside = countBreaks(out);
        const endsCleanly = closed && (i >= n || text[i] === delimiter || atBreak(i) > 0);
        if (endsCleanly) {
          value = out;
          line += linesInside;
          pos = i;
        } else if (delimiter === '\t') {
          const end = scanPlain(pos);
          value = text.slice(pos, end);
          pos = end;
        } else if (!closed) {
          error ??= { column: fields.length, message: 'quoted field is never closed' };
          line += linesInside;
          fields.push(out);
          pos = n;
          break;
        } else {
          error ??= { column: fields.length, message: 'unexpected text after a closing quote' };
          line += linesInside;
          const end = scanPlain(i);
          value = out + text.slice(i, end);
          pos = end;
        }
      } else {
        const end = scanPlain(pos);
        value = text.slice(pos, end);
        pos = end;
      }
      fields.push(value);
      if (pos < n && text[pos] === delimiter) { pos++; continue; }
      break;
    }
    const br = atBreak(pos);
    if (br) { pos += br; line++; }
    const blank = fields.length === 1 && fields[0] === '' && !error;
    if (!blank) records.push(error ? { line: startLine, fields, error } : { line: startLine, fields });
  }
  return records;
}

function countBreaks(s: string): number {
  let k = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || (c === 13 && s.charCodeAt(i + 1) !== 10)) k++;
  }
  return k;
}

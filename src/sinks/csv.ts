// Batches as CSV for DuckDB's read_csv.
import type { StoredRow } from '../core/store.js';

/**
 * CSV for read_csv: a third smaller than NDJSON (no repeated keys) and faster to parse. NULL is an
 * empty unquoted field; an empty string is written quoted ("") and read back as '' because
 * allow_quoted_nulls is off.
 */
export function toCsv(rows: readonly StoredRow[]): string {
  if (rows.length === 0) return '';
  const width = rows[0].length;
  // Metadata strings repeat row after row (often the very same instance): quote each once.
  const lastIn: unknown[] = new Array(width);
  const lastOut: string[] = new Array(width);
  let out = '';
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < width; i++) {
      const v = row[i];
      let text: string;
      if (v === null || v === undefined) text = '';
      else if (typeof v !== 'string') text = Object.is(v, -0) ? '-0.0' : String(v);
      else if (v === lastIn[i]) text = lastOut[i];
      else {
        text = csvString(v);
        lastIn[i] = v;
        lastOut[i] = text;
      }
      line += i === 0 ? text : `,${text}`;
    }
    out += `${line}\n`;
  }
  return out;
}

const NEEDS_QUOTES = /[",\n\r]/;

function csvString(s: string): string {
  if (s === '') return '""';
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// format=csv / Accept: text/csv, in the shape of the captured CSV answers (samples FUELHH_*.csv,
// SYSTEMPRICES_*.csv): a header of PascalCase field names in the JSON key order, one line per row,
// booleans as True/False, nulls empty. XML is not served: 406 Not Acceptable (docs/simulator.md).
import type { Route } from './catalog.js';
import type { FieldShape } from './openapi.js';

export const CSV_TYPE = 'text/csv; charset=utf-8';

export type AnswerFormat = 'json' | 'csv' | 'unacceptable';

/** What a request asks for: its `format` parameter, else its Accept header. Stream endpoints are JSON only. */
export function answerFormat(route: Route, params: URLSearchParams, accept: string | undefined): AnswerFormat {
  if (route.stream) return 'json';
  let format: string | undefined;
  for (const [k, v] of params) if (k.toLowerCase() === 'format') format = v.toLowerCase();
  if (format === undefined) {
    const types = (accept ?? '').toLowerCase();
    if (types.includes('text/csv') && !/json|\*\/\*/.test(types)) format = 'csv';
    else if (/\/xml/.test(types) && !/json|\*\/\*/.test(types)) format = 'xml';
  }
  if (format === 'csv') return route.endpoint.csv ? 'csv' : 'unacceptable';
  if (format === 'xml') return 'unacceptable';
  return 'json';
}

/** The JSON body's rows as CSV: the whole body is read first (non-stream windows are bounded). */
export function* csvChunks(json: Iterable<Buffer>, fields: readonly FieldShape[]): Generator<Buffer> {
  const parts: Buffer[] = [];
  for (const b of json) parts.push(b);
  const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as { data?: Record<string, unknown>[] } | Record<string, unknown>[];
  const rows = Array.isArray(body) ? body : (body.data ?? []);
  const names = fields.map((f) => f.name);
  const lines = [names.map((n) => n.charAt(0).toUpperCase() + n.slice(1)).join(',')];
  for (const row of rows) lines.push(names.map((n) => cell(row[n])).join(','));
  yield Buffer.from(lines.join('\n') + '\n', 'utf8');
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

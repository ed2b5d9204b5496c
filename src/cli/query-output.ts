// The three shapes of `bmrs query` output, each written chunk by chunk as DuckDB hands the result
// over, so that memory stays flat however many rows come back. Each returns early (quietly) when
// the reader closes stdout.
import type { QueryStream, QueryValue } from '../sinks/duckdb-query.js';
import { columnWidths, csvCell, style, colour, tableLine } from './render.js';
import type { Write } from './stdout.js';

/** CSV with a header row; NULL is an empty field. */
export async function writeCsv(q: QueryStream, write: Write): Promise<void> {
  if (!(await write(q.columns.map(csvCell).join(',') + '\n'))) return;
  for await (const chunk of q.chunks()) {
    let text = '';
    for (const r of chunk.rows()) text += r.map(csvCell).join(',') + '\n';
    if (!(await write(text))) return;
  }
}

/**
 * One JSON array of objects, one object per line. Duplicate column names would collapse into one
 * key, so the second `x` becomes `x_2` (the third `x_3`, skipping names the query already uses).
 */
export async function writeJsonRows(q: QueryStream, write: Write): Promise<void> {
  const prefixes = uniqueKeys(q.columns).map((k, i) => `${i === 0 ? '{' : ','}${JSON.stringify(k)}:`);
  let first = true;
  if (!(await write('['))) return;
  for await (const chunk of q.chunks()) {
    let text = '';
    for (const r of chunk.rows()) {
      text += first ? '\n' : ',\n';
      first = false;
      for (let i = 0; i < prefixes.length; i++) text += prefixes[i] + JSON.stringify(r[i]);
      text += prefixes.length === 0 ? '{}' : '}';
    }
    if (!(await write(text))) return;
  }
  await write(first ? ']\n' : '\n]\n');
}

export function uniqueKeys(columns: readonly string[]): string[] {
  const used = new Set(columns);
  const taken = new Set<string>();
  return columns.map((c) => {
    let key = c;
    for (let n = 2; taken.has(key); n++) {
      key = `${c}_${n}`;
      if (used.has(key)) key = c;
    }
    taken.add(key);
    return key;
  });
}

/** Columns are sized from up to this many rows; later rows (with --limit-rows 0) keep those widths. */
const SIZING_ROWS = 1000;

export interface TableOutcome {
  shown: number;
  total: number;
  /** False when the reader closed stdout before the end. */
  complete: boolean;
}

/**
 * An aligned text table of the first `limit` rows (0: every row); the rest are counted, not converted.
 * NULL is shown as ∅ (dimmed when colour is on), so it differs from the text 'NULL' and from ''.
 */
export async function writeTable(q: QueryStream, write: Write, limit: number): Promise<TableOutcome> {
  const cap = limit === 0 ? Infinity : limit;
  const sizing = Math.min(cap, SIZING_ROWS);
  let buffered: QueryValue[][] | null = [];
  let line: ReturnType<typeof tableLine> | null = null;
  let shown = 0, total = 0;
  const flush = async (): Promise<boolean> => {
    const rows = buffered ?? [];
    buffered = null;
    const widths = columnWidths(q.columns, rows.map((r) => r.map(cellText)));
    line = tableLine(widths);
    return write([line(q.columns), ...rows.map((r) => render(line!, r))].join('\n') + '\n');
  };
  for await (const chunk of q.chunks()) {
    total += chunk.rowCount;
    if (shown >= cap) continue;
    const rows = chunk.rows().slice(0, Math.min(chunk.rowCount, cap - shown));
    shown += rows.length;
    let text = '';
    for (const r of rows) {
      if (buffered) buffered.push(r);
      else text += render(line!, r) + '\n';
      if (buffered && buffered.length >= sizing && !(await flush())) return { shown, total, complete: false };
    }
    if (text && !(await write(text))) return { shown, total, complete: false };
  }
  if (buffered && !(await flush())) return { shown, total, complete: false };
  return { shown, total, complete: true };
}

function cellText(v: QueryValue): string {
  return v === null ? '∅' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function render(line: ReturnType<typeof tableLine>, row: readonly QueryValue[]): string {
  const cells = row.map(cellText);
  return colour ? line(cells, row.map((v, i) => (v === null ? style.dim(cells[i]) : cells[i]))) : line(cells);
}

// Raw rows of one window -> a verified, sanitised, hashed batch. Any row outside the window the API
// was asked for fails the whole window: the API ignores parameters it does not know and answers
// with other days' data, which is how the old system loaded months of the wrong day.
import { periodStart } from './calendar.js';
import { rowChecker } from './consistency.js';
import { hasSettlementDate, type DatasetSpec } from './datasets.js';
import { DataError } from './errors.js';
import { hashRow, hashedColumns } from './hash.js';
import type { StoredRow, TableHandle, WindowWrite } from './store.js';
import { pyIsoformatUtc, pyListRepr } from './py-format.js';
import type { Cell, RawRow, Row } from './rows.js';
import { sanitiseRow, sourceColumns, unknownFields } from './sanitise.js';
import type { Window } from './windows.js';

export interface Prepared extends Pick<WindowWrite, 'columns' | 'rows' | 'bounds'> {
  /** Rows the API returned. */
  readonly fetched: number;
  /** Rows that belong to a neighbouring window (boundary instants, neighbouring settlement days). */
  readonly outside: number;
  /** Repeated rows within the response, loaded once. */
  readonly repeated: number;
  /** Rows that share a natural key with an earlier row of the response but not its content: stored, and reported. */
  readonly revisions: number;
  /** Fields the registry does not know; dropped, and reported. */
  readonly unknownFields: readonly string[];
}

/**
 * Verifies, sanitises and hashes one window's rows for `table`. Values are rendered by the table's
 * own column types (table.spec), which may differ from the registry's (an existing warehouse table).
 */
export function prepareWindow(window: Window, table: TableHandle, raws: readonly RawRow[], ingestedMicros: bigint): Prepared {
  const d = table.spec;
  const eventTimeOf = eventTimeReader(d);
  // Cells follow table.columns: content columns, then the metadata columns in their fixed order.
  const columns = table.columns;
  const names = d.columns.map((c) => c.name);
  const width = columns.length;
  const windowFrom = pyIsoformatUtc(BigInt(window.from) * 1000n);
  const windowTo = pyIsoformatUtc(BigInt(window.to) * 1000n);
  const ingested = pyIsoformatUtc(ingestedMicros);
  const boundsColumn = hasSettlementDate(d) ? 'settlementDate' : eventTimeColumn(d);
  const listCache = new Map<string, string>();
  const seen = new Set<string>();
  const unknown = new Set<string>();
  const rows: StoredRow[] = [];
  let outside = 0;
  let repeated = 0;
  let revisions = 0;
  const naturalKeys = new Map<string, string>();
  const naturalKeyOf = (row: Row) => d.naturalKey.map((k) => String(row[k])).join('\u0000');
  const contradiction = rowChecker(d);
  let rejected = 0;
  let firstRejected = '';
  let min: string | null = null;
  let max: string | null = null;
  // A row without a bounds value could only be found by an unbounded anti-join.
  let unbounded = false;

  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i];
    for (const f of unknownFields(d, raw)) unknown.add(f);
    const row = sanitiseRow(d, raw, i);
    const eventTime = eventTimeOf(row);
    const date = settlementDateText(row);
    if (!accepted(window, row, eventTime, date)) {
      if (rejected++ === 0) firstRejected = describeRow(d, row);
      continue;
    }
    const problem = contradiction(row);
    if (problem !== null) {
      throw new DataError(`${d.code} row ${i} (${describeRow(d, row)}): ${problem}; nothing from this window was loaded`, {
        hint: 'the API sent a row that contradicts itself; report it to Elexon if it persists',
      });
    }
    if (!kept(window, eventTime, date)) {
      outside++;
      continue;
    }
    const key = hashRow(d.columns, row);
    if (seen.has(key)) {
      repeated++;
      continue;
    }
    seen.add(key);
    // Same natural key, other content: a revision. Both are stored (the hash tells them apart).
    const natural = naturalKeyOf(row);
    const first = naturalKeys.get(natural);
    if (first === undefined) naturalKeys.set(natural, key);
    else if (first !== key) revisions++;
    const bound = row[boundsColumn];
    if (typeof bound === 'string') {
      if (min === null || bound < min) min = bound;
      if (max === null || bound > max) max = bound;
    } else {
      unbounded = true;
    }
    const cells: Cell[] = new Array(width);
    for (let c = 0; c < names.length; c++) cells[c] = row[names[c]];
    cells[names.length] = d.code;
    cells[names.length + 1] = windowFrom;
    cells[names.length + 2] = windowTo;
    cells[names.length + 3] = ingested;
    cells[names.length + 4] = cachedList(listCache, sourceColumns(raw));
    cells[names.length + 5] = 'BMRS';
    cells[names.length + 6] = cachedList(listCache, hashedColumns(d.columns, row));
    cells[names.length + 7] = key;
    rows.push(cells);
  }
  if (rejected > 0) {
    throw new DataError(
      `${d.code}: ${rejected} of ${raws.length} rows lie outside the requested window ${describeAccept(window)} (first: ${firstRejected}); nothing from this window was loaded`,
      { hint: 'the API ignored or misread the window parameters; check the dataset registry and the API base URL' },
    );
  }
  const bounds = min === null || max === null || unbounded ? null : { column: boundsColumn, min, max };
  return { columns, rows, bounds, fetched: raws.length, outside, repeated, revisions, unknownFields: [...unknown] };
}

function cachedList(cache: Map<string, string>, names: readonly string[]): string {
  const k = names.join('\u0000');
  let v = cache.get(k);
  if (v === undefined) cache.set(k, (v = pyListRepr([...names])));
  return v;
}

function eventTimeColumn(d: DatasetSpec): string {
  return 'field' in d.eventTime ? d.eventTime.field : 'settlementDate';
}

/** Reads a sanitised row's event time as UTC ms (NaN when absent). */
function eventTimeReader(d: DatasetSpec): (row: Row) => number {
  const et = d.eventTime;
  if ('field' in et) return (row) => textToMs(row[et.field]);
  return (row) => {
    const date = settlementDateText(row);
    const period = row.settlementPeriod;
    return date !== null && typeof period === 'number' ? periodStart(date, period) : NaN;
  };
}

function textToMs(v: unknown): number {
  if (typeof v !== 'string') return NaN;
  return Date.parse(v.length === 10 ? `${v}T00:00:00Z` : `${v.replace(' ', 'T')}Z`);
}

function settlementDateText(row: Row): string | null {
  const v = row.settlementDate;
  return typeof v === 'string' ? v.slice(0, 10) : null;
}

function accepted(w: Window, row: Row, eventTime: number, date: string | null): boolean {
  const a = w.accept;
  if (a.by === 'settlementDate') return date !== null && date >= a.from && date <= a.to;
  return eventTime >= a.from && eventTime <= a.to;
}

function kept(w: Window, eventTime: number, date: string | null): boolean {
  const k = w.keep;
  if (k.by === 'all') return true;
  if (k.by === 'settlementDate') return date !== null && date >= k.from && date <= k.to;
  return eventTime < k.before;
}

function describeAccept(w: Window): string {
  const a = w.accept;
  if (a.by === 'settlementDate') return a.from === a.to ? `(settlement date ${a.from})` : `(settlement dates ${a.from}..${a.to})`;
  return `[${new Date(a.from).toISOString()}, ${new Date(a.to).toISOString()}]`;
}

function describeRow(d: DatasetSpec, row: Row): string {
  const col = eventTimeColumn(d);
  const parts = [`${col}=${String(row[col])}`];
  if (col !== 'settlementDate' && row.settlementDate !== undefined) parts.push(`settlementDate=${String(row.settlementDate)}`);
  return parts.join(' ');
}

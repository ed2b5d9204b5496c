// Column types between the registry (which already uses BigQuery's names) and BigQuery tables, the
// layout of a table bmrs creates (partitioned by day, clustered for the MERGE), and values both
// ways: cells to NDJSON for a load, and the client's values back to cells (src/core/rows.ts).
import type { TableMetadata } from '@google-cloud/bigquery';
import type { ColumnType, DatasetSpec } from '../../core/datasets.js';
import { rangeColumn } from '../../core/dedupe.js';
import type { Cell } from '../../core/rows.js';
import type { ActualColumn } from '../../core/table.js';
import { tableColumns } from '../../core/table.js';
import type { Field } from './client.js';

// The REST API's legacy names and GoogleSQL's: both come back from tables.get.
const FROM_BQ: Record<string, ColumnType> = {
  STRING: 'STRING',
  INTEGER: 'INTEGER',
  INT64: 'INTEGER',
  FLOAT: 'FLOAT',
  FLOAT64: 'FLOAT',
  BOOLEAN: 'BOOLEAN',
  BOOL: 'BOOLEAN',
  DATE: 'DATE',
  DATETIME: 'DATETIME',
  TIMESTAMP: 'TIMESTAMP',
};

export const SQL_TYPE: Record<ColumnType, string> = {
  STRING: 'STRING',
  INTEGER: 'INT64',
  FLOAT: 'FLOAT64',
  BOOLEAN: 'BOOL',
  DATE: 'DATE',
  DATETIME: 'DATETIME',
  TIMESTAMP: 'TIMESTAMP',
};

/** A table's fields in our terms; REPEATED and RECORD fields are types bmrs cannot write. */
export function actualColumns(fields: readonly Field[]): ActualColumn[] {
  return fields.map((f) => {
    const repeated = f.mode === 'REPEATED';
    const type = repeated ? null : (FROM_BQ[f.type] ?? null);
    return { name: f.name, type, storeType: repeated ? `ARRAY<${f.type}>` : f.type, required: f.mode === 'REQUIRED' };
  });
}

// Clustering accepts these types, at most four columns.
const CLUSTERABLE: ReadonlySet<ColumnType> = new Set(['STRING', 'INTEGER', 'BOOLEAN', 'DATE', 'DATETIME', 'TIMESTAMP']);
export const MAX_CLUSTERING = 4;

/**
 * A new table: the registry's columns, partitioned by day on settlementDate (else the event time),
 * clustered by the natural key's other columns (the common filters) and `_hash_key` (the MERGE's).
 */
export function newTableMetadata(d: DatasetSpec): TableMetadata {
  const cols = tableColumns(d);
  const partition = rangeColumn(d);
  const typeOf = (name: string) => cols.find((c) => c.name === name)?.type;
  const keys = d.naturalKey.filter((k) => k !== partition && CLUSTERABLE.has(typeOf(k)!)).slice(0, MAX_CLUSTERING - 1);
  return {
    schema: { fields: cols.map((c) => ({ name: c.name, type: c.type, mode: 'NULLABLE' })) },
    timePartitioning: { type: 'DAY', field: partition },
    clustering: { fields: [...keys, '_hash_key'] },
    description: `${d.code}: ${d.title}. Written by bmrs (rows are unique by _hash_key).`,
  };
}

/** One cell as NDJSON text for a column of `type`; bigints and floats keep every digit they have. */
export function jsonValue(cell: Cell, type: ColumnType): string {
  if (cell === null) return 'null';
  if (typeof cell === 'bigint') return cell.toString();
  if (typeof cell === 'number') return Object.is(cell, -0) ? '-0.0' : String(cell);
  if (typeof cell === 'boolean') return String(cell);
  if (type === 'TIMESTAMP') return JSON.stringify(cell.length === 10 ? `${cell} 00:00:00+00:00` : `${cell}+00:00`);
  return JSON.stringify(cell);
}

interface Wrapped {
  value: unknown;
}

/**
 * A value from the client (`wrapIntegers` on) as a cell: integers as numbers when exact, else
 * bigint; DATE, DATETIME and TIMESTAMP as 'YYYY-MM-DD[ HH:MM:SS[.ffffff]]' in UTC.
 */
export function toCell(v: unknown, type: string | undefined): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
    return type === 'TIMESTAMP' && typeof v === 'string' ? timeText(v) : v;
  }
  const inner = (v as Wrapped).value;
  if (type === 'INTEGER' || type === 'INT64') {
    const n = BigInt(String(inner));
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }
  if (type === 'DATE') return String(inner);
  if (type === 'DATETIME' || type === 'TIMESTAMP') return timeText(String(inner));
  return String(inner ?? v);
}

/** '2025-10-27T00:05:00.000000Z', '2025-10-27T00:05:00' and the like as '2025-10-27 00:05:00'. */
function timeText(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?/.exec(text);
  if (!m) return text;
  const frac = (m[3] ?? '').padEnd(6, '0');
  return `${m[1]} ${m[2]}${/^0*$/.test(frac) ? '' : `.${frac}`}`;
}

/** A plain JS value of a query's result (counts, dates, texts) for the store's reports. */
export function plain(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object' && 'value' in (v as Wrapped)) return plain((v as Wrapped).value);
  if (typeof v === 'number' || typeof v === 'string') return v;
  return String(v);
}

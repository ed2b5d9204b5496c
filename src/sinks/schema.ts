// DuckDB names for the registry's column types, and identifier quoting.
import type { ColumnType } from '../core/datasets.js';
export { tableColumns } from '../core/table.js';

const DUCK: Record<ColumnType, string> = {
  STRING: 'VARCHAR',
  INTEGER: 'BIGINT',
  FLOAT: 'DOUBLE',
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  DATETIME: 'TIMESTAMP',
  TIMESTAMP: 'TIMESTAMP',
};

export function duckType(t: ColumnType): string {
  return DUCK[t];
}

/** Identifiers come only from the registry; quoting is belt and braces. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

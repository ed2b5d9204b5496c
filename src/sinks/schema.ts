// Table layout shared by the sinks: the dataset's content columns, then the eight metadata columns
// of the existing warehouse (compatibility.md section 1), all STRING.
import type { Column, ColumnType, DatasetSpec } from '../core/datasets.js';

export const METADATA_COLUMNS: readonly Column[] = [
  '_dataset', '_window_from_utc', '_window_to_utc', '_ingested_utc', '_source_columns', '_source_api',
  '_hash_source_cols', '_hash_key',
].map((name) => ({ name, type: 'STRING' as const }));

export function tableColumns(d: DatasetSpec): readonly Column[] {
  return [...d.columns, ...METADATA_COLUMNS];
}

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

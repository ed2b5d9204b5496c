// Column types between the registry (BigQuery's names) and DuckDB. BigQuery has two time types,
// DATETIME (a zone-less wall time) and TIMESTAMP (an instant), and the hash renders them
// differently (`+00:00` only for TIMESTAMP): DuckDB keeps them apart as TIMESTAMP and TIMESTAMPTZ
// (sessions run in UTC). Stores made by bmrs 0.1 used TIMESTAMP for both; their meaning is
// recorded in `_bmrs_columns` the first time such a table is opened for writing.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnType, DatasetSpec } from '../core/datasets.js';
import type { ActualColumn } from '../core/table.js';
import { tableColumns } from '../core/table.js';

const TO_DUCK: Record<ColumnType, string> = {
  STRING: 'VARCHAR',
  INTEGER: 'BIGINT',
  FLOAT: 'DOUBLE',
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  DATETIME: 'TIMESTAMP',
  TIMESTAMP: 'TIMESTAMPTZ',
};

// Only the types bmrs writes exactly: a narrower integer (INTEGER, SMALLINT) could not hold every
// value the API may send, REAL would round what was hashed, DECIMAL would change it.
const FROM_DUCK: Record<string, ColumnType> = {
  VARCHAR: 'STRING',
  BIGINT: 'INTEGER',
  DOUBLE: 'FLOAT',
  BOOLEAN: 'BOOLEAN',
  DATE: 'DATE',
  'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP',
};

export function duckType(t: ColumnType): string {
  return TO_DUCK[t];
}

/** Identifiers come from the registry or the store's own catalogue; quoting is belt and braces. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export const COLUMN_RECORDS = '_bmrs_columns';

const RECORDS_DDL = `CREATE TABLE IF NOT EXISTS ${COLUMN_RECORDS} (
  table_name VARCHAR NOT NULL, column_name VARCHAR NOT NULL, logical_type VARCHAR NOT NULL,
  PRIMARY KEY (table_name, column_name))`;

export async function tableExists(conn: DuckDBConnection, table: string): Promise<boolean> {
  const r = await conn.runAndReadAll(`SELECT 1 FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = $t`, { t: table });
  return r.currentRowCount > 0;
}

/** The names of the tables in the store's main schema. */
export async function listTables(conn: DuckDBConnection): Promise<string[]> {
  const r = await conn.runAndReadAll(`SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = 'main'`);
  return r.getRows().map((row) => String(row[0]));
}

/** Creates the dataset's table from the registry (and records its types) when it is missing; true when it did. */
export async function createTableIfMissing(conn: DuckDBConnection, d: DatasetSpec): Promise<boolean> {
  await conn.run(RECORDS_DDL);
  if (await tableExists(conn, d.table)) return false;
  const cols = tableColumns(d);
  await conn.run(`CREATE TABLE ${quoteIdent(d.table)} (${cols.map((c) => `${quoteIdent(c.name)} ${duckType(c.type)}`).join(', ')})`);
  await recordTypes(conn, d.table, cols.filter((c) => c.type === 'DATETIME' || c.type === 'TIMESTAMP'));
  return true;
}

async function recordTypes(conn: DuckDBConnection, table: string, cols: readonly { name: string; type: ColumnType }[]): Promise<void> {
  for (const c of cols) {
    await conn.run(`INSERT OR REPLACE INTO ${COLUMN_RECORDS} VALUES ($t, $c, $l)`, { t: table, c: c.name, l: c.type });
  }
}

/**
 * The table's columns in our terms. A DuckDB TIMESTAMP means what `_bmrs_columns` recorded; without
 * a record (a bmrs 0.1 store) it means what the registry says (0.1 created both DATETIME and
 * TIMESTAMP as TIMESTAMP), or DATETIME for a column the registry does not know. With `record`, that
 * reading is written down so it never changes with a later registry.
 */
export async function describeTable(
  conn: DuckDBConnection,
  table: string,
  registry: DatasetSpec | undefined,
  record: boolean,
): Promise<ActualColumn[]> {
  const info = await conn.runAndReadAll(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = $t ORDER BY ordinal_position`,
    { t: table },
  );
  const recorded = new Map<string, ColumnType>();
  const hasRecords = await tableExists(conn, COLUMN_RECORDS);
  if (hasRecords) {
    const r = await conn.runAndReadAll(`SELECT column_name, logical_type FROM ${COLUMN_RECORDS} WHERE table_name = $t`, { t: table });
    for (const [c, l] of r.getRowsJson() as string[][]) recorded.set(c, l as ColumnType);
  }
  const inferred: { name: string; type: ColumnType }[] = [];
  const out = (info.getRowsJson() as string[][]).map(([name, storeType, nullable]): ActualColumn => {
    const required = nullable === 'NO';
    if (storeType !== 'TIMESTAMP') return { name, storeType, type: FROM_DUCK[storeType] ?? null, required };
    let type = recorded.get(name);
    if (type === undefined) {
      const reg = registry?.columns.find((c) => c.name === name)?.type;
      type = reg === 'TIMESTAMP' ? 'TIMESTAMP' : 'DATETIME';
      inferred.push({ name, type });
    }
    return { name, storeType, type, required };
  });
  if (record && inferred.length > 0) {
    await conn.run(RECORDS_DDL);
    await recordTypes(conn, table, inferred);
  }
  return out;
}

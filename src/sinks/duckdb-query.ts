// Read-only SQL for `bmrs query`.
import { UsageError } from '../core/errors.js';
import { openDuckDbReadOnly } from './duckdb.js';

export type QueryValue = string | number | boolean | null;

const INTEGER_TYPES = new Set(['BIGINT', 'HUGEINT', 'UBIGINT', 'UHUGEINT']);

export async function runQuery(path: string, sql: string): Promise<{ columns: string[]; rows: QueryValue[][] }> {
  const { connection, close } = await openDuckDbReadOnly(path);
  try {
    const reader = await connection.runAndReadAll(sql);
    // DuckDB's JSON form writes 64-bit integers as strings; counts and MW values read better as
    // numbers, so convert them wherever no digit is lost.
    const wide = reader.columnTypes().map((t) => INTEGER_TYPES.has(t.toString()));
    const rows = (reader.getRowsJson() as QueryValue[][]).map((r) =>
      r.map((v, i) => (wide[i] && typeof v === 'string' && Number.isSafeInteger(Number(v)) ? Number(v) : v)),
    );
    return { columns: reader.columnNames(), rows };
  } catch (e) {
    const msg = (e as Error).message;
    if (/read-only mode/i.test(msg)) {
      throw new UsageError('bmrs query opens the store read-only and cannot change data', { hint: 'use bmrs ingest to load data' });
    }
    throw new UsageError(`query failed: ${msg.split('\n')[0]}`, { hint: 'bmrs datasets lists the tables (bmrs_<code>)' });
  } finally {
    close();
  }
}

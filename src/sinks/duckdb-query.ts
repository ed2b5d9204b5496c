// Read-only SQL for `bmrs query`.
import { UsageError } from '../core/errors.js';
import { openDuckDbReadOnly } from './duckdb.js';

export type QueryValue = string | number | boolean | null;

export async function runQuery(path: string, sql: string): Promise<{ columns: string[]; rows: QueryValue[][] }> {
  const { connection, close } = await openDuckDbReadOnly(path);
  try {
    const reader = await connection.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRowsJson() as QueryValue[][] };
  } catch (e) {
    const msg = (e as Error).message;
    if (/read-only mode/i.test(msg)) throw new UsageError(`the store is opened read-only; bmrs query cannot change data`, { hint: 'use bmrs ingest to load and bmrs dedupe-audit to repair' });
    throw new UsageError(`query failed: ${msg.split('\n')[0]}`, { hint: 'bmrs datasets lists the tables (bmrs_<code>)' });
  } finally {
    close();
  }
}

// The ledger in the DuckDB file: one row per dataset window, written in the same transaction as
// the window's rows, so the ledger never claims rows that are not there and never misses rows that are.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LedgerEntry, LedgerQuery, LedgerRecord, LedgerStatus, WindowKey, WriteResult } from '../core/store.js';
import { tableExists } from './duckdb-schema.js';

export const LEDGER = '_bmrs_ledger';

const DDL = `CREATE TABLE IF NOT EXISTS ${LEDGER} (
  dataset VARCHAR NOT NULL,
  window_from TIMESTAMPTZ NOT NULL,
  window_to TIMESTAMPTZ NOT NULL,
  status VARCHAR NOT NULL,
  rows_fetched BIGINT NOT NULL,
  rows_inserted BIGINT NOT NULL,
  rows_skipped BIGINT NOT NULL,
  attempts INTEGER NOT NULL,
  error_code INTEGER,
  error_message VARCHAR,
  detail VARCHAR,
  run_id VARCHAR NOT NULL,
  first_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (dataset, window_from, window_to))`;

export async function ensureLedger(c: DuckDBConnection): Promise<void> {
  await c.run(DDL);
}

const ts = (ms: number) => `make_timestamptz(${Math.round(ms * 1000)}::BIGINT)`;

/**
 * Inserts or updates the window's entry; attempts count up, first_at stays. A failed or empty
 * attempt does not undo a load: the rows are still stored, so the entry keeps saying so and only
 * records the attempt and its error.
 */
export async function upsertLedger(c: DuckDBConnection, key: WindowKey, rec: LedgerRecord, result: WriteResult): Promise<void> {
  if (rec.status === 'failed' || rec.status === 'empty') {
    const kept = await c.run(
      `UPDATE ${LEDGER} SET attempts = attempts + 1, error_code = $code, error_message = $message, run_id = $run, updated_at = ${ts(rec.at)}
       WHERE dataset = $dataset AND window_from = ${ts(key.from)} AND window_to = ${ts(key.to)} AND status IN ('loaded', 'incomplete')`,
      { dataset: key.dataset, code: rec.error?.exitCode ?? null, message: rec.error?.message ?? null, run: rec.runId },
    );
    if (kept.rowsChanged > 0) return;
  }
  await c.run(
    `INSERT INTO ${LEDGER} VALUES ($dataset, ${ts(key.from)}, ${ts(key.to)}, $status, $fetched, $inserted, $skipped, 1,
       $code, $message, $detail, $run, ${ts(rec.at)}, ${ts(rec.at)})
     ON CONFLICT (dataset, window_from, window_to) DO UPDATE SET
       status = excluded.status, rows_fetched = excluded.rows_fetched, rows_inserted = excluded.rows_inserted,
       rows_skipped = excluded.rows_skipped, attempts = ${LEDGER}.attempts + 1, error_code = excluded.error_code,
       error_message = excluded.error_message, detail = excluded.detail, run_id = excluded.run_id, updated_at = excluded.updated_at`,
    {
      dataset: key.dataset,
      status: rec.status,
      fetched: rec.fetched,
      inserted: result.inserted,
      skipped: result.skipped,
      code: rec.error?.exitCode ?? null,
      message: rec.error?.message ?? null,
      detail: rec.detail ?? null,
      run: rec.runId,
    },
  );
}

export async function readLedger(c: DuckDBConnection, q: LedgerQuery): Promise<LedgerEntry[]> {
  if (!(await tableExists(c, LEDGER))) return [];
  const where: string[] = [];
  const params: Record<string, string> = {};
  if (q.dataset !== undefined) {
    where.push('dataset = $dataset');
    params.dataset = q.dataset;
  }
  if (q.to !== undefined) where.push(`window_from < ${ts(q.to)}`);
  if (q.from !== undefined) where.push(`window_to > ${ts(q.from)}`);
  const r = await c.runAndReadAll(
    `SELECT dataset, epoch_ms(window_from), epoch_ms(window_to), status, rows_fetched, rows_inserted, rows_skipped, attempts,
       error_code, error_message, detail, run_id, epoch_ms(first_at), epoch_ms(updated_at)
     FROM ${LEDGER} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY dataset, window_from`,
    params,
  );
  return r.getRows().map((v) => ({
    dataset: String(v[0]),
    from: Number(v[1]),
    to: Number(v[2]),
    status: String(v[3]) as LedgerStatus,
    fetched: Number(v[4]),
    inserted: Number(v[5]),
    skipped: Number(v[6]),
    attempts: Number(v[7]),
    errorCode: v[8] === null ? null : Number(v[8]),
    errorMessage: v[9] === null ? null : String(v[9]),
    detail: v[10] === null ? null : String(v[10]),
    runId: String(v[11]),
    firstAt: Number(v[12]),
    updatedAt: Number(v[13]),
  }));
}

// The ledger in the DuckDB file: one row per dataset window, written in the same transaction as
// the window's rows, so the ledger never claims rows that are not there and never misses rows that are.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LedgerEntry, LedgerQuery, LedgerRecord, LedgerStatus, WindowKey, WriteResult } from '../core/store.js';
import { digestJson, parseDigest } from '../core/digest.js';
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
  digest VARCHAR,
  PRIMARY KEY (dataset, window_from, window_to))`;

/** Columns in the order of the DDL; a ledger made before `digest` existed gets it added. */
const COLUMNS = 'dataset, window_from, window_to, status, rows_fetched, rows_inserted, rows_skipped, attempts, error_code, error_message, detail, run_id, first_at, updated_at, digest';

export async function ensureLedger(c: DuckDBConnection): Promise<void> {
  await c.run(DDL);
  await c.run(`ALTER TABLE ${LEDGER} ADD COLUMN IF NOT EXISTS digest VARCHAR`);
}

const ts = (ms: number) => `make_timestamptz(${Math.round(ms * 1000)}::BIGINT)`;

export interface LedgerWrite {
  readonly key: WindowKey;
  readonly rec: LedgerRecord;
  readonly result: WriteResult;
}

/**
 * Inserts or updates the windows' entries; attempts count up, first_at stays. A failed or empty
 * attempt does not undo a load: the rows are still stored, so the entry keeps saying so and only
 * records the attempt and its error. Entries that need no such check go in one statement (a
 * statement costs milliseconds; a year's backfill has hundreds of windows).
 */
export async function upsertLedger(c: DuckDBConnection, writes: readonly LedgerWrite[]): Promise<void> {
  const plain: LedgerWrite[] = [];
  for (const w of writes) {
    if (w.rec.status === 'failed' || w.rec.status === 'empty') {
      const kept = await c.run(
        `UPDATE ${LEDGER} SET attempts = attempts + 1, error_code = $code, error_message = $message, run_id = $run, updated_at = ${ts(w.rec.at)}
         WHERE dataset = $dataset AND window_from = ${ts(w.key.from)} AND window_to = ${ts(w.key.to)} AND status IN ('loaded', 'incomplete')`,
        { dataset: w.key.dataset, code: w.rec.error?.exitCode ?? null, message: w.rec.error?.message ?? null, run: w.rec.runId },
      );
      if (kept.rowsChanged > 0) continue;
    }
    plain.push(w);
  }
  // One statement may not touch a row twice: a window given twice goes in a statement of its own.
  const seen = new Set<string>();
  const batches: LedgerWrite[][] = [[]];
  for (const w of plain) {
    const id = `${w.key.dataset}|${w.key.from}|${w.key.to}`;
    if (seen.has(id)) {
      batches.push([]);
      seen.clear();
    }
    seen.add(id);
    batches[batches.length - 1].push(w);
  }
  for (const batch of batches) if (batch.length > 0) await insertEntries(c, batch);
}

async function insertEntries(c: DuckDBConnection, batch: readonly LedgerWrite[]): Promise<void> {
  const params: Record<string, string | number | null> = {};
  const rows = batch.map(({ key, rec, result }, i) => {
    Object.assign(params, {
      [`dataset${i}`]: key.dataset,
      [`status${i}`]: rec.status,
      [`fetched${i}`]: rec.fetched,
      [`inserted${i}`]: result.inserted,
      [`skipped${i}`]: result.skipped + (rec.alreadyStored ?? 0),
      [`code${i}`]: rec.error?.exitCode ?? null,
      [`message${i}`]: rec.error?.message ?? null,
      [`detail${i}`]: rec.detail ?? null,
      [`run${i}`]: rec.runId,
      [`digest${i}`]: rec.digest ? digestJson(rec.digest) : null,
    });
    return `($dataset${i}, ${ts(key.from)}, ${ts(key.to)}, $status${i}, $fetched${i}, $inserted${i}, $skipped${i}, 1,
       $code${i}, $message${i}, $detail${i}, $run${i}, ${ts(rec.at)}, ${ts(rec.at)}, $digest${i})`;
  });
  await c.run(
    `INSERT INTO ${LEDGER} (${COLUMNS}) VALUES ${rows.join(',\n')}
     ON CONFLICT (dataset, window_from, window_to) DO UPDATE SET
       status = excluded.status, rows_fetched = excluded.rows_fetched, rows_inserted = excluded.rows_inserted,
       rows_skipped = excluded.rows_skipped, attempts = ${LEDGER}.attempts + 1, error_code = excluded.error_code,
       error_message = excluded.error_message, detail = excluded.detail, run_id = excluded.run_id, updated_at = excluded.updated_at,
       digest = excluded.digest`,
    params,
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
       error_code, error_message, detail, run_id, epoch_ms(first_at), epoch_ms(updated_at), ${(await hasDigest(c)) ? 'digest' : 'NULL'}
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
    digest: parseDigest(v[14] === null ? null : String(v[14])),
  }));
}

/** Whether the ledger has the digest column (a read-only session cannot add it to an older file). */
async function hasDigest(c: DuckDBConnection): Promise<boolean> {
  const r = await c.runAndReadAll(`SELECT count(*) FROM duckdb_columns() WHERE table_name = '${LEDGER}' AND column_name = 'digest' AND database_name = current_database()`);
  return Number(r.getRows()[0][0]) > 0;
}

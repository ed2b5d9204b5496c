// The ledger as a BigQuery table in the dataset, `_bmrs_ledger`, one row per dataset window. A
// group's entries are recorded after its rows' MERGE succeeded: read the group's current entries,
// fold the group's records into them (the same rules as the DuckDB ledger: attempts count up,
// first_at stays, a failed or empty attempt does not undo a load), then one MERGE that sets each
// window's row whole. Re-running it is harmless.
import type { LedgerEntry, LedgerQuery, LedgerRecord, LedgerStatus, WindowKey, WriteResult } from '../../core/store.js';
import type { Gateway } from './client.js';
import { plain } from './schema.js';
import { q, str } from './sql.js';

export const LEDGER = '_bmrs_ledger';

const FIELDS: readonly [string, string, string][] = [
  ['dataset', 'STRING', 'REQUIRED'],
  ['window_from', 'TIMESTAMP', 'REQUIRED'],
  ['window_to', 'TIMESTAMP', 'REQUIRED'],
  ['status', 'STRING', 'REQUIRED'],
  ['rows_fetched', 'INTEGER', 'REQUIRED'],
  ['rows_inserted', 'INTEGER', 'REQUIRED'],
  ['rows_skipped', 'INTEGER', 'REQUIRED'],
  ['attempts', 'INTEGER', 'REQUIRED'],
  ['error_code', 'INTEGER', 'NULLABLE'],
  ['error_message', 'STRING', 'NULLABLE'],
  ['detail', 'STRING', 'NULLABLE'],
  ['run_id', 'STRING', 'REQUIRED'],
  ['first_at', 'TIMESTAMP', 'REQUIRED'],
  ['updated_at', 'TIMESTAMP', 'REQUIRED'],
];

export const LEDGER_METADATA = {
  schema: { fields: FIELDS.map(([name, type, mode]) => ({ name, type, mode })) },
  clustering: { fields: ['dataset'] },
  description: 'bmrs: one row per dataset window loaded (docs/bigquery.md)',
};

const keyOf = (k: WindowKey) => `${k.dataset}\n${k.from}\n${k.to}`;

/** The entry after one more attempt, as the DuckDB ledger's upsert computes it. */
export function fold(prev: LedgerEntry | undefined, key: WindowKey, rec: LedgerRecord, result: WriteResult): LedgerEntry {
  const error = { errorCode: rec.error?.exitCode ?? null, errorMessage: rec.error?.message ?? null };
  if (prev && (rec.status === 'failed' || rec.status === 'empty') && (prev.status === 'loaded' || prev.status === 'incomplete')) {
    return { ...prev, attempts: prev.attempts + 1, ...error, runId: rec.runId, updatedAt: rec.at };
  }
  return {
    ...key,
    status: rec.status,
    fetched: rec.fetched,
    inserted: result.inserted,
    skipped: result.skipped,
    attempts: (prev?.attempts ?? 0) + 1,
    ...error,
    detail: rec.detail ?? null,
    runId: rec.runId,
    firstAt: prev?.firstAt ?? rec.at,
    updatedAt: rec.at,
  };
}

const ts = (ms: number) => `TIMESTAMP_MILLIS(${Math.round(ms)})`;
const intOrNull = (n: number | null) => (n === null ? 'CAST(NULL AS INT64)' : String(n));
const textOrNull = (t: string | null) => (t === null ? 'CAST(NULL AS STRING)' : str(t));

function entrySelect(e: LedgerEntry): string {
  return `SELECT ${str(e.dataset)} AS dataset, ${ts(e.from)} AS window_from, ${ts(e.to)} AS window_to, ${str(e.status)} AS status, ${e.fetched} AS rows_fetched, ${e.inserted} AS rows_inserted, ${e.skipped} AS rows_skipped, ${e.attempts} AS attempts, ${intOrNull(e.errorCode)} AS error_code, ${textOrNull(e.errorMessage)} AS error_message, ${textOrNull(e.detail)} AS detail, ${str(e.runId)} AS run_id, ${ts(e.firstAt)} AS first_at, ${ts(e.updatedAt)} AS updated_at`;
}

export function ledgerMerge(g: Pick<Gateway, 'ref'>, entries: readonly LedgerEntry[]): string {
  const cols = FIELDS.map(([n]) => n);
  const set = cols.filter((c) => !['dataset', 'window_from', 'window_to'].includes(c)).map((c) => `${q(c)} = S.${q(c)}`);
  return `MERGE INTO ${g.ref(LEDGER)} L
USING (${entries.map(entrySelect).join('\nUNION ALL ')}) S
ON L.dataset = S.dataset AND L.window_from = S.window_from AND L.window_to = S.window_to
WHEN MATCHED THEN UPDATE SET ${set.join(', ')}
WHEN NOT MATCHED THEN INSERT (${cols.map(q).join(', ')}) VALUES (${cols.map((c) => `S.${q(c)}`).join(', ')})`;
}

function ledgerSelect(g: Pick<Gateway, 'ref'>, where: string): string {
  return `SELECT dataset, UNIX_MILLIS(window_from) AS window_from, UNIX_MILLIS(window_to) AS window_to, status, rows_fetched, rows_inserted, rows_skipped, attempts,
  error_code, error_message, detail, run_id, UNIX_MILLIS(first_at) AS first_at, UNIX_MILLIS(updated_at) AS updated_at
FROM ${g.ref(LEDGER)} ${where} ORDER BY dataset, window_from, window_to`;
}

function toEntry(r: Record<string, unknown>): LedgerEntry {
  const n = (v: unknown) => Number(plain(v));
  const t = (v: unknown) => (v === null || v === undefined ? null : String(plain(v)));
  return {
    dataset: String(plain(r.dataset)),
    from: n(r.window_from),
    to: n(r.window_to),
    status: String(plain(r.status)) as LedgerStatus,
    fetched: n(r.rows_fetched),
    inserted: n(r.rows_inserted),
    skipped: n(r.rows_skipped),
    attempts: n(r.attempts),
    errorCode: r.error_code === null || r.error_code === undefined ? null : n(r.error_code),
    errorMessage: t(r.error_message),
    detail: t(r.detail),
    runId: String(plain(r.run_id)),
    firstAt: n(r.first_at),
    updatedAt: n(r.updated_at),
  };
}

export async function ensureLedger(g: Gateway): Promise<void> {
  if ((await g.getTable(LEDGER)) === null) await g.createTable(LEDGER, LEDGER_METADATA);
}

/**
 * One MERGE that applies each window's attempt to its stored entry in SQL (the common case: every
 * window of the group once), without reading the ledger first.
 */
export function ledgerAttemptMerge(g: Pick<Gateway, 'ref'>, items: readonly { key: WindowKey; record: LedgerRecord; result: WriteResult }[]): string {
  const cols = FIELDS.map(([n]) => n);
  const source = items.map((i) => entrySelect(fold(undefined, i.key, i.record, i.result))).join('\nUNION ALL ');
  const err = ['error_code', 'error_message', 'run_id', 'updated_at'].map((c) => `${c} = S.${c}`).join(', ');
  const all = cols.filter((c) => !['dataset', 'window_from', 'window_to', 'attempts', 'first_at'].includes(c)).map((c) => `${c} = S.${c}`).join(', ');
  return `MERGE INTO ${g.ref(LEDGER)} L
USING (${source}) S
ON L.dataset = S.dataset AND L.window_from = S.window_from AND L.window_to = S.window_to
WHEN MATCHED AND S.status IN ('failed', 'empty') AND L.status IN ('loaded', 'incomplete') THEN UPDATE SET attempts = L.attempts + 1, ${err}
WHEN MATCHED THEN UPDATE SET attempts = L.attempts + 1, ${all}
WHEN NOT MATCHED THEN INSERT (${cols.map(q).join(', ')}) VALUES (${cols.map((c) => `S.${q(c)}`).join(', ')})`;
}

/** BigQuery takes statements of up to 1,024K characters; the ledger's MERGEs stay well below. */
export const LEDGER_SQL_CHARS = 500_000;

/** Runs of items whose statements stay within `budget` characters (a window's source row is ~470). */
export function chunked<T>(items: readonly T[], size: (item: T) => number, budget: number): T[][] {
  const out: T[][] = [];
  let used = Infinity;
  for (const item of items) {
    const n = size(item) + 12;
    if (used + n > budget) {
      out.push([]);
      used = 1_000; // the MERGE's own text
    }
    out.at(-1)!.push(item);
    used += n;
  }
  return out;
}

/**
 * Records a group's windows, in order, after their rows are durable: one MERGE, or several when the
 * group has so many windows that one would exceed BigQuery's statement length.
 */
export async function recordLedger(g: Gateway, items: readonly { key: WindowKey; record: LedgerRecord; result: WriteResult }[], budget = LEDGER_SQL_CHARS): Promise<void> {
  if (items.length === 0) return;
  await ensureLedger(g);
  if (new Set(items.map((i) => keyOf(i.key))).size === items.length) {
    const size = (i: (typeof items)[number]) => entrySelect(fold(undefined, i.key, i.record, i.result)).length;
    for (const part of chunked(items, size, budget)) await g.query(ledgerAttemptMerge(g, part), 'recording the ledger');
    return;
  }
  // A window twice in one group: fold its attempts in order over the entry as stored.
  const datasets = [...new Set(items.map((i) => i.key.dataset))];
  const from = Math.min(...items.map((i) => i.key.from));
  const to = Math.max(...items.map((i) => i.key.to));
  const current = await g.query(
    ledgerSelect(g, `WHERE dataset IN (${datasets.map(str).join(', ')}) AND window_from >= ${ts(from)} AND window_to <= ${ts(to)}`),
    'reading the ledger',
  );
  const byKey = new Map(current.rows.map((r) => toEntry(r)).map((e) => [keyOf(e), e]));
  for (const i of items) byKey.set(keyOf(i.key), fold(byKey.get(keyOf(i.key)), i.key, i.record, i.result));
  const touched = [...new Set(items.map((i) => keyOf(i.key)))].map((k) => byKey.get(k)!);
  for (const part of chunked(touched, (e) => entrySelect(e).length, budget)) await g.query(ledgerMerge(g, part), 'recording the ledger');
}

/**
 * Whether bmrs has already stored rows of this dataset here: it did so only into a table it made or
 * one whose sampled keys passed (or were accepted), so the sample need not be read again.
 */
export async function hasLoaded(g: Gateway, dataset: string): Promise<boolean> {
  if ((await g.getTable(LEDGER)) === null) return false;
  const r = await g.query(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${g.ref(LEDGER)} WHERE dataset = ${str(dataset)} AND rows_inserted > 0 LIMIT 1)`, 'reading the ledger');
  return Number(plain(r.rows[0]?.n) ?? 0) > 0;
}

export async function readLedger(g: Gateway, query: LedgerQuery): Promise<LedgerEntry[]> {
  if ((await g.getTable(LEDGER)) === null) return [];
  const where: string[] = [];
  if (query.dataset !== undefined) where.push(`dataset = ${str(query.dataset)}`);
  if (query.to !== undefined) where.push(`window_from < ${ts(query.to)}`);
  if (query.from !== undefined) where.push(`window_to > ${ts(query.from)}`);
  const r = await g.query(ledgerSelect(g, where.length ? `WHERE ${where.join(' AND ')}` : ''), 'reading the ledger');
  // BigQuery orders strings by code point, as the port asks (byte order of UTF-8).
  return r.rows.map(toEntry);
}

// Typed reads for check, update and dedupe-audit. Cells come back in the pipeline's own form
// (rows.ts: times as UTC 'YYYY-MM-DD HH:MM:SS[.ffffff]', integers as number or bigint), so a stored
// row can be hashed again exactly as it was hashed on the way in.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { DatasetSpec } from '../core/datasets.js';
import { keyXorSql, type KeySet } from '../core/digest.js';
import type { Cell, Row } from '../core/rows.js';
import type { DuplicateReport, PeriodCount, RowRange } from '../core/store.js';
import type { ActualColumn } from '../core/table.js';
import { CONTENT_HASH, rangeSql, WELL_FORMED_KEY } from './duckdb-dedupe.js';
import { describeTable, quoteIdent, tableExists } from './duckdb-schema.js';

/** A SELECT list that reads each column as a cell; columns of types bmrs does not write are left out. */
function cellSelect(cols: readonly ActualColumn[]): { sql: string; cols: ActualColumn[] } {
  const kept = cols.filter((c) => c.type !== null);
  const sql = kept
    .map((c) => {
      const q = quoteIdent(c.name);
      if (c.type === 'DATE') return `strftime(${q}, '%Y-%m-%d')`;
      if (c.type === 'DATETIME' || c.type === 'TIMESTAMP') return `replace(strftime(${q}, '%Y-%m-%d %H:%M:%S.%f'), '.000000', '')`;
      return q;
    })
    .join(', ');
  return { sql, cols: kept };
}

function toCell(v: DuckDBValue): Cell {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v;
  return String(v);
}

async function readRows(c: DuckDBConnection, table: string, registry: DatasetSpec | undefined, tail: string): Promise<Row[]> {
  const { sql, cols } = cellSelect(await describeTable(c, table, registry, false));
  const r = await c.runAndReadAll(`SELECT ${sql} FROM ${quoteIdent(table)} ${tail}`);
  return r.getRows().map((values) => Object.fromEntries(cols.map((col, i) => [col.name, toCell(values[i])])));
}

export async function countRows(c: DuckDBConnection, table: string): Promise<number | null> {
  if (!(await tableExists(c, table))) return null;
  const r = await c.runAndReadAll(`SELECT count(*) FROM ${quoteIdent(table)}`);
  return Number(r.getRows()[0][0]);
}

/** Latest by event time; a dataset timed by settlement period orders by date, then period. */
export async function latestRow(c: DuckDBConnection, d: DatasetSpec): Promise<Row | null> {
  if (!(await tableExists(c, d.table))) return null;
  const order = 'field' in d.eventTime
    ? `${quoteIdent(d.eventTime.field)} DESC NULLS LAST`
    : `"settlementDate" DESC NULLS LAST, "settlementPeriod" DESC NULLS LAST`;
  const [row] = await readRows(c, d.table, d, `ORDER BY ${order}, _ingested_utc DESC LIMIT 1`);
  return row ?? null;
}

export async function periodCounts(c: DuckDBConnection, d: DatasetSpec, from: string, to: string): Promise<PeriodCount[]> {
  if (!(await tableExists(c, d.table))) return [];
  const r = await c.runAndReadAll(
    `SELECT strftime(CAST("settlementDate" AS DATE), '%Y-%m-%d') AS day, "settlementPeriod", count(*),
            count(DISTINCT [${d.naturalKey.map((k) => `CAST(${quoteIdent(k)} AS VARCHAR)`).join(', ')}])
     FROM ${quoteIdent(d.table)}
     WHERE CAST("settlementDate" AS DATE) BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)
     GROUP BY ALL ORDER BY 1, 2`,
    { from, to },
  );
  return r.getRows().map((v) => ({ date: String(v[0]), period: Number(v[1]), rows: Number(v[2]), keys: Number(v[3]) }));
}

/**
 * Duplicate groups in two passes, exact and cheap: the keys' 64-bit hashes seen more than once
 * (a GROUP BY on integers), then only those rows grouped by the key itself, where the counts and
 * ingest times are taken. Only well-formed keys group: rows under a malformed key (the text `None`
 * shared by unrelated rows, say) are bad keys, counted by `keyAudit` and kept by a repair. A key
 * whose rows differ in content is a conflict, counted apart from the copies (groups, extra rows, worst). Grouping 2 M text keys with their ingest times at once needs several
 * times the memory the store is given (docs/benchmarks.md, bench:dedupe).
 */
export async function duplicates(c: DuckDBConnection, table: string, worst: number, range?: RowRange): Promise<DuplicateReport> {
  const t = quoteIdent(table);
  const r = rangeSql(range);
  const limit = Math.max(0, Math.floor(worst));
  const rows = (
    await c.runAndReadAll(
      `WITH cand AS (SELECT hash(_hash_key) AS h FROM ${t} WHERE _hash_key IS NOT NULL${r} GROUP BY 1 HAVING count(*) > 1),
       g AS (SELECT _hash_key, count(*) AS n, min(_ingested_utc) AS lo, max(_ingested_utc) AS hi, min(content) <> max(content) AS conflict
             FROM (SELECT _hash_key, _ingested_utc, ${CONTENT_HASH} AS content FROM ${t} SEMI JOIN cand ON hash(_hash_key) = cand.h WHERE ${WELL_FORMED_KEY}${r})
             GROUP BY 1 HAVING count(*) > 1)
       SELECT sum(CASE WHEN conflict THEN 0 ELSE 1 END) OVER (), sum(CASE WHEN conflict THEN 0 ELSE n - 1 END) OVER (), sum(CAST(conflict AS INTEGER)) OVER (), _hash_key, n, lo, hi, conflict
       FROM g ORDER BY conflict, n DESC, _hash_key LIMIT ${Math.max(1, limit)}`,
    )
  ).getRows();
  const nulls = await c.runAndReadAll(`SELECT count(*) FROM ${t} WHERE _hash_key IS NULL${r}`);
  return {
    groups: Number(rows[0]?.[0] ?? 0),
    extraRows: Number(rows[0]?.[1] ?? 0),
    nullKeys: Number(nulls.getRows()[0][0]),
    conflicts: Number(rows[0]?.[2] ?? 0),
    worst: rows.filter((v) => v[7] !== true).slice(0, limit).map((v) => ({ hashKey: String(v[3]), count: Number(v[4]), firstIngested: String(v[5]), lastIngested: String(v[6]) })),
  };
}

export function sampleRows(c: DuckDBConnection, table: string, limit: number, registry: DatasetSpec | undefined, range?: RowRange): Promise<Row[]> {
  // A sample clause applies to FROM, before WHERE: sample the range's rows as a subquery of their own.
  const n = Math.max(0, Math.floor(limit));
  if (range === undefined) return readRows(c, table, registry, `USING SAMPLE reservoir(${n} ROWS) REPEATABLE (42)`);
  return readRows(c, table, registry, `WHERE rowid IN (SELECT r FROM (SELECT rowid AS r FROM ${quoteIdent(table)} WHERE true${rangeSql(range)}) USING SAMPLE reservoir(${n} ROWS) REPEATABLE (42))`);
}

/**
 * The count and XOR of the `_hash_key`s of every row within `bounds` (core/digest.ts; Store.keySet). `types` keeps the
 * bounds column's store type per table for the store's life: `backfill --force` asks once a window,
 * and reading the catalog each time cost twice the query (8 of 13 ms a window).
 */
export async function keySet(c: DuckDBConnection, table: string, bounds: { column: string; min: string; max: string }, types: Map<string, string>): Promise<KeySet> {
  const key = `${table}\0${bounds.column}`;
  let type = types.get(key);
  if (type === undefined) {
    if (!(await tableExists(c, table))) return { count: 0, xor: '0' };
    const col = (await describeTable(c, table, undefined, false)).find((x) => x.name === bounds.column);
    if (!col) return { count: 0, xor: '0' };
    types.set(key, (type = col.storeType));
  }
  const q = quoteIdent(bounds.column);
  const r = await c.runAndReadAll(
    `SELECT count(*), ${keyXorSql('_hash_key', undefined, false)}::VARCHAR FROM ${quoteIdent(table)}
     WHERE ${q} BETWEEN CAST($lo AS ${type}) AND CAST($hi AS ${type})`,
    { lo: bounds.min, hi: bounds.max },
  );
  const [n, xor] = r.getRows()[0];
  return { count: Number(n), xor: String(xor) };
}

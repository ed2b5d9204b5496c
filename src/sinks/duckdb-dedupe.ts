// dedupe-audit's reads and the restore of a repair's backup, in DuckDB's dialect. The range is the
// table's partition column (settlementDate, else the event time) on whole UTC days.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DatasetSpec } from '../core/datasets.js';
import { restoreRefused } from '../core/dedupe.js';
import { DataError, UsageError } from '../core/errors.js';
import type { KeyAudit, RestoreResult, RowRange } from '../core/store.js';
import { inTransaction } from './duckdb-open.js';
import { quoteIdent, tableExists } from './duckdb-schema.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A 64-bit hash of a row's content columns (names not starting with `_`): tells copies from key conflicts. */
export const CONTENT_HASH = `hash(*COLUMNS('^[^_]'))`;

/** A `_hash_key` of 32 lower-case hex digits; any other text is a bad key, never a duplicate (core/dedupe.ts). */
export const WELL_FORMED_KEY = `regexp_full_match(_hash_key, '[0-9a-f]{32}')`;

/** `AND <the range>` for a WHERE clause, or '' without one. Days are checked, so they can be inlined. */
export function rangeSql(range: RowRange | undefined): string {
  if (range === undefined) return '';
  if (!DAY.test(range.from) || !DAY.test(range.to)) throw new UsageError(`a range is written YYYY-MM-DD, got ${range.from}..${range.to}`);
  return ` AND CAST(${quoteIdent(range.column)} AS DATE) BETWEEN DATE '${range.from}' AND DATE '${range.to}'`;
}

/**
 * One pass for the rows and the malformed keys; revisions in two steps, exact and cheap: the
 * 64-bit hashes of natural keys stored more than once (duplicates, revisions, or a hash shared by
 * two keys), then only those rows grouped by the natural key itself with their distinct contents
 * (counting them over every natural key costs several times more). A revision is different
 * content: the same row stored under two keys (the old system's and bmrs's) is none. A version is
 * a key's content; a key whose rows differ (a conflict, NULL here) is one version of its own, so a
 * conflict alone is no revision: it is counted once, by `duplicates`.
 */
export async function keyAudit(c: DuckDBConnection, d: DatasetSpec, worst: number, range?: RowRange): Promise<KeyAudit> {
  const t = quoteIdent(d.table);
  const where = `WHERE true${rangeSql(range)}`;
  const limit = Math.max(0, Math.floor(worst));
  const [rows, malformed] = (
    await c.runAndReadAll(`SELECT count(*), count(*) FILTER (WHERE _hash_key IS NOT NULL AND NOT ${WELL_FORMED_KEY}) FROM ${t} ${where}`)
  ).getRows()[0];
  const examples = Number(malformed) === 0 ? [] : (
    await c.runAndReadAll(`SELECT DISTINCT _hash_key FROM ${t} ${where} AND _hash_key IS NOT NULL AND NOT ${WELL_FORMED_KEY} ORDER BY 1 LIMIT ${limit}`)
  ).getRows().map((v) => String(v[0]));
  const keys = d.naturalKey.map(quoteIdent).join(', ');
  const top = await c.runAndReadAll(
    `WITH cand AS (SELECT hash(${keys}) AS h FROM ${t} ${where} GROUP BY 1 HAVING count(*) > 1),
     p AS (SELECT ${keys}, _hash_key, CASE WHEN min(content) = max(content) THEN min(content) END AS content
           FROM (SELECT ${keys}, _hash_key, ${CONTENT_HASH} AS content
                 FROM ${t} SEMI JOIN cand ON hash(${keys}) = cand.h ${where} AND ${WELL_FORMED_KEY} AND ${d.naturalKey.map((k) => `${quoteIdent(k)} IS NOT NULL`).join(' AND ')})
           GROUP BY ${keys}, _hash_key),
     v AS (SELECT ${keys}, count(DISTINCT content) + count(*) FILTER (WHERE content IS NULL) AS n, list(DISTINCT _hash_key ORDER BY _hash_key) AS hashes
           FROM p GROUP BY ${keys} HAVING count(DISTINCT content) + count(*) FILTER (WHERE content IS NULL) > 1)
     SELECT count(*) OVER (), sum(n - 1) OVER (), ${d.naturalKey.map((k) => `CAST(${quoteIdent(k)} AS VARCHAR)`).join(', ')}, n, hashes
     FROM v ORDER BY n DESC, ${keys} LIMIT ${Math.max(1, limit)}`,
  );
  const found = top.getRows();
  const k = d.naturalKey.length;
  return {
    rows: Number(rows),
    malformedKeys: Number(malformed),
    malformedExamples: examples,
    revisions: {
      keys: Number(found[0]?.[0] ?? 0),
      extraVersions: Number(found[0]?.[1] ?? 0),
      worst: found.slice(0, limit).map((v) => ({
        naturalKey: Object.fromEntries(d.naturalKey.map((name, i) => [name, v[2 + i] === null ? null : String(v[2 + i])])),
        versions: Number(v[2 + k]),
        hashKeys: (v[3 + k] as { items: unknown[] }).items.map(String),
      })),
    },
  };
}

const scalar = async (c: DuckDBConnection, sql: string): Promise<number> => Number((await c.runAndReadAll(sql)).getRows()[0][0]);

async function columnsOf(c: DuckDBConnection, table: string): Promise<string[]> {
  const r = await c.runAndReadAll(
    `SELECT column_name || ' ' || data_type FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name = $t ORDER BY ordinal_position`,
    { t: table },
  );
  return r.getRows().map((v) => String(v[0]));
}

/** The backup's rows in place of the table's, in one transaction, checked by count; the backup is kept. */
export async function restoreTable(c: DuckDBConnection, table: string, backup: string, force = false): Promise<RestoreResult> {
  if (!(await tableExists(c, backup))) throw new UsageError(`there is no backup table ${backup}`, { hint: 'bmrs dedupe-audit --fix printed the name of its backup; bmrs query "SHOW TABLES" lists them' });
  if (!(await tableExists(c, table))) throw new UsageError(`there is no table ${table} to restore into`);
  const [want, have] = [await columnsOf(c, table), await columnsOf(c, backup)];
  if (want.join('\n') !== have.join('\n')) throw new UsageError(`the backup ${backup} does not have the columns of ${table}`, { hint: 'restore only a backup that bmrs dedupe-audit --fix made of this table' });
  const t = quoteIdent(table);
  const b = quoteIdent(backup);
  return inTransaction(c, async () => {
    const before = await scalar(c, `SELECT count(*) FROM ${t}`);
    const rows = await scalar(c, `SELECT count(*) FROM ${b}`);
    // Rows loaded since the backup was made are not in it: a restore would drop them.
    const newer = await scalar(c, `SELECT count(*) FROM (SELECT _hash_key FROM ${t} WHERE _hash_key IS NOT NULL) x ANTI JOIN ${b} USING (_hash_key)`);
    // Rows without a key have no key to look up: they are compared as whole rows, each copy counted.
    const keyless = await scalar(c, `SELECT count(*) FROM (SELECT * FROM ${t} WHERE _hash_key IS NULL EXCEPT ALL SELECT * FROM ${b} WHERE _hash_key IS NULL)`);
    if (newer + keyless > 0 && !force) throw restoreRefused(table, backup, newer, keyless);
    await c.run(`DELETE FROM ${t}`);
    await c.run(`INSERT INTO ${t} SELECT * FROM ${b}`);
    const after = await scalar(c, `SELECT count(*) FROM ${t}`);
    if (after !== rows) throw new DataError(`restore abandoned, nothing changed: ${table} would hold ${after} rows where the backup has ${rows}`);
    return { table, backup, before, rows };
  });
}

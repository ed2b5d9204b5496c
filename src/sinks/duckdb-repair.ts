// Guarded repair: back the table up, rewrite it, verify, all in one transaction. Any failed step or
// check rolls everything back, so the table is exactly as it was and no half-made backup remains.
// With a range only the range's rows are rewritten; the backup always holds the whole table.
import type { DuckDBConnection } from '@duckdb/node-api';
import { DataError, UsageError } from '../core/errors.js';
import type { RepairRequest, RepairResult } from '../core/store.js';
import { rangeSql } from './duckdb-dedupe.js';
import { inTransaction } from './duckdb-open.js';
import { quoteIdent, tableExists } from './duckdb-schema.js';

/** The points between a repair's steps, for a test hook (a fault, or a SIGKILL, inside the transaction). */
export type RepairStep = 'backup' | 'rewrite' | 'verify';

const scalar = async (c: DuckDBConnection, sql: string): Promise<number> => Number((await c.runAndReadAll(sql)).getRows()[0][0]);

export async function repairTable(
  c: DuckDBConnection,
  table: string,
  req: RepairRequest,
  afterStep?: (step: RepairStep) => void | Promise<void>,
): Promise<RepairResult> {
  if (!(await tableExists(c, table))) throw new UsageError(`there is no table ${table} to repair`);
  if (await tableExists(c, req.backup)) throw new UsageError(`the backup table ${req.backup} already exists`, { hint: 'pick another backup name' });
  const t = quoteIdent(table);
  const b = quoteIdent(req.backup);
  const inRange = `true${rangeSql(req.range)}`;
  return inTransaction(c, async () => {
    const before = await scalar(c, `SELECT count(*) FROM ${t}`);
    const distinctKeys = await scalar(c, `SELECT count(DISTINCT _hash_key) FROM ${t}`);
    const extras = await scalar(c, `SELECT count(*) - count(DISTINCT _hash_key) FROM ${t} WHERE _hash_key IS NOT NULL AND ${inRange}`);
    const nullKeys = req.dropNullKeys ? await scalar(c, `SELECT count(*) FROM ${t} WHERE _hash_key IS NULL AND ${inRange}`) : 0;
    await c.run(`CREATE TABLE ${b} AS SELECT * FROM ${t}`);
    const backupRows = await scalar(c, `SELECT count(*) FROM ${b}`);
    check(backupRows === before, `the backup ${req.backup} holds ${backupRows} rows, not all ${before}`);
    await afterStep?.('backup');

    // One row per _hash_key, the latest _ingested_utc (the operators' convention); NULL keys kept unless asked.
    await c.run(`CREATE TEMP TABLE _bmrs_keep AS
      SELECT * FROM ${t} WHERE _hash_key IS NOT NULL AND ${inRange}
      QUALIFY row_number() OVER (PARTITION BY _hash_key ORDER BY _ingested_utc DESC NULLS LAST) = 1
      ${req.dropNullKeys ? '' : `UNION ALL SELECT * FROM ${t} WHERE _hash_key IS NULL AND ${inRange}`}`);
    await c.run(`DELETE FROM ${t} WHERE ${inRange}`);
    await c.run(`INSERT INTO ${t} SELECT * FROM _bmrs_keep`);
    await c.run('DROP TABLE _bmrs_keep');
    await afterStep?.('rewrite');

    const checks: string[] = [`backup ${req.backup} holds all ${before} rows`];
    const after = await scalar(c, `SELECT count(*) FROM ${t}`);
    const expected = before - extras - nullKeys;
    check(after === expected, `the rewritten table has ${after} rows where ${expected} (${before} - ${extras} extra copies${req.dropNullKeys ? ` - ${nullKeys} NULL keys` : ''}) were expected`);
    checks.push(`row count ${after} = ${before} - ${extras} extra copies${req.dropNullKeys ? ` - ${nullKeys} rows without a key` : ''}`);
    const left = await scalar(c, `SELECT count(*) - count(DISTINCT _hash_key) FROM ${t} WHERE _hash_key IS NOT NULL AND ${inRange}`);
    check(left === 0, `${left} duplicates remain after the rewrite`);
    checks.push(req.range ? `no duplicate _hash_key left in ${req.range.from}..${req.range.to}` : 'no duplicate _hash_key left');
    const missing = await scalar(c, `SELECT count(*) FROM (SELECT DISTINCT _hash_key FROM ${b} WHERE _hash_key IS NOT NULL) k ANTI JOIN ${t} USING (_hash_key)`);
    check(missing === 0, `${missing} _hash_key(s) of the backup went missing in the rewrite`);
    checks.push(`every one of the ${distinctKeys} distinct _hash_keys still present`);
    await afterStep?.('verify');
    return { backup: req.backup, before, backupRows, after, removed: before - after, distinctKeys, checks };
  });
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new DataError(`repair abandoned, nothing changed: ${what}`);
}

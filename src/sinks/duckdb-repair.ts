// Guarded repair: back the table up, rewrite it, verify, all in one transaction. Any failed step or
// check rolls everything back, so the table is exactly as it was and no half-made backup remains.
import type { DuckDBConnection } from '@duckdb/node-api';
import { DataError, UsageError } from '../core/errors.js';
import type { RepairRequest, RepairResult } from '../core/store.js';
import { inTransaction } from './duckdb-open.js';
import { quoteIdent, tableExists } from './duckdb-schema.js';

const scalar = async (c: DuckDBConnection, sql: string): Promise<number> => Number((await c.runAndReadAll(sql)).getRows()[0][0]);

export async function repairTable(c: DuckDBConnection, table: string, req: RepairRequest): Promise<RepairResult> {
  if (!(await tableExists(c, table))) throw new UsageError(`there is no table ${table} to repair`);
  if (await tableExists(c, req.backup)) throw new UsageError(`the backup table ${req.backup} already exists`, { hint: 'pick another backup name' });
  const t = quoteIdent(table);
  const b = quoteIdent(req.backup);
  return inTransaction(c, async () => {
    const before = await scalar(c, `SELECT count(*) FROM ${t}`);
    const keys = await scalar(c, `SELECT count(DISTINCT _hash_key) FROM ${t}`);
    const nullKeys = await scalar(c, `SELECT count(*) FROM ${t} WHERE _hash_key IS NULL`);
    await c.run(`CREATE TABLE ${b} AS SELECT * FROM ${t}`);
    check(await scalar(c, `SELECT count(*) FROM ${b}`) === before, `the backup ${req.backup} does not hold all ${before} rows`);

    // One row per _hash_key, the latest _ingested_utc (the operators' convention); NULL keys kept unless asked.
    await c.run(`CREATE TEMP TABLE _bmrs_keep AS
      SELECT * FROM ${t} WHERE _hash_key IS NOT NULL
      QUALIFY row_number() OVER (PARTITION BY _hash_key ORDER BY _ingested_utc DESC NULLS LAST) = 1
      ${req.dropNullKeys ? '' : `UNION ALL SELECT * FROM ${t} WHERE _hash_key IS NULL`}`);
    await c.run(`DELETE FROM ${t}`);
    await c.run(`INSERT INTO ${t} SELECT * FROM _bmrs_keep`);
    await c.run('DROP TABLE _bmrs_keep');

    const after = await scalar(c, `SELECT count(*) FROM ${t}`);
    const expected = keys + (req.dropNullKeys ? 0 : nullKeys);
    check(after === expected, `the rewritten table has ${after} rows where ${expected} were expected`);
    check(await scalar(c, `SELECT count(*) - count(DISTINCT _hash_key) FROM ${t} WHERE _hash_key IS NOT NULL`) === 0, 'duplicates remain after the rewrite');
    check(await scalar(c, `SELECT count(DISTINCT _hash_key) FROM ${t}`) === keys, 'a _hash_key went missing in the rewrite');
    return { backup: req.backup, before, after, removed: before - after };
  });
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new DataError(`repair abandoned, nothing changed: ${what}`);
}

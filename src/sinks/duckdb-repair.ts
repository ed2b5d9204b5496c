// Guarded repair: back the table up, remove the extra copies, verify, all in one transaction. Any
// failed step or check rolls everything back, so the table is exactly as it was and no half-made
// backup remains. With a range only the range's rows are repaired; the backup always holds the
// whole table. Only the rows to remove are touched (a DELETE by rowid), not the whole table.
import type { DuckDBConnection } from '@duckdb/node-api';
import { conflictError } from '../core/dedupe.js';
import { DataError, UsageError } from '../core/errors.js';
import type { RepairRequest, RepairResult } from '../core/store.js';
import { CONTENT_HASH, rangeSql, WELL_FORMED_KEY } from './duckdb-dedupe.js';
import { inTransaction } from './duckdb-open.js';
import { quoteIdent, tableExists } from './duckdb-schema.js';

/** The points between a repair's steps, for a test hook (a fault, or a SIGKILL, inside the transaction). */
export type RepairStep = 'backup' | 'rewrite' | 'verify';

const scalars = async (c: DuckDBConnection, sql: string): Promise<number[]> => (await c.runAndReadAll(sql)).getRows()[0].map(Number);

export async function repairTable(
  c: DuckDBConnection,
  table: string,
  req: RepairRequest,
  afterStep?: (step: RepairStep) => void | Promise<void>,
): Promise<RepairResult> {
  if (!(await tableExists(c, table))) throw new UsageError(`there is no table ${table} to repair`);
  if (await tableExists(c, req.backup)) {
    throw new UsageError(`the backup table ${req.backup} already exists (a --fix in the same second, or under the same BMRS_NOW)`, { hint: 'run again a second later; nothing was changed' });
  }
  const t = quoteIdent(table);
  const b = quoteIdent(req.backup);
  // Only well-formed keys are grouped: rows under a malformed key are bad keys, kept for a person to judge.
  const inRange = `${WELL_FORMED_KEY}${rangeSql(req.range)}`;
  // Candidates by the key's 64-bit hash (an integer GROUP BY), then exact by the key itself.
  const candidates = `SELECT hash(_hash_key) AS h FROM ${t} WHERE _hash_key IS NOT NULL${rangeSql(req.range)} GROUP BY 1 HAVING count(*) > 1`;
  return inTransaction(c, async () => {
    const [before] = await scalars(c, `SELECT count(*) FROM ${t}`);
    await c.run(`CREATE TABLE ${b} AS SELECT * FROM ${t}`);
    const [backupRows] = await scalars(c, `SELECT count(*) FROM ${b}`);
    check(backupRows === before, `the backup ${req.backup} holds ${backupRows} rows, not all ${before}`);
    await afterStep?.('backup');

    // A key shared by rows of different content is no duplicate: one of its keys is wrong, and a person decides.
    const [conflicts] = await scalars(c, `SELECT count(*) FROM (SELECT _hash_key FROM
      (SELECT _hash_key, ${CONTENT_HASH} AS content FROM ${t} SEMI JOIN (${candidates}) cand ON hash(_hash_key) = cand.h WHERE ${inRange})
      GROUP BY 1 HAVING min(content) <> max(content))`);
    if (conflicts > 0) throw conflictError(conflicts);

    // Every copy but the latest _ingested_utc of each _hash_key (the operators' convention); NULL keys only when asked.
    await c.run(`CREATE TEMP TABLE _bmrs_drop AS
      SELECT rowid AS r, _hash_key AS k FROM ${t} SEMI JOIN (${candidates}) cand ON hash(_hash_key) = cand.h WHERE ${inRange}
      QUALIFY row_number() OVER (PARTITION BY _hash_key ORDER BY _ingested_utc DESC NULLS LAST, rowid DESC) > 1
      ${req.dropNullKeys ? `UNION ALL SELECT rowid, NULL FROM ${t} WHERE _hash_key IS NULL${rangeSql(req.range)}` : ''}`);
    const [extras, nullKeys] = await scalars(c, `SELECT count(k), count(*) - count(k) FROM _bmrs_drop`);
    await c.run(`DELETE FROM ${t} WHERE rowid IN (SELECT r FROM _bmrs_drop)`);
    await c.run('DROP TABLE _bmrs_drop');
    await afterStep?.('rewrite');

    const checks: string[] = [`backup ${req.backup} holds all ${before} rows`];
    const [after] = await scalars(c, `SELECT count(*) FROM ${t}`);
    const expected = before - extras - nullKeys;
    const sum = `${before} - ${extras} extra copies${req.dropNullKeys ? ` - ${nullKeys} rows without a key` : ''}`;
    check(after === expected, `the repaired table has ${after} rows where ${expected} (${sum}) were expected`);
    checks.push(`row count ${after} = ${sum}`);
    const [left] = await scalars(c, `SELECT count(*) FROM (SELECT _hash_key FROM ${t} SEMI JOIN (${candidates}) cand ON hash(_hash_key) = cand.h WHERE ${inRange} GROUP BY 1 HAVING count(*) > 1)`);
    check(left === 0, `${left} _hash_keys are still stored more than once`);
    checks.push(req.range ? `no duplicate _hash_key left in ${req.range.from}..${req.range.to}` : 'no duplicate _hash_key left');
    const [distinctKeys, missing] = await scalars(
      c,
      `WITH k AS MATERIALIZED (SELECT DISTINCT _hash_key FROM ${b} WHERE _hash_key IS NOT NULL)
       SELECT (SELECT count(*) FROM k), (SELECT count(*) FROM k ANTI JOIN ${t} USING (_hash_key))`,
    );
    check(missing === 0, `${missing} _hash_key(s) of the backup went missing in the repair`);
    checks.push(`every one of the ${distinctKeys} distinct _hash_keys still present`);
    await afterStep?.('verify');
    return { backup: req.backup, before, backupRows, after, removed: before - after, distinctKeys, checks };
  });
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new DataError(`repair abandoned, nothing changed: ${what}`);
}

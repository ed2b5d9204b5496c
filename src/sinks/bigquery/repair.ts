// Guarded repair in BigQuery: a copy job backs the table up (free, whole table), verified by count;
// the rewrite goes into a work table made with the table's own schema (modes, descriptions),
// partitioning and clustering, where it is
// verified (row count, no duplicate left, every distinct key of the backup present); only then does
// a copy job replace the table's rows with it, atomically (WRITE_TRUNCATE). Any failed step leaves
// the table as it was. Restore is the same copy from the backup, after checking it drops nothing.
import { conflictError, restoreRefused } from '../../core/dedupe.js';
import { DataError, UsageError } from '../../core/errors.js';
import type { RepairRequest, RepairResult, RestoreResult, RowRange } from '../../core/store.js';
import type { TableMetadata } from '@google-cloud/bigquery';
import type { Gateway, TableInfo } from './client.js';
import { WELL_FORMED, contentColumns } from './audit.js';
import { plain } from './schema.js';
import { q, rangeAnd, rowText } from './sql.js';
import { typesOf } from './reads.js';

const count = async (g: Gateway, sql: string, doing: string): Promise<number> => Number(plain((await g.query(sql, doing)).rows[0]?.n) ?? 0);

/** The work table: the table's own schema (modes, descriptions), partitioning and clustering, expiring in a day. */
export function workTableMetadata(info: TableInfo, now: number): TableMetadata {
  const { schema, timePartitioning, clustering } = info.layout;
  // No partition expiry on the work table: it would drop old rows before the swap (the count check would stop it).
  const partitioning = timePartitioning ? { ...timePartitioning, expirationMs: undefined } : undefined;
  return { schema, ...(partitioning ? { timePartitioning: partitioning } : {}), ...(clustering ? { clustering } : {}), expirationTime: String(now + 86_400_000) };
}

/** The repaired rows: outside the range as they are; inside, one row per key (the latest ingest), NULL keys kept unless dropped. */
export function rewriteSql(g: Pick<Gateway, 'ref'>, table: string, work: string, info: TableInfo, req: Pick<RepairRequest, 'dropNullKeys' | 'range'>): string {
  const inRange = inRangeSql(info, req.range);
  // A malformed key is never grouped: its rows are kept (a bad key for a person to judge).
  const keep = req.dropNullKeys ? `_hash_key IS NOT NULL AND (_bmrs_rn = 1 OR NOT ${WELL_FORMED})` : `(_hash_key IS NULL OR _bmrs_rn = 1 OR NOT ${WELL_FORMED})`;
  return `INSERT INTO ${g.ref(work)}
SELECT * FROM ${g.ref(table)} WHERE NOT IFNULL(${inRange}, FALSE)
UNION ALL
SELECT * EXCEPT (_bmrs_rn) FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY _hash_key ORDER BY _ingested_utc DESC) AS _bmrs_rn FROM ${g.ref(table)} WHERE IFNULL(${inRange}, FALSE))
WHERE ${keep}`;
}

function inRangeSql(info: TableInfo, range: RowRange | undefined): string {
  return range ? `(TRUE${rangeAnd(range, typesOf(info))})` : 'TRUE';
}

export async function repairTable(g: Gateway, table: string, req: RepairRequest): Promise<RepairResult> {
  const info = await g.getTable(table);
  if (!info) throw new UsageError(`there is no table ${table} to repair`);
  if (await g.getTable(req.backup)) {
    throw new UsageError(`the backup table ${req.backup} already exists (a --fix in the same second, or under the same BMRS_NOW)`, { hint: 'run again a second later; nothing was changed' });
  }
  const t = g.ref(table);
  const where = `WHERE ${WELL_FORMED}${rangeAnd(req.range, typesOf(info))}`;
  // A key shared by rows of different content is no duplicate: one of its keys is wrong, and a person decides.
  const content = rowText(contentColumns(info));
  const conflicts = await count(g, `SELECT COUNT(*) AS n FROM (SELECT _hash_key FROM ${t} ${where} GROUP BY _hash_key HAVING MIN(${content}) <> MAX(${content}))`, `checking ${table} for key conflicts`);
  if (conflicts > 0) throw conflictError(conflicts);

  const before = await count(g, `SELECT COUNT(*) AS n FROM ${t}`, `counting ${table}`);
  await g.copy(table, req.backup, 'WRITE_EMPTY', `backing up ${table}`);
  const backupRows = await count(g, `SELECT COUNT(*) AS n FROM ${g.ref(req.backup)}`, `counting ${req.backup}`);
  check(backupRows === before, `the backup ${req.backup} holds ${backupRows} rows, not all ${before}`);
  const checks: string[] = [`backup ${req.backup} holds all ${before} rows`];

  const inRange = inRangeSql(info, req.range);
  const dropped = (
    await g.query(
      `SELECT IFNULL(SUM(n - 1), 0) AS extra, ${req.dropNullKeys ? `(SELECT COUNT(*) FROM ${t} WHERE _hash_key IS NULL AND IFNULL(${inRange}, FALSE))` : '0'} AS null_rows
FROM (SELECT COUNT(*) AS n FROM ${t} ${where} GROUP BY _hash_key HAVING COUNT(*) > 1)`,
      `counting the extra copies in ${table}`,
    )
  ).rows[0];
  const extras = Number(plain(dropped?.extra) ?? 0);
  const nullKeys = Number(plain(dropped?.null_rows) ?? 0);

  const work = `${table}__bmrs_rewrite`;
  await g.deleteTable(work);
  try {
    await g.createTable(work, workTableMetadata(info, Date.now()));
    await g.query(rewriteSql(g, table, work, info, req), `rewriting ${table}`);
    const w = g.ref(work);
    const after = await count(g, `SELECT COUNT(*) AS n FROM ${w}`, `counting the rewrite of ${table}`);
    const expected = before - extras - nullKeys;
    const sum = `${before} - ${extras} extra copies${req.dropNullKeys ? ` - ${nullKeys} rows without a key` : ''}`;
    check(after === expected, `the repaired table has ${after} rows where ${expected} (${sum}) were expected`);
    checks.push(`row count ${after} = ${sum}`);
    const left = await count(g, `SELECT COUNT(*) AS n FROM (SELECT _hash_key FROM ${w} ${where} GROUP BY _hash_key HAVING COUNT(*) > 1)`, `verifying the rewrite of ${table}`);
    check(left === 0, `${left} _hash_keys are still stored more than once`);
    checks.push(req.range ? `no duplicate _hash_key left in ${req.range.from}..${req.range.to}` : 'no duplicate _hash_key left');
    const keys = (
      await g.query(
        `SELECT COUNT(*) AS n, COUNTIF(r._hash_key IS NULL) AS missing
FROM (SELECT DISTINCT _hash_key FROM ${g.ref(req.backup)} WHERE _hash_key IS NOT NULL) b
LEFT JOIN (SELECT DISTINCT _hash_key FROM ${w} WHERE _hash_key IS NOT NULL) r ON r._hash_key = b._hash_key`,
        `verifying the rewrite of ${table}`,
      )
    ).rows[0];
    const distinctKeys = Number(plain(keys?.n) ?? 0);
    const missing = Number(plain(keys?.missing) ?? 0);
    check(missing === 0, `${missing} _hash_key(s) of the backup went missing in the repair`);
    checks.push(`every one of the ${distinctKeys} distinct _hash_keys still present`);
    // Rows loaded into the table since the backup would be lost by the swap: stop instead.
    const now = await count(g, `SELECT COUNT(*) AS n FROM ${t}`, `counting ${table}`);
    check(now === before, `${table} changed during the repair (${before} rows, now ${now}): another writer is loading it`);
    await g.copy(work, table, 'WRITE_TRUNCATE', `replacing the rows of ${table}`);
    return { backup: req.backup, before, backupRows, after, removed: before - after, distinctKeys, checks };
  } finally {
    await g.deleteTable(work).catch(() => undefined);
  }
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new DataError(`repair abandoned, nothing changed: ${what}`);
}

export async function restoreTable(g: Gateway, table: string, backup: string, force: boolean): Promise<RestoreResult> {
  const b = await g.getTable(backup);
  if (!b) throw new UsageError(`there is no backup table ${backup}`, { hint: 'bmrs dedupe-audit --fix printed the name of its backup' });
  const info = await g.getTable(table);
  if (!info) throw new UsageError(`there is no table ${table} to restore into`);
  const shape = (i: TableInfo) => i.fields.map((f) => `${f.name} ${f.type}`).join('\n');
  if (shape(info) !== shape(b)) throw new UsageError(`the backup ${backup} does not have the columns of ${table}`, { hint: 'restore only a backup that bmrs dedupe-audit --fix made of this table' });
  const before = await count(g, `SELECT COUNT(*) AS n FROM ${g.ref(table)}`, `counting ${table}`);
  const rows = await count(g, `SELECT COUNT(*) AS n FROM ${g.ref(backup)}`, `counting ${backup}`);
  const newer = await count(
    g,
    `SELECT COUNT(*) AS n FROM ${g.ref(table)} t WHERE t._hash_key IS NOT NULL AND t._hash_key NOT IN (SELECT _hash_key FROM ${g.ref(backup)} WHERE _hash_key IS NOT NULL)`,
    `comparing ${table} with ${backup}`,
  );
  // Rows without a key, compared as whole rows (no EXCEPT ALL in GoogleSQL): each row's text, counted in the table beyond its count in the backup.
  const whole = rowText(info.fields.filter((f) => f.mode !== 'REPEATED').map((f) => f.name));
  const keyless = await count(
    g,
    `SELECT IFNULL(SUM(GREATEST(x.n - IFNULL(y.n, 0), 0)), 0) AS n
FROM (SELECT ${whole} AS r, COUNT(*) AS n FROM ${g.ref(table)} WHERE _hash_key IS NULL GROUP BY r) x
LEFT JOIN (SELECT ${whole} AS r, COUNT(*) AS n FROM ${g.ref(backup)} WHERE _hash_key IS NULL GROUP BY r) y ON y.r = x.r`,
    `comparing the rows without a key of ${table} with ${backup}`,
  );
  if (newer + keyless > 0 && !force) throw restoreRefused(table, backup, newer, keyless);
  await g.copy(backup, table, 'WRITE_TRUNCATE', `restoring ${table} from ${backup}`);
  const after = await count(g, `SELECT COUNT(*) AS n FROM ${g.ref(table)}`, `counting ${table}`);
  if (after !== rows) throw new DataError(`restore incomplete: ${table} holds ${after} rows where the backup has ${rows}`, { hint: `BigQuery time travel can bring back the table as it was: FOR SYSTEM_TIME AS OF` });
  return { table, backup, before, rows };
}


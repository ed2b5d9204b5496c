// dedupe-audit's reads in GoogleSQL: duplicate `_hash_key`s (the operators' audit query, with the
// worst groups and key conflicts), malformed keys, and revisions by natural key.
import type { DatasetSpec } from '../../core/datasets.js';
import type { DuplicateReport, KeyAudit, RowRange } from '../../core/store.js';
import type { Gateway, TableInfo } from './client.js';
import { plain } from './schema.js';
import { q, rangeAnd, rowText } from './sql.js';
import { typesOf } from './reads.js';

/** Only well-formed keys group as duplicates; a malformed one is a bad key (core/dedupe.ts). */
export const WELL_FORMED = `REGEXP_CONTAINS(_hash_key, '^[0-9a-f]{32}$')`;
const num = (v: unknown) => Number(plain(v) ?? 0);
const text = (v: unknown) => (v === null || v === undefined ? '' : String(plain(v)));

/** The content columns (names not starting with `_`) of a table. */
export function contentColumns(info: TableInfo): string[] {
  return info.fields.filter((f) => !f.name.startsWith('_') && f.mode !== 'REPEATED').map((f) => f.name);
}

export function duplicatesSql(g: Pick<Gateway, 'ref'>, table: string, info: TableInfo, limit: number, range?: RowRange): string {
  return `WITH grp AS (
  SELECT _hash_key, COUNT(*) AS n, MIN(_ingested_utc) AS lo, MAX(_ingested_utc) AS hi, MIN(${rowText(contentColumns(info))}) <> MAX(${rowText(contentColumns(info))}) AS conflict
  FROM ${g.ref(table)} WHERE ${WELL_FORMED}${rangeAnd(range, typesOf(info))}
  GROUP BY _hash_key HAVING COUNT(*) > 1)
SELECT COUNTIF(NOT conflict) OVER () AS dup_groups, SUM(IF(conflict, 0, n - 1)) OVER () AS extra, COUNTIF(conflict) OVER () AS conflicts, _hash_key, n, lo, hi, conflict
FROM grp ORDER BY conflict, n DESC, _hash_key LIMIT ${Math.max(1, limit)}`;
}

export async function duplicates(g: Gateway, table: string, worst: number, range?: RowRange): Promise<DuplicateReport> {
  const info = await g.getTable(table);
  if (!info) return { groups: 0, extraRows: 0, nullKeys: 0, conflicts: 0, worst: [] };
  const limit = Math.max(0, Math.floor(worst));
  const r = await g.query(duplicatesSql(g, table, info, limit, range), `finding duplicates in ${table}`);
  const nulls = await g.query(`SELECT COUNT(*) AS n FROM ${g.ref(table)} WHERE _hash_key IS NULL${rangeAnd(range, typesOf(info))}`, `counting NULL keys in ${table}`);
  const first = r.rows[0];
  return {
    groups: num(first?.dup_groups),
    extraRows: num(first?.extra),
    nullKeys: num(nulls.rows[0]?.n),
    conflicts: num(first?.conflicts),
    worst: r.rows.filter((v) => plain(v.conflict) !== 'true').slice(0, limit).map((v) => ({ hashKey: text(v._hash_key), count: num(v.n), firstIngested: text(v.lo), lastIngested: text(v.hi) })),
  };
}

export async function duplicateCount(g: Gateway, table: string): Promise<Omit<DuplicateReport, 'worst'>> {
  if ((await g.getTable(table)) === null) return { groups: 0, extraRows: 0, nullKeys: 0 };
  const r = await g.query(
    `SELECT COUNTIF(ok AND n > 1) AS dup_groups, IFNULL(SUM(IF(ok AND n > 1, n - 1, 0)), 0) AS extra, IFNULL(SUM(IF(k IS NULL, n, 0)), 0) AS null_rows
FROM (SELECT _hash_key AS k, IFNULL(${WELL_FORMED}, FALSE) AS ok, COUNT(*) AS n FROM ${g.ref(table)} GROUP BY k, ok)`,
    `counting duplicates in ${table}`,
  );
  const v = r.rows[0] ?? {};
  return { groups: num(v.dup_groups), extraRows: num(v.extra), nullKeys: num(v.null_rows) };
}

export async function keyAudit(g: Gateway, d: DatasetSpec, worst: number, range?: RowRange): Promise<KeyAudit> {
  const info = await g.getTable(d.table);
  const none = { rows: 0, malformedKeys: 0, malformedExamples: [], revisions: { keys: 0, extraVersions: 0, worst: [] } };
  if (!info) return none;
  const t = g.ref(d.table);
  const where = `WHERE TRUE${rangeAnd(range, typesOf(info))}`;
  const limit = Math.max(0, Math.floor(worst));
  const totals = (await g.query(`SELECT COUNT(*) AS n, COUNTIF(_hash_key IS NOT NULL AND NOT ${WELL_FORMED}) AS bad FROM ${t} ${where}`, `auditing keys of ${d.table}`)).rows[0];
  const malformed = num(totals?.bad);
  const examples =
    malformed === 0
      ? []
      : (await g.query(`SELECT DISTINCT _hash_key FROM ${t} ${where} AND _hash_key IS NOT NULL AND NOT ${WELL_FORMED} ORDER BY _hash_key LIMIT ${limit}`, `auditing keys of ${d.table}`)).rows.map((v) => text(v._hash_key));
  const keys = d.naturalKey.map(q);
  const ks = keys.map((_, i) => `k${i}`).join(', ');
  // A version is a key's content; a key whose rows differ (a conflict, NULL here) is one version of its own.
  const found = (
    await g.query(
      `WITH p AS (
  SELECT ${ks}, _hash_key, IF(MIN(content) = MAX(content), MIN(content), NULL) AS content
  FROM (SELECT ${keys.map((k, i) => `CAST(${k} AS STRING) AS k${i}`).join(', ')}, _hash_key, ${rowText(contentColumns(info))} AS content
    FROM ${t} ${where} AND ${WELL_FORMED} AND ${keys.map((k) => `${k} IS NOT NULL`).join(' AND ')})
  GROUP BY ${ks}, _hash_key),
v AS (
  SELECT ${ks}, COUNT(DISTINCT content) + COUNTIF(content IS NULL) AS n, ARRAY_AGG(DISTINCT _hash_key ORDER BY _hash_key) AS hashes
  FROM p GROUP BY ${ks} HAVING COUNT(DISTINCT content) + COUNTIF(content IS NULL) > 1)
SELECT COUNT(*) OVER () AS total, SUM(n - 1) OVER () AS extra, v.* FROM v ORDER BY n DESC, ${keys.map((_, i) => `k${i}`).join(', ')} LIMIT ${Math.max(1, limit)}`,
      `finding revisions in ${d.table}`,
    )
  ).rows;
  return {
    rows: num(totals?.n),
    malformedKeys: malformed,
    malformedExamples: examples,
    revisions: {
      keys: num(found[0]?.total),
      extraVersions: num(found[0]?.extra),
      worst: found.slice(0, limit).map((v) => ({
        naturalKey: Object.fromEntries(d.naturalKey.map((name, i) => [name, v[`k${i}`] === null ? null : text(v[`k${i}`])])),
        versions: num(v.n),
        hashKeys: (v.hashes as unknown[]).map(text),
      })),
    },
  };
}

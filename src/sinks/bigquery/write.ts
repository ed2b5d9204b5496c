// A write group into BigQuery, per table: the rows of all its windows as NDJSON in one load job
// into a staging table (same dataset and location, expiring in a day, named and job-numbered by a
// digest of the run and the rows, so a retried load attaches to its job), then one insert-only MERGE
// on `_hash_key` whose ON clause also bounds the target to the batch's days with literals (BigQuery
// prunes the partitions outside them), then the staging table is dropped. Never streaming inserts.
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Column } from '../../core/datasets.js';
import type { WindowWrite, WriteResult } from '../../core/store.js';
import type { Gateway } from './client.js';
import { jsonValue } from './schema.js';
import { dayFilter, q } from './sql.js';

/** The staging table's extra column: which window of the group a row came from. */
export const WINDOW_COLUMN = '_bmrs_w';
export const STAGING_PREFIX = '_bmrs_stage_';
const STAGING_LIFETIME_MS = 24 * 3600_000;

export interface TableWriteStats {
  readonly table: string;
  readonly loadJobs: number;
  readonly bytesProcessed: number;
}

/** NDJSON of the windows' rows, each tagged with its window's index in the group. */
export function ndjson(columns: readonly Column[], windows: readonly { index: number; write: WindowWrite }[]): string {
  const names = columns.map((c) => JSON.stringify(c.name));
  const parts: string[] = [];
  for (const { index, write } of windows) {
    for (const row of write.rows) {
      let line = `{"${WINDOW_COLUMN}":${index}`;
      for (let i = 0; i < columns.length; i++) if (row[i] !== null) line += `,${names[i]}:${jsonValue(row[i], columns[i].type)}`;
      parts.push(`${line}}\n`);
    }
  }
  return parts.join('');
}

type Bounds = { readonly column: string; readonly min: string; readonly max: string };

/** Inclusive day bounds covering every window (null when one of them has none: no bound at all). */
function unionBounds(writes: readonly WindowWrite[]): Bounds | null {
  const all = writes.map((w) => w.bounds);
  if (all.length === 0 || all.some((b) => b === null || b.column !== all[0]!.column)) return null;
  const bs = all as Bounds[];
  return { column: bs[0].column, min: bs.map((b) => b.min).sort()[0], max: bs.map((b) => b.max).sort().at(-1)! };
}

/** The target's rows that could hold the batch's keys: literal bounds on the partition column, or none. */
function targetBound(writes: readonly WindowWrite[], columns: readonly Column[], alias: string): string {
  const b = unionBounds(writes);
  if (!b) return '';
  const type = columns.find((c) => c.name === b.column)?.type;
  return ` AND ${dayFilter(b.column, type, b.min.slice(0, 10), b.max.slice(0, 10), alias)}`;
}

/** The statements of one table's write; exported for the SQL analysis and the docs' cost figures. */
export function writeStatements(g: Pick<Gateway, 'ref'>, table: string, staging: string, columns: readonly Column[], writes: readonly WindowWrite[]) {
  const firstCopies = `SELECT * FROM ${g.ref(staging)} WHERE TRUE QUALIFY ROW_NUMBER() OVER (PARTITION BY _hash_key ORDER BY ${WINDOW_COLUMN}) = 1`;
  const names = columns.map((c) => q(c.name));
  const merge = `MERGE INTO ${g.ref(table)} T
USING (SELECT * EXCEPT (${WINDOW_COLUMN}) FROM (${firstCopies})) S
ON T._hash_key = S._hash_key${targetBound(writes, columns, 'T.')}
WHEN NOT MATCHED THEN INSERT (${names.join(', ')}) VALUES (${names.map((n) => `S.${n}`).join(', ')})`;
  const newPerWindow = `SELECT S.${WINDOW_COLUMN} AS w, COUNT(*) AS n
FROM (${firstCopies}) S
LEFT JOIN (SELECT _hash_key FROM ${g.ref(table)} WHERE TRUE${targetBound(writes, columns, '')}) T ON T._hash_key = S._hash_key
WHERE T._hash_key IS NULL GROUP BY w`;
  return { merge, newPerWindow };
}

/**
 * Writes one table's windows (those with rows) and returns rows inserted and skipped per window.
 * With one window the MERGE's count is exact; with several, one SELECT first counts each window's
 * new rows (the earliest window of the group gets a row repeated across windows), and the MERGE's
 * count is taken as the truth should another writer have added some in between.
 */
export async function writeTable(
  g: Gateway,
  table: string,
  columns: readonly Column[],
  windows: readonly { index: number; write: WindowWrite }[],
  /** Unique to this write call (the store's id and a sequence number): a retry within the call keeps its job ids, a new call gets new ones. */
  writeId: string,
): Promise<{ results: Map<number, WriteResult>; stats: TableWriteStats }> {
  const text = ndjson(columns, windows);
  const digest = createHash('sha256').update(`${writeId}\n${table}\n`).update(text).digest('hex').slice(0, 24);
  const staging = `${STAGING_PREFIX}${table}_${digest}`;
  const dir = await mkdtemp(join(tmpdir(), 'bmrs-bq-'));
  const file = join(dir, 'rows.ndjson');
  const writes = windows.map((w) => w.write);
  const jobsBefore = g.jobs.length;
  try {
    await writeFile(file, text);
    const fields = [{ name: WINDOW_COLUMN, type: 'INTEGER', mode: 'REQUIRED' }, ...columns.map((c) => ({ name: c.name, type: c.type, mode: 'NULLABLE' }))];
    await g.createTable(staging, { schema: { fields }, expirationTime: String(Date.now() + STAGING_LIFETIME_MS) });
    await g.load(staging, file, `bmrs_load_${table}_${digest}`, `loading ${table}`, fields);
    const sql = writeStatements(g, table, staging, columns, writes);
    let perWindow: Map<number, number>;
    if (windows.length > 1) {
      const counted = await g.query(sql.newPerWindow, `counting new rows of ${table}`);
      perWindow = new Map(counted.rows.map((r) => [Number(plainNumber(r.w)), Number(plainNumber(r.n))]));
    } else {
      perWindow = new Map();
    }
    const merged = await g.query(sql.merge, `merging into ${table}`, `bmrs_merge_${table}_${digest}`);
    if (windows.length === 1) perWindow.set(windows[0].index, merged.affectedRows);
    let surplus = [...perWindow.values()].reduce((a, b) => a + b, 0) - merged.affectedRows;
    const results = new Map<number, WriteResult>();
    for (const { index, write } of [...windows].reverse()) {
      let inserted = perWindow.get(index) ?? 0;
      const taken = Math.min(surplus, inserted);
      inserted -= taken;
      surplus -= taken;
      results.set(index, { inserted, skipped: write.rows.length - inserted });
    }
    const mine = g.jobs.slice(jobsBefore);
    return { results, stats: { table, loadJobs: mine.filter((j) => j.kind === 'load').length, bytesProcessed: mine.reduce((a, j) => a + j.bytesProcessed, 0) } };
  } finally {
    await g.deleteTable(staging).catch(() => undefined); // it expires within a day anyway
    await rm(dir, { recursive: true, force: true });
  }
}

function plainNumber(v: unknown): unknown {
  return typeof v === 'object' && v !== null && 'value' in v ? (v as { value: unknown }).value : v;
}

// Typed reads for check, update and dedupe-audit in GoogleSQL. Cells come back in the pipeline's
// own form (rows.ts), so a stored row hashes again exactly as it was hashed on the way in. Day
// ranges compare the partition column with literals of its type, so BigQuery prunes partitions.
import type { ColumnType, DatasetSpec } from '../../core/datasets.js';
import type { Row } from '../../core/rows.js';
import type { CoverageCounts, PeriodCount, RowRange, SeriesPoint, SeriesQuery } from '../../core/store.js';
import type { Gateway, TableInfo } from './client.js';
import { actualColumns, plain, toCell } from './schema.js';
import { dayFilter, dayText, q, rangeAnd, rowText } from './sql.js';

export type TypeOf = (column: string) => ColumnType | undefined;

export function typesOf(info: TableInfo): TypeOf {
  const cols = actualColumns(info.fields);
  return (name) => cols.find((c) => c.name === name)?.type ?? undefined;
}

/** Columns of types bmrs writes, read as cells. */
export async function readRows(g: Gateway, table: string, info: TableInfo, tail: string): Promise<Row[]> {
  const kept = actualColumns(info.fields).filter((c) => c.type !== null);
  const r = await g.query(`SELECT ${kept.map((c) => q(c.name)).join(', ')} FROM ${g.ref(table)} ${tail}`, `reading ${table}`);
  return r.rows.map((row) => Object.fromEntries(kept.map((c) => [c.name, toCell(row[c.name], c.type ?? undefined)])));
}

export async function countRows(g: Gateway, table: string): Promise<number | null> {
  if ((await g.getTable(table)) === null) return null;
  const r = await g.query(`SELECT COUNT(*) AS n FROM ${g.ref(table)}`, `counting ${table}`);
  return Number(plain(r.rows[0]?.n ?? 0));
}

/** Days a read that wants recent rows looks at first: the partitions it scans, so what it is billed. */
export const RECENT_DAYS = 3;

/**
 * ` AND <partition column within the last RECENT_DAYS days>` as literals (so BigQuery prunes the
 * older partitions), or '' for a table without a partition column. The days count back from the
 * run's "now" (BMRS_NOW or the clock): a read that finds nothing there tries the whole table.
 */
export function recentAnd(info: TableInfo, nowMs = Date.now()): string {
  if (!info.partitionField) return '';
  const from = new Date(nowMs - RECENT_DAYS * 86_400_000).toISOString().slice(0, 10);
  return ` AND ${dayFilter(info.partitionField, typesOf(info)(info.partitionField), from, '9999-12-31')}`;
}

export async function latestRow(g: Gateway, d: DatasetSpec, nowMs = Date.now()): Promise<Row | null> {
  const info = await g.getTable(d.table);
  if (!info) return null;
  const order = 'field' in d.eventTime ? `${q(d.eventTime.field)} DESC NULLS LAST` : `settlementDate DESC NULLS LAST, settlementPeriod DESC NULLS LAST`;
  const tail = `ORDER BY ${order}, _ingested_utc DESC LIMIT 1`;
  const recent = recentAnd(info, nowMs);
  const [row] = recent ? await readRows(g, d.table, info, `WHERE TRUE${recent} ${tail}`) : [];
  return row ?? (await readRows(g, d.table, info, tail))[0] ?? null;
}

async function settlementDays(g: Gateway, d: DatasetSpec): Promise<{ info: TableInfo; where: string; day: string } | null> {
  const info = await g.getTable(d.table);
  if (!info) return null;
  return { info, where: '', day: dayText('settlementDate', typesOf(info)('settlementDate')) };
}

function between(info: TableInfo, from: string, to: string): string {
  return `WHERE ${dayFilter('settlementDate', typesOf(info)('settlementDate'), from, to)}`;
}

export async function periodCounts(g: Gateway, d: DatasetSpec, from: string, to: string): Promise<PeriodCount[]> {
  const s = await settlementDays(g, d);
  if (!s) return [];
  const r = await g.query(
    `SELECT ${s.day} AS day, settlementPeriod AS period, COUNT(*) AS n, COUNT(DISTINCT ${rowText(d.naturalKey)}) AS k
FROM ${g.ref(d.table)} ${between(s.info, from, to)} GROUP BY day, period ORDER BY day, period`,
    `counting rows of ${d.table} per period`,
  );
  return r.rows.map((v) => ({ date: String(plain(v.day)), period: Number(plain(v.period)), rows: Number(plain(v.n)), keys: Number(plain(v.k)) }));
}

export async function coverageCounts(g: Gateway, d: DatasetSpec, from: string, to: string): Promise<CoverageCounts> {
  const s = await settlementDays(g, d);
  if (!s) return { periods: [], members: [] };
  const periods = await periodCounts(g, d, from, to);
  const column = d.cadence?.setColumn;
  if (!column) return { periods, members: [] };
  const r = await g.query(
    `SELECT ${s.day} AS day, COUNT(DISTINCT ${q(column)}) AS m FROM ${g.ref(d.table)} ${between(s.info, from, to)} GROUP BY day ORDER BY day`,
    `counting members of ${d.table} per day`,
  );
  return { periods, members: r.rows.map((v) => ({ date: String(plain(v.day)), members: Number(plain(v.m)) })) };
}

export async function meanSeries(g: Gateway, d: DatasetSpec, from: string, to: string, sq: SeriesQuery): Promise<SeriesPoint[]> {
  const s = await settlementDays(g, d);
  if (!s) return [];
  const period = sq.perDay ? 'CAST(NULL AS INT64)' : 'settlementPeriod';
  const r = await g.query(
    `SELECT ${s.day} AS day, ${period} AS period, CAST(${q(sq.by)} AS STRING) AS grp, AVG(${q(sq.value)}) AS v
FROM ${g.ref(d.table)} ${between(s.info, from, to)} AND ${q(sq.value)} IS NOT NULL
GROUP BY day, period, grp ORDER BY day, period, grp`,
    `averaging ${sq.value} of ${d.table}`,
  );
  return r.rows.map((v) => ({ date: String(plain(v.day)), period: v.period === null ? null : Number(plain(v.period)), group: String(plain(v.grp)), value: Number(plain(v.v)) }));
}

/** A deterministic sample: the rows whose key fingerprints lowest (the same rows every time). */
export async function sampleRows(g: Gateway, table: string, limit: number, range?: RowRange, recentFrom?: number): Promise<Row[]> {
  const info = await g.getTable(table);
  if (!info) return [];
  const n = Math.max(0, Math.floor(limit));
  const tail = `ORDER BY FARM_FINGERPRINT(IFNULL(_hash_key, '')), _ingested_utc LIMIT ${n}`;
  const where = `WHERE TRUE${rangeAnd(range, typesOf(info))}`;
  const recent = recentFrom === undefined ? '' : recentAnd(info, recentFrom);
  const rows = recent ? await readRows(g, table, info, `${where}${recent} ${tail}`) : [];
  return rows.length > 0 ? rows : readRows(g, table, info, `${where} ${tail}`);
}

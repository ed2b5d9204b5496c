// The store port: everything a command needs from where the rows live. DuckDB implements it now,
// BigQuery next; the use cases read `capabilities` instead of asking which store this is, and no
// command ever holds a driver connection (docs/architecture.md).
import type { Column, DatasetSpec } from './datasets.js';
import type { KeySet, WindowDigest } from './digest.js';
import type { Cell, Row } from './rows.js';
import type { DuplicateReport, RowRange, RevisionReport, KeyAudit, RepairRequest, RepairResult, RestoreResult } from './store-audit.js';

// The dedupe-audit's reports and repairs, in a file of their own; imported from here as before.
export type { DuplicateReport, RowRange, RevisionReport, KeyAudit, RepairRequest, RepairResult, RestoreResult } from './store-audit.js';

/** A row ready to store: its cells in the order of `WindowWrite.columns`. */
export type StoredRow = readonly Cell[];

export interface StoreCapabilities {
  /** Whether `write` may be called again before the previous call has settled. */
  readonly parallelWrites: boolean;
  /** Rows worth grouping into one `write` call (BigQuery: one load job and one MERGE per call). */
  readonly preferredRowsPerWrite: number;
  /**
   * Whether a write's rows and ledger entries commit together. When false the ledger entries are
   * written only after the rows are durable, and re-running a window is harmless either way.
   */
  readonly transactions: boolean;
  /** Whether `write` takes rows staged in a Parquet file (`WindowWrite.staged`) by the SQL transform. */
  readonly readsStaged: boolean;
  /**
   * Whether a write should wait until `preferredRowsPerWrite` rows are queued (or the run has no
   * more windows) instead of starting as soon as the store is free, the fetches going on meanwhile.
   * For a store where each write costs a job against a daily quota (BigQuery: 1,500 load jobs per
   * table per day), so a backfill's group size does not depend on how fast the API answers.
   */
  readonly fillGroups?: boolean;
  /** The most windows one `write` may carry (BigQuery: its statements' length limit); absent: no limit. */
  readonly maxWindowsPerWrite?: number;
  /**
   * Whether windows staged by the SQL transform (no rows in memory) wait for company in a run longer
   * than its pipeline: written at `preferredRowsPerWrite` rows, `STAGED_GROUP_WINDOWS` windows, or
   * once none is being fetched or prepared (DuckDB: commits under a row group rewrite the last one).
   */
  readonly fillStagedGroups?: boolean;
}

/** A dataset's table as it really is. Sanitising and hashing follow `spec.columns`, not the registry. */
export interface TableHandle {
  readonly name: string;
  /** The registry record with the table's own content columns and types (extra nullable columns included). */
  readonly spec: DatasetSpec;
  /** Content columns, then the eight metadata columns: the cell order of every write to this table. */
  readonly columns: readonly Column[];
  /** Whether this open created the table. */
  readonly created: boolean;
}

/** One window of one dataset, as the ledger knows it: half-open UTC bounds in ms. */
export interface WindowKey {
  readonly dataset: string;
  readonly from: number;
  readonly to: number;
}

/**
 * loaded: rows committed and counted; empty: the API answered with no rows for it; incomplete: a
 * settled day lacks periods; failed: nothing stored, with the error's exit code and message.
 * A later failed or empty attempt does not undo loaded or incomplete (the rows are still stored):
 * the entry keeps its status and counts, and records the attempt and its error.
 */
export type LedgerStatus = 'loaded' | 'empty' | 'incomplete' | 'failed';

/** What the runner knows about a window when it hands it to the store. */
export interface LedgerRecord {
  readonly status: LedgerStatus;
  readonly fetched: number;
  readonly error?: { readonly exitCode: number; readonly message: string };
  /** Free text for incomplete windows (missing periods). */
  readonly detail?: string;
  readonly runId: string;
  /** UTC ms of the attempt (from the run's clock). */
  readonly at: number;
  /** For loaded and incomplete windows: the body's SHA-256 and the stored key set (core/digest.ts). */
  readonly digest?: WindowDigest;
  /** Rows known to be stored already without being written (a window verified unchanged): counted as skipped. */
  readonly alreadyStored?: number;
}

export interface LedgerEntry extends WindowKey {
  readonly status: LedgerStatus;
  readonly fetched: number;
  /** Rows the latest attempt added, and rows it found already stored. */
  readonly inserted: number;
  readonly skipped: number;
  readonly attempts: number;
  readonly errorCode: number | null;
  readonly errorMessage: string | null;
  readonly detail: string | null;
  readonly runId: string;
  readonly firstAt: number;
  readonly updatedAt: number;
  /** What the latest load stored (absent for other outcomes, and in entries older than digests). */
  readonly digest?: WindowDigest | null;
}

/** One window's rows and its ledger record. Rows are distinct by `_hash_key`. */
export interface WindowWrite {
  readonly table: string;
  readonly key: WindowKey;
  readonly columns: readonly Column[];
  readonly rows: readonly StoredRow[];
  /**
   * The rows in a Parquet file instead (`rows` is then empty): the columns of `columns` that are not
   * among its `constants`, typed as the store's own types or castable to them, distinct by `_hash_key`.
   */
  readonly staged?: StagedRows;
  /** Inclusive bounds of the partition column (settlementDate or event time), for a bounded anti-join. */
  readonly bounds: { readonly column: string; readonly min: string; readonly max: string } | null;
  readonly ledger: LedgerRecord;
}

export interface StagedRows {
  readonly path: string;
  readonly count: number;
  /**
   * Columns that hold one value in every row (a window's metadata, and columns the transform found
   * one value in), given here as text (cast to the column's type) instead of in the file: not
   * written and read again per row.
   */
  readonly constants?: Readonly<Record<string, string>>;
}

/** How many rows a write carries, wherever they are. */
export function rowCount(w: Pick<WindowWrite, 'rows' | 'staged'>): number {
  return w.staged?.count ?? w.rows.length;
}

export interface WriteResult {
  readonly inserted: number;
  /** Rows already stored with the same `_hash_key`. */
  readonly skipped: number;
}

export interface LedgerQuery {
  readonly dataset?: string;
  /** Windows that overlap [from, to), UTC ms. */
  readonly from?: number;
  readonly to?: number;
}

/** Rows per settlement day and period: what coverage checks compare with the calendar. */
export interface PeriodCount {
  readonly date: string;
  readonly period: number;
  readonly rows: number;
  /** Distinct natural keys: what completeness counts, so revisions and duplicates cannot hide a gap. */
  readonly keys: number;
}

/** How many members of a dataset's set (its cadence's `setColumn`: FUELINST's fuel types) a settlement day shows. */
export interface DayMembers {
  readonly date: string;
  readonly members: number;
}

/** A mean of a numeric column for one member of a group (FUELINST: a fuel type) in one period, or a whole day. */
export interface SeriesPoint {
  readonly date: string;
  /** null when averaged over the whole settlement day. */
  readonly period: number | null;
  readonly group: string;
  readonly value: number;
}

export interface SeriesQuery {
  /** The numeric column to average, and the column whose values make the series. */
  readonly value: string;
  readonly by: string;
  /** One point per settlement day instead of per period (long ranges). */
  readonly perDay: boolean;
}

export interface CoverageCounts {
  readonly periods: readonly PeriodCount[];
  readonly members: readonly DayMembers[];
}

/**
 * A destination and its ledger. Every `write` is atomic per window: a window's rows land whole or
 * not at all, and its ledger entry never claims rows that are not durable. Calls may wait for the
 * store (another process holding it) within a bounded time, then fail with StoreBusyError (75).
 */
export interface Store {
  readonly name: string;
  /** Where the rows live, for reports: a file path or project.dataset. */
  readonly location: string;
  readonly capabilities: StoreCapabilities;
  /** The dataset's table, created from the registry when missing; refused (SchemaConflictError, 65) when we cannot write it correctly. */
  openTable(dataset: DatasetSpec): Promise<TableHandle>;
  /** The dataset's table as it is (its own column types), without creating or recording anything; null when missing. */
  describeTable(dataset: DatasetSpec): Promise<TableHandle | null>;
  /** Writes a group of windows, each with its ledger entry; results in the group's order. */
  write(group: readonly WindowWrite[]): Promise<WriteResult[]>;
  ledger(query?: LedgerQuery): Promise<LedgerEntry[]>;
  /**
   * The `_hash_key`s of the rows stored with the bounds column within `bounds` (inclusive), as a
   * fingerprint (core/digest.ts). Every row counts: a key stored twice (or a row without a key)
   * makes the count more than the loaded keys', so a window holding one is never taken as unchanged
   * and goes the whole way, which inserts nothing, on every `--force` until dedupe-audit repairs it,
   * as with a foreign row. The check needs no DISTINCT then, which cost 40% of its query
   * (docs/benchmarks.md, "Thirteenth sitting"). Optional: a store without it never has a window
   * skipped as unchanged.
   */
  keySet?(table: string, bounds: NonNullable<WindowDigest['bounds']>): Promise<KeySet>;
  /** The tables the store holds, in one read (optional: without it, callers ask `countRows` table by table). */
  listTables?(): Promise<string[]>;
  /** Row count of a table, or null when it does not exist. */
  countRows(table: string): Promise<number | null>;
  /** The latest row by the dataset's event time (settlement date and period where it has no time field). */
  latestRow(dataset: DatasetSpec): Promise<Row | null>;
  /** Rows per settlement day and period, for days from..to inclusive (YYYY-MM-DD). */
  periodCounts(dataset: DatasetSpec, from: string, to: string): Promise<PeriodCount[]>;
  /**
   * `periodCounts` and, per settlement day, the distinct values of the cadence's set column (none
   * without a set column), days from..to inclusive: what `check` compares with the calendar, read together.
   */
  coverageCounts(dataset: DatasetSpec, from: string, to: string): Promise<CoverageCounts>;
  /** Means per settlement period (or day) and group, days from..to inclusive, for charts (check --html). */
  meanSeries(dataset: DatasetSpec, from: string, to: string, query: SeriesQuery): Promise<SeriesPoint[]>;
  duplicates(table: string, worst: number, range?: RowRange): Promise<DuplicateReport>;
  /** Malformed keys and revisions of a dataset's table (by its registry natural key), optionally in a range. */
  keyAudit(dataset: DatasetSpec, worst: number, range?: RowRange): Promise<KeyAudit>;
  /** `duplicates` without the worst groups, and without telling copies from conflicts (both counted): one pass over the table, for a check that runs every hour. */
  duplicateCount(table: string): Promise<Omit<DuplicateReport, 'worst'>>;
  /** Stored rows as cells of the table's columns (content and metadata), for hash recomputation. */
  sampleRows(table: string, limit: number, range?: RowRange): Promise<Row[]>;
  /** Backup, rewrite, verify; the table is left as it was when any step fails. */
  repair(table: string, request: RepairRequest): Promise<RepairResult>;
  /** Puts a backup's rows back in place of the table's, verified by count, atomically; the backup is kept. */
  /**
   * The backup's rows in place of the table's, atomically. Refused (DataError) when the table holds
   * keys the backup lacks, or rows without a key the backup does not hold (compared as whole rows,
   * each copy counted): rows loaded after it, which the restore would drop; unless `force`.
   */
  restore(table: string, backup: string, options?: { readonly force?: boolean }): Promise<RestoreResult>;
  close(): Promise<void>;
}

// What the store port (store.ts) reports to `dedupe-audit` and `check`: duplicates, revisions,
// malformed keys, and what a repair or a restore did. Imported through store.ts.
export interface DuplicateReport {
  /**
   * Well-formed `_hash_key` values (32 lower-case hex digits) stored more than once, and the rows
   * beyond the first of each. A malformed key (`None` shared by unrelated rows) is a bad key, not a duplicate.
   * From `duplicates`: exact copies only (every row of the key has the same content; a key whose
   * rows differ is a conflict, below, and counted there only). From `duplicateCount` (check's one
   * pass): every key stored more than once, content unread.
   */
  readonly groups: number;
  readonly extraRows: number;
  readonly nullKeys: number;
  /**
   * Keys stored more than once whose rows differ in content (by a hash of the content columns):
   * one key for different rows, so at least one key is wrong. Not in `groups`/`extraRows` (not
   * copies) nor in revisions; a repair refuses them.
   */
  readonly conflicts?: number;
  readonly worst: readonly { readonly hashKey: string; readonly count: number; readonly firstIngested: string; readonly lastIngested: string }[];
}

/** Rows whose `column` (the table's partition column: settlementDate, else the event time) falls on days from..to inclusive (YYYY-MM-DD). */
export interface RowRange {
  readonly column: string;
  readonly from: string;
  readonly to: string;
}

/** Rows sharing a natural key with different content (a later publication): reported, never removed. */
export interface RevisionReport {
  /**
   * Natural keys (with no NULL part, rows with well-formed keys) stored with more than one content,
   * and the versions beyond the first of each. The same content under two keys is no revision. A
   * version is a `_hash_key`'s content: the rows of a key in conflict (different content under one
   * key) make one version of their natural key, so a conflict alone is no revision.
   */
  readonly keys: number;
  readonly extraVersions: number;
  readonly worst: readonly { readonly naturalKey: Readonly<Record<string, string | null>>; readonly versions: number; readonly hashKeys: readonly string[] }[];
}

/** What `dedupe-audit` reads beyond `duplicates`: the rows, keys that are not 32 lower-case hex digits, revisions. */
export interface KeyAudit {
  readonly rows: number;
  readonly malformedKeys: number;
  readonly malformedExamples: readonly string[];
  readonly revisions: RevisionReport;
}

export interface RepairRequest {
  /** Keep one row per well-formed `_hash_key`, the one with the latest `_ingested_utc`; rows under a malformed key are kept. */
  readonly kind: 'dedupe';
  readonly dropNullKeys: boolean;
  /** Name of the backup table to create first (the caller stamps it with the time). */
  readonly backup: string;
  /** Rewrite only these rows (the backup still holds the whole table). */
  readonly range?: RowRange;
}

export interface RepairResult {
  readonly backup: string;
  /** Rows of the table before, and in the verified backup (equal). */
  readonly before: number;
  readonly backupRows: number;
  readonly after: number;
  readonly removed: number;
  /** Distinct `_hash_key`s, every one of which was checked to be still present. */
  readonly distinctKeys: number;
  /** The checks that passed before the commit, in words. */
  readonly checks: readonly string[];
}

export interface RestoreResult {
  readonly table: string;
  readonly backup: string;
  /** Rows of the table before the restore, and after it (= the backup's rows). */
  readonly before: number;
  readonly rows: number;
}

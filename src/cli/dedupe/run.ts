// `bmrs dedupe-audit`: the audit of each table through the store port's reads, then (--fix) the
// port's guarded repair, or (--restore) the port's restore. The judging is src/core/dedupe.ts; no
// driver call is made here, so the same code serves every store.
import { DATASETS, type DatasetSpec } from '../../core/datasets.js';
import { datasetsWithTables } from '../../core/table.js';
import { SchemaConflictError, UsageError } from '../../core/errors.js';
import { auditExitCode, auditFindings, backupName, conflictError, checkKeys, rowRange, tableOfBackup, type AuditFinding, type TableAudit } from '../../core/dedupe.js';
import type { RepairResult, RestoreResult, Store } from '../../core/store.js';
import { toIsoZ } from '../../core/calendar.js';

export interface AuditOptions {
  /** --dataset, or undefined: every dataset that has a table. */
  readonly datasets: readonly DatasetSpec[] | undefined;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly worst: number;
  /** Rows read back and hashed again per table (a sample when the table is larger). */
  readonly sample: number;
  readonly mode: 'audit' | 'dry-run' | 'fix';
  readonly dropNullKeys: boolean;
}

/** What --fix does (or, for --dry-run, would do) to one table. */
export interface TableFix {
  readonly dataset: string;
  readonly table: string;
  readonly backup: string;
  /** Extra copies and rows without a key that go; rows left. */
  readonly removeCopies: number;
  readonly removeNullKeys: number;
  readonly rowsBefore: number;
  readonly rowsAfter: number;
  /** The repair's own account, once done (null for --dry-run). */
  readonly result: RepairResult | null;
}

export interface AuditReport {
  readonly ok: boolean;
  readonly exitCode: number;
  readonly now: string;
  readonly store: string;
  readonly mode: AuditOptions['mode'];
  readonly range: { readonly from: string | null; readonly to: string | null };
  readonly tables: readonly TableAudit[];
  readonly fixes: readonly TableFix[];
  /** Findings left once the fixes are made (for a plain audit or a dry run: all of them). */
  readonly findings: readonly AuditFinding[];
}

export async function auditTable(store: Store, d: DatasetSpec, o: AuditOptions): Promise<TableAudit> {
  const range = rowRange(d, o.from, o.to) ?? null;
  const rows = await store.countRows(d.table);
  const none = { dataset: d.code, table: d.table, rows, range, rowsInRange: null, duplicates: null, keys: null, hashes: null, hashedAll: true };
  if (rows === null) return none;
  const duplicates = await store.duplicates(d.table, o.worst, range ?? undefined);
  const { rows: inScope, ...keys } = await store.keyAudit(d, o.worst, range ?? undefined);
  let columns = d.columns;
  try {
    columns = (await store.describeTable(d))?.spec.columns ?? d.columns;
  } catch (e) {
    // A table bmrs cannot write can still be audited: its keys are judged by the registry's types.
    if (!(e instanceof SchemaConflictError)) throw e;
  }
  const sample = await store.sampleRows(d.table, o.sample, range ?? undefined);
  const hashes = checkKeys(columns, sample);
  return { ...none, rowsInRange: range === null ? null : inScope, duplicates, keys, hashes, hashedAll: sample.length >= inScope };
}

/** `onFixed` hears of each repair as it commits, so a later failure cannot hide an earlier backup. */
export async function runAudit(store: Store, o: AuditOptions, now: number, onFixed?: (f: TableFix) => void): Promise<AuditReport> {
  const datasets = o.datasets ?? (await datasetsWithTables(store));
  const tables: TableAudit[] = [];
  for (const d of datasets) tables.push(await auditTable(store, d, o));
  const fixes: TableFix[] = [];
  let findings = tables.flatMap(auditFindings);
  if (o.mode !== 'audit') {
    // Rows of different content under one key are no copies: refuse before any table is touched.
    const conflicts = tables.reduce((sum, a) => sum + (a.duplicates?.conflicts ?? 0), 0);
    // A dry run stops here too: it must not promise a fix that --fix would refuse.
    if ((o.mode === 'fix' || o.mode === 'dry-run') && conflicts > 0) throw conflictError(conflicts, tables.filter((a) => (a.duplicates?.conflicts ?? 0) > 0).map((a) => a.table));
    for (const [i, a] of tables.entries()) {
      const d = datasets[i];
      const copies = a.duplicates?.extraRows ?? 0;
      const nulls = o.dropNullKeys ? (a.duplicates?.nullKeys ?? 0) : 0;
      if (a.rows === null || copies + nulls === 0) continue;
      const backup = backupName(d.table, now);
      const result = o.mode === 'fix'
        ? await store.repair(d.table, { kind: 'dedupe', dropNullKeys: o.dropNullKeys, backup, range: a.range ?? undefined })
        : null;
      const fix = { dataset: d.code, table: d.table, backup, removeCopies: copies, removeNullKeys: nulls, rowsBefore: result?.before ?? a.rows, rowsAfter: result?.after ?? a.rows - copies - nulls, result };
      fixes.push(fix);
      if (result) onFixed?.(fix);
    }
    if (o.mode === 'fix') {
      const fixed = new Set(fixes.map((f) => f.dataset));
      findings = findings.filter((f) => !fixed.has(f.dataset) || (f.kind !== 'duplicates' && !(f.kind === 'null-keys' && o.dropNullKeys)));
    }
  }
  const exitCode = auditExitCode(findings);
  return { ok: findings.length === 0, exitCode, now: toIsoZ(now), store: store.location, mode: o.mode, range: { from: o.from ?? null, to: o.to ?? null }, tables, fixes, findings };
}

export async function runRestore(store: Store, backup: string, force = false): Promise<RestoreResult> {
  const table = tableOfBackup(backup);
  if (backup.trim() === '') throw new UsageError('--restore is empty: it names the backup to put back', { hint: 'bmrs dedupe-audit --fix printed it, e.g. --restore bmrs_fuelinst__backup_20251028T120000Z' });
  if (table === null) {
    throw new UsageError(`${backup} is not the name of a dedupe-audit backup`, { hint: 'backups are named <table>__backup_<YYYYMMDDTHHMMSSZ>, e.g. bmrs_fuelinst__backup_20251028T120000Z; --fix printed it' });
  }
  return store.restore(table, backup, { force });
}

// dedupe-audit's judgement, pure: which stored `_hash_key`s are bad and why, the old system's
// string-null rendering (docs/compatibility.md section 2, "String nulls"), the backup's name, the
// verdict and its exit code. The reads are the store port's; the rendering is src/cli/dedupe/.
import type { Column, DatasetSpec } from './datasets.js';
import { hasSettlementDate } from './datasets.js';
import { DataError, EXIT } from './errors.js';
import { hashRow } from './hash.js';
import type { Cell, Row } from './rows.js';
import type { DuplicateReport, KeyAudit, RowRange } from './store.js';

const WELL_FORMED = /^[0-9a-f]{32}$/;

/** A `_hash_key` as bmrs and the old system write it: 32 lower-case hex digits. */
export function isWellFormedKey(key: Cell): boolean {
  return typeof key === 'string' && WELL_FORMED.test(key);
}

/** The column a range of settlement days applies to: settlementDate, else the event time. */
export function rangeColumn(d: DatasetSpec): string {
  if (hasSettlementDate(d) || !('field' in d.eventTime)) return 'settlementDate';
  return d.eventTime.field;
}

export function rowRange(d: DatasetSpec, from: string | undefined, to: string | undefined): RowRange | undefined {
  if (from === undefined && to === undefined) return undefined;
  return { column: rangeColumn(d), from: from ?? '0001-01-01', to: to ?? '9999-12-31' };
}

const BACKUP = /^(.+)__backup_(\d{8}T\d{6}Z)$/;

/** `<table>__backup_YYYYMMDDTHHMMSSZ`, from the run's clock (BMRS_NOW makes it deterministic). */
export function backupName(table: string, now: number): string {
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/[-:]/g, '');
  return `${table}__backup_${stamp}Z`;
}

/** The table a backup was made of, or null for a name `backupName` did not make. */
export function tableOfBackup(name: string): string | null {
  return BACKUP.exec(name)?.[1] ?? null;
}

/**
 * How the old Python pipeline filled a null: a JSON null in a STRING column became the text
 * `None`, a missing key `nan` (pandas' NaN printed by str), both hashed as strings; a missing
 * FLOAT became NaN, which json.dumps writes `NaN`. Returns the row as that pipeline hashed it.
 */
export function oldSystemRow(columns: readonly Column[], row: Row, strings: readonly ('None' | 'nan')[], floatNaN: boolean): Row {
  const out: Row = { ...row };
  let i = 0;
  for (const c of columns) {
    if (c.name.startsWith('_') || (row[c.name] !== null && row[c.name] !== undefined)) continue;
    if (c.type === 'STRING') out[c.name] = strings[Math.min(i++, strings.length - 1)] ?? null;
    else if (c.type === 'FLOAT' && floatNaN) out[c.name] = Number.NaN;
  }
  return out;
}

export type MismatchKind = 'old-string-nulls' | 'time-zone-suffix' | 'unexplained';

export interface KeyMismatch {
  readonly kind: MismatchKind;
  /** How the stored key was made, when we could tell. */
  readonly detail: string;
  readonly storedKey: string;
  readonly recomputedKey: string;
  readonly row: Row;
}

const MAX_NULL_STRINGS = 6;

/** Every way of writing `n` null strings as `None` or `nan`, all `None` first. */
function stringChoices(n: number): ('None' | 'nan')[][] {
  const out: ('None' | 'nan')[][] = [];
  for (let m = 0; m < 2 ** n; m++) out.push(Array.from({ length: n }, (_, i) => ((m >> i) & 1 ? 'nan' : 'None')));
  return out;
}

/**
 * Why a row's stored key differs from the key of its content: the old system's string nulls
 * (every mix of `None`/`nan`, with and without NaN floats), times hashed with or without
 * `+00:00` (a table whose time type changed), or neither: another writer or a format drift.
 */
export function explainMismatch(columns: readonly Column[], row: Row, storedKey: string, recomputedKey: string): KeyMismatch {
  const base = { storedKey, recomputedKey, row };
  const nullStrings = columns.filter((c) => c.type === 'STRING' && !c.name.startsWith('_') && (row[c.name] === null || row[c.name] === undefined)).map((c) => c.name);
  const hasNullFloat = columns.some((c) => c.type === 'FLOAT' && !c.name.startsWith('_') && (row[c.name] === null || row[c.name] === undefined));
  if (nullStrings.length > 0 || hasNullFloat) {
    const choices = nullStrings.length > 0 && nullStrings.length <= MAX_NULL_STRINGS ? stringChoices(nullStrings.length) : [[]];
    for (const floatNaN of hasNullFloat ? [false, true] : [false]) {
      for (const strings of choices) {
        if (strings.length === 0 && !floatNaN) continue;
        if (hashRow(columns, oldSystemRow(columns, row, strings, floatNaN)) !== storedKey) continue;
        const parts = nullStrings.map((name, i) => `${name} hashed as "${strings[i]}"`);
        if (floatNaN) parts.push('null floats hashed as NaN');
        return { ...base, kind: 'old-string-nulls', detail: `the old system's string nulls: ${parts.join(', ')}` };
      }
    }
  }
  const swapped = columns.map((c) => (c.type === 'TIMESTAMP' ? { ...c, type: 'DATETIME' as const } : c.type === 'DATETIME' ? { ...c, type: 'TIMESTAMP' as const } : c));
  if (swapped.some((c, i) => c !== columns[i]) && hashRow(swapped, row) === storedKey) {
    const withSuffix = columns.some((c) => c.type === 'DATETIME');
    return { ...base, kind: 'time-zone-suffix', detail: `a format drift: times hashed ${withSuffix ? 'with' : 'without'} +00:00` };
  }
  return { ...base, kind: 'unexplained', detail: 'another writer or a format drift' };
}

export interface KeyCheck {
  /** Rows read back and hashed again, out of the table's rows (all of them, or a sample). */
  readonly checked: number;
  readonly mismatched: number;
  readonly byKind: Readonly<Record<MismatchKind, number>>;
  /** The first mismatching row of each kind. */
  readonly examples: readonly KeyMismatch[];
  /** Rows holding the old system's null text (`None`, `nan`) in a STRING column. */
  readonly textNulls: number;
}

/** Hashes each row's content again and explains every stored key that differs; NULL and malformed keys are counted elsewhere. */
export function checkKeys(columns: readonly Column[], rows: readonly Row[]): KeyCheck {
  const byKind: Record<MismatchKind, number> = { 'old-string-nulls': 0, 'time-zone-suffix': 0, unexplained: 0 };
  const examples: KeyMismatch[] = [];
  const strings = columns.filter((c) => c.type === 'STRING' && !c.name.startsWith('_')).map((c) => c.name);
  let checked = 0;
  let textNulls = 0;
  for (const row of rows) {
    if (strings.some((n) => row[n] === 'None' || row[n] === 'nan')) textNulls++;
    const stored = row._hash_key;
    if (!isWellFormedKey(stored)) continue;
    checked++;
    let recomputed: string;
    try {
      recomputed = hashRow(columns, row);
    } catch {
      recomputed = '(cannot be hashed)';
    }
    if (recomputed === stored) continue;
    const m = explainMismatch(columns, row, stored as string, recomputed);
    byKind[m.kind]++;
    if (!examples.some((e) => e.kind === m.kind)) examples.push(m);
  }
  return { checked, mismatched: byKind['old-string-nulls'] + byKind['time-zone-suffix'] + byKind.unexplained, byKind, examples, textNulls };
}

export interface TableAudit {
  readonly dataset: string;
  readonly table: string;
  /** null: no such table. */
  readonly rows: number | null;
  readonly range: RowRange | null;
  /** With --from/--to: the rows of the range, which the counts below are about (null without a range or a table). */
  readonly rowsInRange?: number | null;
  readonly duplicates: DuplicateReport | null;
  readonly keys: Omit<KeyAudit, 'rows'> | null;
  readonly hashes: KeyCheck | null;
  /** Whether every row was hashed again (the table fits the sample). */
  readonly hashedAll: boolean;
}

/** What a repair throws, changing nothing, when rows of different content share a `_hash_key`. */
export function conflictError(keys: number, tables: readonly string[] = []): DataError {
  const where = tables.length ? ` (in ${tables.join(', ')})` : '';
  const t = tables[0] ?? 'bmrs_<dataset>';
  return new DataError(`repair refused, nothing changed: ${s(keys, '_hash_key')} ${keys === 1 ? 'is' : 'are'} shared by rows of different content${where}`, {
    hint: `bmrs dedupe-audit --json counts them per table (duplicates.conflicts); ${conflictQuery(t)}`,
  });
}

/** The query that shows the rows of a table's key conflicts, for the hints of the audit and the refused repair. */
export function conflictQuery(table: string): string {
  return `bmrs query "SELECT * FROM ${table} WHERE _hash_key IN (SELECT _hash_key FROM ${table} GROUP BY 1 HAVING count(*) > 1) ORDER BY _hash_key" shows the duplicated keys, where the rows that differ in content are the conflict: a person decides which is right`;
}

/**
 * What a restore throws, changing nothing, when the table holds rows the backup lacks (loaded after
 * it was made): rows whose `_hash_key` is not in the backup, and rows without a key that are not
 * in it (compared as whole rows, as many times as each is stored).
 */
export function restoreRefused(table: string, backup: string, keyed: number, keyless: number): DataError {
  const parts: string[] = [];
  if (keyed > 0) parts.push(`${keyed} row${keyed === 1 ? '' : 's'} whose _hash_key is not in ${backup}`);
  if (keyless > 0) parts.push(`${keyless} row${keyless === 1 ? '' : 's'} without a _hash_key that ${keyless === 1 ? 'is' : 'are'} not in ${backup}`);
  return new DataError(`restore refused, nothing changed: ${table} holds ${parts.join(' and ')} (loaded after the backup was made); the restore would drop them`, {
    hint: 'to restore anyway and lose those rows, add --force (bmrs backfill --repair loads them again from the API); or leave the table as it is',
  });
}

export interface AuditFinding {
  readonly kind: 'duplicates' | 'null-keys' | 'malformed-keys' | 'key-mismatch' | 'key-conflicts';
  readonly dataset: string;
  readonly message: string;
}

const n = (x: number) => x.toLocaleString('en-GB');
const s = (x: number, word: string) => `${n(x)} ${word}${x === 1 ? '' : 's'}`;

/** What counts against a table: duplicates and bad keys. Revisions and `None` text are shown, never findings. */
export function auditFindings(a: TableAudit): AuditFinding[] {
  const out: AuditFinding[] = [];
  const d = a.duplicates;
  if (d && d.extraRows > 0) out.push({ kind: 'duplicates', dataset: a.dataset, message: `${a.dataset}: ${s(d.extraRows, 'duplicate row')} (${s(d.groups, '_hash_key')} stored more than once)` });
  if (d && (d.conflicts ?? 0) > 0) out.push({ kind: 'key-conflicts', dataset: a.dataset, message: `${a.dataset}: ${s(d.conflicts ?? 0, '_hash_key')} shared by rows of different content (not copies: --fix refuses them)` });
  if (d && d.nullKeys > 0) out.push({ kind: 'null-keys', dataset: a.dataset, message: `${a.dataset}: ${s(d.nullKeys, 'row')} without a _hash_key` });
  if (a.keys && a.keys.malformedKeys > 0) out.push({ kind: 'malformed-keys', dataset: a.dataset, message: `${a.dataset}: ${s(a.keys.malformedKeys, 'row')} with a malformed _hash_key (not 32 lower-case hex digits)` });
  const h = a.hashes;
  if (h && h.mismatched > 0) {
    const why = (Object.entries(h.byKind) as [MismatchKind, number][]).filter(([, c]) => c > 0).map(([k, c]) => `${n(c)} ${KIND_WORDS[k]}`).join(', ');
    out.push({ kind: 'key-mismatch', dataset: a.dataset, message: `${a.dataset}: ${s(h.mismatched, 'row')} whose _hash_key does not match its content (${why}) among ${n(h.checked)} checked` });
  }
  return out;
}

export const KIND_WORDS: Readonly<Record<MismatchKind, string>> = {
  'old-string-nulls': "the old system's None/nan string nulls",
  'time-zone-suffix': 'times hashed with another zone suffix',
  unexplained: 'another writer or a format drift',
};

/** 1 when any table has duplicates or bad keys, else 0. */
export function auditExitCode(findings: readonly AuditFinding[]): number {
  return findings.length > 0 ? EXIT.findings : EXIT.ok;
}

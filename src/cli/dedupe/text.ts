// The human report of `bmrs dedupe-audit`: per table its duplicates, keys, revisions and hash
// recomputation, then what --fix did (or --dry-run would do) and the command that undoes it.
import { conflictQuery, type TableAudit } from '../../core/dedupe.js';
import type { Row } from '../../core/rows.js';
import type { RestoreResult } from '../../core/store.js';
import { num, plural, style } from '../render.js';
import type { AuditReport, TableFix } from './run.js';

export function renderText(r: AuditReport, restoreCommand: (backup: string) => string): string {
  const lines: string[] = [];
  const range = r.range.from === null && r.range.to === null ? 'all rows' : `settlement days ${r.range.from ?? '…'}..${r.range.to ?? '…'}`;
  lines.push(`${style.bold('bmrs dedupe-audit')} ${r.store}  ${range}  now ${r.now}${r.mode === 'audit' ? '  (read-only)' : r.mode === 'dry-run' ? '  (dry run: nothing changed)' : ''}`);
  if (r.tables.length === 0) lines.push('', style.dim('no dataset table in the store: nothing to audit'));
  for (const t of r.tables) lines.push('', ...tableLines(t));
  if (r.mode !== 'audit') {
    lines.push('', style.bold(r.mode === 'fix' ? 'fix' : 'fix (dry run)'));
    if (r.fixes.length === 0) lines.push(`  ${style.ok('nothing to fix')}`);
    for (const f of r.fixes) lines.push(...fixLines(f, r.mode === 'fix', restoreCommand));
  }
  lines.push('');
  // A ranged run speaks for its range only; the key check for a sample only.
  const where = r.range.from === null && r.range.to === null ? '' : ` in ${range}`;
  const sampled = r.tables.some((t) => !t.hashedAll) ? ' (keys recomputed for a sample)' : '';
  if (r.findings.length === 0) lines.push(style.ok(r.mode === 'fix' && r.fixes.length > 0 ? `✓ fixed: no duplicates or bad keys left${where}${sampled}` : `✓ clean: no duplicates or bad keys${where}${sampled}`));
  else {
    lines.push(style.error(`✗ ${plural(r.findings.length, 'finding')}`));
    for (const f of r.findings) lines.push(`  ${style.error('✗')} ${f.message}`);
    // --fix refuses while any key is in conflict: the hint then says what to do instead.
    const conflicted = r.tables.find((t) => (t.duplicates?.conflicts ?? 0) > 0);
    if (r.mode === 'audit' && conflicted) lines.push(style.dim(`  hint: --fix refuses while rows of different content share a _hash_key; ${conflictQuery(conflicted.table)}`));
    else if (r.mode === 'audit' && r.findings.some((f) => f.kind === 'duplicates')) lines.push(style.dim('  hint: bmrs dedupe-audit --dry-run shows what a fix would change; --fix makes it, after a verified backup'));
  }
  return `${lines.join('\n')}\n`;
}

function tableLines(t: TableAudit): string[] {
  const inRange = t.rowsInRange === null || t.rowsInRange === undefined ? '' : `, ${num(t.rowsInRange)} in the range`;
  const out = [`${style.bold(t.dataset)}  ${t.table}  ${t.rows === null ? style.warn('no table') : `${plural(t.rows, 'row')}${inRange}`}`];
  if (t.rows === null || !t.duplicates || !t.keys || !t.hashes) return out;
  const d = t.duplicates;
  out.push(`  duplicates      ${d.extraRows === 0 ? style.ok('none') : style.error(`${num(d.extraRows)} extra rows in ${plural(d.groups, 'group')} (same _hash_key)`)}`);
  if (d.worst.length > 0) {
    out.push(`    ${style.dim('worst: copies  _hash_key                         first ingested → last ingested')}`);
    for (const w of d.worst) out.push(`    ${String(w.count).padStart(13)}  ${w.hashKey}  ${w.firstIngested} → ${w.lastIngested}`);
  }
  if ((d.conflicts ?? 0) > 0) out.push(`  ${style.error(`${plural(d.conflicts ?? 0, '_hash_key')} shared by rows of different content: not copies, --fix refuses them`)}`);
  out.push(`  NULL _hash_key  ${d.nullKeys === 0 ? style.ok('none') : style.error(plural(d.nullKeys, 'row'))}`);
  const k = t.keys;
  out.push(`  malformed keys  ${k.malformedKeys === 0 ? style.ok('none') : style.error(`${plural(k.malformedKeys, 'row')}, e.g. ${k.malformedExamples.slice(0, 3).map((x) => JSON.stringify(x)).join(', ')}`)}`);
  const v = k.revisions;
  out.push(`  revisions       ${v.keys === 0 ? 'none' : `${plural(v.keys, 'natural key')} with ${plural(v.extraVersions, 'later version')} ${style.dim('(different content: kept, not duplicates)')}`}`);
  for (const w of v.worst.slice(0, 3)) out.push(`    ${style.dim(`${Object.entries(w.naturalKey).map(([c, x]) => `${c}=${x}`).join(' ')}: ${w.versions} versions`)}`);
  const h = t.hashes;
  const scope = t.hashedAll ? `all ${num(h.checked)} rows with a key` : `a sample of ${num(h.checked)} rows`;
  out.push(`  key recomputed  ${h.mismatched === 0 ? style.ok(`matches for ${scope}`) : style.error(`${plural(h.mismatched, 'row')} of ${scope} ${h.mismatched === 1 ? 'does' : 'do'} not match`)}`);
  for (const e of h.examples) {
    out.push(`    ${plural(h.byKind[e.kind], 'row')}: ${e.detail}`);
    out.push(`      ${style.dim(`stored ${e.storedKey}  recomputed ${e.recomputedKey}`)}`);
    out.push(`      ${style.dim(`row ${rowText(e.row)}`)}`);
  }
  if (h.textNulls > 0) out.push(`  ${style.warn(`${plural(h.textNulls, 'row')} ${h.textNulls === 1 ? 'holds' : 'hold'} the old system's null text (None/nan) in a string column`)} ${style.dim('(docs/compatibility.md section 2)')}`);
  return out;
}

function rowText(row: Row): string {
  return Object.entries(row)
    .filter(([c]) => !c.startsWith('_') || c === '_ingested_utc')
    .map(([c, v]) => `${c}=${v === null ? 'NULL' : String(v)}`)
    .join(' ');
}

function fixLines(f: TableFix, done: boolean, restoreCommand: (backup: string) => string): string[] {
  const nulls = f.removeNullKeys > 0 ? ` and ${plural(f.removeNullKeys, 'row')} without a _hash_key` : '';
  if (!done) {
    return [
      `  ${f.table}: would back up ${plural(f.rowsBefore, 'row')} to ${f.backup}, remove ${num(f.removeCopies)} extra ${f.removeCopies === 1 ? 'copy' : 'copies'}${nulls} (keeping the latest _ingested_utc of each _hash_key), leaving ${plural(f.rowsAfter, 'row')}`,
    ];
  }
  const r = f.result!;
  return [
    `  ${f.table}: ${style.ok(`removed ${plural(r.removed, 'row')}`)} (${num(r.before)} → ${num(r.after)}), kept the latest _ingested_utc of each _hash_key`,
    ...r.checks.map((c) => `    ${style.ok('✓')} ${c}`),
    `    undo: ${restoreCommand(f.backup)}`,
  ];
}

export function renderRestore(r: RestoreResult): string {
  return `${style.ok('restored')} ${r.table} from ${r.backup}: ${plural(r.rows, 'row')} (it held ${num(r.before)}); the backup is kept\n`;
}

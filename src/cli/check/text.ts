// The human report of `bmrs check`: compact, one coverage strip per settlement day with one
// character per period, so a missing SP49 on the long day stands out. Colour only on a terminal
// (render.ts decides); the characters alone tell the marks apart without colour.
import { ranges } from '../../core/completeness.js';
import { toIsoZ } from '../../core/calendar.js';
import type { PeriodMark, DayCoverage } from '../../core/coverage.js';
import type { DatasetHealth } from '../../core/health.js';
import { num, plural, style } from '../render.js';
import type { CheckReport } from './gather.js';

export const MARK_CHARS: Readonly<Record<PeriodMark, string>> = { ok: '█', short: '▒', missing: '×', pending: '·' };

const paint: Record<PeriodMark, (s: string) => string> = { ok: style.ok, short: style.warn, missing: style.error, pending: style.dim };

export function renderText(r: CheckReport): string {
  const lines: string[] = [];
  lines.push(`${style.bold('bmrs check')} ${r.store}  settlement days ${r.range.from}..${r.range.to}  now ${r.now}`);
  for (const h of r.datasets) lines.push('', ...datasetLines(h));
  lines.push('', ...operationLines(r));
  if (r.api) {
    lines.push('', style.bold('API'));
    for (const p of r.api) {
      const state = !p.ok ? style.error(p.reachable ? '✗ failed' : '✗ unreachable') : p.rows === 0 ? style.warn('✗ empty') : style.ok('✓');
      const rows = p.rows === null ? '' : `  ${plural(p.rows, 'row')}`;
      const honoured = p.windowHonoured === null ? '' : p.windowHonoured ? '  window honoured' : '  rows outside the window';
      lines.push(`  ${p.dataset.padEnd(15)} ${state}  ${p.latencyMs} ms${rows}${honoured}  [${p.window.from}, ${p.window.to})`);
      if (p.error) lines.push(`    ${style.dim(p.error.message)}`);
    }
  }
  lines.push('');
  if (r.findings.length === 0) lines.push(style.ok('✓ healthy: no findings'));
  else {
    lines.push(style.error(`✗ ${plural(r.findings.length, 'finding')}`));
    for (const f of r.findings) lines.push(`  ${style.error('✗')} ${f.message}`);
  }
  return `${lines.join('\n')}\n`;
}

function datasetLines(h: DatasetHealth): string[] {
  const f = h.freshness;
  const head = `${style.bold(h.dataset)}  ${h.table}  ${h.rows === null ? style.warn('no table') : plural(h.rows, 'row')}`;
  const out = [head];
  if (f.hasRows) {
    const fresh = f.thresholdMinutes === null ? style.dim('not judged (no known cadence)') : !f.stale ? style.ok('fresh') : h.freshnessJudged ? style.error('stale') : style.dim('old (range ends before today)');
    const lag = f.ingestLagMinutes === null ? '' : `  ingest lag ${f.ingestLagMinutes} min`;
    out.push(`  latest ${toIsoZ(f.latestEventTime!)}  settlement ${f.settlementDate} P${f.settlementPeriod}  age ${num(f.ageMinutes!)} min${f.thresholdMinutes === null ? '' : ` (max ${f.thresholdMinutes})`}${lag}  ${fresh}`);
  } else {
    out.push(`  latest ${h.freshnessJudged && f.stale ? style.error('none') : style.dim('none')}`);
  }
  if (h.coverage) {
    for (const day of h.coverage) out.push(`  ${dayLine(day)}`);
  } else {
    out.push(`  ${style.dim('coverage: no cadence in the registry (nothing says what a full day is)')}`);
  }
  const d = h.duplicates;
  const dups = d.groups === 0 ? 'no duplicates' : style.error(`${num(d.extraRows)} duplicate rows in ${plural(d.groups, '_hash_key')}`);
  const nulls = d.nullKeys > 0 ? `, ${plural(d.nullKeys, 'row')} without _hash_key` : '';
  const problems = h.ledger.problems.length === 0 ? 'no failed or incomplete windows' : style.error(`${plural(h.ledger.problems.length, 'failed or incomplete window')}`);
  const m = h.ledger.missing;
  const span = m.spans.length === 1 ? ` [${m.spans[0].from}, ${m.spans[0].to})` : m.spans.length > 1 ? ` in ${plural(m.spans.length, 'span')}, first [${m.spans[0].from}, ${m.spans[0].to})` : '';
  const missing = m.windows === 0 ? '' : `, ${style.warn(`${plural(m.windows, 'window')} missing from the ledger${span}`)}`;
  out.push(`  ${dups}${nulls}  ledger: ${plural(h.ledger.windows, 'window')}, ${problems}${missing}`);
  return out;
}

function dayLine(day: DayCoverage): string {
  const strip = day.marks.map((m) => paint[m](MARK_CHARS[m])).join('');
  const pad = ' '.repeat(50 - day.periods);
  const rows = `${num(day.observedRows)}/${num(day.expectedRows)}`;
  const note = day.state === 'gaps' ? style.error(day.summary ?? '') : day.state === 'in-progress' ? style.dim('in progress') : day.state === 'future' ? style.dim('not started') : style.ok('complete');
  const extra = day.extraPeriods.length > 0 ? `; ${style.error(`and rows in ${ranges(day.extraPeriods.map((p) => p.period))} the day does not have`)}` : '';
  return `${day.date} ${String(day.periods).padStart(2)} ${strip}${pad} ${rows.padStart(13)}  ${note}${extra}`;
}

function operationLines(r: CheckReport): string[] {
  const o = r.operations;
  const log = o.updateLog;
  const inUse = log.exists;
  const s = log.summary;
  const logText = !inUse || !s
    ? style.dim(`${log.path} not found (no real-time job: not judged)`)
    : `${log.path}: ${plural(s.cyclesLastHour, 'cycle')} in the last hour, ${plural(s.errorsLast24h, 'error')} in 24 h`;
  const cron = o.cronInstalled === null ? style.dim('unknown (no crontab program, or crontab -l failed: not judged)') : o.cronInstalled ? 'installed' : inUse ? style.error('not installed') : 'not installed';
  const disk = o.disk ? `${(o.disk.freeBytes / 1024 ** 3).toFixed(1)} GiB free of ${(o.disk.totalBytes / 1024 ** 3).toFixed(1)} GiB (${o.disk.path})` : 'unknown';
  return [style.bold('operations'), `  update log ${logText}`, `  cron line (bmrs update) ${cron}`, `  disk ${disk}`];
}

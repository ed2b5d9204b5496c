// Renders an ingest: the plan (--dry-run), the human summary, the --json report.
import { toIsoZ } from '../../core/calendar.js';
import { describeGaps } from '../../core/completeness.js';
import { EXIT } from '../../core/errors.js';
import type { DatasetPlan } from '../../core/plan.js';
import type { DatasetReport } from '../../core/report.js';
import { windowUrl, type Window } from '../../core/windows.js';
import { num, plural, style, writeJson } from '../render.js';

export function printDryRun(plans: readonly DatasetPlan[], apiBase: string, json: boolean): void {
  if (json) {
    writeJson(
      plans.map((p) => ({
        dataset: p.dataset.code,
        table: p.dataset.table,
        windows: p.due.map((w) => ({ from: toIsoZ(w.from), to: toIsoZ(w.to), url: windowUrl(apiBase, w) })),
        pending: p.pending,
      })),
    );
    return;
  }
  for (const p of plans) {
    process.stdout.write(`${p.dataset.code} -> ${p.dataset.table}: ${plural(p.due.length, 'window')}${p.pending ? ` (${p.pending} after now, not fetched)` : ''}\n`);
    for (const w of p.due) process.stdout.write(`  [${toIsoZ(w.from)}, ${toIsoZ(w.to)})  GET ${windowUrl(apiBase, w)}\n`);
  }
}

export function printReports(reports: readonly DatasetReport[], location: string): void {
  for (const r of reports) {
    const failed = r.failures.length;
    const mark = failed ? style.error('✗') : r.incomplete.length ? style.warn('!') : style.ok('✓');
    process.stdout.write(
      `${mark} ${r.dataset}: ${plural(r.windows, 'window')}, ${num(r.fetched)} fetched, ${num(r.inserted)} inserted, ` +
        `${num(r.skipped)} skipped as duplicates${r.outside ? `, ${num(r.outside)} left to neighbouring windows` : ''}` +
        `${r.empty ? `, ${r.empty} empty` : ''}${r.incomplete.length ? `, ${plural(r.incomplete.length, 'day')} incomplete` : ''}${failed ? `, ${failed} failed` : ''} in ${r.seconds.toFixed(1)}s -> ${r.table} (${location})\n`,
    );
    if (r.pending || r.partial) {
      const parts = [r.pending ? `${plural(r.pending, 'window')} after now not fetched` : '', r.partial ? 'the last window reaches past now' : ''];
      process.stderr.write(`${style.dim(`note: ${r.dataset}: ${parts.filter(Boolean).join('; ')}; a later run loads what is published by then`)}\n`);
    }
    if (r.revisions) {
      process.stderr.write(`${style.dim(`note: ${r.dataset}: ${plural(r.revisions, 'revision')} (rows with the natural key of another row and other content) stored beside the rows they revise`)}\n`);
    }
    for (const g of r.incomplete) {
      process.stderr.write(`${style.warn('incomplete:')} ${r.dataset} settlement day ${g.date}: ${describeGaps(g)}; stored as received, recorded in the ledger\n`);
    }
    if (r.unknownFields.length) {
      process.stderr.write(`${style.warn('warning:')} ${r.dataset}: the API sent fields bmrs does not know, not stored: ${r.unknownFields.join(', ')}\n`);
    }
  }
  printFailures(reports);
}

/** Each distinct error once, with the windows it hit: a dead network is one line, not one per window. */
function printFailures(reports: readonly DatasetReport[]): void {
  const groups = new Map<string, { message: string; hint?: string; windows: string[] }>();
  for (const r of reports) {
    for (const f of r.failures) {
      const key = `${f.error.message}\u0000${f.error.hint ?? ''}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { message: f.error.message, hint: f.error.hint, windows: [] }));
      g.windows.push(describeWindow(r.dataset, f.window));
    }
  }
  for (const g of groups.values()) {
    const where = g.windows.length === 1 ? g.windows[0] : `${g.windows[0]} and ${plural(g.windows.length - 1, 'more window')}`;
    process.stderr.write(`${style.error('error:')} ${where}: ${g.message}\n`);
    if (g.hint) process.stderr.write(`${style.dim(`hint: ${g.hint}`)}\n`);
  }
}

/** The settlement day the user asked for where there is one, else the UTC window. */
function describeWindow(dataset: string, w: Window): string {
  if (w.days) return `${dataset} settlement day ${w.days.from} [${toIsoZ(w.from)}, ${toIsoZ(w.to)})`;
  return `${dataset} [${toIsoZ(w.from)}, ${toIsoZ(w.to)})`;
}

export function reportJson(reports: readonly DatasetReport[], location: string, exitCode: number) {
  return {
    ok: exitCode === EXIT.ok,
    exitCode,
    store: location,
    datasets: reports.map((r) => ({
      dataset: r.dataset,
      table: r.table,
      windows: r.windows,
      pending: r.pending,
      partial: r.partial,
      empty: r.empty,
      fetched: r.fetched,
      outside: r.outside,
      inserted: r.inserted,
      skipped: r.skipped,
      revisions: r.revisions,
      seconds: Number(r.seconds.toFixed(3)),
      unknownFields: r.unknownFields,
      rowWork: r.rowWork,
      incomplete: r.incomplete.map((g) => ({ settlementDate: g.date, periods: g.periods, missingPeriods: g.missingPeriods, shortPeriods: g.shortPeriods, summary: describeGaps(g) })),
      failures: r.failures.map((f) => ({
        ...(f.window.days ? { settlementDate: f.window.days.from } : {}),
        from: toIsoZ(f.window.from),
        to: toIsoZ(f.window.to),
        fetched: f.fetched,
        error: f.error.name,
        exitCode: f.error.exitCode,
        retryable: f.error.retryable,
        message: f.error.message,
      })),
    })),
  };
}

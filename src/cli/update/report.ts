// The words of `bmrs update`: log messages (never the word "error" outside an ERROR line: the
// operators count those as failures), the backfill command past the cap, and the --json report.
import { toIsoZ } from '../../core/calendar.js';
import type { Freshness } from '../../core/freshness.js';
import { minutesOf, type UpdateWindow } from '../../core/update-plan.js';
import { num } from '../render.js';
import type { ChildResult, IngestJson } from './child.js';

const hhmm = (ms: number) => `${toIsoZ(ms).slice(0, 16).replace('T', ' ')} UTC`;

/** One line per dataset, as the old --check-only printed: settlement date and period, age, fresh or stale. */
export function freshnessLine(f: Freshness): string {
  if (!f.hasRows) return `${f.dataset}: no rows in ${f.table}${f.stale ? ': stale' : ' (not judged)'}`;
  const where = f.settlementDate !== null ? `, settlement date ${f.settlementDate} period ${f.settlementPeriod}` : '';
  const lag = f.ingestLagMinutes !== null ? `, ingested ${num(f.ingestLagMinutes)} min after it` : '';
  return `${f.dataset}: latest ${hhmm(f.latestEventTime!)}${where}, ${num(f.ageMinutes!)} min old${f.thresholdMinutes === null ? '' : ` (threshold ${num(f.thresholdMinutes)})`}${lag}: ${f.thresholdMinutes === null ? 'not judged' : f.stale ? 'stale' : 'fresh'}`;
}

/** A shell word: left bare when it is safe, else single-quoted. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The exact command that loads what the cap left out: [wanted, from) of a capped window. */
export function backfillCommand(w: UpdateWindow, flags: { db?: string; sink?: string; apiBase?: string }): string {
  const flag = (name: string, value: string | undefined) => (value !== undefined ? `${name} ${shellWord(value)}` : '');
  const extra = [flag('--db', flags.db), flag('--sink', flags.sink), flag('--api-base', flags.apiBase)];
  return ['bmrs backfill --dataset', w.dataset.code, '--from', toIsoZ(w.wanted), '--to', toIsoZ(w.from), ...extra].filter(Boolean).join(' ');
}

export function capLine(w: UpdateWindow, maxHours: number, command: string): string {
  const since = w.latest === null ? 'has no rows' : `last row ${hhmm(w.latest)}`;
  return `${w.dataset.code}: ${since}, ${duration(minutesOf(w.to - w.wanted))} to catch up, more than the cap of ${num(maxHours)} h: ` +
    `loading the last ${num(maxHours)} h only; to load the rest run: ${command}`;
}

/** 45 min, 3 h, 3 h 15 min. */
export function duration(minutes: number): string {
  const h = Math.floor(minutes / 60), m = minutes % 60;
  return [h ? `${num(h)} h` : '', m || !h ? `${m} min` : ''].filter(Boolean).join(' ');
}

export function windowsLine(windows: readonly UpdateWindow[]): string {
  return `fetching ${windows.map((w) => `${w.dataset.code} [${toIsoZ(w.from)}, ${toIsoZ(w.to)})`).join(', ')}`;
}

export function ingestedLine(d: NonNullable<IngestJson['datasets']>[number]): string {
  const outside = d.outside ? `, ${num(d.outside)} of the neighbouring window` : '';
  return `${d.dataset}: ${num(d.fetched)} fetched, ${num(d.inserted)} inserted, ${num(d.skipped)} already stored${outside}`;
}

/** What went wrong in the child, in one line: its distinct failure messages, or how it ended. */
export function failureSummary(r: ChildResult, timeoutSeconds: number): string {
  if (r.timedOut) return `bmrs ingest did not finish within ${num(timeoutSeconds)} s and was killed with its process group`;
  const report = r.report;
  if (report?.error) return report.error.message;
  const messages = [...new Set((report?.datasets ?? []).flatMap((d) => d.failures.map((f) => `${d.dataset} [${f.from}, ${f.to}): ${f.message}`)))];
  if (messages.length === 0) return `bmrs ingest exited ${r.code} without a report`;
  return messages.length === 1 ? messages[0] : `${messages[0]} (and ${messages.length - 1} more)`;
}

export function windowsJson(windows: readonly UpdateWindow[], backfill: (w: UpdateWindow) => string) {
  return windows.map((w) => ({
    dataset: w.dataset.code,
    from: toIsoZ(w.from),
    to: toIsoZ(w.to),
    latest: w.latest === null ? null : toIsoZ(w.latest),
    capped: w.capped,
    ...(w.capped ? { backfill: backfill(w) } : {}),
  }));
}

export function freshnessJson(f: Freshness) {
  return { ...f, latestEventTime: f.latestEventTime === null ? null : toIsoZ(f.latestEventTime) };
}

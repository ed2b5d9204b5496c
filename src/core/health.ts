// `bmrs check`: what the store says about each dataset, and the findings a monitor acts on. The
// reads go through the store port only (so the same check runs on any store); the judging is pure.
import { addDays, settlementDayStart, settlementDateOf, toIsoZ } from './calendar.js';
import { ranges } from './completeness.js';
import { coverageOf, type DayCoverage } from './coverage.js';
import type { DatasetSpec } from './datasets.js';
import { checkFreshness, type Freshness } from './freshness.js';
import { gapsIn, mergeSpans, missingWindows, type MissingWindows } from './ledger-missing.js';
import { eventLagMinutes } from './update-plan.js';
import type { DuplicateReport, LedgerEntry, Store } from './store.js';
import type { UpdateLogSummary } from './update-log.js';

export type FindingKind =
  | 'empty-store' | 'stale' | 'gaps' | 'extra-periods' | 'duplicates' | 'ledger-failed' | 'ledger-incomplete'
  | 'api-unreachable' | 'api-failed' | 'api-window' | 'api-empty'
  | 'no-update-cycles' | 'update-errors' | 'cron-missing' | 'disk-low';

export interface Finding {
  readonly kind: FindingKind;
  readonly dataset?: string;
  readonly date?: string;
  readonly message: string;
}

/** A failed or incomplete ledger window not since covered by a later loaded one. */
export interface LedgerProblem {
  readonly status: 'failed' | 'incomplete';
  readonly from: string;
  readonly to: string;
  readonly attempts: number;
  readonly errorCode: number | null;
  readonly message: string | null;
}

export interface DatasetHealth {
  readonly dataset: string;
  readonly table: string;
  /** Rows in the table; null when the table does not exist. */
  readonly rows: number | null;
  readonly freshness: Freshness;
  /** Whether staleness counts: only when the range reaches today (an old range is history). */
  readonly freshnessJudged: boolean;
  /** Per settlement day; null for a dataset without a cadence (nothing says what a full day is). */
  readonly coverage: readonly DayCoverage[] | null;
  readonly duplicates: DuplicateReport;
  /** Entries overlapping the range; failed or incomplete ones no later load covers; windows never asked for. */
  readonly ledger: { readonly windows: number; readonly problems: readonly LedgerProblem[]; readonly missing: MissingWindows };
}

export interface CheckRange {
  /** Settlement days, both inclusive. */
  readonly from: string;
  readonly to: string;
}

/** Default range: the last `days` settlement days up to today (the settlement date of `now`). */
export function defaultRange(now: number, days = 7): CheckRange {
  const to = settlementDateOf(now);
  return { from: addDays(to, -(days - 1)), to };
}

/** Everything the store says about one dataset over the range. Store errors (busy) propagate. */
export async function checkDataset(store: Store, d: DatasetSpec, range: CheckRange, now: number, thresholdMinutes?: number): Promise<DatasetHealth> {
  const rows = await store.countRows(d.table);
  const freshness = await checkFreshness(store, d, now, thresholdMinutes);
  let coverage: DayCoverage[] | null = null;
  if (d.cadence) {
    const counts = rows === null ? { periods: [], members: [] } : await store.coverageCounts(d, range.from, range.to);
    coverage = coverageOf(d, range.from, range.to, counts.periods, counts.members, now);
  }
  // One pass over the table; the worst groups only when there are any. The counts are the pass's:
  // every key stored more than once (dedupe-audit tells copies from key conflicts, check does not).
  const counted = rows === null ? { groups: 0, extraRows: 0, nullKeys: 0 } : await store.duplicateCount(d.table);
  const found = counted.groups > 0 ? await store.duplicates(d.table, 3) : null;
  const duplicates = found ? { ...counted, conflicts: found.conflicts, worst: found.worst } : { ...counted, worst: [] };
  const start = settlementDayStart(range.from), end = settlementDayStart(addDays(range.to, 1));
  const entries = await store.ledger({ dataset: d.code, from: start, to: end });
  return {
    dataset: d.code,
    table: d.table,
    rows,
    freshness,
    freshnessJudged: range.to >= settlementDateOf(now),
    coverage,
    duplicates,
    ledger: { windows: entries.length, problems: ledgerProblems(entries, eventLagMinutes(d) * 60_000), missing: missingWindows(d, range.from, range.to, entries, now, start, end) },
  };
}

/**
 * Failed and incomplete windows, less those that other windows make good:
 * - a failed window whose span is loaded (or empty) in windows loaded after it, or, for the part of
 *   it that was already published (`lagMs` behind the load's time) when they were loaded, in
 *   windows loaded before it. The 5-minute update retries a failed window with a later one of other
 *   bounds; for MID and wind-and-solar each window starts 5 minutes later than the one before, so
 *   the start of a failed window is only ever covered by the windows before it.
 * - an incomplete window whose span windows loaded after it cover entirely (a load before it does
 *   not make a settled day complete).
 */
export function ledgerProblems(entries: readonly LedgerEntry[], lagMs = 0): LedgerProblem[] {
  const good = entries.filter((e) => e.status === 'loaded' || e.status === 'empty');
  const spansOf = (es: readonly LedgerEntry[], to: (g: LedgerEntry) => number) => mergeSpans(es.map((g) => [g.from, to(g)] as const));
  const out: LedgerProblem[] = [];
  for (const e of entries) {
    if (e.status !== 'failed' && e.status !== 'incomplete') continue;
    const before = spansOf(good.filter((g) => g.updatedAt < e.updatedAt), (g) => Math.min(g.to, g.updatedAt - lagMs));
    const later = spansOf(good.filter((g) => g.updatedAt >= e.updatedAt), (g) => g.to);
    const open = e.status === 'failed' ? gapsIn(before, e.from, e.to) : [[e.from, e.to] as const];
    if (open.every(([a, b]) => gapsIn(later, a, b).length === 0)) continue;
    out.push({
      status: e.status,
      from: toIsoZ(e.from),
      to: toIsoZ(e.to),
      attempts: e.attempts,
      errorCode: e.errorCode,
      message: e.status === 'failed' ? e.errorMessage : e.detail,
    });
  }
  return out;
}

/**
 * "FUELINST settlement day 2025-10-27: 240 rows in periods 49-50, which this 48-period day does not
 * have". A stored NULL period reads as 0 (the stores' counts), so below 1 is said as "no period".
 */
function extraPeriodsMessage(dataset: string, day: DayCoverage): string {
  const rows = (ps: readonly { rows: number }[]) => {
    const n = ps.reduce((s, p) => s + p.rows, 0);
    return `${n} row${n === 1 ? '' : 's'}`;
  };
  const above = day.extraPeriods.filter((p) => p.period > day.periods);
  const below = day.extraPeriods.filter((p) => p.period < 1);
  const parts: string[] = [];
  if (above.length) parts.push(`${rows(above)} in ${ranges(above.map((p) => p.period))}, which this ${day.periods}-period day does not have`);
  if (below.length) parts.push(`${rows(below)} with no settlement period (or one below 1)`);
  return `${dataset} settlement day ${day.date}: ${parts.join('; ')}`;
}

export function datasetFindings(h: DatasetHealth): Finding[] {
  const out: Finding[] = [];
  const f = h.freshness;
  if (h.freshnessJudged && f.stale) {
    const message = !f.hasRows
      ? `${h.dataset}: no rows${h.rows === null ? ` (no table ${h.table})` : ''}`
      : `${h.dataset}: stale, the latest row (${toIsoZ(f.latestEventTime!)}, settlement ${f.settlementDate} period ${f.settlementPeriod}) is ${f.ageMinutes} min old, more than ${f.thresholdMinutes} min`;
    out.push({ kind: 'stale', dataset: h.dataset, message });
  }
  for (const day of h.coverage ?? []) {
    if (day.state === 'gaps') out.push({ kind: 'gaps', dataset: h.dataset, date: day.date, message: `${h.dataset} settlement day ${day.date}: ${day.summary}` });
    if (day.extraPeriods.length > 0) out.push({ kind: 'extra-periods', dataset: h.dataset, date: day.date, message: extraPeriodsMessage(h.dataset, day) });
  }
  const dup = h.duplicates;
  if (dup.groups > 0) {
    out.push({ kind: 'duplicates', dataset: h.dataset, message: `${h.dataset}: ${dup.extraRows} duplicate row${dup.extraRows === 1 ? '' : 's'} (${dup.groups} _hash_key${dup.groups === 1 ? '' : 's'} stored more than once)` });
  }
  for (const status of ['failed', 'incomplete'] as const) {
    const ps = h.ledger.problems.filter((p) => p.status === status);
    if (ps.length === 0) continue;
    const last = ps[ps.length - 1];
    out.push({
      kind: status === 'failed' ? 'ledger-failed' : 'ledger-incomplete',
      dataset: h.dataset,
      message: `${h.dataset}: ${ps.length} ${status} window${ps.length === 1 ? '' : 's'} in the ledger (last [${last.from}, ${last.to}): ${last.message ?? 'no detail'})`,
    });
  }
  return out;
}

/** What the machine says about the real-time job: its log, its cron line, the disk. */
export interface Operations {
  readonly updateLog: { readonly path: string; readonly exists: boolean; readonly summary: UpdateLogSummary | null };
  /**
   * Whether `crontab -l` has a line running `bmrs update` (no crontab for the user: false); null
   * when it cannot be told (no crontab program, as with a systemd timer or in a container, or
   * `crontab -l` failing): not judged.
   */
  readonly cronInstalled: boolean | null;
  readonly disk: { readonly path: string; readonly freeBytes: number; readonly totalBytes: number } | null;
}

/** Below this much free space (or 5% of the disk) the store's disk is reported low. */
export const DISK_LOW_BYTES = 1024 ** 3;

/** Findings only where the real-time job is in use (its log exists): a backfilled store needs no cron. */
export function operationsFindings(o: Operations): Finding[] {
  if (!o.updateLog.exists || !o.updateLog.summary) return [];
  const s = o.updateLog.summary;
  const out: Finding[] = [];
  if (s.cyclesLastHour === 0) {
    out.push({ kind: 'no-update-cycles', message: `no completed update cycle in the last hour (${o.updateLog.path}${s.lastCycleAt === null ? '' : `; last at ${toIsoZ(s.lastCycleAt)}`})` });
  }
  if (s.errorsLast24h > 0) {
    out.push({ kind: 'update-errors', message: `${s.errorsLast24h} error line${s.errorsLast24h === 1 ? '' : 's'} in the update log in the last 24 hours (last: ${s.lastError?.message ?? ''})` });
  }
  if (o.cronInstalled === false) out.push({ kind: 'cron-missing', message: 'no crontab line runs `bmrs update` (crontab -l)' });
  if (o.disk && (o.disk.freeBytes < DISK_LOW_BYTES || o.disk.freeBytes < o.disk.totalBytes * 0.05)) {
    out.push({ kind: 'disk-low', message: `only ${(o.disk.freeBytes / 1024 ** 3).toFixed(1)} GiB free where the store lives (${o.disk.path})` });
  }
  return out;
}

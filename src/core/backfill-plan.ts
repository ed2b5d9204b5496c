// Backfill planning, pure: which due windows of an ingest plan a backfill fetches, given the ledger
// and a mode, and the summary `bmrs backfill --plan` prints. Ledger entries match windows by
// (dataset code, window.from, window.to) exactly; an entry with other bounds is another window.
import { addDays, periodsInDay } from './calendar.js';
import { isSettled, publicationOver } from './completeness.js';
import type { DatasetSpec } from './datasets.js';
import type { DatasetPlan } from './plan.js';
import type { LedgerEntry, LedgerStatus } from './store.js';
import type { Window } from './windows.js';

/**
 * resume: every due window not done yet (see `isDone`); repair: only windows the ledger shows
 * short (missing, failed, incomplete, or empty where rows were expected); force: every due window.
 */
export type BackfillMode = 'resume' | 'repair' | 'force';

/** A window's state per the ledger: its entry's status, or missing when it has none. */
export type WindowState = LedgerStatus | 'missing';

/** Set sizes by dataset code (FUELINST's fuel types, MID's providers): not known before fetching. */
export type SetSizes = Readonly<Record<string, number>>;

export interface BackfillSummary {
  readonly dataset: string;
  /** Windows in the range, due or not. */
  readonly planned: number;
  readonly due: number;
  /** Windows that start at or after now: never fetched. */
  readonly pending: number;
  /** The due windows by their ledger state (these five add up to `due`). */
  readonly loaded: number;
  readonly empty: number;
  readonly incomplete: number;
  readonly failed: number;
  readonly missing: number;
  /** Windows to fetch now, and the requests they take (one per window). */
  readonly toFetch: number;
  readonly requests: number;
  /**
   * Rows the windows to fetch should hold: over their settlement days, periodsInDay × rowsPerPeriod
   * × the set size. Null when the dataset has no cadence, its set size is not given, or a window
   * to fetch is not whole settlement days (an instants range).
   */
  readonly expectedRows: number | null;
}

export interface DatasetBackfill {
  readonly dataset: DatasetSpec;
  /** The windows to fetch, oldest first. */
  readonly windows: readonly Window[];
  readonly summary: BackfillSummary;
}

export interface BackfillPlan {
  /** One per dataset plan, in the plans' order. */
  readonly datasets: readonly DatasetBackfill[];
  /**
   * Every window to fetch, sorted by window start across datasets (ties in the plans' order), so
   * the datasets advance through time together and a runner taking windows from the front keeps
   * several datasets in flight side by side rather than finishing one before starting the next.
   */
  readonly order: readonly Window[];
}

const keyOf = (code: string, from: number, to: number): string => `${code}\u0000${from}\u0000${to}`;

export function planBackfill(
  plans: readonly DatasetPlan[],
  ledger: readonly LedgerEntry[],
  mode: BackfillMode,
  now: number,
  setSizes: SetSizes = {},
): BackfillPlan {
  const byKey = new Map<string, LedgerEntry>();
  for (const e of ledger) byKey.set(keyOf(e.dataset, e.from, e.to), e);
  const datasets = plans.map((plan): DatasetBackfill => {
    const d = plan.dataset;
    const counts: Record<WindowState, number> = { loaded: 0, empty: 0, incomplete: 0, failed: 0, missing: 0 };
    const windows: Window[] = [];
    for (const w of [...plan.due].sort((a, b) => a.from - b.from)) {
      const state: WindowState = byKey.get(keyOf(d.code, w.from, w.to))?.status ?? 'missing';
      counts[state]++;
      if (picks(mode, state, d, w, now)) windows.push(w);
    }
    const summary: BackfillSummary = {
      dataset: d.code,
      planned: plan.planned,
      due: plan.due.length,
      pending: plan.pending,
      ...counts,
      toFetch: windows.length,
      requests: windows.length,
      expectedRows: expectedRows(d, windows, setSizes),
    };
    return { dataset: d, windows, summary };
  });
  return { datasets, order: interleave(datasets) };
}

/** Whether `mode` fetches a due window in `state`. */
function picks(mode: BackfillMode, state: WindowState, d: DatasetSpec, w: Window, now: number): boolean {
  switch (mode) {
    case 'force':
      return true;
    case 'resume':
      return !isDone(state, d, w, now);
    case 'repair':
      // Empty is short only where data was expected: a settled whole day of a dataset with a cadence.
      return state === 'missing' || state === 'failed' || state === 'incomplete' || (state === 'empty' && isSettled(d, w, now));
  }
}

/**
 * Resume's rule: loaded is done; empty is done when no rows are expected for the window, that is
 * the dataset has no cadence (BOD, DISBSAD: an empty window is a normal answer) or the window's
 * publication is not over yet at `now` (there is nothing more to find until it is). Any other empty
 * window, and every failed, incomplete or missing one, is fetched again.
 */
function isDone(state: WindowState, d: DatasetSpec, w: Window, now: number): boolean {
  if (state === 'loaded') return true;
  if (state !== 'empty') return false;
  return d.cadence === undefined || !publicationOver(d, w, now);
}

function expectedRows(d: DatasetSpec, windows: readonly Window[], setSizes: SetSizes): number | null {
  const cadence = d.cadence;
  if (!cadence) return null;
  const set = cadence.setColumn === undefined ? 1 : setSizes[d.code];
  if (set === undefined) return null;
  let rows = 0;
  for (const w of windows) {
    if (!w.days) return null;
    for (let day = w.days.from; day <= w.days.to; day = addDays(day, 1)) rows += periodsInDay(day) * cadence.rowsPerPeriod * set;
  }
  return rows;
}


/** All windows to fetch by start, ties in the datasets' order (the sort is stable). */
function interleave(datasets: readonly DatasetBackfill[]): Window[] {
  return datasets.flatMap((d) => d.windows).sort((a, b) => a.from - b.from);
}

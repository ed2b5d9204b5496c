// Outcomes -> one report per dataset, and the exit-code policy. Findings are data: a run's exit
// code is decided here, from its reports, not by whoever renders them.
import type { DayGaps } from './completeness.js';
import { EXIT, type BmrsError } from './errors.js';
import type { DatasetPlan } from './plan.js';
import type { WindowOutcome } from './runner.js';
import type { Window } from './windows.js';

export interface DatasetReport {
  readonly dataset: string;
  readonly table: string;
  /** Windows planned for the range, due or not. */
  readonly windows: number;
  /** Windows that start after now: not fetched, nothing can have been published for them yet. */
  readonly pending: number;
  /** Whether the last fetched window reaches past now, so later runs will add to it. */
  readonly partial: boolean;
  /** Windows the API answered with no rows of theirs. */
  readonly empty: number;
  readonly fetched: number;
  readonly outside: number;
  readonly inserted: number;
  /** Already stored, or repeated within a response. */
  readonly skipped: number;
  /** Rows stored beside an earlier row of the same natural key with other content. */
  readonly revisions: number;
  readonly seconds: number;
  readonly unknownFields: readonly string[];
  /** Settled days that lack periods or rows: loaded, but incomplete. */
  readonly incomplete: readonly DayGaps[];
  readonly failures: readonly { readonly window: Window; readonly fetched: number; readonly error: BmrsError }[];
  /**
   * Windows whose row work DuckDB's SQL did, those the JS path did (with the SQL's reasons to
   * decline), and those that needed none: refetched by `backfill --force`, the same body as the
   * one loaded, and its rows all still stored (core/digest.ts).
   */
  readonly rowWork: { readonly sql: number; readonly js: number; readonly unchanged: number; readonly reasons: readonly string[] };
}

/** One report per planned dataset, in the plan's order. */
export function summarise(plans: readonly DatasetPlan[], outcomes: readonly WindowOutcome[]): DatasetReport[] {
  return plans.map((plan) => {
    const mine = outcomes.filter((o) => o.window.dataset === plan.dataset);
    const unknown = new Set<string>();
    let fetched = 0, outside = 0, inserted = 0, skipped = 0, empty = 0, revisions = 0;
    let first = Infinity, last = -Infinity;
    const rowWork = { sql: 0, js: 0, unchanged: 0, reasons: new Set<string>() };
    for (const o of mine) {
      if (o.rowWork?.by === 'sql') rowWork.sql++;
      else if (o.rowWork?.by === 'unchanged') rowWork.unchanged++;
      else if (o.rowWork) {
        rowWork.js++;
        if (o.rowWork.reason) rowWork.reasons.add(o.rowWork.reason);
      }
      fetched += o.fetched;
      outside += o.outside;
      inserted += o.inserted;
      skipped += o.skipped;
      revisions += o.revisions;
      if (o.status === 'empty') empty++;
      o.unknownFields.forEach((f) => unknown.add(f));
      first = Math.min(first, o.started);
      last = Math.max(last, o.finished);
    }
    return {
      dataset: plan.dataset.code,
      table: plan.dataset.table,
      windows: plan.planned,
      pending: plan.pending,
      partial: plan.partial,
      empty,
      fetched,
      outside,
      inserted,
      skipped,
      revisions,
      seconds: mine.length ? (last - first) / 1000 : 0,
      unknownFields: [...unknown],
      incomplete: mine.flatMap((o) => (o.gaps ? [o.gaps] : [])),
      failures: mine.filter((o) => o.error).map((o) => ({ window: o.window, fetched: o.fetched, error: o.error! })),
      rowWork: { sql: rowWork.sql, js: rowWork.js, unchanged: rowWork.unchanged, reasons: [...rowWork.reasons].slice(0, 5) },
    };
  });
}

/**
 * The most serious failure decides: a bug (70), then data (65), which needs a person, then
 * transient (75), which only needs time; with no failure, a settled day that is incomplete is 1
 * ("loaded, but incomplete") unless the caller accepts that.
 */
export function exitCodeOf(reports: readonly DatasetReport[], allowIncomplete = false): number {
  const codes = new Set(reports.flatMap((r) => r.failures.map((f) => f.error.exitCode)));
  const failed = [EXIT.internal, EXIT.data, EXIT.transient, EXIT.usage].find((c) => codes.has(c)) ?? (codes.size ? EXIT.internal : undefined);
  if (failed !== undefined) return failed;
  return !allowIncomplete && reports.some((r) => r.incomplete.length > 0) ? EXIT.findings : EXIT.ok;
}

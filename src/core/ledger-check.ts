// The ledger says what was loaded; the table says what is there now. A day whose rows were deleted
// (by hand, by a bad repair) after it was loaded must not stay "loaded": `backfill --repair` checks
// each loaded whole-day window against the rows stored for its settlement day.
import { settlementDateOf } from './calendar.js';
import type { LedgerEntry, PeriodCount } from './store.js';

/**
 * The ledger with every loaded or incomplete day-window whose settlement day now holds fewer rows
 * than that window stored (inserted + skipped by its latest attempt) marked failed, with a message
 * saying so. `counts` are the dataset's stored rows per day and period; windows that are not one
 * settlement day (instants) are left as they are.
 */
export function checkLoadedAgainstStore(ledger: readonly LedgerEntry[], counts: readonly PeriodCount[]): LedgerEntry[] {
  const perDay = new Map<string, number>();
  for (const c of counts) perDay.set(c.date, (perDay.get(c.date) ?? 0) + c.rows);
  return ledger.map((e) => {
    if (e.status !== 'loaded' && e.status !== 'incomplete') return e;
    const day = settlementDateOf(e.from);
    if (settlementDateOf(e.to - 1) !== day || e.to - e.from < 23 * 3_600_000) return e;
    const stored = perDay.get(day) ?? 0;
    // A window verified unchanged wrote nothing: its digest still counts what it stored.
    const recorded = Math.max(e.inserted + e.skipped, e.digest?.count ?? 0);
    if (stored >= recorded) return e;
    return { ...e, status: 'failed', errorCode: null, errorMessage: `the store holds ${stored} of the ${recorded} rows this window stored` };
  });
}

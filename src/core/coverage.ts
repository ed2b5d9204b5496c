// Coverage of settlement days for `bmrs check`: per day, the periods the settlement calendar has
// (46, 48 or 50), the rows the dataset's cadence expects for the set the day shows, the rows seen
// (distinct natural keys, so duplicates and revisions cannot hide a gap) and the missing periods.
// A day is judged only once its publication is over (completeness.ts, the rule ingest uses); the
// day still being published is shown in progress, never as a gap. Pure: counts in, facts out.
import { datesInRange, MINUTE_MS, periodsInDay, periodStart, PERIOD_MS } from './calendar.js';
import { dayPublicationOver, describeGaps, expectedRowsPerPeriod, gapsOfCounts } from './completeness.js';
import type { DatasetSpec } from './datasets.js';
import type { DayMembers, PeriodCount } from './store.js';

/** complete; gaps (judged and short); in-progress (publication not over); future (not started). */
export type DayState = 'complete' | 'gaps' | 'in-progress' | 'future';

/** One settlement period at a glance: full, short of rows, missing, or not published yet. */
export type PeriodMark = 'ok' | 'short' | 'missing' | 'pending';

export interface DayCoverage {
  readonly date: string;
  /** Settlement periods of the day: 46, 48 or 50. */
  readonly periods: number;
  readonly state: DayState;
  /** Members of the day's set (FUELINST: fuel types); null without a set column. */
  readonly members: number | null;
  /** periods x the rows a period should hold (cadence x members seen that day). */
  readonly expectedRows: number;
  /** Distinct natural keys stored for the day. */
  readonly observedRows: number;
  /** Rows stored, duplicates and revisions included. */
  readonly storedRows: number;
  readonly missingPeriods: readonly number[];
  readonly shortPeriods: readonly { readonly period: number; readonly rows: number; readonly expected: number }[];
  /** "periods 25-48 missing (24 of 48)" for a day with gaps, else null. */
  readonly summary: string | null;
  /** One mark per settlement period, 1..periods. */
  readonly marks: readonly PeriodMark[];
}

/**
 * Coverage of `d` for every settlement day from..to (inclusive) at `now`, from the store's counts.
 * Only for datasets with a cadence: without one nothing says what a complete day is.
 */
export function coverageOf(d: DatasetSpec, from: string, to: string, counts: readonly PeriodCount[], members: readonly DayMembers[], now: number): DayCoverage[] {
  const byDay = new Map<string, Map<number, PeriodCount>>();
  for (const c of counts) {
    let day = byDay.get(c.date);
    if (!day) byDay.set(c.date, (day = new Map()));
    day.set(c.period, c);
  }
  const membersOf = new Map(members.map((m) => [m.date, m.members]));
  // A day with no rows shows no set: expect the largest set of the range (FUELINST's 20 fuel types),
  // not one member (0/288 for a missing FUELINST day would understate it twentyfold).
  const usual = Math.max(0, ...members.map((m) => m.members));
  return datesInRange(from, to).map((date) => dayCoverage(d, date, byDay.get(date) ?? new Map(), membersOf.get(date) || usual, now));
}

export function dayCoverage(d: DatasetSpec, date: string, counts: ReadonlyMap<number, PeriodCount>, members: number, now: number): DayCoverage {
  const periods = periodsInDay(date);
  const perPeriod = expectedRowsPerPeriod(d, members);
  const keysIn = (p: number) => counts.get(p)?.keys ?? 0;
  let observedRows = 0, storedRows = 0;
  for (const c of counts.values()) {
    observedRows += c.keys;
    storedRows += c.rows;
  }
  const settled = dayPublicationOver(d, date, now);
  const started = periodStart(date, 1) <= now;
  // A period of a day in progress is due once it has ended plus the dataset's publication lag.
  const lagMs = (d.cadence?.lagMinutes ?? 0) * MINUTE_MS;
  const due = (p: number) => settled || periodStart(date, p) + PERIOD_MS + lagMs <= now;
  const marks: PeriodMark[] = [];
  for (let p = 1; p <= periods; p++) {
    const n = keysIn(p);
    marks.push(n === 0 ? (due(p) ? 'missing' : 'pending') : n < perPeriod ? (due(p) ? 'short' : 'pending') : 'ok');
  }
  const gaps = settled ? gapsOfCounts(d, date, keysIn, members) : null;
  const state: DayState = !started ? 'future' : !settled ? 'in-progress' : gaps ? 'gaps' : 'complete';
  return {
    date,
    periods,
    state,
    members: d.cadence?.setColumn ? members : null,
    expectedRows: periods * perPeriod,
    observedRows,
    storedRows,
    missingPeriods: gaps?.missingPeriods ?? [],
    shortPeriods: gaps?.shortPeriods ?? [],
    summary: gaps ? describeGaps(gaps) : null,
    marks,
  };
}

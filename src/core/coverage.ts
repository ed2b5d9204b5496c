// Coverage of settlement days for `bmrs check`: per day, the periods the settlement calendar has
// (46, 48 or 50), the rows the dataset's cadence expects for the set the day shows, the rows seen
// (distinct natural keys, so duplicates and revisions cannot hide a gap) and the missing periods.
// A day is judged whole once its publication is over (completeness.ts, the rule ingest uses); the
// day still being published is shown in progress, and judged only for holes behind a period already
// full (holesSoFar). Pure: counts in, facts out.
import { datesInRange, MINUTE_MS, periodsInDay, periodStart, PERIOD_MS } from './calendar.js';
import { dayPublicationOver, describeGaps, expectedRowsPerPeriod, gapsOfCounts, type DayGaps } from './completeness.js';
import type { DatasetSpec } from './datasets.js';
import type { DayMembers, PeriodCount } from './store.js';

/** complete; gaps (settled and short, or holes behind a full period so far); in-progress (publication not over); future (not started). */
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
  /**
   * Periods stored that the day does not have (49 and 50 on a 48-period day, 47 and 48 on a
   * 46-period day; 0 or less): rows a loader put on the wrong day, as one that assumes 48 periods
   * a day does. bmrs's own checks refuse them; a table written by another tool may hold them.
   */
  readonly extraPeriods: readonly { readonly period: number; readonly rows: number }[];
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
  const gaps = settled ? gapsOfCounts(d, date, keysIn, members) : started ? holesSoFar(date, marks, keysIn, perPeriod) : null;
  const state: DayState = !started ? 'future' : gaps ? 'gaps' : !settled ? 'in-progress' : 'complete';
  return {
    date,
    periods,
    state,
    members: d.cadence?.setColumn ? members : null,
    expectedRows: periods * perPeriod,
    observedRows,
    storedRows,
    missingPeriods: gaps?.missingPeriods ?? [],
    extraPeriods: [...counts.values()].filter((c) => c.period < 1 || c.period > periods).sort((a, b) => a.period - b.period).map((c) => ({ period: c.period, rows: c.rows })),
    shortPeriods: gaps?.shortPeriods ?? [],
    summary: gaps ? `${describeGaps(gaps)}${settled ? '' : ', the day still in progress'}` : null,
    marks,
  };
}

/**
 * The gaps of a day still being published that are already certain: due periods missing or short
 * of rows before a period that is full. The 5-minute update starts from the latest stored row, so it
 * never fills such a hole; the periods after the last full one are the trailing edge, which is the
 * freshness check's to judge (they may be on their way).
 */
function holesSoFar(date: string, marks: readonly PeriodMark[], keysIn: (p: number) => number, expected: number): DayGaps | null {
  const lastFull = marks.lastIndexOf('ok') + 1;
  const missingPeriods: number[] = [];
  const shortPeriods: { period: number; rows: number; expected: number }[] = [];
  for (let p = 1; p < lastFull; p++) {
    if (marks[p - 1] === 'missing') missingPeriods.push(p);
    else if (marks[p - 1] === 'short') shortPeriods.push({ period: p, rows: keysIn(p), expected });
  }
  return missingPeriods.length || shortPeriods.length ? { date, periods: marks.length, missingPeriods, shortPeriods } : null;
}

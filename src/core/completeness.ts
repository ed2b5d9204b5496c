// Is a settled day complete? The old system assumed 48 periods and never looked: a day the API
// answered half of (or not at all) was "loaded". A day is judged only once its publication is over
// (the registry's lag after the day's end); then every period of the settlement calendar (46, 48 or
// 50) must be present, each with its cadence's rows for every member of the day's set.
import { addDays, MINUTE_MS, periodsInDay, settlementDayStart } from './calendar.js';
import type { Column, DatasetSpec } from './datasets.js';
import type { StoredRow } from './store.js';
import type { Window } from './windows.js';

export interface DayGaps {
  readonly date: string;
  readonly periods: number;
  readonly missingPeriods: readonly number[];
  /** Periods present with fewer rows than the cadence asks for. */
  readonly shortPeriods: readonly { readonly period: number; readonly rows: number; readonly expected: number }[];
}

/** Whether everything of `window` has been published by `now` (its end plus the dataset's lag). */
export function publicationOver(d: DatasetSpec, window: Window, now: number): boolean {
  return window.to + (d.cadence?.lagMinutes ?? 0) * MINUTE_MS <= now;
}

/** Whether everything of settlement day `date` has been published by `now` (its end plus the lag). */
export function dayPublicationOver(d: DatasetSpec, date: string, now: number): boolean {
  return settlementDayStart(addDays(date, 1)) + (d.cadence?.lagMinutes ?? 0) * MINUTE_MS <= now;
}

/** Whether `window` is a whole settlement day of a dataset with a cadence, and its publication is over. */
export function isSettled(d: DatasetSpec, window: Window, now: number): boolean {
  return d.cadence !== undefined && window.days !== undefined && publicationOver(d, window, now);
}

/**
 * The gaps of one settlement day in the rows of its window (cells in `columns` order), or null
 * when it is complete. Rows count once per natural key, so a revision does not hide a missing row.
 */
export function findGaps(d: DatasetSpec, columns: readonly Column[], rows: readonly StoredRow[], date: string): DayGaps | null {
  const cadence = d.cadence;
  if (!cadence) return null;
  const index = (name: string) => columns.findIndex((c) => c.name === name);
  const periodAt = index('settlementPeriod');
  const setAt = cadence.setColumn ? index(cadence.setColumn) : -1;
  const keyAt = d.naturalKey.map(index);
  const keys = new Map<number, Set<string>>();
  const members = new Set<unknown>();
  for (const row of rows) {
    const period = Number(row[periodAt]);
    let seen = keys.get(period);
    if (!seen) keys.set(period, (seen = new Set()));
    seen.add(keyAt.map((i) => String(row[i])).join('\u0000'));
    if (setAt >= 0) members.add(row[setAt]);
  }
  return gapsOfCounts(d, date, (p) => keys.get(p)?.size ?? 0, members.size);
}

/** Rows a period of `date` should hold: the cadence's rows per member of the day's set (at least one member). */
export function expectedRowsPerPeriod(d: DatasetSpec, members: number): number {
  const cadence = d.cadence;
  if (!cadence) return 0;
  return cadence.rowsPerPeriod * (cadence.setColumn ? Math.max(1, members) : 1);
}

/**
 * The gaps of one settlement day from its distinct natural keys per period and the size of the
 * day's set (`members`, ignored without a set column), or null when it is complete.
 */
export function gapsOfCounts(d: DatasetSpec, date: string, keysIn: (period: number) => number, members: number): DayGaps | null {
  if (!d.cadence) return null;
  const periods = periodsInDay(date);
  const expected = expectedRowsPerPeriod(d, members);
  const missingPeriods: number[] = [];
  const shortPeriods: { period: number; rows: number; expected: number }[] = [];
  for (let p = 1; p <= periods; p++) {
    const n = keysIn(p);
    if (n === 0) missingPeriods.push(p);
    else if (n < expected) shortPeriods.push({ period: p, rows: n, expected });
  }
  return missingPeriods.length || shortPeriods.length ? { date, periods, missingPeriods, shortPeriods } : null;
}

/** "periods 25-48 missing (24 of 48); period 7 has 114 of 120 rows" */
export function describeGaps(g: DayGaps): string {
  const parts: string[] = [];
  if (g.missingPeriods.length) parts.push(`${ranges(g.missingPeriods)} missing (${g.missingPeriods.length} of ${g.periods})`);
  const short = g.shortPeriods;
  if (short.length === 1) parts.push(`period ${short[0].period} has ${short[0].rows} of ${short[0].expected} rows`);
  else if (short.length > 1) parts.push(`${ranges(short.map((s) => s.period))} short of rows (${short.reduce((n, s) => n + s.expected - s.rows, 0)} rows missing)`);
  return parts.join('; ');
}

/** [1,2,3,7,9,10] -> "periods 1-3, 7, 9-10" */
export function ranges(ps: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ps.length; ) {
    let j = i;
    while (j + 1 < ps.length && ps[j + 1] === ps[j] + 1) j++;
    out.push(i === j ? `${ps[i]}` : `${ps[i]}-${ps[j]}`);
    i = j + 1;
  }
  return `${ps.length === 1 ? 'period' : 'periods'} ${out.join(', ')}`;
}

// GB settlement calendar. A settlement day is a local calendar date in Europe/London; period n covers
// [T0 + (n-1)*30min, T0 + n*30min) where T0 is the UTC instant of local midnight. Clock-change days
// have 46 (last Sunday of March) or 50 (last Sunday of October) periods, so nothing here assumes 48.
import { DateTime } from 'luxon';

export const LONDON = 'Europe/London';
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const PERIOD_MS = 30 * MINUTE_MS;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `s` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.toISOString().slice(0, 10) === s;
}

/** Adds whole calendar days to a YYYY-MM-DD date (pure date arithmetic, no zone involved). */
export function addDays(date: string, days: number): string {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3] + days)).toISOString().slice(0, 10);
}

/** Days from a to b (b - a), both YYYY-MM-DD. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

const startCache = new Map<string, number>();

/** UTC epoch ms of local midnight (Europe/London) starting settlement date `date`. */
export function settlementDayStart(date: string): number {
  let ms = startCache.get(date);
  if (ms === undefined) {
    if (!isIsoDate(date)) throw new RangeError(`not a date: ${date}`);
    ms = DateTime.fromISO(date, { zone: LONDON }).startOf('day').toMillis();
    startCache.set(date, ms);
  }
  return ms;
}

const periodsCache = new Map<string, number>();

/** Number of settlement periods in a settlement day: 46, 48 or 50. */
export function periodsInDay(date: string): number {
  let n = periodsCache.get(date);
  if (n === undefined) {
    n = Math.round((settlementDayStart(addDays(date, 1)) - settlementDayStart(date)) / PERIOD_MS);
    periodsCache.set(date, n);
  }
  return n;
}

/** UTC epoch ms at which settlement period `period` of `date` starts. */
export function periodStart(date: string, period: number): number {
  return settlementDayStart(date) + (period - 1) * PERIOD_MS;
}

/** Local (Europe/London) calendar date of a UTC instant: the settlement date it belongs to. */
export function settlementDateOf(ms: number): string {
  // The UTC date or the one after it; London is UTC+0 or UTC+1, never behind UTC.
  const utcDate = new Date(ms).toISOString().slice(0, 10);
  const next = addDays(utcDate, 1);
  return ms >= settlementDayStart(next) ? next : utcDate;
}

/** The settlement date and period containing a UTC instant. */
export function settlementPeriodOf(ms: number): { date: string; period: number } {
  const date = settlementDateOf(ms);
  return { date, period: Math.floor((ms - settlementDayStart(date)) / PERIOD_MS) + 1 };
}

/** Every date from `from` to `to`, both inclusive. */
export function datesInRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Formats epoch ms as RFC 3339 UTC without milliseconds when they are zero: 2024-02-12T17:50:00Z. */
export function toIsoZ(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, 19)}Z` : s;
}

/** Parses an RFC 3339 instant that names its zone (Z or an offset); NaN when it does not. */
export function parseInstant(s: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(s)) return NaN;
  const dt = DateTime.fromISO(s, { setZone: true });
  return dt.isValid ? dt.toMillis() : NaN;
}

// Window planning: turns a user's range into calendar-aligned requests, each with the rule that
// verifies its answer and the rule that keeps only the rows that belong to it.
// The API's bounds are inclusive at both ends, so consecutive windows share their boundary instant;
// `keep` gives each boundary row to exactly one window (half-open on our side).
import { addDays, DAY_MS, HOUR_MS, MINUTE_MS, settlementDateOf, settlementDayStart, toIsoZ } from './calendar.js';
import { hasSettlementDate, type DatasetSpec } from './datasets.js';
import { InternalError } from './errors.js';

/** What the user asked for: whole settlement days [from, to) or instants [from, to). */
export type Range =
  | { readonly kind: 'days'; readonly from: string; readonly to: string }
  | { readonly kind: 'instants'; readonly from: number; readonly to: number };

/** Which rows a response may contain; anything else means the API did not honour the window. */
export type Accept =
  | { readonly by: 'settlementDate'; readonly from: string; readonly to: string }
  | { readonly by: 'eventTime'; readonly from: number; readonly to: number };

/** Which verified rows belong to this window (the rest belong to a neighbouring window). */
export type Keep =
  | { readonly by: 'all' }
  | { readonly by: 'settlementDate'; readonly from: string; readonly to: string }
  | { readonly by: 'eventTime'; readonly before: number };

export interface Window {
  readonly dataset: DatasetSpec;
  /** The window's half-open bounds in UTC ms: the `_window_from_utc` / `_window_to_utc` labels. */
  readonly from: number;
  readonly to: number;
  /** The settlement days it covers (days mode only). */
  readonly days?: { readonly from: string; readonly to: string };
  readonly path: string;
  readonly query: ReadonlyArray<readonly [string, string]>;
  readonly accept: Accept;
  readonly keep: Keep;
}


export function planWindows(dataset: DatasetSpec, range: Range): Window[] {
  const windows = range.kind === 'days' ? planDays(dataset, range.from, range.to) : askedByDateOnly(dataset)
    ? planDays(dataset, settlementDateOf(range.from), addDays(settlementDateOf(range.to - 1), 1))
    : planInstants(dataset, range.from, range.to);
  return windows.flatMap(withinLimit);
}

/** The endpoint's range limit in minutes where it binds on the endpoint a window calls; else null. */
export function bindingLimitMinutes(d: DatasetSpec): number | null {
  return d.maxWindowMinutes !== null && (!d.stream || d.limitOnStream === true) ? d.maxWindowMinutes : null;
}

/**
 * A window wider than the endpoint's limit (a 25-hour clock-change day against REMIT's 1 day), cut
 * into consecutive pieces of at most the limit. Only windows that keep rows by event time can be
 * cut; the others are planned within their limit by construction.
 */
function withinLimit(w: Window): Window[] {
  const max = bindingLimitMinutes(w.dataset);
  if (max === null || w.accept.by !== 'eventTime' || w.accept.to - w.accept.from <= max * MINUTE_MS) return [w];
  if (w.keep.by !== 'eventTime' || w.accept.from !== w.from || w.accept.to !== w.to) {
    throw new InternalError(`${w.dataset.code}: a planned window is wider than the endpoint's ${max}-minute limit`);
  }
  const out: Window[] = [];
  // A piece of a day keeps the day's label only where no completeness check reads it as the whole day.
  const days = w.days && !w.dataset.cadence ? { days: w.days } : {};
  for (let a = w.from; a < w.to; a += max * MINUTE_MS) {
    const b = Math.min(w.to, a + max * MINUTE_MS);
    out.push({ dataset: w.dataset, from: a, to: b, ...days, path: w.path, query: timeQuery(w.dataset, a, b), accept: { by: 'eventTime', from: a, to: b }, keep: { by: 'eventTime', before: b } });
  }
  return out;
}

/**
 * Endpoints that take settlement dates only (no time parameter): an instant range is widened to
 * the settlement days it touches.
 */
export function askedByDateOnly(d: DatasetSpec): boolean {
  return d.family === 'settlement' || d.family === 'settlementDay';
}

function planDays(d: DatasetSpec, from: string, to: string): Window[] {
  const out: Window[] = [];
  for (let day = from; day < to; day = addDays(day, 1)) out.push(dayWindow(d, day));
  return out;
}

/** One settlement day. Uses the endpoint's settlement-date parameters where it has them. */
function dayWindow(d: DatasetSpec, day: string): Window {
  const start = settlementDayStart(day);
  const end = settlementDayStart(addDays(day, 1));
  const base = { dataset: d, from: start, to: end, days: { from: day, to: day }, path: endpointPath(d) };
  const sq = d.settlementQuery;
  const sameDay = { by: 'settlementDate', from: day, to: day } as const;
  if (sq && 'dateParams' in sq) {
    return { ...base, query: [[sq.dateParams.from, day], [sq.dateParams.to, day]], accept: sameDay, keep: { by: 'all' } };
  }
  if (sq && 'rangeParams' in sq) {
    const p = sq.rangeParams;
    const query: [string, string][] = [[p.dateFrom, day], [p.periodFrom, '1'], [p.dateTo, day], [p.periodTo, '50']];
    return { ...base, query, accept: sameDay, keep: { by: 'all' } };
  }
  if (sq && 'pathParam' in sq) {
    return { ...base, path: d.path.replace(`{${sq.pathParam}}`, day), query: [], accept: sameDay, keep: { by: 'all' } };
  }
  if (sq && 'periodParams' in sq) {
    // With a settlement-period bound, from/to are read as settlement dates (time ignored).
    const query: [string, string][] = [
      [d.params.from, `${day}T00:00:00Z`],
      [d.params.to, `${day}T00:00:00Z`],
      [sq.periodParams.from, '1'],
      [sq.periodParams.to, '50'],
    ];
    // Rows without a settlement date (the per-type summary) are checked by their start time.
    if (!hasSettlementDate(d)) return { ...base, query, accept: { by: 'eventTime', from: start, to: end }, keep: { by: 'eventTime', before: end } };
    return { ...base, query, accept: sameDay, keep: { by: 'all' } };
  }
  if (hasSettlementDate(d) && d.publishLagMinutes !== undefined) {
    // Publish-time endpoints that carry a settlement date: ask for a publish window that covers
    // the day and its late publications, then keep that day's rows only.
    const qTo = end + (d.publishLagMinutes ?? 0) * MINUTE_MS;
    return {
      ...base,
      query: timeQuery(d, start, qTo),
      accept: { by: 'eventTime', from: start, to: qTo },
      keep: sameDay,
    };
  }
  // No settlement date, or one a publication is not about (forecasts): local-midnight bounds on the event time.
  return { ...base, query: timeQuery(d, start, end), accept: { by: 'eventTime', from: start, to: end }, keep: { by: 'eventTime', before: end } };
}

/** Instants: half-open [from, to) cut at UTC boundaries of the dataset's window unit. */
function planInstants(d: DatasetSpec, from: number, to: number): Window[] {
  const unit = d.windowUnit === 'hour' ? HOUR_MS : DAY_MS;
  const out: Window[] = [];
  for (let a = from; a < to; ) {
    const b = Math.min(to, Math.floor(a / unit) * unit + unit);
    out.push({
      dataset: d,
      from: a,
      to: b,
      path: endpointPath(d),
      query: timeQuery(d, a, b),
      accept: { by: 'eventTime', from: a, to: b },
      keep: { by: 'eventTime', before: b },
    });
    a = b;
  }
  return out;
}

function timeQuery(d: DatasetSpec, from: number, to: number): [string, string][] {
  return [[d.params.from, toIsoZ(from)], [d.params.to, toIsoZ(to)]];
}

/** The stream endpoint when there is one: a bare array with no range limit. */
function endpointPath(d: DatasetSpec): string {
  return d.stream ? `${d.path}/stream` : d.path;
}

/** The URL of a window below the API base, query parameters encoded. */
export function windowUrl(base: string, w: Window): string {
  const qs = new URLSearchParams(w.query as [string, string][]).toString();
  return `${base.replace(/\/+$/, '')}${w.path}${qs ? `?${qs}` : ''}`;
}

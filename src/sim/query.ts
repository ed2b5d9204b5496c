// Reads a request's query into an inclusive Window, per the endpoint's mode as the simulator reads
// the OpenAPI document (openapi.ts), the way the real API does: unknown parameters are ignored,
// parameter names are case-insensitive (ASP.NET binding), a missing required parameter is a 400, a
// missing optional window means the endpoint's default (latest data), and a window wider than the
// document states for a non-stream endpoint is a 400 ProblemDetails.
import { addDays, DAY_MS, MINUTE_MS, PERIOD_MS, settlementDayStart, isIsoDate } from '../core/calendar.js';
import type { Route, SimDataset } from './catalog.js';
import { datePart, parseDateTime } from './dates.js';
import { invalidValueProblem, rangeProblem, requiredProblem, validationProblem, type Problem } from './problem.js';
import type { SettlementRef, Window } from './types.js';

export type QueryResult = { window: Window } | { problem: Problem };

/** Query parameters by lower-cased name. */
export type Query = ReadonlyMap<string, readonly string[]>;

export function readQuery(params: URLSearchParams): Query {
  const q = new Map<string, string[]>();
  for (const [k, v] of params) {
    const key = k.toLowerCase();
    const list = q.get(key);
    if (list) list.push(v);
    else q.set(key, [v]);
  }
  return q;
}

const one = (q: Query, name: string): string | undefined => q.get(name.toLowerCase())?.[0];

export interface WindowContext {
  stream: boolean;
  now: number;
  /** Answer with the default window whatever was asked (the ignore-window fault). */
  ignoreWindow: boolean;
  latest: () => number | undefined;
}

export function parseWindow(route: Route, q: Query, ctx: WindowContext): QueryResult {
  const filters = Object.entries(route.filters)
    .map(([param, field]) => ({ field, values: q.get(param.toLowerCase()) ?? [] }))
    .filter((f) => f.values.length > 0);
  const base: Partial<Window> = { filters };
  if (ctx.ignoreWindow) return { window: finish(defaultWindow(route.ds, ctx), base) };
  const e = route.endpoint;
  const missing = e.required.filter((n) => one(q, n) === undefined);
  if (missing.length > 0) return { problem: requiredProblem(missing) };
  const m = e.mode;
  if (m.kind === 'fromTo') return fromToWindow(route, m.periods, q, ctx, base);
  if (m.kind === 'path') {
    const date = route.pathValues[m.param] ?? '';
    if (!isIsoDate(date)) return { problem: invalidValueProblem(m.param, date) };
    return { window: finish({ sdLo: { date, period: 1 }, sdHi: { date, period: 99 } }, base) };
  }
  if (m.kind === 'point' || m.kind === 'dateRange') {
    const [dFrom, pFrom, dTo, pTo] = m.kind === 'point' ? [m.date, m.period, m.date, m.period] : [m.dateFrom, m.periodFrom, m.dateTo, m.periodTo];
    const sd: SettlementRef[] = [];
    for (const [dn, pn] of [[dFrom, pFrom], [dTo, pTo]]) {
      const date = one(q, dn) ?? '';
      const period = readInt(one(q, pn) ?? '');
      if (!isIsoDate(date)) return { problem: invalidValueProblem(dn, date) };
      if (period === undefined) return { problem: invalidValueProblem(pn, one(q, pn) ?? '') };
      sd.push({ date, period });
    }
    return { window: finish({ sdLo: sd[0], sdHi: sd[1] }, base) };
  }
  const dates = m.kind === 'dates' ? m : m.dates;
  const periods = dates ? readPeriods(q) : undefined;
  if (periods && 'problem' in periods) return periods;
  const withPeriods = { ...base, periods: periods?.set };
  const dFrom = dates && one(q, dates.from);
  const dTo = dates && one(q, dates.to);
  const times = m.kind === 'time' ? m : undefined;
  const fromText = times && one(q, times.from);
  const toText = times && one(q, times.to);

  if (dates && (dFrom !== undefined || dTo !== undefined)) {
    if (times && (fromText !== undefined || toText !== undefined)) {
      return { problem: validationProblem({ '': [`${pascalPair(dates)} cannot be combined with ${pascalPair(times)}`] }) };
    }
    const from = dFrom ?? dTo ?? '';
    const to = dTo ?? dFrom ?? '';
    for (const [name, v] of [[dates.from, from], [dates.to, to]] as const) {
      if (!isIsoDate(v)) return { problem: invalidValueProblem(name, v) };
    }
    return { window: finish({ sdLo: { date: from, period: 1 }, sdHi: { date: to, period: 99 } }, withPeriods) };
  }
  if (!times || (fromText === undefined && toText === undefined)) return { window: finish(defaultWindow(route.ds, ctx), withPeriods) };

  const lo = fromText === undefined ? NaN : parseDateTime(fromText);
  const hi = toText === undefined ? NaN : parseDateTime(toText);
  if (fromText !== undefined && Number.isNaN(lo)) return { problem: invalidValueProblem(times.from, fromText) };
  if (toText !== undefined && Number.isNaN(hi)) return { problem: invalidValueProblem(times.to, toText) };
  // A one-sided window: up to now, or the default span before `to`.
  const eventHi = toText === undefined ? ctx.now : hi;
  const eventLo = fromText === undefined ? eventHi - DAY_MS : lo;
  const limited = checkRange(route, times, eventHi - eventLo);
  if (limited) return limited;
  return { window: finish({ eventLo, eventHi }, withPeriods) };
}

function fromToWindow(route: Route, sp: { from: string; to: string } | undefined, q: Query, ctx: WindowContext, base: Partial<Window>): QueryResult {
  const names = { from: 'from', to: 'to' };
  const fromText = one(q, names.from);
  const toText = one(q, names.to);
  if (fromText === undefined && toText === undefined) return { window: finish(defaultWindow(route.ds, ctx), base) };
  const lo = parseDateTime(fromText ?? '');
  const hi = parseDateTime(toText ?? '');
  if (Number.isNaN(lo)) return { problem: invalidValueProblem(names.from, fromText ?? '') };
  if (Number.isNaN(hi)) return { problem: invalidValueProblem(names.to, toText ?? '') };

  const w: Partial<Window> = { ...base };
  // With a settlement-period bound, the matching from/to is a settlement DATE (its time ignored):
  // the span is counted in dates, so from=D&to=D with periods 1..50 is one day, not 25 hours.
  let effLo = lo;
  let effHi = hi;
  const spFromText = sp && one(q, sp.from);
  const spToText = sp && one(q, sp.to);
  if (sp && spFromText !== undefined) {
    const period = readInt(spFromText);
    if (period === undefined) return { problem: invalidValueProblem(sp.from, spFromText) };
    w.sdLo = { date: datePart(fromText ?? '') ?? '', period };
    effLo = parseDateTime(w.sdLo.date);
  } else w.eventLo = lo;
  if (sp && spToText !== undefined) {
    const period = readInt(spToText);
    if (period === undefined) return { problem: invalidValueProblem(sp.to, spToText) };
    w.sdHi = { date: datePart(toText ?? '') ?? '', period };
    effHi = parseDateTime(w.sdHi.date);
  } else w.eventHi = hi;
  const limited = checkRange(route, names, effHi - effLo);
  if (limited) return limited;
  return { window: finish(w, {}) };
}

/** The documented limit of a non-stream endpoint, as the real API words it (samples/ERROR400_*). */
function checkRange(route: Route, names: { from: string; to: string }, spanMs: number): { problem: Problem } | undefined {
  const max = route.endpoint.maxMinutes;
  if ((route.stream && !route.endpoint.limitOnStream) || max === null || spanMs <= max * MINUTE_MS) return undefined;
  return { problem: rangeProblem(names.from, names.to, max) };
}

function defaultWindow(ds: SimDataset, ctx: WindowContext): Partial<Window> {
  if ('latest' in ds.defaultWindow) {
    const t = ctx.latest();
    return t === undefined ? { eventLo: 1, eventHi: 0 } : { eventLo: t, eventHi: t };
  }
  return { eventLo: ctx.now - ds.defaultWindow.spanMs, eventHi: ctx.now };
}

function readPeriods(q: Query): { set: ReadonlySet<number> | undefined } | { problem: Problem } {
  const raw = q.get('settlementperiod');
  if (!raw) return { set: undefined };
  const set = new Set<number>();
  for (const v of raw) {
    const n = readInt(v);
    if (n === undefined) return { problem: invalidValueProblem('settlementPeriod', v) };
    set.add(n);
  }
  return { set };
}

function readInt(s: string): number | undefined {
  return /^\s*[+-]?\d{1,9}\s*$/.test(s) ? Number(s) : undefined;
}

function pascalPair(p: { from: string; to: string }): string {
  const up = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  return `${up(p.from)}/${up(p.to)}`;
}

/** Adds the scan range: event bounds, widened by a day around settlement bounds. */
function finish(w: Partial<Window>, extra: Partial<Window>): Window {
  const merged = { ...extra, ...w, filters: w.filters ?? extra.filters ?? [] };
  const los: number[] = [];
  const his: number[] = [];
  if (merged.eventLo !== undefined) los.push(merged.eventLo);
  if (merged.eventHi !== undefined) his.push(merged.eventHi);
  if (merged.sdLo) los.push(refStart(merged.sdLo) - DAY_MS);
  if (merged.sdHi) his.push(refStart({ date: addDays(merged.sdHi.date, 1), period: 1 }) + DAY_MS);
  return { ...merged, scanLo: Math.max(...los), scanHi: Math.min(...his) };
}

function refStart(r: SettlementRef): number {
  return isIsoDate(r.date) ? settlementDayStart(r.date) + Math.max(0, r.period - 1) * PERIOD_MS : NaN;
}

/** True when a row's settlement date/period lies within the window's settlement bounds and periods. */
export function settlementMatches(w: Window, date: string, period: number): boolean {
  if (w.sdLo && (date < w.sdLo.date || (date === w.sdLo.date && period < w.sdLo.period))) return false;
  if (w.sdHi && (date > w.sdHi.date || (date === w.sdHi.date && period > w.sdHi.period))) return false;
  return !w.periods || w.periods.has(period);
}

export function eventMatches(w: Window, ms: number): boolean {
  return (w.eventLo === undefined || ms >= w.eventLo) && (w.eventHi === undefined || ms <= w.eventHi);
}

/** A test of a row's JSON text against the field filters (fuelType=..., bmUnit=...), or undefined. */
export function compileFilters(w: Window): ((text: string) => boolean) | undefined {
  if (w.filters.length === 0) return undefined;
  const res = w.filters.map((f) => f.values.map((v) => new RegExp(`"${f.field}"\\s*:\\s*"${escapeRe(v)}"`, 'i')));
  return (text) => res.every((any) => any.some((re) => re.test(text)));
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Reads a request's query into an inclusive Window, per window family, the way the real API does:
// unknown parameters are ignored, parameter names are case-insensitive (ASP.NET binding), a missing
// window means the endpoint's default (latest data), and an over-wide window on a non-stream endpoint
// is a 400 ProblemDetails.
import { addDays, DAY_MS, MINUTE_MS, PERIOD_MS, settlementDayStart, isIsoDate } from '../core/calendar.js';
import type { SimDataset } from './catalog.js';
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

export function parseWindow(ds: SimDataset, q: Query, ctx: WindowContext): QueryResult {
  const filters = Object.entries(ds.filters)
    .map(([param, field]) => ({ field, values: q.get(param.toLowerCase()) ?? [] }))
    .filter((f) => f.values.length > 0);
  const base: Partial<Window> = { filters };
  if (ctx.ignoreWindow) return { window: finish(defaultWindow(ds, ctx), base) };
  const spec = ds.spec;
  if (spec.family === 'fromTo') return fromToWindow(ds, q, ctx, base);

  const { from: pFrom, to: pTo } = spec.params;
  const fromText = one(q, pFrom);
  const toText = one(q, pTo);
  const dates = spec.settlementQuery && 'dateParams' in spec.settlementQuery ? spec.settlementQuery.dateParams : undefined;
  const periods = dates ? readPeriods(q) : undefined;
  if (periods && 'problem' in periods) return periods;
  const withPeriods = { ...base, periods: periods?.set };
  const dFrom = dates && one(q, dates.from);
  const dTo = dates && one(q, dates.to);

  if (dates && (dFrom !== undefined || dTo !== undefined)) {
    if (fromText !== undefined || toText !== undefined) {
      return {
        problem: validationProblem({
          '': [`${pascalPair(dates)} cannot be combined with ${pascalPair(spec.params)}`],
        }),
      };
    }
    const from = dFrom ?? dTo ?? '';
    const to = dTo ?? dFrom ?? '';
    for (const [name, v] of [[dates.from, from], [dates.to, to]] as const) {
      if (!isIsoDate(v)) return { problem: invalidValueProblem(name, v) };
    }
    return { window: finish({ sdLo: { date: from, period: 1 }, sdHi: { date: to, period: 99 } }, withPeriods) };
  }
  if (fromText === undefined && toText === undefined) return { window: finish(defaultWindow(ds, ctx), withPeriods) };

  const lo = fromText === undefined ? NaN : parseDateTime(fromText);
  const hi = toText === undefined ? NaN : parseDateTime(toText);
  if (fromText !== undefined && Number.isNaN(lo)) return { problem: invalidValueProblem(pFrom, fromText) };
  if (toText !== undefined && Number.isNaN(hi)) return { problem: invalidValueProblem(pTo, toText) };
  // A one-sided window: up to now, or the default span before `to`.
  const eventHi = toText === undefined ? ctx.now : hi;
  const eventLo = fromText === undefined ? eventHi - DAY_MS : lo;
  const limited = checkRange(ds, ctx, eventLo, eventHi);
  if (limited) return limited;
  return { window: finish({ eventLo, eventHi }, withPeriods) };
}

function fromToWindow(ds: SimDataset, q: Query, ctx: WindowContext, base: Partial<Window>): QueryResult {
  const spec = ds.spec;
  const { from: pFrom, to: pTo } = spec.params;
  const fromText = one(q, pFrom);
  const toText = one(q, pTo);
  const missing = [[pFrom, fromText], [pTo, toText]].filter(([, v]) => v === undefined).map(([n]) => n as string);
  if (missing.length > 0) return { problem: requiredProblem(missing) };
  const lo = parseDateTime(fromText ?? '');
  const hi = parseDateTime(toText ?? '');
  if (Number.isNaN(lo)) return { problem: invalidValueProblem(pFrom, fromText ?? '') };
  if (Number.isNaN(hi)) return { problem: invalidValueProblem(pTo, toText ?? '') };

  const sp = spec.settlementQuery && 'periodParams' in spec.settlementQuery ? spec.settlementQuery.periodParams : undefined;
  const w: Partial<Window> = { ...base };
  let effLo = lo;
  let effHi = hi;
  const spFromText = sp && one(q, sp.from);
  const spToText = sp && one(q, sp.to);
  if (sp && spFromText !== undefined) {
    const period = readInt(spFromText);
    if (period === undefined) return { problem: invalidValueProblem(sp.from, spFromText) };
    // With a settlement-period bound, `from` is a settlement date and its time is ignored.
    w.sdLo = { date: datePart(fromText ?? '') ?? '', period };
    effLo = settlementDayStart(w.sdLo.date) + (period - 1) * PERIOD_MS;
  } else w.eventLo = lo;
  if (sp && spToText !== undefined) {
    const period = readInt(spToText);
    if (period === undefined) return { problem: invalidValueProblem(sp.to, spToText) };
    w.sdHi = { date: datePart(toText ?? '') ?? '', period };
    effHi = settlementDayStart(w.sdHi.date) + period * PERIOD_MS;
  } else w.eventHi = hi;
  const limited = checkRange(ds, ctx, effLo, effHi);
  if (limited) return limited;
  return { window: finish(w, {}) };
}

function checkRange(ds: SimDataset, ctx: WindowContext, lo: number, hi: number): { problem: Problem } | undefined {
  const max = ds.spec.maxWindowMinutes;
  if (ctx.stream || max === null || hi - lo <= max * MINUTE_MS) return undefined;
  return { problem: rangeProblem(ds.spec.params.from, ds.spec.params.to, max) };
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

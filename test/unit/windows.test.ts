import { describe, expect, it } from 'vitest';
import { addDays, DAY_MS, HOUR_MS, MINUTE_MS, periodStart, settlementDayStart } from '../../src/core/calendar.js';
import { DATASETS, findDataset, type DatasetSpec } from '../../src/core/datasets.js';
import { askedByDateOnly, bindingLimitMinutes, planWindows, windowUrl, type Range, type Window } from '../../src/core/windows.js';
import { settlementDateOf } from '../../src/core/calendar.js';

const ds = (code: string) => findDataset(code)!;
const z = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();

/** The clock-change days of 2025 (46 and 50 periods), a normal day, and multi-day instants across both changes. */
const RANGES: readonly Range[] = [
  { kind: 'days', from: '2025-03-30', to: '2025-03-31' },
  { kind: 'days', from: '2025-10-26', to: '2025-10-27' },
  { kind: 'days', from: '2025-07-16', to: '2025-07-17' },
  { kind: 'days', from: '2025-03-29', to: '2025-04-01' },
  { kind: 'days', from: '2025-10-25', to: '2025-10-28' },
  { kind: 'instants', from: z('2025-03-29T21:30:00Z'), to: z('2025-03-31T02:15:00Z') },
  { kind: 'instants', from: z('2025-10-25T22:45:00Z'), to: z('2025-10-27T01:00:00Z') },
];

/** The instants a window's request asks the API for, read back from its query parameters (inclusive bounds). */
function requestSpan(w: Window): { from: number; to: number } {
  const d = w.dataset;
  const q = new Map(w.query);
  const get = (name: string): string => {
    const v = q.get(name);
    if (v === undefined) throw new Error(`${d.code}: the request has no ${name}`);
    return v;
  };
  const sq = d.settlementQuery;
  if (sq && 'pathParam' in sq) {
    const date = w.path.slice(d.path.indexOf(`{${sq.pathParam}}`));
    expect(w.path).toBe(d.path.replace(`{${sq.pathParam}}`, date));
    return { from: settlementDayStart(date), to: settlementDayStart(addDays(date, 1)) };
  }
  if (sq && 'rangeParams' in sq) {
    const p = sq.rangeParams;
    const to = Math.min(periodStart(get(p.dateTo), Number(get(p.periodTo)) + 1), settlementDayStart(addDays(get(p.dateTo), 1)));
    return { from: periodStart(get(p.dateFrom), Number(get(p.periodFrom))), to };
  }
  if (sq && 'dateParams' in sq && q.has(sq.dateParams.from)) {
    return { from: settlementDayStart(get(sq.dateParams.from)), to: settlementDayStart(addDays(get(sq.dateParams.to), 1)) };
  }
  if (sq && 'periodParams' in sq && q.has(sq.periodParams.from)) {
    // With period bounds, from/to are settlement dates and the periods select within them.
    const fromDate = get(d.params.from).slice(0, 10), toDate = get(d.params.to).slice(0, 10);
    const to = Math.min(periodStart(toDate, Number(get(sq.periodParams.to)) + 1), settlementDayStart(addDays(toDate, 1)));
    return { from: periodStart(fromDate, Number(get(sq.periodParams.from))), to };
  }
  return { from: Date.parse(get(d.params.from)), to: Date.parse(get(d.params.to)) };
}

/** Throws (an assertion error) unless the plan of `range` for `d` is sound. */
function checkPlan(d: DatasetSpec, range: Range): void {
  const ws = planWindows(d, range);
  const label = `${d.code} ${range.kind} ${range.kind === 'days' ? range.from : iso(range.from)}`;
  if (range.kind === 'instants' && askedByDateOnly(d)) {
    // Settlement dates are all such an endpoint takes: the range widens to the days it touches.
    const days = { kind: 'days', from: settlementDateOf(range.from), to: addDays(settlementDateOf(range.to - 1), 1) } as const;
    expect(ws, label).toEqual(planWindows(d, days));
    return checkPlan(d, days);
  }
  // The windows tile the range exactly: no gap, no overlap, nothing outside it.
  const first = range.kind === 'days' ? settlementDayStart(range.from) : range.from;
  const last = range.kind === 'days' ? settlementDayStart(range.to) : range.to;
  expect(ws.length, label).toBeGreaterThan(0);
  expect(ws[0].from, label).toBe(first);
  expect(ws[ws.length - 1].to, label).toBe(last);
  ws.forEach((w, i) => {
    expect(w.from, label).toBeLessThan(w.to);
    if (i > 0) expect(w.from, label).toBe(ws[i - 1].to);
  });
  const limit = bindingLimitMinutes(d);
  if (range.kind === 'days' && limit !== null && limit < 25 * 60) {
    // A day longer than the limit is cut into pieces: each piece lies in one settlement day.
    for (const w of ws) expect(settlementDateOf(w.from), label).toBe(settlementDateOf(w.to - 1));
  } else if (range.kind === 'days') {
    const dates = ws.map((w) => w.days?.from);
    expect(ws.every((w) => w.days?.from === w.days?.to), `${label}: one settlement day per window`).toBe(true);
    expect(dates, label).toEqual(ws.map((_, i) => addDays(range.from, i)));
    expect(ws.length, label).toBe(Math.round((Date.parse(range.to) - Date.parse(range.from)) / DAY_MS));
  } else {
    const unit = d.windowUnit === 'hour' ? HOUR_MS : DAY_MS;
    for (const w of ws) expect(Math.floor(w.from / unit), `${label}: a window never crosses a UTC ${d.windowUnit}`).toBe(Math.floor((w.to - 1) / unit));
  }
  for (const w of ws) {
    const span = requestSpan(w);
    // The request asks for at least the window, and no more than its unit plus the publication lag.
    expect(span.from, `${label}: request starts after the window`).toBeLessThanOrEqual(w.from);
    expect(span.to, `${label}: request ends before the window`).toBeGreaterThanOrEqual(w.to);
    const unitMax = (range.kind === 'days' ? 25 * HOUR_MS : d.windowUnit === 'hour' ? HOUR_MS : DAY_MS) + (d.publishLagMinutes ?? 0) * MINUTE_MS;
    expect(span.to - span.from, `${label}: request wider than one ${d.windowUnit} plus the publication lag`).toBeLessThanOrEqual(unitMax);
    // Verification accepts exactly what was asked for.
    if (w.accept.by === 'eventTime') expect({ from: w.accept.from, to: w.accept.to }, label).toEqual(span);
    else expect({ from: settlementDayStart(w.accept.from), to: settlementDayStart(addDays(w.accept.to, 1)) }, label).toEqual(span);
    // The limit where it binds: a non-stream endpoint's documented one, or one seen on the stream too.
    const max = limit;
    if (max !== null) {
      expect(span.to - span.from, `${label}: request of ${(span.to - span.from) / MINUTE_MS} minutes is wider than the endpoint's ${max}-minute limit`).toBeLessThanOrEqual(max * MINUTE_MS);
    }
  }
}

describe('planWindows: days', () => {
  it('FUELINST asks the stream for each settlement day by its settlement-date parameters', () => {
    const ws = planWindows(ds('FUELINST'), { kind: 'days', from: '2025-10-26', to: '2025-10-28' });
    expect(ws).toHaveLength(2);
    expect(ws[0].path).toBe('/datasets/FUELINST/stream');
    expect(ws[0].query).toEqual([['settlementDateFrom', '2025-10-26'], ['settlementDateTo', '2025-10-26']]);
    expect(iso(ws[0].from)).toBe('2025-10-25T23:00:00.000Z');
    expect(iso(ws[0].to)).toBe('2025-10-27T00:00:00.000Z');
    expect(ws[0].accept).toEqual({ by: 'settlementDate', from: '2025-10-26', to: '2025-10-26' });
    expect(ws[1].from).toBe(ws[0].to);
    expect(windowUrl('http://x/api/', ws[1])).toBe('http://x/api/datasets/FUELINST/stream?settlementDateFrom=2025-10-27&settlementDateTo=2025-10-27');
  });

  it('from/to datasets switch to settlement dates with period bounds', () => {
    const [w] = planWindows(ds('MID'), { kind: 'days', from: '2025-07-16', to: '2025-07-17' });
    expect(w.query).toEqual([['from', '2025-07-16T00:00:00Z'], ['to', '2025-07-16T00:00:00Z'], ['settlementPeriodFrom', '1'], ['settlementPeriodTo', '50']]);
    expect(w.accept.by).toBe('settlementDate');
  });

  it('publish-time datasets with a settlement date cover late publications and keep only that day', () => {
    const [w] = planWindows(ds('INDO'), { kind: 'days', from: '2025-07-16', to: '2025-07-17' });
    expect(w.path).toBe('/datasets/INDO');
    expect(w.query).toEqual([['publishDateTimeFrom', '2025-07-15T23:00:00Z'], ['publishDateTimeTo', '2025-07-17T01:00:00Z']]);
    expect(w.keep).toEqual({ by: 'settlementDate', from: '2025-07-16', to: '2025-07-16' });
  });

  it('system prices put the settlement date in the path, one request per day', () => {
    const ws = planWindows(ds('COSTS'), { kind: 'days', from: '2025-10-26', to: '2025-10-28' });
    expect(ws.map((w) => [w.path, w.query.length])).toEqual([
      ['/balancing/settlement/system-prices/2025-10-26', 0],
      ['/balancing/settlement/system-prices/2025-10-27', 0],
    ]);
    expect(ws[0].accept).toEqual({ by: 'settlementDate', from: '2025-10-26', to: '2025-10-26' });
  });

  it('TUDM asks by settlement date and period bounds on both ends', () => {
    const [w] = planWindows(ds('TUDM'), { kind: 'days', from: '2025-10-26', to: '2025-10-27' });
    expect(windowUrl('http://x', w)).toBe(
      'http://x/datasets/TUDM/stream?settlementDateFrom=2025-10-26&settlementPeriodFrom=1&settlementDateTo=2025-10-26&settlementPeriodTo=50',
    );
  });

  it('an instant range of a date-only endpoint widens to the settlement days it touches', () => {
    const ws = planWindows(ds('DEMAND_OUTTURN'), { kind: 'instants', from: z('2025-07-16T22:30:00Z'), to: z('2025-07-16T23:30:00Z') });
    expect(ws.map((w) => w.days?.from)).toEqual(['2025-07-16', '2025-07-17']);
  });

  it('forecasts carry a settlement date they are not about: a day is its publications, all kept', () => {
    const [w] = planWindows(ds('NDF'), { kind: 'days', from: '2025-07-16', to: '2025-07-17' });
    expect(w.query).toEqual([['publishDateTimeFrom', '2025-07-15T23:00:00Z'], ['publishDateTimeTo', '2025-07-16T23:00:00Z']]);
    expect(w.keep).toEqual({ by: 'eventTime', before: z('2025-07-16T23:00:00Z') });
  });

  it('the per-type summary (filters by startTime) asks for a day by its local-day instants, without period bounds', () => {
    const [w] = planWindows(ds('GEN_PER_TYPE'), { kind: 'days', from: '2025-10-26', to: '2025-10-27' });
    expect(w.query).toEqual([['from', '2025-10-25T23:00:00Z'], ['to', '2025-10-27T00:00:00Z']]);
    expect(w.accept).toEqual({ by: 'eventTime', from: z('2025-10-25T23:00:00Z'), to: z('2025-10-27T00:00:00Z') });
    expect(w.keep).toEqual({ by: 'eventTime', before: z('2025-10-27T00:00:00Z') });
  });

  it('datasets without a settlement date use local-midnight bounds on their event time', () => {
    const [w] = planWindows(ds('FREQ'), { kind: 'days', from: '2025-10-26', to: '2025-10-27' });
    expect(w.query).toEqual([['measurementDateTimeFrom', '2025-10-25T23:00:00Z'], ['measurementDateTimeTo', '2025-10-27T00:00:00Z']]);
    expect(w.keep).toEqual({ by: 'eventTime', before: z('2025-10-27T00:00:00Z') });
  });

  it.each(DATASETS.map((d) => [d.code, d] as const))('every registry dataset plans the clock-change days within its endpoint limit: %s (and a normal day, and instants)', (_code, d) => {
    for (const range of RANGES) checkPlan(d, range);
  });

  it('the plan check is not vacuous: a copy of a non-stream dataset with a limit below 25 hours fails on 2025-10-26', () => {
    const w = ds('WIND_SOLAR_GEN');
    expect(w.stream).toBe(false);
    expect(w.maxWindowMinutes).not.toBeNull();
    const shrunk = { ...w, maxWindowMinutes: 24 * 60 };
    const clockChange = { kind: 'days', from: '2025-10-26', to: '2025-10-27' } as const;
    expect(() => checkPlan(shrunk, clockChange)).toThrow(/1440-minute limit/);
    expect(() => checkPlan(shrunk, { kind: 'days', from: '2025-10-27', to: '2025-10-28' })).not.toThrow();
  });

  it('REMIT (1 day, seen in a captured 400, on the stream too) cuts the 25-hour 2025-10-26 into 24 h + 1 h', () => {
    const remit = ds('REMIT');
    expect([remit.stream, remit.maxWindowMinutes, bindingLimitMinutes(remit)]).toEqual([true, 1440, 1440]);
    const ws = planWindows(remit, { kind: 'days', from: '2025-10-25', to: '2025-10-28' });
    expect(ws.map((w) => [iso(w.from).replace('.000', ''), iso(w.to).replace('.000', ''), w.days?.from])).toEqual([
      ['2025-10-24T23:00:00Z', '2025-10-25T23:00:00Z', '2025-10-25'],
      ['2025-10-25T23:00:00Z', '2025-10-26T23:00:00Z', '2025-10-26'],
      ['2025-10-26T23:00:00Z', '2025-10-27T00:00:00Z', '2025-10-26'],
      ['2025-10-27T00:00:00Z', '2025-10-28T00:00:00Z', '2025-10-27'],
    ]);
    expect(ws[2].query).toEqual([['publishDateTimeFrom', '2025-10-26T23:00:00Z'], ['publishDateTimeTo', '2025-10-27T00:00:00Z']]);
    for (const range of RANGES) checkPlan(remit, range);
  });

  it('FREQ without its stream (24 h) cuts 2025-10-26 too; an instant range under a 60-minute limit comes in hours', () => {
    const freqWithoutStream = { ...ds('FREQ'), stream: false };
    expect(planWindows(freqWithoutStream, { kind: 'days', from: '2025-10-27', to: '2025-10-28' })).toHaveLength(1);
    expect(planWindows(freqWithoutStream, { kind: 'days', from: '2025-10-26', to: '2025-10-27' })).toHaveLength(2);
    const hourly = planWindows({ ...freqWithoutStream, maxWindowMinutes: 60 }, { kind: 'instants', from: z('2025-10-27T00:00:00Z'), to: z('2025-10-27T03:00:00Z') });
    expect(hourly.map((w) => (w.to - w.from) / HOUR_MS)).toEqual([1, 1, 1]);
  });
});

describe('planWindows: instants', () => {
  it('cuts at UTC day boundaries, half-open, sharing boundary instants', () => {
    const ws = planWindows(ds('FUELINST'), { kind: 'instants', from: z('2025-10-26T22:00:00Z'), to: z('2025-10-28T01:00:00Z') });
    expect(ws.map((w) => [iso(w.from), iso(w.to)])).toEqual([
      ['2025-10-26T22:00:00.000Z', '2025-10-27T00:00:00.000Z'],
      ['2025-10-27T00:00:00.000Z', '2025-10-28T00:00:00.000Z'],
      ['2025-10-28T00:00:00.000Z', '2025-10-28T01:00:00.000Z'],
    ]);
    expect(ws[0].query).toEqual([['publishDateTimeFrom', '2025-10-26T22:00:00Z'], ['publishDateTimeTo', '2025-10-27T00:00:00Z']]);
    expect(ws[0].keep).toEqual({ by: 'eventTime', before: z('2025-10-27T00:00:00Z') });
    expect(ws[0].accept).toEqual({ by: 'eventTime', from: z('2025-10-26T22:00:00Z'), to: z('2025-10-27T00:00:00Z') });
  });

  it('a short real-time window is one request', () => {
    const ws = planWindows(ds('FUELINST'), { kind: 'instants', from: z('2025-10-27T12:00:00Z'), to: z('2025-10-27T12:20:00Z') });
    expect(ws).toHaveLength(1);
  });

  it('endpoints without a stream use the data endpoint', () => {
    const ws = planWindows(ds('TEMP'), { kind: 'instants', from: z('2025-10-27T00:00:00Z'), to: z('2025-10-28T00:00:00Z') });
    expect(ws[0].path).toBe('/datasets/TEMP');
  });
});

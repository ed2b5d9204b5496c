import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASETS, type DatasetSpec } from '../../src/core/datasets.js';
import { CAPTURED_LIMITS, endpoints } from '../../src/sim/openapi.js';
import type { Simulator } from '../../src/sim/index.js';
import { get, rows, rowsOf, withSim } from './helpers.js';

let sim: Simulator;
beforeAll(async () => (sim = await withSim()));
afterAll(() => sim.close());

/** A small window of each endpoint (12:00-12:30Z, period 27 of 2025-10-26), in the parameters the document gives it. */
function smallWindow(code: string, path: string): string {
  const e = endpoints().get(path);
  if (!e) return `${path}?from=2025-10-26&to=2025-10-26`;
  const m = e.mode;
  const [from, to] = code === 'TEMP' ? ['2025-10-20T00:00:00Z', '2025-10-26T00:00:00Z'] : ['2025-10-26T12:00:00Z', '2025-10-26T12:30:00Z'];
  const day = '2025-10-26';
  switch (m.kind) {
    case 'time': return `${path}?${m.from}=${from}&${m.to}=${to}`;
    case 'fromTo': return m.periods ? `${path}?from=${day}&to=${day}&${m.periods.from}=27&${m.periods.to}=27` : `${path}?from=${from}&to=${to}`;
    case 'dates': return `${path}?${m.from}=${day}&${m.to}=${day}&settlementPeriod=27`;
    case 'dateRange': return `${path}?${m.dateFrom}=${day}&${m.periodFrom}=27&${m.dateTo}=${day}&${m.periodTo}=27`;
    case 'point': return `${path}?${m.date}=${day}&${m.period}=27`;
    case 'path': return path.replace(`{${m.param}}`, day);
  }
}

/** A row as the client stores it: a nested array's elements become rows with the parent's other fields. */
function flat(spec: DatasetSpec, row: Record<string, unknown>): Record<string, unknown>[] {
  const field = spec.nested?.field;
  if (!field) return [row];
  const { [field]: inner, ...outer } = row;
  return (inner as Record<string, unknown>[]).map((x) => ({ ...outer, ...x }));
}

describe('shapes', () => {
  it.each(DATASETS.map((d) => d.code))('%s: envelope, columns in registry order, stream or 404', async (code) => {
    const spec = DATASETS.find((d) => d.code === code)!;
    const plain = await get(sim, smallWindow(code, spec.path));
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
    const body = JSON.parse(plain.text) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(spec.envelope === 'metadata' ? ['metadata', 'data'] : ['data']);
    if (spec.envelope === 'metadata') expect(body.metadata).toEqual({ datasets: [code] });
    const data = rowsOf(plain.text);
    expect(data.length).toBeGreaterThan(0);
    for (const row of data.flatMap((r) => flat(spec, r))) expect(Object.keys(row)).toEqual(spec.columns.map((c) => c.name));
    const stream = await get(sim, spec.stream ? smallWindow(code, `${spec.path}/stream`) : `${spec.path}/stream`);
    if (spec.stream) {
      expect(stream.status).toBe(200);
      expect(stream.text.startsWith('[')).toBe(true);
      expect(JSON.parse(stream.text)).toEqual(data);
    } else expect(stream.status).toBe(404);
  });

  it('writes times and dates like the real API, and whole doubles with .0', async () => {
    const text = (await get(sim, '/datasets/MID?from=2025-10-26T12:00:00Z&to=2025-10-26T12:00:00Z')).text;
    expect(text).toMatch(/"startTime":"2025-10-26T12:00:00Z"/);
    expect(text).toMatch(/"settlementDate":"2025-10-26"/);
    expect(text).toMatch(/"dataProvider":"N2EXMIDP","settlementDate":"2025-10-26","settlementPeriod":27,"price":0\.0,"volume":0\.0/);
  });

  it('answers 404 for unknown paths and matches dataset paths case-insensitively', async () => {
    expect((await get(sim, '/datasets/NOPE')).status).toBe(404);
    expect((await get(sim, '/datasets/INDO/stream')).status).toBe(404);
    expect((await get(sim, '/datasets/TEMP/stream')).status).toBe(404);
    expect((await get(sim, '/generation/actual/per-type/wind-and-solar/stream?from=2025-10-26&to=2025-10-26')).status).toBe(404);
    const lower = await rows(sim, '/datasets/fuelinst?publishDateTimeFrom=2025-10-26T12:00:00Z&publishDateTimeTo=2025-10-26T12:00:00Z');
    expect(lower).toHaveLength(20);
  });
});

describe('windows', () => {
  it('includes rows exactly at both ends (publish, measurement, from/to)', async () => {
    const fuel = await rows(sim, '/datasets/FUELINST?publishDateTimeFrom=2025-10-26T12:00:00Z&publishDateTimeTo=2025-10-26T12:05:00Z');
    expect([...new Set(fuel.map((r) => r.publishTime))]).toEqual(['2025-10-26T12:05:00Z', '2025-10-26T12:00:00Z']);
    expect(fuel).toHaveLength(40);
    const freq = await rows(sim, '/datasets/FREQ?measurementDateTimeFrom=2025-10-26T12:00:00Z&measurementDateTimeTo=2025-10-26T12:00:15Z');
    expect(freq.map((r) => r.measurementTime)).toEqual(['2025-10-26T12:00:15Z', '2025-10-26T12:00:00Z']);
    const mid = await rows(sim, '/datasets/MID?from=2025-10-26T12:00:00Z&to=2025-10-26T12:30:00Z');
    expect(mid.map((r) => `${r.startTime} ${r.dataProvider}`)).toEqual([
      '2025-10-26T12:30:00Z APXMIDP', '2025-10-26T12:30:00Z N2EXMIDP', '2025-10-26T12:00:00Z APXMIDP', '2025-10-26T12:00:00Z N2EXMIDP',
    ]);
  });

  it('sorts newest first, then fuel type A..Z', async () => {
    const fuel = await rows(sim, '/datasets/FUELINST?publishDateTimeFrom=2025-10-26T11:00:00Z&publishDateTimeTo=2025-10-26T12:00:00Z');
    const keys = fuel.map((r) => `${r.publishTime as string}|${r.fuelType as string}`);
    const expected = [...keys].sort((a, b) => {
      const [ta, fa] = a.split('|');
      const [tb, fb] = b.split('|');
      return ta === tb ? (fa < fb ? -1 : 1) : ta < tb ? 1 : -1;
    });
    expect(keys).toEqual(expected);
  });

  it('reads settlementPeriodFrom/To as switching from/to to settlement dates, each on its own', async () => {
    const both = await rows(sim, '/datasets/MID?from=2025-10-26T18:45:00Z&to=2025-10-26T00:00:00Z&settlementPeriodFrom=3&settlementPeriodTo=5');
    expect([...new Set(both.map((r) => `${r.settlementDate} ${r.settlementPeriod}`))]).toEqual(['2025-10-26 5', '2025-10-26 4', '2025-10-26 3']);
    // SP3 of the 50-period day starts at 00:00Z (00:00 BST was 23:00Z the day before).
    expect(both.at(-1)?.startTime).toBe('2025-10-26T00:00:00Z');
    const lowerOnly = await rows(sim, '/datasets/MID?from=2025-10-26&to=2025-10-26T01:00:00Z&settlementPeriodFrom=4');
    expect([...new Set(lowerOnly.map((r) => r.startTime))]).toEqual(['2025-10-26T01:00:00Z', '2025-10-26T00:30:00Z']);
    const upperOnly = await rows(sim, '/datasets/NETBSAD?from=2025-10-25T22:00:00Z&to=2025-10-26T12:00:00Z&settlementPeriodTo=1');
    expect(upperOnly.map((r) => `${r.settlementDate} ${r.settlementPeriod}`)).toEqual(['2025-10-26 1', '2025-10-25 48', '2025-10-25 47']);
  });

  it('requires from and to on the from/to family', async () => {
    const a = await get(sim, '/datasets/MID?from=2025-10-26T00:00:00Z');
    expect(a.status).toBe(400);
    expect(JSON.parse(a.text)).toMatchObject({ status: 400, errors: { to: ['The to field is required.'] } });
  });

  it('does not serve rows after the simulator clock', async () => {
    const fuel = await rows(sim, '/datasets/FUELINST/stream?publishDateTimeFrom=2025-10-31T23:50:00Z&publishDateTimeTo=2025-11-01T02:00:00Z');
    expect([...new Set(fuel.map((r) => r.publishTime))]).toEqual(['2025-11-01T00:00:00Z', '2025-10-31T23:55:00Z', '2025-10-31T23:50:00Z']);
  });
});

describe('the real API mistakes', () => {
  // Exactly the keys of the captured 400 (no traceId).
  const PROBLEM_KEYS = Object.keys(JSON.parse(readFileSync(new URL('../fixtures/elexon/ERROR400_gridflow_REMIT-range_2026-05-08.json', import.meta.url), 'utf8')) as object);

  it('answers an over-wide window on a non-stream endpoint with the captured ProblemDetails shape', async () => {
    const a = await get(sim, '/datasets/FREQ?measurementDateTimeFrom=2025-10-25T00:00:00Z&measurementDateTimeTo=2025-10-26T00:00:15Z');
    expect(a.status).toBe(400);
    expect(a.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    const body = JSON.parse(a.text) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(PROBLEM_KEYS);
    expect(body).toMatchObject({
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
      title: 'One or more validation errors occurred.',
      status: 400,
      errors: { '': ['The date range between MeasurementDateTimeFrom and MeasurementDateTimeTo inclusive must not exceed 1 day'] },
    });
    expect(PROBLEM_KEYS).not.toContain('traceId');
    const ws = '/generation/actual/per-type/wind-and-solar';
    const wide = JSON.parse((await get(sim, `${ws}?from=2025-10-01T00:00:00Z&to=2025-10-08T00:30:00Z`)).text) as { errors: unknown };
    expect(wide.errors).toEqual({ '': ['The date range between From and To inclusive must not exceed 7 days'] });
  });

  it('enforces REMIT\'s 1 day from the captured 400, in its words, on the stream too', async () => {
    const capture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/elexon/ERROR400_gridflow_REMIT-range_2026-05-08.json'), 'utf8')) as { errors: Record<string, string[]> };
    expect(CAPTURED_LIMITS['/datasets/REMIT']).toBe(capture.errors[''][0]);
    for (const path of ['/datasets/REMIT', '/datasets/REMIT/stream']) {
      const day = await get(sim, `${path}?publishDateTimeFrom=2025-10-25T23:00:00Z&publishDateTimeTo=2025-10-26T23:00:00Z`);
      expect(day.status, path).toBe(200);
      const long = await get(sim, `${path}?publishDateTimeFrom=2025-10-25T23:00:00Z&publishDateTimeTo=2025-10-27T00:00:00Z`);
      expect(long.status, path).toBe(400);
      expect((JSON.parse(long.text) as { errors: unknown }).errors).toEqual(capture.errors);
    }
  });

  it('enforces no limit the document does not state (BOD, BOALF, MID non-stream)', async () => {
    expect((await get(sim, '/datasets/BOD?from=2025-10-01T00:00:00Z&to=2025-10-01T06:00:00Z')).status).toBe(200);
    expect((await get(sim, '/datasets/BOALF?from=2025-10-01T00:00:00Z&to=2025-10-03T00:00:00Z')).status).toBe(200);
    expect((await get(sim, '/datasets/MID?from=2025-10-01T00:00:00Z&to=2025-10-09T00:00:00Z')).status).toBe(200);
  });

  it('counts a settlement-period window in dates: six dates with periods 1..50 fit a 7-day limit', async () => {
    const ws = '/generation/actual/per-type/wind-and-solar?settlementPeriodFrom=1&settlementPeriodTo=50';
    const six = await get(sim, `${ws}&from=2025-10-20&to=2025-10-26`);
    expect(six.status).toBe(200);
    expect((JSON.parse(six.text) as { data: unknown[] }).data).toHaveLength((6 * 48 + 50) * 3);
    expect((await get(sim, `${ws}&from=2025-10-20&to=2025-10-27`)).status).toBe(200);
    expect((await get(sim, `${ws}&from=2025-10-20&to=2025-10-28`)).status).toBe(400);
  });

  it('accepts a window exactly at the limit, and any window on the stream', async () => {
    const exact = await rows(sim, '/datasets/FREQ?measurementDateTimeFrom=2025-10-25T00:00:00Z&measurementDateTimeTo=2025-10-26T00:00:00Z');
    expect(exact).toHaveLength(5761);
    const wide = await rows(sim, '/datasets/FREQ/stream?measurementDateTimeFrom=2025-10-24T00:00:00Z&measurementDateTimeTo=2025-10-26T00:00:00Z');
    expect(wide).toHaveLength(2 * 5760 + 1);
    expect((await get(sim, '/datasets/BOD/stream?from=2025-10-01T00:00:00Z&to=2025-10-01T06:00:00Z')).status).toBe(200);
  });

  it('rejects settlement dates mixed with publish times, and unreadable dates', async () => {
    const mixed = await get(sim, '/datasets/FUELINST?settlementDateFrom=2025-10-26&settlementDateTo=2025-10-26&publishDateTimeFrom=2025-10-26T00:00:00Z');
    expect(mixed.status).toBe(400);
    expect(Object.keys(JSON.parse(mixed.text) as object)).toEqual(PROBLEM_KEYS);
    const bad = await get(sim, '/datasets/FUELINST?publishDateTimeFrom=yesterday&publishDateTimeTo=2025-10-26T00:00:00Z');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ errors: { publishDateTimeFrom: ["The value 'yesterday' is not valid."] } });
    expect((await get(sim, '/datasets/FUELHH?settlementDateFrom=2025-02-30&settlementDateTo=2025-03-01')).status).toBe(400);
    expect((await get(sim, '/datasets/BOD?from=2025-10-01T00:00:00Z&to=soon')).status).toBe(400);
  });

  it('ignores unknown parameters and answers with the latest data', async () => {
    // The old trap: FREQ asked with publish parameters returns the latest 24 h, with 200.
    const freq = await rows(sim, '/datasets/FREQ?publishDateTimeFrom=2025-01-01T00:00:00Z&publishDateTimeTo=2025-01-01T01:00:00Z');
    expect(freq).toHaveLength(5761);
    expect(freq[0].measurementTime).toBe('2025-11-01T00:00:00Z');
    expect(freq.at(-1)?.measurementTime).toBe('2025-10-31T00:00:00Z');
    const fuel = await rows(sim, '/datasets/FUELINST?from=2025-01-01&to=2025-01-02&bogus=1');
    expect(fuel).toHaveLength(289 * 20);
    expect(fuel[0].publishTime).toBe('2025-11-01T00:00:00Z');
    const temp = await rows(sim, '/datasets/TEMP');
    expect(temp.map((r) => r.measurementDate)).toHaveLength(31);
    expect(temp[0].measurementDate).toBe('2025-10-31');
    const windfor = await rows(sim, '/datasets/WINDFOR');
    expect(new Set(windfor.map((r) => r.publishTime))).toEqual(new Set(['2025-10-31T21:30:00Z']));
  });

  it('reads parameter names case-insensitively, as ASP.NET binding does', async () => {
    const fuel = await rows(sim, '/datasets/FUELINST?PublishDateTimeFrom=2025-10-26T12:00:00Z&PUBLISHDATETIMETO=2025-10-26T12:00:00Z');
    expect(fuel).toHaveLength(20);
  });

  it('filters by fuelType and settlementPeriod when asked', async () => {
    const fuel = await rows(sim, '/datasets/FUELINST?settlementDateFrom=2025-10-26&settlementDateTo=2025-10-26&settlementPeriod=3&settlementPeriod=5&fuelType=WIND&fuelType=PS');
    expect(new Set(fuel.map((r) => r.fuelType))).toEqual(new Set(['PS', 'WIND']));
    expect(new Set(fuel.map((r) => r.settlementPeriod))).toEqual(new Set([3, 5]));
    expect(fuel).toHaveLength(2 * 2 * 6);
  });
});

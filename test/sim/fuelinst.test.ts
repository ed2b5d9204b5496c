import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/index.js';
import { get, rows, rowsOf, withSim, type Row } from './helpers.js';

let sim: Simulator;
beforeAll(async () => (sim = await withSim()));
afterAll(() => sim.close());

const FUEL_TYPES = [
  'BIOMASS', 'CCGT', 'COAL', 'INTELEC', 'INTEW', 'INTFR', 'INTGRNL', 'INTIFA2', 'INTIRL', 'INTNED',
  'INTNEM', 'INTNSL', 'INTVKL', 'NPSHYD', 'NUCLEAR', 'OCGT', 'OIL', 'OTHER', 'PS', 'WIND',
];

describe('FUELINST settlement days', () => {
  it.each([
    ['2025-03-30', 276, 46],
    ['2025-03-31', 288, 48],
    ['2025-10-26', 300, 50],
  ])('%s has %i instants x 20 fuel types, periods 1..%i', async (date, instants, periods) => {
    const data = await rows(sim, `/datasets/FUELINST?settlementDateFrom=${date}&settlementDateTo=${date}`);
    expect(data).toHaveLength(instants * 20);
    expect(new Set(data.map((r) => r.startTime)).size).toBe(instants);
    expect(new Set(data.map((r) => r.settlementDate))).toEqual(new Set([date]));
    const sps = data.map((r) => r.settlementPeriod as number);
    expect(Math.min(...sps)).toBe(1);
    expect(Math.max(...sps)).toBe(periods);
    expect(new Set(sps).size).toBe(periods);
    for (const r of data.slice(0, 20)) expect(r.fuelType).toBe(FUEL_TYPES[data.indexOf(r)]);
    for (const r of data) {
      expect(Number.isInteger(r.generation)).toBe(true);
      expect(Date.parse(r.publishTime as string) - Date.parse(r.startTime as string)).toBe(300_000);
      expect((r.startTime as string).slice(14, 16)).toMatch(/^[0-5][05]$/);
    }
  });

  it('puts the first instant of 2025-03-30 at 00:00Z and the first of 2025-10-26 at 23:00Z the day before', async () => {
    const march = await rows(sim, '/datasets/FUELINST/stream?settlementDateFrom=2025-03-30&settlementDateTo=2025-03-30&settlementPeriod=1');
    expect(march.at(-1)?.startTime).toBe('2025-03-30T00:00:00Z');
    const october = await rows(sim, '/datasets/FUELINST/stream?settlementDateFrom=2025-10-26&settlementDateTo=2025-10-26&settlementPeriod=1');
    expect(october.at(-1)?.startTime).toBe('2025-10-25T23:00:00Z');
  });

  it('covers FUELHH per settlement period, publishTime = startTime + 30 min', async () => {
    const hh = await rows(sim, '/datasets/FUELHH?settlementDateFrom=2025-10-26&settlementDateTo=2025-10-26');
    expect(hh).toHaveLength(50 * 20);
    expect(Date.parse(hh[0].publishTime as string) - Date.parse(hh[0].startTime as string)).toBe(1_800_000);
  });
});

describe('determinism', () => {
  const key = (r: Row): string => `${r.startTime as string}|${r.fuelType as string}`;

  it('returns the same bytes for the same request', async () => {
    const path = '/datasets/FUELINST/stream?settlementDateFrom=2025-10-25&settlementDateTo=2025-10-26';
    const [a, b] = [await get(sim, path), await get(sim, path)];
    expect(a.text.length).toBeGreaterThan(1_000_000);
    expect(a.text === b.text).toBe(true);
  });

  it('gives a sub-window the same rows as the wider window around it, however asked', async () => {
    const wide = await rows(sim, '/datasets/FUELINST/stream?settlementDateFrom=2025-10-25&settlementDateTo=2025-10-27');
    const narrow = await rows(sim, '/datasets/FUELINST?publishDateTimeFrom=2025-10-26T10:00:00Z&publishDateTimeTo=2025-10-26T11:00:00Z');
    expect(narrow).toHaveLength(13 * 20);
    const byKey = new Map(wide.map((r) => [key(r), r]));
    for (const r of narrow) expect(byKey.get(key(r))).toEqual(r);
    // A fresh simulator with the same seed (and a later clock) agrees; another seed does not.
    const again = await withSim({ now: '2026-06-01T00:00:00Z' });
    const other = await withSim({ seed: 2 });
    try {
      const path = '/datasets/FUELINST?publishDateTimeFrom=2025-10-26T10:00:00Z&publishDateTimeTo=2025-10-26T11:00:00Z';
      expect(await rows(again, path)).toEqual(narrow);
      expect(await rows(other, path)).not.toEqual(narrow);
    } finally {
      await again.close();
      await other.close();
    }
  });
});

describe('plausible values', () => {
  it('has steady nuclear, no coal, pumping at night, interconnectors both ways and wind that drifts slowly', async () => {
    const text = (await get(sim, '/datasets/FUELINST/stream?settlementDateFrom=2025-10-01&settlementDateTo=2025-10-28')).text;
    const data = rowsOf(text);
    const of = (fuel: string): Row[] => data.filter((r) => r.fuelType === fuel);
    const gen = (rs: Row[]): number[] => rs.map((r) => r.generation as number);
    expect(gen(of('COAL')).every((g) => g === 0)).toBe(true);
    const nuclear = gen(of('NUCLEAR'));
    expect(Math.max(...nuclear) - Math.min(...nuclear)).toBeLessThan(1000);
    const nightPs = of('PS').filter((r) => r.settlementPeriod === 6);
    expect(gen(nightPs).every((g) => g < 0)).toBe(true);
    const interconnectors = data.filter((r) => (r.fuelType as string).startsWith('INT'));
    expect(gen(interconnectors).some((g) => g > 0)).toBe(true);
    expect(gen(interconnectors).some((g) => g < 0)).toBe(true);
    const wind = gen(of('WIND'));
    expect(Math.max(...wind)).toBeGreaterThan(Math.min(...wind) + 5000);
    for (let i = 1; i < wind.length; i++) expect(Math.abs(wind[i] - wind[i - 1])).toBeLessThan(400);
    const ccgt = gen(of('CCGT'));
    expect(Math.min(...ccgt)).toBeGreaterThan(0);
  });

  it('keeps FREQ near 50 Hz with at most 3 decimals', async () => {
    const text = (await get(sim, '/datasets/FREQ?measurementDateTimeFrom=2025-10-26T00:00:00Z&measurementDateTimeTo=2025-10-26T06:00:00Z')).text;
    for (const m of text.matchAll(/"frequency":([0-9.]+)/g)) {
      expect(m[1]).toMatch(/^\d{2}\.\d{1,3}$/);
      expect(Math.abs(Number(m[1]) - 50)).toBeLessThan(0.25);
    }
  });
});

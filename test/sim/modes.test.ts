// The simulator's own reading of the OpenAPI document: every window mode, CSV in the captured
// samples' shape, 406 for XML, required parameters, and row filters found from the parameters.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/index.js';
import { endpoints } from '../../src/sim/openapi.js';
import { get, rows, withSim } from './helpers.js';

let sim: Simulator;
beforeAll(async () => (sim = await withSim()));
afterAll(() => sim.close());

const captured = (name: string) => readFileSync(new URL(`../fixtures/elexon/${name}`, import.meta.url), 'utf8').split('\n');

describe('CSV and XML', () => {
  it('answers format=csv like the captured FUELHH CSV: the same header, one line per row', async () => {
    const a = await get(sim, '/datasets/FUELHH?settlementDateFrom=2025-10-26&settlementDateTo=2025-10-26&settlementPeriod=27&format=csv');
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = a.text.trim().split('\n');
    expect(lines[0]).toBe(captured('FUELHH_elexon-energy_2025-02-05to06.csv')[0]);
    expect(lines).toHaveLength(21);
    expect(lines[1]).toMatch(/^FUELHH,2025-10-26T12:30:00Z,2025-10-26T12:00:00Z,2025-10-26,27,[A-Z]+,-?\d+$/);
  });

  it('answers Accept: text/csv on system prices with the captured header, booleans as False', async () => {
    const a = await get(sim, '/balancing/settlement/system-prices/2025-10-26', { headers: { Accept: 'text/csv' } });
    expect(a.status).toBe(200);
    const lines = a.text.trim().split('\n');
    expect(lines[0]).toBe(captured('SYSTEMPRICES_elexon-energy_2025-02-05to06.csv')[0]);
    expect(lines).toHaveLength(51);
    expect(lines[1].split(',')[6]).toMatch(/^(True|False)$/);
  });

  it('406 for XML; streams stay JSON; JSON when Accept allows it', async () => {
    expect((await get(sim, '/datasets/MID?from=2025-10-26&to=2025-10-26&format=xml')).status).toBe(406);
    expect((await get(sim, '/datasets/MID?from=2025-10-26&to=2025-10-26', { headers: { Accept: 'application/xml' } })).status).toBe(406);
    const stream = await get(sim, '/datasets/MID/stream?from=2025-10-26&to=2025-10-26&format=csv');
    expect(stream.text.startsWith('[')).toBe(true);
    const json = await get(sim, '/datasets/MID?from=2025-10-26&to=2025-10-26', { headers: { Accept: 'text/csv, application/json' } });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
  });
});

describe('window modes read from the document', () => {
  it('knows the modes of the endpoints bmrs calls', () => {
    const mode = (p: string) => endpoints().get(p)?.mode.kind;
    expect([mode('/datasets/PN'), mode('/datasets/PN/stream'), mode('/datasets/TUDM/stream'), mode('/demand/outturn'), mode('/balancing/settlement/system-prices/{settlementDate}')])
      .toEqual(['point', 'fromTo', 'dateRange', 'dates', 'path']);
    expect(endpoints().get('/datasets/FREQ')?.maxMinutes).toBe(1440);
    expect(endpoints().get('/datasets/BOD')?.maxMinutes).toBeNull();
  });

  it('point: PN for one settlement period; both parameters required', async () => {
    const pn = await rows(sim, '/datasets/PN?settlementDate=2025-10-26&settlementPeriod=27');
    expect(new Set(pn.map((r) => `${String(r.settlementDate)}/${String(r.settlementPeriod)}`))).toEqual(new Set(['2025-10-26/27']));
    const missing = await get(sim, '/datasets/PN?settlementDate=2025-10-26');
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text)).toMatchObject({ errors: { settlementPeriod: ['The settlementPeriod field is required.'] } });
  });

  it('date range: TUDM from (date, period) to (date, period)', async () => {
    const t = await rows(sim, '/datasets/TUDM/stream?settlementDateFrom=2025-10-26&settlementPeriodFrom=49&settlementDateTo=2025-10-27&settlementPeriodTo=2');
    expect([...new Set(t.map((r) => `${String(r.settlementDate)}/${String(r.settlementPeriod)}`))].sort()).toEqual(['2025-10-26/49', '2025-10-26/50', '2025-10-27/1', '2025-10-27/2']);
  });

  it('path: system prices of one settlement date; an unreadable date is a 400', async () => {
    const p = await rows(sim, '/balancing/settlement/system-prices/2025-03-30');
    expect(p).toHaveLength(46);
    expect((await get(sim, '/balancing/settlement/system-prices/yesterday')).status).toBe(400);
  });

  it('filters on any parameter that names a string field: bmUnit, boundary', async () => {
    const pn = await rows(sim, '/datasets/PN/stream?from=2025-10-26&to=2025-10-26&settlementPeriodFrom=1&settlementPeriodTo=50&bmUnit=T_CRUA-1');
    expect(pn).toHaveLength(50);
    expect(new Set(pn.map((r) => r.bmUnit))).toEqual(new Set(['T_CRUA-1']));
    const tsdf = await rows(sim, '/datasets/TSDF/stream?publishDateTimeFrom=2025-10-26T00:00:00Z&publishDateTimeTo=2025-10-26T01:00:00Z&boundary=B1');
    expect(tsdf.map((r) => r.boundary)).toEqual(['B1', 'B1', 'B1']);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseFaultFlag, type Simulator } from '../../src/sim/index.js';
import { get, rows, rowsOf, withSim } from './helpers.js';

let sim: Simulator;
beforeAll(async () => (sim = await withSim()));
afterAll(() => sim.close());
afterEach(() => {
  sim.setFault(null);
  sim.requests.length = 0;
});

const FUEL = '/datasets/FUELINST?publishDateTimeFrom=2025-10-26T12:00:00Z&publishDateTimeTo=2025-10-26T12:10:00Z';
const FREQ = '/datasets/FREQ?measurementDateTimeFrom=2025-10-26T12:00:00Z&measurementDateTimeTo=2025-10-26T12:01:00Z';

describe('faults', () => {
  it('status: fails the next N requests, then expires', async () => {
    sim.setFault({ kind: 'status', status: 503, count: 2 });
    expect((await get(sim, FUEL)).status).toBe(503);
    expect((await get(sim, FUEL)).status).toBe(503);
    expect((await get(sim, FUEL)).status).toBe(200);
  });

  it('status 500 answers with a small JSON error body', async () => {
    sim.setFault({ kind: 'status', status: 500 });
    const a = await get(sim, FUEL);
    expect(a.status).toBe(500);
    expect(JSON.parse(a.text)).toEqual({ statusCode: 500, message: 'Internal server error' });
    expect((await get(sim, FUEL)).status).toBe(500); // no count: until cleared
  });

  it('rate-limit: 429 with Retry-After when given, without it otherwise', async () => {
    sim.setFault({ kind: 'rate-limit', retryAfter: 1, count: 1 });
    const a = await get(sim, FUEL);
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('1');
    sim.setFault({ kind: 'rate-limit', count: 1 });
    const b = await get(sim, FUEL);
    expect(b.status).toBe(429);
    expect(b.headers.get('retry-after')).toBeNull();
    expect((await get(sim, FUEL)).status).toBe(200);
  });

  it('delay: holds the headers back so a client timeout fires', async () => {
    sim.setFault({ kind: 'delay', ms: 400, count: 1 });
    await expect(fetch(sim.url + FUEL, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    // The abandoned request is logged (status 0) only when its delay ends: wait for it, so it cannot
    // land in a later test's log. The fault was used up by it: the next request is not held.
    while (sim.requests.length === 0) await new Promise((r) => setTimeout(r, 20));
    expect(sim.requests[0]).toMatchObject({ status: 0 });
    expect(await (await fetch(`${sim.url}/__sim/faults`)).json()).toEqual([]);
    expect((await get(sim, FUEL)).status).toBe(200);
    sim.setFault({ kind: 'delay', ms: 150, count: 1 });
    expect((await get(sim, FUEL)).status).toBe(200);
    // The simulator's own measurement: a delay is a lower bound whatever the machine's load.
    expect(sim.requests.at(-1)!.durationMs).toBeGreaterThanOrEqual(150);
  });

  it('truncate: 200, part of the body, then the socket is cut', async () => {
    sim.setFault({ kind: 'truncate', count: 2 });
    const res = await fetch(sim.url + FUEL);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    const big = await fetch(`${sim.url}/datasets/FUELINST/stream?settlementDateFrom=2025-10-26&settlementDateTo=2025-10-26`);
    await expect(big.text()).rejects.toThrow();
    const entry = sim.requests.at(-1);
    expect(entry?.bytes).toBe(64 * 1024);
    expect((await get(sim, FUEL)).status).toBe(200);
  });

  it('malformed: 200 with invalid JSON', async () => {
    sim.setFault({ kind: 'malformed', count: 1 });
    const a = await get(sim, FUEL);
    expect(a.status).toBe(200);
    expect(() => JSON.parse(a.text)).toThrow();
  });

  it('html: 200 with an HTML page', async () => {
    sim.setFault({ kind: 'html', count: 1 });
    const a = await get(sim, FUEL);
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toMatch(/^text\/html/);
    expect(a.text).toMatch(/^<!DOCTYPE html>/);
  });

  it('out-of-window: adds rows from before the window to the right answer', async () => {
    const right = await rows(sim, FUEL);
    sim.setFault({ kind: 'out-of-window', count: 1 });
    const got = await rows(sim, FUEL);
    expect(got.slice(0, right.length)).toEqual(right);
    const extra = got.slice(right.length);
    expect(extra.length).toBeGreaterThan(0);
    for (const r of extra) expect(Date.parse(r.publishTime as string)).toBeLessThan(Date.parse('2025-10-26T12:00:00Z'));
    // Also on a settlement-date query: rows of the day before.
    sim.setFault({ kind: 'out-of-window', count: 1 });
    const days = await rows(sim, '/datasets/FUELHH?settlementDateFrom=2025-10-26&settlementDateTo=2025-10-26');
    expect(new Set(days.map((r) => r.settlementDate))).toEqual(new Set(['2025-10-26', '2025-10-25']));
  });

  it('extra-field: every row gains an unknown field at the end', async () => {
    sim.setFault({ kind: 'extra-field', count: 1 });
    const got = await rows(sim, FUEL);
    for (const r of got) {
      expect(r.newField).toBe('x');
      expect(Object.keys(r).at(-1)).toBe('newField');
    }
  });

  it('type-drift: a fractional value in an integer column; a dataset without one is untouched', async () => {
    sim.setFault({ kind: 'type-drift', count: 2 });
    const got = await rows(sim, FUEL);
    for (const r of got) expect(Number.isInteger(r.generation)).toBe(false);
    expect((await get(sim, FUEL.replace('FUELINST', 'FUELINST/stream'))).text).toMatch(/"generation":-?\d+\.5\}/);
    sim.setFault({ kind: 'type-drift' });
    const freqPlain = (await get(sim, FREQ)).text;
    sim.setFault(null);
    expect((await get(sim, FREQ)).text).toBe(freqPlain);
  });

  it('ignore-window: answers with the default latest data', async () => {
    sim.setFault({ kind: 'ignore-window', count: 1 });
    const got = await rows(sim, '/datasets/FUELINST?settlementDateFrom=2025-10-26&settlementDateTo=2025-10-26');
    expect(got[0].publishTime).toBe('2025-11-01T00:00:00Z');
    expect(got).toHaveLength(289 * 20);
  });

  it('path: only requests whose URL contains it are affected, and only they use up the count', async () => {
    sim.setFault({ kind: 'status', status: 503, path: 'FREQ', count: 1 });
    expect((await get(sim, FUEL)).status).toBe(200);
    expect((await get(sim, FREQ)).status).toBe(503);
    expect((await get(sim, FREQ)).status).toBe(200);
  });

  it('starts with faults from the options', async () => {
    const other = await withSim({ faults: [{ kind: 'status', status: 404, count: 1 }] });
    try {
      expect((await get(other, FUEL)).status).toBe(404);
      expect((await get(other, FUEL)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});

describe('admin endpoints', () => {
  it('sets, lists and clears faults over HTTP', async () => {
    const post = await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      body: JSON.stringify([{ kind: 'rate-limit', retryAfter: 2, count: 3 }, { kind: 'extra-field', path: 'FREQ' }]),
    });
    expect(post.status).toBe(200);
    expect(await post.json()).toEqual([
      { kind: 'rate-limit', retryAfter: 2, count: 3 },
      { kind: 'extra-field', path: 'FREQ' },
    ]);
    expect((await get(sim, FUEL)).status).toBe(429);
    const listed = (await (await fetch(`${sim.url}/__sim/faults`)).json()) as Array<{ count?: number }>;
    expect(listed[0].count).toBe(2);
    expect((await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' })).status).toBe(200);
    expect((await get(sim, FUEL)).status).toBe(200);
    const bad = await fetch(`${sim.url}/__sim/faults`, { method: 'POST', body: '{"kind":"explode"}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/unknown fault kind/);
  });

  it('logs requests (not admin ones) and serves the log', async () => {
    await get(sim, `${FUEL}&fuelType=WIND&fuelType=PS`);
    await get(sim, '/datasets/NOPE');
    await fetch(`${sim.url}/__sim/faults`);
    expect(sim.requests).toHaveLength(2);
    const [first, second] = sim.requests;
    expect(first).toMatchObject({
      method: 'GET',
      path: '/datasets/FUELINST',
      query: { publishDateTimeFrom: '2025-10-26T12:00:00Z', publishDateTimeTo: '2025-10-26T12:10:00Z', fuelType: ['WIND', 'PS'] },
      status: 200,
    });
    expect(first.bytes).toBeGreaterThan(100);
    expect(first.durationMs).toBeGreaterThanOrEqual(0);
    expect(second).toMatchObject({ path: '/datasets/NOPE', status: 404, bytes: 0 });
    const served = await (await fetch(`${sim.url}/__sim/requests`)).json();
    expect(served).toEqual(JSON.parse(JSON.stringify(sim.requests)));
    expect((await fetch(`${sim.url}/__sim/requests`, { method: 'DELETE' })).status).toBe(200);
    expect(sim.requests).toHaveLength(0);
  });

  it('moves the clock', async () => {
    const r = await fetch(`${sim.url}/__sim/now`, { method: 'POST', body: '{"now":"2025-10-01T00:00:00Z"}' });
    expect(await r.json()).toEqual({ now: '2025-10-01T00:00:00Z' });
    const fuel = rowsOf((await get(sim, '/datasets/FUELINST')).text);
    expect(fuel[0].publishTime).toBe('2025-10-01T00:00:00Z');
    sim.setNow('2025-11-01T00:00:00Z');
  });
});

describe('fault flags', () => {
  it.each([
    ['status=503,count=2', { kind: 'status', status: 503, count: 2 }],
    ['rate-limit,retryAfter=1,count=3', { kind: 'rate-limit', retryAfter: 1, count: 3 }],
    ['rate-limit', { kind: 'rate-limit' }],
    ['delay,ms=2000', { kind: 'delay', ms: 2000 }],
    ['delay=50,path=/datasets/FREQ', { kind: 'delay', ms: 50, path: '/datasets/FREQ' }],
    ['truncate,bytes=100', { kind: 'truncate', bytes: 100 }],
    ['ignore-window,count=1', { kind: 'ignore-window', count: 1 }],
    ['hold', { kind: 'hold' }],
    ['hold,after=3,path=FUELINST', { kind: 'hold', after: 3, path: 'FUELINST' }],
    ['hold=2,count=1', { kind: 'hold', after: 2, count: 1 }],
  ])('parses %s', (flag, fault) => {
    expect(parseFaultFlag(flag)).toEqual(fault);
  });

  it.each(['explode', 'status', 'delay', 'status=abc', 'html=3', 'malformed,count', 'hold,after=x', 'hold,after=1.5', 'delay=5,after=1'])('rejects %s', (flag) => {
    expect(() => parseFaultFlag(flag)).toThrow();
  });
});

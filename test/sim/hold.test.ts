// The `hold` fault: a gate the test opens, so a client can be kept waiting on the API for exactly as
// long as a test needs, whatever the machine's speed. Nothing here waits on a clock: every wait
// polls a state that only the simulator or the client can change.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/sim/index.js';
import { get, withSim } from './helpers.js';

let sim: Simulator;
beforeAll(async () => (sim = await withSim()));
afterAll(() => sim.close());
afterEach(async () => {
  sim.release();
  sim.setFault(null);
  await until(() => sim.held === 0);
  sim.requests.length = 0;
});

const FUEL = '/datasets/FUELINST?publishDateTimeFrom=2025-10-26T12:00:00Z&publishDateTimeTo=2025-10-26T12:10:00Z';
const FREQ = '/datasets/FREQ?measurementDateTimeFrom=2025-10-26T12:00:00Z&measurementDateTimeTo=2025-10-26T12:01:00Z';

async function until(test: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await test())) await new Promise((r) => setTimeout(r, 5));
}

/** Starts a request and tracks whether it has been answered. */
function send(path: string, init?: RequestInit) {
  const r = { settled: false, answer: get(sim, path, init) };
  r.answer.then(
    () => (r.settled = true),
    () => (r.settled = true),
  );
  return r;
}

const admin = async (path: string, init?: RequestInit) => (await fetch(`${sim.url}/__sim/${path}`, init)).json();

describe('hold', () => {
  it('holds every matching request until release(), which answers them and lets later ones through', async () => {
    sim.setFault({ kind: 'hold' });
    const a = send(FUEL);
    const b = send(FREQ);
    await until(() => sim.held === 2);
    expect([a.settled, b.settled]).toEqual([false, false]);
    expect(sim.requests).toEqual([]); // logged only once answered
    expect(sim.release()).toBe(2);
    expect((await a.answer).status).toBe(200);
    expect((await b.answer).status).toBe(200);
    expect(sim.requests.map((r) => r.status)).toEqual([200, 200]);
    expect(sim.held).toBe(0);
    expect((await get(sim, FUEL)).status).toBe(200); // the hold is cleared
    expect(await admin('faults')).toEqual([]);
  });

  it('after=N: lets N matching requests through, then holds', async () => {
    sim.setFault({ kind: 'hold', after: 2 });
    expect((await get(sim, FUEL)).status).toBe(200);
    expect(await admin('faults')).toEqual([{ kind: 'hold', after: 1 }]);
    expect((await get(sim, FUEL)).status).toBe(200);
    const third = send(FUEL);
    await until(() => sim.held === 1);
    expect(third.settled).toBe(false);
    expect(sim.requests).toHaveLength(2);
    sim.release();
    expect((await third.answer).status).toBe(200);
    expect(sim.requests).toHaveLength(3);
  });

  it('path: only matching requests are held, and only they count towards after', async () => {
    sim.setFault({ kind: 'hold', path: 'FREQ', after: 1 });
    expect((await get(sim, FUEL)).status).toBe(200);
    expect((await get(sim, FREQ)).status).toBe(200);
    const freq = send(FREQ);
    await until(() => sim.held === 1);
    expect((await get(sim, FUEL)).status).toBe(200); // passes beside the held one
    expect(freq.settled).toBe(false);
    sim.release();
    expect((await freq.answer).status).toBe(200);
  });

  it('count: holds that many, the rest pass; a held request still gets the other faults', async () => {
    sim.setFault([{ kind: 'hold', count: 1 }, { kind: 'status', status: 503, count: 1 }]);
    const first = send(FUEL);
    await until(() => sim.held === 1);
    expect((await get(sim, FUEL)).status).toBe(200);
    sim.release();
    expect((await first.answer).status).toBe(503);
  });

  it('a client that gives up is no longer held, and is logged with status 0', async () => {
    sim.setFault({ kind: 'hold' });
    const abort = new AbortController();
    const r = send(FUEL, { signal: abort.signal });
    await until(() => sim.held === 1);
    abort.abort();
    await expect(r.answer).rejects.toThrow();
    await until(() => sim.held === 0 && sim.requests.length === 1);
    expect(sim.requests[0]).toMatchObject({ path: '/datasets/FUELINST', status: 0 });
  });

  it('close() with held requests does not hang: they are cut', async () => {
    const other = await withSim({ faults: [{ kind: 'hold' }] });
    const answers = Promise.allSettled([fetch(other.url + FUEL), fetch(other.url + FREQ)]);
    await until(() => other.held === 2);
    await other.close();
    expect((await answers).map((a) => a.status)).toEqual(['rejected', 'rejected']);
    expect(other.held).toBe(0);
    expect(other.requests.map((r) => r.status)).toEqual([0, 0]);
  });

  it('is set, counted and released over HTTP', async () => {
    expect(await admin('faults', { method: 'POST', body: '{"kind":"hold","after":1,"path":"FUELINST"}' })).toEqual([
      { kind: 'hold', after: 1, path: 'FUELINST' },
    ]);
    expect((await get(sim, FUEL)).status).toBe(200);
    const held = send(FUEL);
    await until(async () => ((await admin('held')) as { held: number }).held === 1);
    expect(await admin('faults')).toEqual([{ kind: 'hold', path: 'FUELINST' }]);
    expect(await admin('release', { method: 'POST' })).toEqual({ released: 1 });
    expect((await held.answer).status).toBe(200);
    expect(await admin('held')).toEqual({ held: 0 });
    expect(await admin('faults')).toEqual([]);
    expect(await admin('release', { method: 'POST' })).toEqual({ released: 0 });
    for (const bad of ['{"kind":"hold","after":-1}', '{"kind":"hold","after":1.5}', '{"kind":"delay","ms":5,"after":1}']) {
      const r = await fetch(`${sim.url}/__sim/faults`, { method: 'POST', body: bad });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: string }).error).toMatch(/after/);
    }
  });
});

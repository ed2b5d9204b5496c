// Every simulator fault ends in a complete load or a clear failure with nothing partial stored and
// nothing already stored damaged.
import { describe, expect, it } from 'vitest';
import { ApiError, DataError, TransientError } from '../../src/core/errors.js';
import type { Fault } from '../../src/sim/index.js';
import { countRows, days, FAST_RETRY, query, runPipeline, scalar, sleepRecorder, useSimulatorAndStore } from '../support/pipeline.js';

const ctx = useSimulatorAndStore({ seed: 3, now: '2025-11-01T00:00:00Z' });

const DAY = days('2025-10-27', '2025-10-28');
const load = (extra: object = {}) => runPipeline({ api: ctx.sim.url, db: ctx.tmp.db, datasets: ['FUELINST'], range: DAY, ...extra });

async function snapshot(): Promise<string> {
  const rows = await query(ctx.tmp.db, 'SELECT _hash_key, _ingested_utc FROM bmrs_fuelinst ORDER BY _hash_key');
  return JSON.stringify(rows);
}

describe('faults that retries absorb: a complete load', () => {
  it.each<[string, Fault]>([
    ['two 503s', { kind: 'status', status: 503, count: 2 }],
    ['a 500', { kind: 'status', status: 500, count: 1 }],
    ['429 with Retry-After', { kind: 'rate-limit', retryAfter: 1, count: 1 }],
    ['429 without Retry-After', { kind: 'rate-limit', count: 2 }],
    ['a body cut off mid-stream', { kind: 'truncate', count: 1 }],
    ['a malformed 200', { kind: 'malformed', count: 1 }],
    ['an HTML error page with 200', { kind: 'html', count: 1 }],
  ])('%s', async (_name, fault) => {
    ctx.sim.setFault(fault);
    const { waits, sleep } = sleepRecorder();
    const [r] = await load({ timeoutMs: 1000, sleep });
    expect(r.failures.map((f) => f.error.message)).toEqual([]);
    expect(r.inserted).toBe(5760);
    expect(await countRows(ctx.tmp.db)).toBe(5760);
    // The client retried, and every attempt reached the simulator; the last one succeeded.
    expect(waits.length).toBeGreaterThanOrEqual(fault.count ?? 1);
    expect(ctx.sim.requests).toHaveLength(waits.length + 1);
    expect(ctx.sim.requests.at(-1)?.status).toBe(200);
  });

  it('a slow answer past the timeout: the client gives up, retries, and the retry loads the day once', async () => {
    ctx.sim.setFault({ kind: 'delay', ms: 1500, count: 1 });
    const { waits, sleep } = sleepRecorder();
    const [r] = await load({ timeoutMs: 1000, sleep });
    expect(r.failures.map((f) => f.error.message)).toEqual([]);
    expect(r.inserted).toBe(5760);
    expect(await countRows(ctx.tmp.db)).toBe(5760);
    expect(waits.length).toBeGreaterThanOrEqual(1);
    // Every attempt is logged, the abandoned one only when the simulator's delay ends (possibly
    // after the load returned), so wait for all of them and do not rely on the order of the log.
    await ctx.logged(waits.length + 1);
    const log = ctx.sim.requests;
    expect(log).toHaveLength(waits.length + 1);
    // Status 0: the client hung up on the delayed request before it was answered (its timeout).
    // The fault delays one request only, so every other attempt was answered 200 (normally just one;
    // a retry can time out too on a very slow machine, which changes nothing here).
    expect(log.filter((e) => e.status === 0)).toHaveLength(1);
    expect(log.filter((e) => e.status !== 0).every((e) => e.status === 200)).toBe(true);
    // All attempts asked for the same window.
    expect(new Set(log.map((e) => JSON.stringify([e.path, e.query]))).size).toBe(1);
  });

  it('waits as long as Retry-After says', async () => {
    ctx.sim.setFault({ kind: 'rate-limit', retryAfter: 1, count: 1 });
    const { waits, sleep } = sleepRecorder();
    const [r] = await load({ sleep });
    expect(r.inserted).toBe(5760);
    // Retry-After: 1 outweighs the backoff (at most FAST_RETRY.baseDelayMs = 5 ms): one wait of 1 s.
    expect(waits).toEqual([1000]);
    expect(ctx.sim.requests.map((e) => e.status)).toEqual([429, 200]);
  });
});

describe('faults that persist: a clear failure, nothing stored, nothing damaged', () => {
  it.each<[string, Fault, typeof DataError | typeof TransientError]>([
    ['503 forever', { kind: 'status', status: 503 }, TransientError],
    ['429 forever', { kind: 'rate-limit' }, TransientError],
    ['truncated forever', { kind: 'truncate' }, TransientError],
    ['timeouts forever', { kind: 'delay', ms: 1500 }, TransientError],
    ['malformed forever', { kind: 'malformed' }, TransientError],
    ['HTML forever', { kind: 'html' }, TransientError],
    ['rows outside the window', { kind: 'out-of-window' }, DataError],
    ['the window ignored (latest data instead)', { kind: 'ignore-window' }, DataError],
    ['a fraction in an INTEGER column', { kind: 'type-drift' }, DataError],
  ])('%s', async (_name, fault, errorClass) => {
    await load({ range: days('2025-10-26', '2025-10-27') });
    const before = await snapshot();
    ctx.sim.setFault(fault);
    const { waits, sleep } = sleepRecorder();
    const [r] = await load({ timeoutMs: 1000, sleep });
    expect(r.inserted).toBe(0);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0].error).toBeInstanceOf(errorClass);
    expect(await countRows(ctx.tmp.db)).toBe(6000);
    expect(await snapshot()).toBe(before);
    // Transient faults use up every attempt; a verification failure is not retried.
    expect(waits).toHaveLength(errorClass === TransientError ? FAST_RETRY.attempts - 1 : 0);
    // The first load's request plus every attempt; abandoned ones are logged late, so wait for them.
    await ctx.logged(1 + waits.length + 1);
  });

  it('a Retry-After longer than the retry budget fails at once and says so', async () => {
    ctx.sim.setFault({ kind: 'rate-limit', retryAfter: 3600 });
    const [r] = await load();
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0].error).toBeInstanceOf(TransientError);
    expect(r.failures[0].error.message).toBe(
      '/datasets/FUELINST/stream: HTTP 429, and the API asked us to wait 3600 s (Retry-After), more than the retry budget of 10 s',
    );
    expect(r.failures[0].error.hint).toMatch(/BMRS_RETRY_BUDGET_MS/);
    expect(ctx.sim.requests.map((q) => q.status)).toEqual([429]);
  });

  it('a 400 is terminal: no retry, the API message is quoted', async () => {
    ctx.sim.setFault({ kind: 'status', status: 400 });
    const [r] = await load();
    expect(r.failures[0].error).toBeInstanceOf(ApiError);
    expect(ctx.sim.requests).toHaveLength(1);
  });

  it('out-of-window rows are named in the message', async () => {
    ctx.sim.setFault({ kind: 'out-of-window' });
    const [r] = await load();
    expect(r.failures[0].error.message).toMatch(/outside the requested window \(settlement date 2025-10-27\)/);
  });

  it('a type drift names the column and the value', async () => {
    ctx.sim.setFault({ kind: 'type-drift' });
    const [r] = await load();
    expect(r.failures[0].error.message).toMatch(/generation/);
  });
});

describe('a failing window leaves the others alone', () => {
  it('one bad day of three: two land whole, the bad one loads nothing', async () => {
    ctx.sim.setFault({ kind: 'type-drift', count: 1 });
    const [r] = await runPipeline({ api: ctx.sim.url, db: ctx.tmp.db, datasets: ['FUELINST'], range: days('2025-10-25', '2025-10-28'), concurrency: 1 });
    expect(r.failures).toHaveLength(1);
    expect(r.inserted).toBe(5760 + 6000);
    const perDay = await query(ctx.tmp.db, 'SELECT settlementDate::VARCHAR AS d, count(*) AS n FROM bmrs_fuelinst GROUP BY 1 ORDER BY 1');
    expect(perDay).toEqual([
      { d: '2025-10-26', n: 6000 },
      { d: '2025-10-27', n: 5760 },
    ]);
    // Re-running repairs the gap without duplicating the rest.
    const [again] = await runPipeline({ api: ctx.sim.url, db: ctx.tmp.db, datasets: ['FUELINST'], range: days('2025-10-25', '2025-10-28') });
    expect(again).toMatchObject({ inserted: 5760, failures: [] });
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) - count(DISTINCT _hash_key) FROM bmrs_fuelinst')).toBe(0);
  });

  it('an unknown extra field is dropped and reported, the load completes', async () => {
    ctx.sim.setFault({ kind: 'extra-field' });
    const [r] = await load();
    expect(r.failures).toEqual([]);
    expect(r.inserted).toBe(5760);
    expect(r.unknownFields.length).toBeGreaterThan(0);
  });
});

describe('window verification on every path: publish-lag days, from/to days, derived event time, instants', () => {
  const cases: [string, string, ReturnType<typeof days>][] = [
    ['INDO by day (publish window plus lag)', 'INDO', days('2025-10-27', '2025-10-28')],
    ['MID by day (settlement periods)', 'MID', days('2025-10-27', '2025-10-28')],
    ['NETBSAD by day (event time from the period)', 'NETBSAD', days('2025-10-27', '2025-10-28')],
    ['FREQ by day (local-midnight bounds)', 'FREQ', days('2025-10-27', '2025-10-28')],
    ['FUELINST by instants', 'FUELINST', { kind: 'instants', from: Date.parse('2025-10-27T10:00:00Z'), to: Date.parse('2025-10-27T12:00:00Z') }],
  ];
  for (const kind of ['out-of-window', 'ignore-window'] as const) {
    it.each(cases)(`${kind}: %s fails whole, nothing stored`, async (_name, code, range) => {
      ctx.sim.setFault({ kind });
      const [r] = await runPipeline({ api: ctx.sim.url, db: ctx.tmp.db, datasets: [code], range });
      expect(r.failures).toHaveLength(1);
      expect(r.failures[0].error).toBeInstanceOf(DataError);
      expect(r.failures[0].error.message).toMatch(/outside the requested window/);
      expect(r.inserted).toBe(0);
      ctx.sim.setFault(null);
      const [clean] = await runPipeline({ api: ctx.sim.url, db: ctx.tmp.db, datasets: [code], range });
      expect(clean.failures).toEqual([]);
      expect(clean.inserted).toBeGreaterThan(0);
    });
  }
});

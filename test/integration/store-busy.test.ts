// A store kept by another process past the wait: the windows not started yet fail at once with the
// same error, without asking the API again and without waiting again.
import { expect, it } from 'vitest';
import { fixedClock } from '../../src/adapters/clock.js';
import { createHttpClient } from '../../src/adapters/http.js';
import { findDataset } from '../../src/core/datasets.js';
import { StoreBusyError } from '../../src/core/errors.js';
import { ingest } from '../../src/core/ingest.js';
import { runWindows } from '../../src/core/runner.js';
import { planWindows } from '../../src/core/windows.js';
import { createMemoryStore } from '../support/memory-store.js';
import { days, FAST_RETRY, useSimulatorAndStore } from '../support/pipeline.js';

const ctx = useSimulatorAndStore({ now: '2025-11-01T00:00:00Z' });

/** A memory store whose second write finds the store busy; counts the writes that reach it after that. */
function busyOnSecondWrite() {
  let after = 0;
  const store = createMemoryStore({
    faults: {
      failIf: (_group, call) => {
        if (call > 2) after++;
        return call === 2 ? new StoreBusyError('the store is in use by a reader (injected)') : undefined;
      },
    },
  });
  return { store, writesAfterBusy: () => after };
}

it('after the first busy write, the remaining windows fail without a request or a wait', async () => {
  const { store, writesAfterBusy } = busyOnSecondWrite();
  const [r] = await ingest(
    // writeBehind 0: one window at a time, fetch to commit, so exactly two requests precede the busy write.
    { api: createHttpClient({ base: ctx.sim.url, timeoutMs: 5_000, retry: FAST_RETRY, userAgent: 'bmrs-test' }), store, clock: fixedClock(Date.parse('2025-11-01T00:00:00Z')), runId: 'run', writeBehind: 0 },
    { datasets: [findDataset('FUELINST')!], range: days('2025-10-20', '2025-10-25'), concurrency: 1 },
  );
  expect(r.inserted).toBe(5760);
  expect(r.failures.map((f) => [f.window.days?.from, f.error.name])).toEqual([
    ['2025-10-21', 'StoreBusyError'],
    ['2025-10-22', 'StoreBusyError'],
    ['2025-10-23', 'StoreBusyError'],
    ['2025-10-24', 'StoreBusyError'],
  ]);
  expect(ctx.sim.requests.filter((q) => q.status === 200)).toHaveLength(2);
  expect(writesAfterBusy()).toBe(0);
  expect((await store.ledger()).map((e) => e.status)).toEqual(['loaded']);
});

it('with windows fetched ahead (the default write-behind), none of them goes to the store again after the busy write', async () => {
  const { store, writesAfterBusy } = busyOnSecondWrite();
  const [r] = await ingest(
    { api: createHttpClient({ base: ctx.sim.url, timeoutMs: 5_000, retry: FAST_RETRY, userAgent: 'bmrs-test' }), store, clock: fixedClock(Date.parse('2025-11-01T00:00:00Z')), runId: 'run' },
    { datasets: [findDataset('FUELINST')!], range: days('2025-10-20', '2025-10-25'), concurrency: 2 },
  );
  // Whatever was fetched ahead, every window but those of the first write fails with the one error.
  expect(writesAfterBusy()).toBe(0);
  expect(r.inserted + r.failures.length * 5760).toBe(5 * 5760);
  for (const f of r.failures) expect(f.error).toBeInstanceOf(StoreBusyError);
  expect(new Set(r.failures.map((f) => f.error))).toHaveProperty('size', 1);
  expect((await store.ledger()).every((e) => e.status === 'loaded')).toBe(true);
});

it('--force: a store found busy by the unchanged-window check fails the remaining windows at once too', async () => {
  const api = createHttpClient({ base: ctx.sim.url, timeoutMs: 5_000, retry: FAST_RETRY, userAgent: 'bmrs-test' });
  const clock = fixedClock(Date.parse('2025-11-01T00:00:00Z'));
  const store = createMemoryStore();
  const windows = planWindows(findDataset('FUELINST')!, days('2025-10-20', '2025-10-25'));
  await runWindows({ api, store, clock, runId: 'first' }, windows, 1);
  const before = new Map((await store.ledger()).map((e) => [`${e.from}|${e.to}`, e]));
  expect(before.size).toBe(5);
  // The same store, whose key-set read (the check that a refetched body is already stored) finds
  // another process holding it past the wait.
  let keySets = 0;
  const held = new Proxy(store, {
    get: (target, p, receiver) =>
      p === 'keySet'
        ? async () => {
            keySets++;
            throw new StoreBusyError('the store is in use by a reader (injected)');
          }
        : Reflect.get(target, p, receiver),
  });
  const requests = ctx.sim.requests.length;
  const outcomes = await runWindows({ api, store: held, clock, runId: 'force', writeBehind: 0, previous: (k) => before.get(`${k.from}|${k.to}`) }, windows, 1);
  expect(outcomes.map((o) => o.error?.name)).toEqual(Array(5).fill('StoreBusyError'));
  expect(keySets).toBe(1);
  expect(ctx.sim.requests.length - requests).toBe(1);
});

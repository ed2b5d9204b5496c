// The runner as a pipeline: a window holds its request slot only for its request, so later
// windows are fetched and prepared meanwhile (up to the write-behind bound), and the store then
// takes the windows that queued up as one group. With writeBehind 0, one window at a time.
import { expect, it } from 'vitest';
import { fixedClock } from '../../src/adapters/clock.js';
import { createHttpClient } from '../../src/adapters/http.js';
import { findDataset } from '../../src/core/datasets.js';
import { ingest } from '../../src/core/ingest.js';
import { writeBehind } from '../../src/core/runner.js';
import type { ApiClient } from '../../src/core/ports.js';
import type { StoreCapabilities } from '../../src/core/store.js';
import { join } from 'node:path';
import type { Store } from '../../src/core/store.js';
import { openDuckDbStore } from '../../src/sinks/duckdb.js';
import { duckDbTransform } from '../../src/transform/duckdb-transform.js';
import { createMemoryStore } from '../support/memory-store.js';
import { days, FAST_RETRY, useSimulatorAndStore } from '../support/pipeline.js';

const ctx = useSimulatorAndStore({ now: '2025-11-01T00:00:00Z' });

/** The real client, counting fetches started and answered; `answered(n)` resolves at the nth answer. */
function countingClient() {
  const inner = createHttpClient({ base: ctx.sim.url, timeoutMs: 5_000, retry: FAST_RETRY, userAgent: 'bmrs-test' });
  const counts = { started: 0, answered: 0 };
  const waiters: [number, () => void][] = [];
  const api: ApiClient = {
    base: inner.base,
    async fetch(path, query, decode) {
      counts.started++;
      const r = await inner.fetch(path, query, decode);
      counts.answered++;
      for (const [n, resolve] of waiters) if (counts.answered >= n) resolve();
      return r;
    },
  };
  const answered = (n: number) => new Promise<void>((resolve) => (counts.answered >= n ? resolve() : waiters.push([n, resolve])));
  return { api, counts, answered };
}

/** A memory store whose first write waits until `open()`; `given` records each group's size. */
function heldFirstWrite(capabilities?: Partial<StoreCapabilities>) {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const given: number[] = [];
  const store = createMemoryStore({
    capabilities,
    faults: {
      beforeWrite: async (call) => {
        if (call === 1) await gate;
      },
      failIf: (group) => void given.push(group.length),
    },
  });
  return { store, given, open };
}

it.each([
  // [writeBehind, windows fetched while the first write waits, the groups the store is given]
  [undefined, 6, [1, 5]],
  [2, 3, [1, 2, 1, 1, 1]],
  [0, 1, [1, 1, 1, 1, 1, 1]],
] as const)('writeBehind %s: %i of 6 windows are fetched while the first write waits, then stored in groups %j', async (writeBehind, whileWaiting, groups) => {
  const { store, given, open } = heldFirstWrite();
  const { api, counts, answered } = countingClient();
  const done = ingest(
    { api, store, clock: fixedClock(Date.parse('2025-11-01T00:00:00Z')), runId: 'run', writeBehind },
    { datasets: [findDataset('FUELINST')!], range: days('2025-10-20', '2025-10-26'), concurrency: 1 },
  );
  await answered(whileWaiting);
  // Every step from an answer to the next fetch is a microtask (the JS path, a memory store): once
  // a macrotask has run, any fetch the runner would start has started.
  await new Promise((r) => setImmediate(r));
  expect(counts.started).toBe(whileWaiting);
  expect(given).toEqual([]);
  open();
  const [r] = await done;
  expect(r.inserted).toBe(6 * 5760);
  expect(r.failures).toEqual([]);
  expect(given).toEqual(groups);
  expect(counts.started).toBe(6);
  expect((await store.ledger()).map((e) => e.status)).toEqual(Array(6).fill('loaded'));
});

it('a store that fills its groups (BigQuery): while a full group waits behind a write, no more windows are fetched', async () => {
  // Groups of one FUELINST day (5760 rows); the first write is held. The group being written and
  // the next, full one are all the store needs: fetching on would hold every window of the run.
  const { store, given, open } = heldFirstWrite({ fillGroups: true, preferredRowsPerWrite: 5760 });
  const { api, counts, answered } = countingClient();
  const done = ingest(
    { api, store, clock: fixedClock(Date.parse('2025-11-01T00:00:00Z')), runId: 'run', writeBehind: 2 },
    { datasets: [findDataset('FUELINST')!], range: days('2025-10-10', '2025-10-26'), concurrency: 1 },
  );
  await answered(2);
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  // The window being written and the full group behind it (here one window): nothing more.
  expect(counts.started).toBe(2);
  open();
  const [r] = await done;
  expect(r.failures).toEqual([]);
  expect(r.inserted).toBe(16 * 5760);
  expect(given).toEqual(Array(16).fill(1));
  expect(counts.started).toBe(16);
});

it('the default depth: deeper with the SQL transform (batches), as before without it (rows held in memory)', () => {
  expect(writeBehind(4)).toBe(16);
  expect(writeBehind(8)).toBe(32);
  expect(writeBehind(4, false)).toBe(8);
  expect(writeBehind(8, false)).toBe(16);
});

/** A DuckDB store whose groups are at most three FUELINST days; `given` records each group's size. */
async function stagedStore(name: string) {
  const duck = await openDuckDbStore(join(ctx.tmp.dir, name));
  const given: number[] = [];
  const store: Store = {
    ...duck,
    capabilities: { ...duck.capabilities, preferredRowsPerWrite: 3 * 5760 },
    write: (group) => (given.push(group.length), duck.write(group)),
  };
  return { duck, store, given };
}

it('DuckDB with the SQL transform: staged windows leave the pipeline once queued, so a group holds more windows than the pipeline is deep', async () => {
  // A pipeline of two windows (concurrency 1, writeBehind 1) and groups of three FUELINST days:
  // only windows that wait for the store without their pipeline slot can make a group of three.
  const { duck, store, given } = await stagedStore('staged.duckdb');
  const transform = duckDbTransform();
  try {
    const [r] = await ingest(
      { api: countingClient().api, store, clock: fixedClock(Date.parse('2025-11-01T00:00:00Z')), runId: 'run', writeBehind: 1, transform },
      { datasets: [findDataset('FUELINST')!], range: days('2025-10-10', '2025-10-18'), concurrency: 1 },
    );
    expect(r.failures).toEqual([]);
    expect(r.inserted).toBe(8 * 5760);
    expect(given).toEqual([3, 3, 2]);
    const ledger = await duck.ledger();
    expect(ledger.map((e) => [e.status, e.inserted])).toEqual(Array(8).fill(['loaded', 5760]));
  } finally {
    await transform.close();
    await duck.close();
  }
});

it('DuckDB with the SQL transform: a window that fails among staged ones is recorded failed, and the run ends with the others loaded', async () => {
  const { duck, store, given } = await stagedStore('staged-failed.duckdb');
  const transform = duckDbTransform();
  ctx.sim.setFault({ kind: 'status', status: 500, path: 'settlementDateFrom=2025-10-13' });
  try {
    const [r] = await ingest(
      { api: countingClient().api, store, clock: fixedClock(Date.parse('2025-11-01T00:00:00Z')), runId: 'run', writeBehind: 1, transform },
      { datasets: [findDataset('FUELINST')!], range: days('2025-10-10', '2025-10-18'), concurrency: 1 },
    );
    expect(r.inserted).toBe(7 * 5760);
    expect(r.failures.map((f) => f.window.days?.from)).toEqual(['2025-10-13']);
    // Seven windows with rows and the failed one's ledger entry, each written once.
    expect(given.reduce((a, b) => a + b, 0)).toBe(8);
    const ledger = await duck.ledger();
    expect(ledger.map((e) => e.status)).toEqual(['loaded', 'loaded', 'loaded', 'failed', 'loaded', 'loaded', 'loaded', 'loaded']);
    expect(ledger.filter((e) => e.status === 'loaded').every((e) => e.inserted === 5760)).toBe(true);
  } finally {
    await transform.close();
    await duck.close();
  }
});

it('DuckDB with the SQL transform: a bug in one window stops the run only once the queued windows are written, so the caller closes an idle store', async () => {
  const { duck, store } = await stagedStore('staged-bug.duckdb');
  let writing = 0;
  const counted: Store = { ...store, write: async (group) => { writing++; try { return await store.write(group); } finally { writing--; } } };
  const inner = countingClient().api;
  const api: ApiClient = { base: inner.base, fetch: (path, query, decode) => (query.some(([, v]) => v === '2025-10-13') ? Promise.reject(new TypeError('a bug (injected)')) : inner.fetch(path, query, decode)) };
  const transform = duckDbTransform();
  try {
    const run = ingest(
      { api, store: counted, clock: fixedClock(Date.parse('2025-11-01T00:00:00Z')), runId: 'run', writeBehind: 1, transform },
      { datasets: [findDataset('FUELINST')!], range: days('2025-10-10', '2025-10-18'), concurrency: 1 },
    );
    await expect(run).rejects.toThrow('a bug (injected)');
    expect(writing).toBe(0);
    const ledger = await duck.ledger();
    expect(ledger.slice(0, 3).map((e) => new Date(e.from).toISOString())).toEqual(['2025-10-09T23:00:00.000Z', '2025-10-10T23:00:00.000Z', '2025-10-11T23:00:00.000Z']);
    expect(ledger.every((e) => e.status === 'loaded' && e.inserted === 5760)).toBe(true);
  } finally {
    await transform.close();
    await duck.close();
  }
});

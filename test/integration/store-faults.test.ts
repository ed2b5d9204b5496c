// The real pipeline (simulator, HTTP client, window runner) against a store that fails on command.
// Whatever fails, the store and its ledger agree, and a re-run completes without a duplicate.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/adapters/clock.js';
import { createHttpClient } from '../../src/adapters/http.js';
import { findDataset } from '../../src/core/datasets.js';
import { ingest } from '../../src/core/ingest.js';
import type { ApiClient } from '../../src/core/ports.js';
import { pyIsoformatUtc } from '../../src/core/py-format.js';
import { createMemoryStore, type MemoryFaults, type MemoryStore } from '../support/memory-store.js';
import { days, FAST_RETRY, useSimulatorAndStore } from '../support/pipeline.js';

const ctx = useSimulatorAndStore({ now: '2025-11-01T00:00:00Z' });

const client = () => createHttpClient({ base: ctx.sim.url, timeoutMs: 5_000, retry: FAST_RETRY, userAgent: 'bmrs-test' });
const run = (store: MemoryStore, concurrency = 1, api: ApiClient = client()) =>
  ingest(
    {
      api,
      store,
      clock: fixedClock(Date.parse('2025-11-01T00:00:00Z')),
      runId: 'run',
    },
    { datasets: [findDataset('FUELINST')!], range: days('2025-10-20', '2025-10-23'), concurrency },
  ).then(([r]) => r);

/** Every loaded ledger entry's rows are stored under its window label, and no stored row lacks one. */
async function expectStoreAndLedgerAgree(store: MemoryStore): Promise<void> {
  const rows = store.tables.get('bmrs_fuelinst')?.rows ?? [];
  const perLabel = new Map<string, number>();
  for (const r of rows) perLabel.set(String(r._window_from_utc), (perLabel.get(String(r._window_from_utc)) ?? 0) + 1);
  const loaded = (await store.ledger()).filter((e) => e.status === 'loaded');
  const label = (ms: number) => pyIsoformatUtc(BigInt(ms) * 1000n);
  expect(new Set(perLabel.keys())).toEqual(new Set(loaded.map((e) => label(e.from))));
  for (const e of loaded) expect(perLabel.get(label(e.from))).toBe(e.inserted + e.skipped);
  expect(new Set(rows.map((r) => r._hash_key)).size).toBe(rows.length);
}

describe('store faults', () => {
  it.each<[string, MemoryFaults, boolean]>([
    ['the second write fails before storing anything', { failWrite: 2 }, true],
    ['the commit of the second write fails', { failCommit: 2 }, true],
    ['the second write fails after its rows, before its ledger entry (a store without transactions)', { failAfterRows: 2 }, false],
  ])('%s: that window fails, the others load, a re-run completes', async (_name, faults, transactions) => {
    const store = createMemoryStore({ faults, capabilities: { transactions } });
    const first = await run(store);
    expect(first.failures.map((f) => [f.window.days?.from, f.error.exitCode])).toEqual([['2025-10-21', 70]]);
    expect(first.inserted).toBe(2 * 5760);
    // The failure itself is recorded by a later write, so a repair finds the window.
    expect((await store.ledger()).map((e) => e.status)).toEqual(['loaded', 'failed', 'loaded']);
    if (transactions) await expectStoreAndLedgerAgree(store);
    else expect(await store.countRows('bmrs_fuelinst')).toBe(3 * 5760);

    const again = await run(store);
    expect(again.failures).toEqual([]);
    expect(again.inserted).toBe(transactions ? 5760 : 0);
    expect((await store.ledger()).map((e) => [e.status, e.attempts])).toEqual([['loaded', 2], ['loaded', 2], ['loaded', 2]]);
    expect(await store.countRows('bmrs_fuelinst')).toBe(3 * 5760);
    await expectStoreAndLedgerAgree(store);
  });

  it('a slow store gets one write at a time and bigger groups; everything loads once', async () => {
    // Counts the windows whose answer the runner has in hand. The runner goes on from there to queue
    // the window's write without waiting on anything, so once a poll (a later turn of the event loop)
    // sees all 3, all 3 are queued: no timing involved.
    const real = client();
    let answered = 0;
    const api: ApiClient = {
      base: real.base,
      fetch: async (path, query, decode) => {
        const value = await real.fetch(path, query, decode);
        answered++;
        return value;
      },
    };
    const store = createMemoryStore({
      faults: {
        // Hold the first write until the other two windows are queued behind it.
        beforeWrite: async (call) => {
          if (call === 1) while (answered < 3) await new Promise((r) => setImmediate(r));
        },
      },
    });
    const report = await run(store, 3, api);
    expect(report).toMatchObject({ inserted: 3 * 5760, failures: [] });
    expect(store.stats.maxInFlight).toBe(1);
    // The first write took the one window queued; the two that queued meanwhile went as one group.
    expect(store.stats.groupSizes).toEqual([1, 2]);
    await expectStoreAndLedgerAgree(store);
  });
});

// How windows are grouped into store writes: serial unless the store takes parallel writes, and
// grouped up to the store's preferred size while a write is in flight.
import { describe, expect, it } from 'vitest';
import { findDataset } from '../../src/core/datasets.js';
import { StoreBusyError, StoreFailure } from '../../src/core/errors.js';
import type { Store, WindowWrite } from '../../src/core/store.js';
import { writeQueue } from '../../src/core/write-queue.js';
import { dayWindow, fuelinstRaws, windowWrite } from '../contract/store-contract.js';
import { createMemoryStore } from '../support/memory-store.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

async function writes(store: Store, days: string[]): Promise<WindowWrite[]> {
  const t = await store.openTable(findDataset('FUELINST')!);
  return days.map((d) => windowWrite(t, dayWindow(d), fuelinstRaws(d, 2)));
}

const DAYS = ['2025-10-20', '2025-10-21', '2025-10-22', '2025-10-23'];

describe('writeQueue', () => {
  it('writes the first window at once and groups those queued while it writes', async () => {
    const g = gate();
    const store = createMemoryStore({ faults: { beforeWrite: (call) => (call === 1 ? g.opened : Promise.resolve()) } });
    const queue = writeQueue(store);
    const [a, b, c, d] = await writes(store, DAYS);
    const results = [queue(a), queue(b), queue(c), queue(d)];
    g.open();
    expect(await Promise.all(results)).toEqual(Array(4).fill({ inserted: 8, skipped: 0 }));
    expect(store.stats.groupSizes).toEqual([1, 3]);
    expect(store.stats.maxInFlight).toBe(1);
  });

  it('keeps a group within the preferred rows per write', async () => {
    const g = gate();
    const store = createMemoryStore({ capabilities: { preferredRowsPerWrite: 16 }, faults: { beforeWrite: (call) => (call === 1 ? g.opened : Promise.resolve()) } });
    const queue = writeQueue(store);
    const items = await writes(store, DAYS);
    const results = items.map((w) => queue(w));
    g.open();
    await Promise.all(results);
    expect(store.stats.groupSizes).toEqual([1, 2, 1]);
  });

  it('a store that fills its groups gets none written until the preferred rows are queued, or the queue is closed', async () => {
    const store = createMemoryStore({ capabilities: { preferredRowsPerWrite: 16, fillGroups: true } });
    const queue = writeQueue(store);
    const [a, b, c] = await writes(store, DAYS);
    const first = [queue(a)];
    await new Promise((r) => setImmediate(r));
    expect(store.stats.groupSizes).toEqual([]);
    first.push(queue(b));
    await Promise.all(first);
    expect(store.stats.groupSizes).toEqual([2]);
    const last = queue(c);
    await new Promise((r) => setImmediate(r));
    expect(store.stats.groupSizes).toEqual([2]);
    queue.close();
    await last;
    expect(store.stats.groupSizes).toEqual([2, 1]);
  });

  it('runs writes side by side only when the store takes parallel writes', async () => {
    const waiting: (() => void)[] = [];
    const store = createMemoryStore({
      capabilities: { parallelWrites: true, preferredRowsPerWrite: 1 },
      // Each write waits until a second one is in flight: only parallel writes can get past this.
      faults: { beforeWrite: () => (store.stats.inFlight >= 2 ? (waiting.splice(0).forEach((f) => f()), Promise.resolve()) : new Promise<void>((r) => waiting.push(r))) },
    });
    const queue = writeQueue(store, 4);
    await Promise.all((await writes(store, DAYS.slice(0, 2))).map((w) => queue(w)));
    expect(store.stats.maxInFlight).toBe(2);
  });

  it('a failed group is tried again window by window: only the bad window fails', async () => {
    const g = gate();
    let bad = '';
    const store = createMemoryStore({
      faults: {
        beforeWrite: (call) => (call === 1 ? g.opened : Promise.resolve()),
        failIf: (group) => (group.some((w) => w.table === bad) ? new StoreFailure('a value does not fit (injected)') : undefined),
      },
    });
    const queue = writeQueue(store);
    const [a, b, c] = await writes(store, DAYS);
    bad = 'bmrs_bad';
    const settled = [queue(a), queue(b), queue({ ...c, table: bad })].map((p) => p.then(() => 'ok', (e: unknown) => e));
    g.open();
    const [ra, rb, rc] = await Promise.all(settled);
    expect([ra, rb]).toEqual(['ok', 'ok']);
    expect(rc).toBeInstanceOf(StoreFailure);
    expect(store.stats.groupSizes).toEqual([1, 2, 1, 1]);
  });

  it('a store held by another process fails the whole group at once, without a retry per window', async () => {
    const g = gate();
    const store = createMemoryStore({
      faults: {
        beforeWrite: (call) => (call === 1 ? g.opened : Promise.resolve()),
        failIf: (_group, call) => (call === 2 ? new StoreBusyError('the store is in use by a reader (injected)') : undefined),
      },
    });
    const queue = writeQueue(store);
    const [a, b, c] = await writes(store, DAYS);
    const settled = [queue(a), queue(b), queue(c)].map((p) => p.then(() => 'ok', (e: unknown) => e));
    g.open();
    const [ra, rb, rc] = await Promise.all(settled);
    expect(ra).toBe('ok');
    expect(rb).toBeInstanceOf(StoreBusyError);
    expect(rc).toBe(rb);
    expect(store.stats.groupSizes).toEqual([1, 2]);
  });

  it('turns an unforeseen store error into StoreFailure (exit 70) with its message', async () => {
    const store = createMemoryStore();
    const broken: Store = { ...store, write: () => Promise.reject(new Error('disk I/O error: No space left on device')) };
    const [a] = await writes(store, DAYS);
    const e = await writeQueue(broken)(a).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StoreFailure);
    expect((e as StoreFailure).exitCode).toBe(70);
    expect((e as Error).message).toBe('memory store failed: disk I/O error: No space left on device');
  });
});

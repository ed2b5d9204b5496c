// How windows are grouped into store writes: serial unless the store takes parallel writes, and
// grouped up to the store's preferred size while a write is in flight.
import { describe, expect, it } from 'vitest';
import { findDataset } from '../../src/core/datasets.js';
import { StoreFailure } from '../../src/core/errors.js';
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

  it('fails every window of a failed group with the store error, and goes on with the next group', async () => {
    const g = gate();
    const store = createMemoryStore({ faults: { failWrite: 2, beforeWrite: (call) => (call === 1 ? g.opened : Promise.resolve()) } });
    const queue = writeQueue(store);
    const [a, b, c] = await writes(store, DAYS);
    const results = [queue(a), queue(b), queue(c)].map((p) => p.then(() => 'ok', (e: unknown) => e));
    g.open();
    const settled = await Promise.all(results);
    expect(settled[0]).toBe('ok');
    expect(settled[1]).toBeInstanceOf(StoreFailure);
    expect(settled[2]).toBe(settled[1]);
    const d = (await writes(store, ['2025-10-24']))[0];
    await expect(queue(d)).resolves.toEqual({ inserted: 8, skipped: 0 });
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

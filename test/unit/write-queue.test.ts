// How windows are grouped into store writes: serial unless the store takes parallel writes, and
// grouped up to the store's preferred size while a write is in flight.
import { describe, expect, it } from 'vitest';
import { findDataset } from '../../src/core/datasets.js';
import { StoreBusyError, StoreFailure } from '../../src/core/errors.js';
import type { Store, WindowWrite } from '../../src/core/store.js';
import { STAGED_GROUP_WINDOWS, writeQueue } from '../../src/core/write-queue.js';
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

  describe('a store that fills groups of staged windows (DuckDB)', () => {
    /** Windows whose rows are staged in a file (none in memory), as the SQL transform hands them over: 8 rows each. */
    const staged = (w: WindowWrite): WindowWrite => ({ ...w, rows: [], staged: { path: `/staged/${w.key.from}.parquet`, count: 8 } });

    it('waits for the preferred rows while windows are coming, and writes what it holds once none is', async () => {
      const store = createMemoryStore({ capabilities: { preferredRowsPerWrite: 24, fillStagedGroups: true } });
      let coming = true;
      const queue = writeQueue(store, 4, () => coming);
      const [a, b, c, d] = (await writes(store, DAYS)).map(staged);
      const settled = [queue(a), queue(b)];
      await new Promise((r) => setImmediate(r));
      expect(store.stats.groupSizes).toEqual([]);
      settled.push(queue(c));
      await Promise.all(settled);
      expect(store.stats.groupSizes).toEqual([3]);
      const last = queue(d);
      await new Promise((r) => setImmediate(r));
      expect(store.stats.groupSizes).toEqual([3]);
      coming = false;
      queue.poke();
      await last;
      expect(store.stats.groupSizes).toEqual([3, 1]);
    });

    it('writes at once where the runner does not group (no `coming`: a run no longer than its pipeline)', async () => {
      const g = gate();
      const store = createMemoryStore({ capabilities: { preferredRowsPerWrite: 1_000, fillStagedGroups: true }, faults: { beforeWrite: (call) => (call === 1 ? g.opened : Promise.resolve()) } });
      const queue = writeQueue(store);
      const [a, b, c] = (await writes(store, DAYS)).map(staged);
      const settled = [queue(a), queue(b), queue(c)];
      await new Promise((r) => setImmediate(r));
      expect(store.stats.groupSizes).toEqual([1]);
      g.open();
      await Promise.all(settled);
      expect(store.stats.groupSizes).toEqual([1, 2]);
    });

    it('writes a window with rows in memory at once, with the staged ones waiting before it', async () => {
      const store = createMemoryStore({ capabilities: { preferredRowsPerWrite: 1_000, fillStagedGroups: true } });
      const queue = writeQueue(store, 4, () => true);
      const [a, b, c] = await writes(store, DAYS);
      const first = [queue(staged(a)), queue(staged(b))];
      await new Promise((r) => setImmediate(r));
      expect(store.stats.groupSizes).toEqual([]);
      await Promise.all([...first, queue(c)]);
      expect(store.stats.groupSizes).toEqual([3]);
    });

    it(`writes at most ${STAGED_GROUP_WINDOWS} windows a group, however few their rows`, async () => {
      const store = createMemoryStore({ capabilities: { preferredRowsPerWrite: 1_000_000, fillStagedGroups: true } });
      let coming = true;
      const queue = writeQueue(store, 4, () => coming);
      const [a] = await writes(store, DAYS);
      const items = Array.from({ length: STAGED_GROUP_WINDOWS + 6 }, (_, i) => staged({ ...a, key: { ...a.key, from: a.key.from + i, to: a.key.to + i } }));
      const settled = items.map((w) => queue(w));
      await Promise.all(settled.slice(0, STAGED_GROUP_WINDOWS));
      expect(store.stats.groupSizes).toEqual([STAGED_GROUP_WINDOWS]);
      coming = false;
      queue.poke();
      await Promise.all(settled);
      expect(store.stats.groupSizes).toEqual([STAGED_GROUP_WINDOWS, 6]);
    });

    it('is backlogged while a full group waits behind the write in flight, and has room once it is taken', async () => {
      const g = gate();
      const store = createMemoryStore({ capabilities: { preferredRowsPerWrite: 16, fillStagedGroups: true }, faults: { beforeWrite: (call) => (call === 1 ? g.opened : Promise.resolve()) } });
      const queue = writeQueue(store, 4, () => true);
      const [a, b, c, d] = (await writes(store, DAYS)).map(staged);
      const settled = [queue(a), queue(b), queue(c)];
      let room = false;
      void queue.room().then(() => (room = true));
      await new Promise((r) => setImmediate(r));
      expect(room).toBe(true); // one window waits behind the first group: not a full group
      settled.push(queue(d));
      let later = false;
      void queue.room().then(() => (later = true));
      await new Promise((r) => setImmediate(r));
      expect(later).toBe(false);
      g.open();
      await Promise.all(settled);
      expect(later).toBe(true);
      expect(store.stats.groupSizes).toEqual([2, 2]);
    });
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

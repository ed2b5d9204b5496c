// Hands prepared windows to the store in groups, as its capabilities ask: one write in flight unless
// the store takes parallel writes, each group as many queued windows as fit its preferred size.
// A store that is slow to write therefore gets bigger groups, not a longer queue of small ones.
import { BmrsError, StoreBusyError, StoreFailure, StoreStopped } from './errors.js';
import { rowCount, type Store, type WindowWrite, type WriteResult } from './store.js';

/**
 * A store may also cap the windows of one write (BigQuery: a sparse dataset's years of one-row days
 * would otherwise be one group of thousands of windows, and one ledger statement per group).
 */

interface Queued {
  readonly item: WindowWrite;
  readonly resolve: (r: WriteResult) => void;
  readonly reject: (e: unknown) => void;
}

export type WriteQueue = (item: WindowWrite) => Promise<WriteResult>;

/**
 * The most staged windows a group waits for (`fillStagedGroups`): a sparse dataset's windows of a
 * few rows each would otherwise wait for the whole run.
 */
export const STAGED_GROUP_WINDOWS = 64;

/** A queue whose `close` says no more windows will come (a store that fills its groups then writes what it holds). */
export interface ClosableWriteQueue extends WriteQueue {
  close(): void;
  /**
   * Resolves once the queue is not backlogged: a store that fills its groups has a full group
   * waiting behind the write in flight. Until then the runner fetches no more windows, so what is
   * held stays within the group being written, the next one and the windows being fetched.
   */
  room(): Promise<void>;
  /** Looks again whether a group should be written (`coming` has changed). */
  poke(): void;
}

/**
 * `coming`, given where the runner groups staged windows (`fillStagedGroups`): whether windows are
 * still being fetched or prepared, which may join the queue soon. Staged windows wait for them;
 * once none is, the queue writes what it holds. Without it every write starts at once.
 */
export function writeQueue(store: Store, maxInFlight = 4, coming?: () => boolean): ClosableWriteQueue {
  const { preferredRowsPerWrite, parallelWrites, fillGroups, maxWindowsPerWrite = Infinity } = store.capabilities;
  /** `coming`, where this queue groups staged windows; else undefined. */
  const waits = store.capabilities.fillStagedGroups === true && !fillGroups ? coming : undefined;
  const limit = parallelWrites ? maxInFlight : 1;
  const queue: Queued[] = [];
  let inFlight = 0;
  let closed = false;
  const rows = () => queue.reduce((n, q) => n + rowCount(q.item), 0);
  const enough = () => queue.length >= maxWindowsPerWrite || rows() >= preferredRowsPerWrite;
  /** Windows with no rows in memory (staged, or a ledger entry alone). */
  const light = () => queue.every((q) => q.item.rows.length === 0);
  const stagedFull = () => queue.length >= STAGED_GROUP_WINDOWS || enough();
  const full = () => {
    if (fillGroups) return closed || enough();
    if (!waits) return true;
    return closed || !waits() || !light() || stagedFull();
  };
  const backlogged = () => inFlight >= limit && (fillGroups ? !closed && full() : waits !== undefined && stagedFull());
  const waitingRoom: (() => void)[] = [];

  const pump = (): void => {
    while (inFlight < limit && queue.length > 0 && full()) {
      const group = takeGroup(queue, preferredRowsPerWrite, waits ? Math.min(maxWindowsPerWrite, STAGED_GROUP_WINDOWS) : maxWindowsPerWrite);
      inFlight++;
      writeGroup(store, group, queue).finally(() => {
        inFlight--;
        pump();
      });
    }
    if (!backlogged()) for (const resume of waitingRoom.splice(0)) resume();
  };

  const enqueue = (item: WindowWrite) =>
    new Promise<WriteResult>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      pump();
    });
  return Object.assign(enqueue, {
    close() {
      closed = true;
      pump();
    },
    room: () => (backlogged() ? new Promise<void>((resume) => waitingRoom.push(resume)) : Promise.resolve()),
    poke: pump,
  });
}

/**
 * Writes a group; when a group of several fails, each of its windows is tried alone, so one bad
 * window fails only itself. A store held by another process fails them all at once: trying again
 * window by window would only wait again; so does a store that has stopped (StoreStopped). So does
 * a transient failure (a quota, a service still unavailable after the store's own retries): one
 * window's write would meet it again, and each would cost the store a job of its own (BigQuery: a
 * load job per window, against a daily quota).
 */
async function writeGroup(store: Store, group: readonly Queued[], waiting: Queued[]): Promise<StoreBusyError | StoreStopped | undefined> {
  try {
    const results = await store.write(group.map((q) => q.item));
    group.forEach((q, i) => q.resolve(results[i]));
    return undefined;
  } catch (e) {
    const error = asStoreError(store.name, e);
    if (error instanceof StoreBusyError || error instanceof StoreStopped) {
      // The windows queued behind it would each wait as long again (or the store takes nothing
      // more): they fail with it now.
      [...group, ...waiting.splice(0)].forEach((q) => q.reject(error));
      return error;
    }
    if (group.length === 1 || error.retryable) {
      group.forEach((q) => q.reject(error));
      return undefined;
    }
    for (const [i, q] of group.entries()) {
      const busy = await writeGroup(store, [q], waiting);
      if (busy) {
        group.slice(i + 1).forEach((rest) => rest.reject(busy));
        return busy;
      }
    }
    return undefined;
  }
}

/** The first queued window always goes; more join while the group stays within `rows` and `windows`. */
function takeGroup(queue: Queued[], rows: number, windows: number): Queued[] {
  let n = 1;
  let total = rowCount(queue[0].item);
  while (n < queue.length && n < windows && total + rowCount(queue[n].item) <= rows) total += rowCount(queue[n++].item);
  return queue.splice(0, n);
}

/** A store that throws something other than our errors failed in a way it did not foresee: exit 70 with its message. */
function asStoreError(name: string, e: unknown): BmrsError {
  if (e instanceof BmrsError) return e;
  return new StoreFailure(`${name} store failed: ${(e as Error)?.message?.split('\n')[0] ?? String(e)}`, {
    cause: e,
    hint: 'nothing from these windows was stored; check the disk and the store, then run again',
  });
}

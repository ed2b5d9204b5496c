// The window runner: takes any list of windows (a plan's due windows, the ledger's missing ones),
// fetches, verifies, prepares and stores each as one atomic write with its ledger entry, and emits
// events before and after each window. A failed window loads nothing and is a finding in its
// outcome; the windows around it are unaffected. A table we cannot write fails its dataset's
// windows only. What is thrown stops the run before anything is fetched (the store cannot be
// opened: busy, misconfigured, broken) or is a bug.
import type { DayGaps } from './completeness.js';
import type { DatasetSpec } from './datasets.js';
import { BmrsError, SchemaConflictError, StoreBusyError, StoreStopped } from './errors.js';
import { mapPool, slots, type Slots } from './pool.js';
import type { ApiClient, Archive, Clock, WindowTransform } from './ports.js';
import type { LedgerEntry, LedgerStatus, Store, TableHandle, WindowKey, WindowWrite } from './store.js';
import type { ReadyWindow } from './fetch-prepare.js';
import { rowTransform, runWindow } from './run-window.js';
import type { Window } from './windows.js';
import { writeQueue, type WriteQueue } from './write-queue.js';

export interface RunnerDeps {
  readonly api: ApiClient;
  readonly store: Store;
  readonly clock: Clock;
  readonly archive?: Archive;
  /**
   * Does the row work outside the JS thread (the DuckDB SQL transform) when the store reads staged
   * rows; without it, or when it declines a window, the JS path does.
   */
  readonly transform?: WindowTransform;
  /** Written into every ledger entry of this run. */
  readonly runId: string;
  readonly onEvent?: (event: RunEvent) => void;
  /**
   * Windows that may be in the pipeline beside those being fetched (default
   * `writeBehind(concurrency, transformed)`); 0: at most `concurrency` windows, each from its request to its commit.
   */
  readonly writeBehind?: number;
  /**
   * The ledger entry a window had before this run (`backfill --force`): a window refetched with
   * the very body it was loaded from, its rows all still stored, is not written again (core/unchanged.ts).
   */
  readonly previous?: (key: WindowKey) => LedgerEntry | undefined;
}

export interface WindowOutcome {
  readonly window: Window;
  readonly status: LedgerStatus;
  /** Rows the API returned (also for a window rejected after they were received). */
  readonly fetched: number;
  /** Rows that belong to a neighbouring window (shared boundary instants, neighbouring days). */
  readonly outside: number;
  readonly inserted: number;
  /** Already stored, or repeated within the response. */
  readonly skipped: number;
  readonly unknownFields: readonly string[];
  /** Rows stored beside an earlier row with the same natural key and other content. */
  readonly revisions: number;
  /** A settled day that lacks periods or rows (status incomplete): its rows are stored all the same. */
  readonly gaps?: DayGaps;
  readonly error?: BmrsError;
  /** Who did the window's row work (absent when it failed before). */
  readonly rowWork?: ReadyWindow['path'];
  /** Monotonic ms when the window started and finished, for per-dataset durations. */
  readonly started: number;
  readonly finished: number;
}

export type RunEvent =
  | { readonly type: 'planned'; readonly datasets: readonly { readonly dataset: string; readonly windows: number }[] }
  | { readonly type: 'window-started'; readonly window: Window }
  | { readonly type: 'window-finished'; readonly outcome: WindowOutcome };

export async function runWindows(deps: RunnerDeps, windows: readonly Window[], concurrency: number): Promise<WindowOutcome[]> {
  const tables = new Map<DatasetSpec, TableHandle | BmrsError>();
  const totals = new Map<string, number>();
  for (const w of windows) {
    totals.set(w.dataset.code, (totals.get(w.dataset.code) ?? 0) + 1);
    // Per dataset, inside the error handling: a table we cannot write fails that dataset's windows only.
    if (!tables.has(w.dataset)) tables.set(w.dataset, await openTable(deps.store, w.dataset));
  }
  deps.onEvent?.({ type: 'planned', datasets: [...totals].map(([dataset, n]) => ({ dataset, windows: n })) });
  /** Windows started and not yet handed to the write queue (nor settled without it). */
  let preparing = 0;
  const behind = deps.writeBehind ?? writeBehind(concurrency, rowTransform(deps) !== undefined);
  const { fillGroups, fillStagedGroups } = deps.store.capabilities;
  // Staged windows wait for company only in a run longer than the pipeline is deep (a backfill, a
  // long ingest): an update cycle's few windows are each written once ready, as before, so a slow
  // request of one dataset does not hold back the rows of the others.
  const grouping = !fillGroups && fillStagedGroups === true && rowTransform(deps) !== undefined && behind > 0 && windows.length > concurrency + behind;
  const queue = writeQueue(deps.store, concurrency, grouping ? () => preparing > 0 : undefined);
  // Once another process has kept the store past the wait, every later write would wait as long
  // again; once the store has stopped (StoreStopped), it takes nothing more: either way the windows
  // not started yet fail at once with the same error, without asking the API.
  const state: RunState = { busy: undefined };
  const note = (e: unknown): void => {
    if (e instanceof StoreBusyError || e instanceof StoreStopped) state.busy ??= e;
  };
  const busy = (e: unknown): never => {
    note(e);
    throw e;
  };
  const handed = new Map<string, (item: WindowWrite) => void>();
  // A window prepared before the store was found busy fails with the same error, without waiting again.
  const writes: WriteQueue = (item) => {
    const p = state.busy ? Promise.reject(state.busy) : queue(item).catch(busy);
    handed.get(`${item.key.dataset}/${item.key.from}/${item.key.to}`)?.(item);
    return p;
  };
  const fetchSlots = slots(concurrency);
  const fetching: Slots = (task) => fetchSlots(() => (state.busy ? Promise.reject(state.busy) : task().catch(busy)));
  const run = (w: Window) => runWindow(deps, w, tables.get(w.dataset)!, writes, fetching, busy, note);
  if (!fillGroups && !grouping) {
    // `concurrency` bounds the requests in flight; a window holds its request slot only while its
    // request is on the wire (fetch-prepare.ts), so the next windows are fetched while earlier ones
    // are transformed or written (a pipeline, not lockstep), and the SQL transform finds several
    // windows waiting for one statement. At most `writeBehind` more windows are in the pipeline
    // beside those being fetched, which bounds what is held in memory.
    return mapPool(windows, concurrency + behind, run);
  }
  // The store writes full groups (fillGroups), or full groups of staged windows (fillStagedGroups,
  // the pipeline above otherwise): a worker goes on to its next window once this one is queued for
  // writing with no rows in memory (or settled) and no full group waits behind the write in flight
  // (which bounds what is held); a window with rows in memory keeps its worker until it is written.
  // The queue writes what it holds once no window is being fetched or prepared.
  const workers = fillGroups ? concurrency : concurrency + behind;
  const outcomes: Promise<WindowOutcome>[] = [];
  try {
    await mapPool(windows, workers, async (w) => {
      preparing++;
      let left = false;
      const leave = () => {
        if (left) return;
        left = true;
        preparing--;
        // Once the worker has started its next window (microtasks): a batch of the transform hands
        // over several windows at once, and they are not the last ones.
        setImmediate(queue.poke);
      };
      const queued = new Promise<WindowWrite>((resolve) => handed.set(`${w.dataset.code}/${w.from}/${w.to}`, resolve));
      const outcome = run(w);
      outcomes.push(outcome);
      outcome.then(leave, leave);
      await Promise.race([
        outcome,
        queued.then((item): Promise<unknown> => {
          leave();
          return fillGroups || item.rows.length === 0 ? queue.room() : outcome;
        }),
      ]);
    });
  } finally {
    queue.close();
    // A worker is done once its window is queued: after a thrown error, the windows still being
    // written settle before the error reaches the caller, who then closes the store.
    await Promise.allSettled(outcomes);
  }
  return Promise.all(outcomes);
}

/**
 * Windows that may be in the pipeline beside those being fetched: waiting for the SQL transform
 * (which reads all that wait in one statement, up to 8) or for the store (which writes all that
 * wait as one group). With the SQL transform, deep enough that both work in batches: 8 measured
 * 20-23 s for a year of FUELINST, 16 and 24 15 s. Without it (`BMRS_TRANSFORM=js`, a store that
 * does not read staged rows) a waiting window holds its rows in memory, and the depth is kept as
 * it was (the JS path with 16: 546 MiB; docs/benchmarks.md).
 */
export function writeBehind(concurrency: number, transformed = true): number {
  return transformed ? Math.max(16, 4 * concurrency) : Math.max(8, 2 * concurrency);
}

interface RunState {
  busy: StoreBusyError | StoreStopped | undefined;
}

async function openTable(store: Store, dataset: DatasetSpec): Promise<TableHandle | BmrsError> {
  try {
    return await store.openTable(dataset);
  } catch (e) {
    if (e instanceof SchemaConflictError) return e;
    throw e;
  }
}

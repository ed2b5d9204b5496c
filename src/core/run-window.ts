// One window through the runner (runner.ts): fetched, verified and prepared (fetch-prepare.ts),
// archived where asked, then handed to the write queue with its ledger record; a failure is
// recorded in the ledger so that a repair finds it, and is the window's outcome, not the run's.
import { describeGaps, isSettled } from './completeness.js';
import { BmrsError, InternalError, StoreBusyError, StoreStopped } from './errors.js';
import type { WindowTransform } from './ports.js';
import { fetchAndPrepare, type ReadyWindow } from './fetch-prepare.js';
import type { LedgerRecord, LedgerStatus, TableHandle, WindowKey } from './store.js';
import { unchangedCheck } from './unchanged.js';
import { columnsMd5, ROW_WORK_VERSION, type WindowDigest } from './digest.js';
import type { Slots } from './pool.js';
import type { RunnerDeps, WindowOutcome } from './runner.js';
import type { Window } from './windows.js';
import type { WriteQueue } from './write-queue.js';

/** The SQL transform, where the run has one and its store reads staged rows; else the JS path does the row work. */
export function rowTransform(deps: RunnerDeps): WindowTransform | undefined {
  return deps.store.capabilities.readsStaged ? deps.transform : undefined;
}

export async function runWindow(
  deps: RunnerDeps,
  window: Window,
  table: TableHandle | BmrsError,
  writes: WriteQueue,
  fetching: Slots,
  busy: (e: unknown) => never,
  note: (e: unknown) => void,
): Promise<WindowOutcome> {
  const started = deps.clock.monotonic();
  deps.onEvent?.({ type: 'window-started', window });
  const key: WindowKey = { dataset: window.dataset.code, from: window.from, to: window.to };
  const finish = (o: Omit<WindowOutcome, 'window' | 'started' | 'finished'>): WindowOutcome => {
    const outcome = { window, started, finished: deps.clock.monotonic(), ...o };
    deps.onEvent?.({ type: 'window-finished', outcome });
    return outcome;
  };
  if (table instanceof BmrsError) return finish(failure(table, 0));
  const failed = async (error: BmrsError, fetched: number): Promise<WindowOutcome> => {
    // Record the failure so a repair finds it; if the store cannot take even that (or is held by
    // another process, where trying again would only wait again), the window is simply missing
    // from the ledger, which a repair treats the same way.
    if (!(error instanceof StoreBusyError || error instanceof StoreStopped)) {
      const ledger = record(deps, 'failed', fetched, error);
      await writes({ table: table.name, key, columns: table.columns, rows: [], bounds: null, ledger }).catch(() => undefined);
    }
    return finish(failure(error, fetched));
  };

  let fetched = 0;
  let ready: ReadyWindow;
  try {
    const transform = rowTransform(deps);
    // Once another process has kept the store past the wait, the windows not fetched yet fail at
    // once with the same error, without asking the API (`fetching` rejects with it).
    // Its read of the store counts as the store's answer: held past the wait, the run stops asking.
    const check = unchangedCheck(deps.store, table, window, deps.previous?.(key));
    const unchanged = check && ((hash: string) => check(hash).catch(busy));
    const got = await fetchAndPrepare({ api: deps.api, transform, requests: fetching }, window, table, deps.clock.nowMicros(), (n) => (fetched = n), unchanged);
    ready = got.ready;
    if (deps.archive) {
      // A window that cannot be archived fails: its staged rows are let go at once.
      await archiving(async () => deps.archive!.save(window, await got.body())).catch(async (e: unknown) => {
        await got.ready.dispose();
        throw e;
      });
    }
  } catch (e) {
    if (!(e instanceof BmrsError)) throw e;
    note(e); // the SQL transform finds the engines stopped (StoreStopped): the run stops too
    return failed(e, fetched);
  }

  const same = ready.path.by === 'unchanged';
  const gaps = !same && isSettled(window.dataset, window, deps.clock.now()) ? ready.gaps(window.days!.from) : null;
  const status: LedgerStatus = gaps ? 'incomplete' : same || ready.count > 0 ? 'loaded' : 'empty';
  const prior = same ? deps.previous!(key)!.digest! : undefined;
  const digest: WindowDigest | undefined =
    status === 'empty'
      ? undefined
      : prior ?? { version: ROW_WORK_VERSION, body: ready.bodyHash, columns: columnsMd5(table.columns), loadedAt: deps.clock.now(), ...ready.keys, bounds: ready.bounds };
  try {
    const { inserted, skipped } = await writes({
      table: table.name,
      key,
      columns: table.columns,
      rows: ready.rows,
      ...(ready.staged ? { staged: ready.staged } : {}),
      bounds: ready.bounds,
      ledger: {
        ...record(deps, status, ready.fetched),
        ...(gaps ? { detail: describeGaps(gaps) } : {}),
        ...(digest ? { digest } : {}),
        ...(same ? { alreadyStored: ready.keys.count } : {}),
      },
    });
    return finish({
      status,
      fetched: ready.fetched,
      outside: ready.outside,
      inserted,
      // An unchanged window's rows are all stored already: skipped, every one.
      skipped: skipped + ready.repeated + (same ? ready.keys.count : 0),
      revisions: ready.revisions,
      unknownFields: ready.unknownFields,
      rowWork: ready.path,
      ...(gaps ? { gaps } : {}),
    });
  } catch (e) {
    if (!(e instanceof BmrsError)) throw e;
    return failed(e, ready.fetched);
  } finally {
    await ready.dispose();
  }
}

function failure(error: BmrsError, fetched: number): Omit<WindowOutcome, 'window' | 'started' | 'finished'> {
  return { status: 'failed', fetched, outside: 0, inserted: 0, skipped: 0, revisions: 0, unknownFields: [], error };
}

function record(deps: RunnerDeps, status: LedgerStatus, fetched: number, error?: BmrsError): LedgerRecord {
  return {
    status,
    fetched,
    runId: deps.runId,
    at: deps.clock.now(),
    ...(error ? { error: { exitCode: error.exitCode, message: error.message } } : {}),
  };
}

/** A failure to archive is this window's failure (exit 70), not a crash of the whole run. */
async function archiving(task: () => Promise<void>): Promise<void> {
  try {
    await task();
  } catch (e) {
    if (e instanceof BmrsError) throw e;
    throw new InternalError(`archive failed: ${(e as Error).message.split('\n')[0]}`, {
      cause: e,
      hint: 'nothing from this window was stored; check the disk and the archive folder, then run again',
    });
  }
}

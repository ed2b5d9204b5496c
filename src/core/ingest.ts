// The ingest use case: for each dataset, plan its windows, then fetch, verify, prepare and store each
// window as one atomic batch. A failed window loads nothing and is reported; the windows around it
// are unaffected. Failures are findings in the report, not exceptions; only bugs are thrown.
import type { DatasetSpec } from './datasets.js';
import { decodeRows } from './decode.js';
import { BmrsError, InternalError } from './errors.js';
import type { ApiClient, Archive, Clock, Sink } from './ports.js';
import { prepareBatch } from './prepare.js';
import { planWindows, type Range, type Window } from './windows.js';

export interface IngestDeps {
  readonly api: ApiClient;
  readonly sink: Sink;
  readonly clock: Clock;
  readonly archive?: Archive;
  /** Called after each window, loaded or failed (progress output). */
  readonly onWindow?: (outcome: WindowOutcome) => void;
}

export interface IngestRequest {
  readonly datasets: readonly DatasetSpec[];
  readonly range: Range;
  /** Windows fetched at once per dataset. Writes are always one at a time. */
  readonly concurrency: number;
}

export interface WindowOutcome {
  readonly window: Window;
  readonly fetched: number;
  /** Rows that belong to a neighbouring window (shared boundary instants, neighbouring days). */
  readonly outside: number;
  readonly inserted: number;
  readonly skipped: number;
  readonly unknownFields: readonly string[];
  readonly error?: BmrsError;
}

export interface DatasetReport {
  readonly dataset: string;
  readonly table: string;
  readonly windows: number;
  /** Windows that start after now: not fetched, nothing can have been published for them yet. */
  readonly pending: number;
  /** Whether the last fetched window reaches past now, so later runs will add to it. */
  readonly partial: boolean;
  readonly fetched: number;
  readonly outside: number;
  readonly inserted: number;
  /** Already stored, or repeated within a response. */
  readonly skipped: number;
  readonly seconds: number;
  readonly unknownFields: readonly string[];
  readonly failures: readonly { readonly window: Window; readonly error: BmrsError }[];
}

export async function ingest(deps: IngestDeps, req: IngestRequest): Promise<DatasetReport[]> {
  const reports: DatasetReport[] = [];
  const writes = serial();
  for (const dataset of req.datasets) {
    const started = deps.clock.monotonic();
    const now = deps.clock.now();
    const planned = planWindows(dataset, req.range);
    const windows = planned.filter((w) => w.from < now);
    await deps.sink.ensureTable(dataset);
    const outcomes = await mapPool(windows, req.concurrency, (w) => loadWindow(deps, w, writes));
    const seconds = (deps.clock.monotonic() - started) / 1000;
    const partial = windows.length > 0 && windows[windows.length - 1].to > now;
    reports.push(summarise(dataset, planned.length, planned.length - windows.length, partial, outcomes, seconds));
  }
  return reports;
}

async function loadWindow(deps: IngestDeps, window: Window, writes: Serial): Promise<WindowOutcome> {
  let outcome: WindowOutcome;
  try {
    const stream = window.path.endsWith('/stream');
    const { raws, body } = await deps.api.fetch(window.path, window.query, (body, type) => ({
      raws: decodeRows(window.dataset, stream, body, type),
      body,
    }));
    const prepared = prepareBatch(window, raws, deps.clock.nowMicros());
    if (deps.archive) await storing('archive', () => deps.archive!.save(window, body));
    const written = await writes(() => storing(deps.sink.name, () => deps.sink.write(prepared.batch)));
    outcome = {
      window,
      fetched: prepared.fetched,
      outside: prepared.outside,
      inserted: written.inserted,
      skipped: written.skipped + prepared.repeated,
      unknownFields: prepared.unknownFields,
    };
  } catch (e) {
    if (!(e instanceof BmrsError)) throw e;
    outcome = { window, fetched: 0, outside: 0, inserted: 0, skipped: 0, unknownFields: [], error: e };
  }
  deps.onWindow?.(outcome);
  return outcome;
}

/** A failure to store is this window's failure (exit 70), not a crash of the whole run. */
async function storing<T>(what: string, task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (e) {
    if (e instanceof BmrsError) throw e;
    throw new InternalError(`${what} failed: ${(e as Error).message.split('\n')[0]}`, {
      cause: e,
      hint: 'nothing from this window was stored; check the disk and the store, then run again',
    });
  }
}

function summarise(
  dataset: DatasetSpec,
  windows: number,
  pending: number,
  partial: boolean,
  outcomes: WindowOutcome[],
  seconds: number,
): DatasetReport {
  const unknown = new Set<string>();
  const failures: { window: Window; error: BmrsError }[] = [];
  let fetched = 0, outside = 0, inserted = 0, skipped = 0;
  for (const o of outcomes) {
    fetched += o.fetched;
    outside += o.outside;
    inserted += o.inserted;
    skipped += o.skipped;
    o.unknownFields.forEach((f) => unknown.add(f));
    if (o.error) failures.push({ window: o.window, error: o.error });
  }
  return {
    dataset: dataset.code, table: dataset.table, windows, pending, partial, fetched, outside, inserted, skipped, seconds,
    unknownFields: [...unknown], failures,
  };
}

type Serial = <T>(task: () => Promise<T>) => Promise<T>;

/** Runs tasks one at a time, in the order they were queued. */
function serial(): Serial {
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * Maps items with at most `limit` tasks in flight; results keep the input order. After a task
 * throws, no new task starts and the error is re-thrown once the tasks in flight have settled,
 * so nothing is still writing when the caller closes the sink.
 */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        results[i] = await fn(items[i]);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed) throw failed.error;
  return results;
}

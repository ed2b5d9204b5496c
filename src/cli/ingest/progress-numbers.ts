// The numbers behind the progress display, from the runner's events: per dataset, windows done of
// their total, rows inserted, rows per second and the time left. Pure: the clock is passed in, and
// nothing here renders; progress.ts draws these numbers as bars or plain lines.
import type { RunEvent } from '../../core/runner.js';

export interface DatasetProgress {
  readonly dataset: string;
  /** Windows planned for the dataset in this run. */
  readonly total: number;
  /** Windows finished, failed ones included. */
  readonly done: number;
  readonly failed: number;
  /** Rows inserted (duplicates skipped are not counted). */
  readonly rows: number;
  /** Since its first window started, up to now or, once all are done, to the last one's end. */
  readonly elapsedMs: number;
  /** Undefined until a window has finished and time has passed. */
  readonly rowsPerSecond: number | undefined;
  /** Time left at the pace so far; undefined until a window has finished; 0 once all are done. */
  readonly etaMs: number | undefined;
}

export interface ProgressNumbers {
  onEvent(event: RunEvent): void;
  /** The datasets in the order they were planned. */
  snapshot(): DatasetProgress[];
}

interface Tally {
  total: number;
  done: number;
  failed: number;
  rows: number;
  started: number | undefined;
  finished: number | undefined;
}

/** `now` is a monotonic clock in milliseconds. */
export function progressNumbers(now: () => number): ProgressNumbers {
  const tallies = new Map<string, Tally>();
  return {
    onEvent(e) {
      if (e.type === 'planned') {
        for (const d of e.datasets) tallies.set(d.dataset, { total: d.windows, done: 0, failed: 0, rows: 0, started: undefined, finished: undefined });
        return;
      }
      const t = tallies.get(e.type === 'window-started' ? e.window.dataset.code : e.outcome.window.dataset.code);
      if (!t) return;
      if (e.type === 'window-started') {
        t.started ??= now();
        return;
      }
      t.started ??= now();
      t.done++;
      if (e.outcome.status === 'failed') t.failed++;
      t.rows += e.outcome.inserted;
      if (t.done >= t.total) t.finished = now();
    },
    snapshot() {
      const at = now();
      return [...tallies].map(([dataset, t]) => {
        const elapsedMs = t.started === undefined ? 0 : (t.finished ?? at) - t.started;
        const rowsPerSecond = t.done > 0 && elapsedMs > 0 ? (t.rows * 1000) / elapsedMs : undefined;
        const etaMs = t.done >= t.total ? 0 : t.done > 0 ? (elapsedMs / t.done) * (t.total - t.done) : undefined;
        return { dataset, total: t.total, done: t.done, failed: t.failed, rows: t.rows, elapsedMs, rowsPerSecond, etaMs };
      });
    },
  };
}

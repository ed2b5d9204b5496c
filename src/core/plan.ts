// Planning, pure: which windows a run fetches. Windows that start after now are pending (nothing can
// have been published for them yet); a window that reaches past now is partial (a later run adds to it).
import { publicationOver } from './completeness.js';
import type { DatasetSpec } from './datasets.js';
import { planWindows, type Range, type Window } from './windows.js';

export interface DatasetPlan {
  readonly dataset: DatasetSpec;
  /** Every window of the range, due or not. */
  readonly planned: number;
  /** The windows to fetch now, oldest first. */
  readonly due: readonly Window[];
  /** Windows that start at or after now: not fetched. */
  readonly pending: number;
  /** Whether the last due window is not wholly published yet (it reaches past now, or past now less the dataset's lag). */
  readonly partial: boolean;
}

export function planIngest(datasets: readonly DatasetSpec[], range: Range, now: number): DatasetPlan[] {
  return datasets.map((dataset) => {
    const all = planWindows(dataset, range);
    const due = all.filter((w) => w.from < now);
    return {
      dataset,
      planned: all.length,
      due,
      pending: all.length - due.length,
      partial: due.length > 0 && !publicationOver(dataset, due[due.length - 1], now),
    };
  });
}

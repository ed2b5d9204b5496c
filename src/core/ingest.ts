// The ingest use case, composed: plan the range, run the due windows, summarise per dataset.
// The CLI composes the same three steps itself (it renders the plan for --dry-run and the events as progress).
import type { DatasetSpec } from './datasets.js';
import { planIngest } from './plan.js';
import { summarise, type DatasetReport } from './report.js';
import { runWindows, type RunnerDeps } from './runner.js';
import type { Range } from './windows.js';

export interface IngestRequest {
  readonly datasets: readonly DatasetSpec[];
  readonly range: Range;
  /** Windows fetched at once (across datasets). Writes follow the store's capabilities. */
  readonly concurrency: number;
}

export async function ingest(deps: RunnerDeps, req: IngestRequest): Promise<DatasetReport[]> {
  const plans = planIngest(req.datasets, req.range, deps.clock.now());
  const outcomes = await runWindows(deps, plans.flatMap((p) => p.due), req.concurrency);
  return summarise(plans, outcomes);
}

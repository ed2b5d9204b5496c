// The ingest use case: plan the range, run the due windows, summarise per dataset. The CLI plans
// first itself (it prints the plan for --dry-run) and then runs the same `runPlans`.
import type { DatasetSpec } from './datasets.js';
import { planIngest, type DatasetPlan } from './plan.js';
import { summarise, type DatasetReport } from './report.js';
import { runWindows, type RunnerDeps } from './runner.js';
import type { Range } from './windows.js';

export interface IngestRequest {
  readonly datasets: readonly DatasetSpec[];
  readonly range: Range;
  /** Windows fetched at once (across datasets). Writes follow the store's capabilities. */
  readonly concurrency: number;
}

export function ingest(deps: RunnerDeps, req: IngestRequest): Promise<DatasetReport[]> {
  return runPlans(deps, planIngest(req.datasets, req.range, deps.clock.now()), req.concurrency);
}

/** Runs the due windows of every plan, several datasets side by side, and reports per dataset. */
export async function runPlans(deps: RunnerDeps, plans: readonly DatasetPlan[], concurrency: number): Promise<DatasetReport[]> {
  const outcomes = await runWindows(deps, plans.flatMap((p) => p.due), concurrency);
  return summarise(plans, outcomes);
}

// Renders a backfill's plan (--plan) and the command that repairs what a run left short.
import type { BackfillMode, BackfillPlan } from '../../core/backfill-plan.js';
import { num, table, writeJson } from '../render.js';
import type { BackfillOptions } from './run.js';

export function printPlan(plan: BackfillPlan, mode: BackfillMode, json: boolean): void {
  const rows = plan.datasets.map((d) => d.summary);
  if (json) {
    writeJson({ mode, datasets: rows });
    return;
  }
  const cell = (n: number | null) => (n === null ? '?' : num(n));
  process.stdout.write(
    table(
      ['DATASET', 'WINDOWS', 'PENDING', 'LOADED', 'EMPTY', 'INCOMPLETE', 'FAILED', 'MISSING', `TO FETCH (${mode})`, 'REQUESTS', 'EXPECTED ROWS'],
      rows.map((s) => [s.dataset, cell(s.planned), cell(s.pending), cell(s.loaded), cell(s.empty), cell(s.incomplete), cell(s.failed), cell(s.missing), cell(s.toFetch), cell(s.requests), cell(s.expectedRows)]),
    ),
  );
  if (rows.some((s) => s.expectedRows === null && s.toFetch > 0)) {
    process.stdout.write('? expected rows depend on what the API sends: the set of each period (fuel types, providers), or a dataset with no fixed cadence\n');
  }
}

/** The same backfill with --repair: fetches only what the ledger shows missing, failed or short. */
export function repairCommand(opts: BackfillOptions): string {
  return `${resumeCommand(opts)} --repair`;
}

/** The same backfill without --force or --repair: it fetches what the ledger does not have yet. */
export function resumeCommand(opts: BackfillOptions): string {
  const parts = ['bmrs backfill', `--dataset ${(opts.dataset ?? []).join(',')}`, `--from ${opts.from}`];
  if (opts.to) parts.push(`--to ${opts.to}`);
  if (opts.db) parts.push(`--db ${opts.db}`);
  return parts.join(' ');
}

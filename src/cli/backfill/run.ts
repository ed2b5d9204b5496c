// Composes `bmrs backfill`: the ingest plan, minus what the ledger shows done (core/backfill-plan.ts),
// through the same window runner as ingest, with progress and a report that names the repair command.
import { loadConfig } from '../../config.js';
import { addDays } from '../../core/calendar.js';
import { hasSettlementDate, type DatasetSpec } from '../../core/datasets.js';
import { checkLoadedAgainstStore } from '../../core/ledger-check.js';
import { planBackfill, type BackfillMode } from '../../core/backfill-plan.js';
import { EXIT, UsageError } from '../../core/errors.js';
import { runPlans } from '../../core/ingest.js';
import { planIngest } from '../../core/plan.js';
import { parseDatasets, parseRange } from '../../core/range.js';
import { exitCodeOf } from '../../core/report.js';
import { randomUUID } from 'node:crypto';
import type { WindowTransform } from '../../core/ports.js';
import type { WindowKey } from '../../core/store.js';
import { apiClientOf, clockOf, openDefaultStore, parseConcurrency, progressAndStore, transformOf, type OpenStore } from '../compose.js';
import { printReports, reportJson } from '../ingest/report.js';
import { style, writeJson } from '../render.js';
import { printPlan, repairCommand, resumeCommand } from './report.js';
import { setResumeCommand } from '../signals.js';

export interface BackfillOptions {
  dataset?: string[];
  /** Dataset groups (`--group transparency`), added to --dataset. */
  group?: string[];
  from?: string;
  to?: string;
  db?: string;
  sink?: string;
  acceptHashMismatch?: boolean;
  apiBase?: string;
  concurrency: string;
  plan?: boolean;
  repair?: boolean;
  force?: boolean;
  allowIncomplete?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export async function runBackfill(opts: BackfillOptions, openStore: OpenStore = openDefaultStore): Promise<number> {
  const config = loadConfig({ db: opts.db, apiBase: opts.apiBase, sink: opts.sink, acceptHashMismatch: opts.acceptHashMismatch });
  const clock = clockOf(config);
  const datasets = parseDatasets(opts.dataset, opts.group);
  if (opts.from === undefined) throw new UsageError('backfill needs --from', { hint: 'for example --from 2016-01-01 (--to defaults to today)' });
  const range = parseRange(opts.from, opts.to, clock.now());
  const concurrency = parseConcurrency(opts.concurrency);
  const mode: BackfillMode = opts.repair ? 'repair' : opts.force ? 'force' : 'resume';

  setResumeCommand(opts.repair ? repairCommand(opts) : resumeCommand(opts));
  const { progress, store } = await progressAndStore(config, clock, opts, openStore);
  let transform: WindowTransform | undefined;
  try {
    const ingestPlans = planIngest(datasets, range, clock.now());
    const ledger = (
      await Promise.all(
        datasets.map(async (d) => {
          const entries = await store.ledger({ dataset: d.code });
          // --repair also trusts the table over the ledger: a loaded day whose rows are gone is fetched again.
          if (mode !== 'repair' || range.kind !== 'days' || !hasSettlementPeriods(d)) return entries;
          return checkLoadedAgainstStore(entries, await store.periodCounts(d, range.from, addDays(range.to, -1)));
        }),
      )
    ).flat();
    const plan = planBackfill(ingestPlans, ledger, mode, clock.now());
    if (opts.plan) {
      printPlan(plan, mode, opts.json === true);
      return EXIT.ok;
    }
    const picked = ingestPlans.map((p) => ({ ...p, due: plan.datasets.find((d) => d.dataset === p.dataset)!.windows }));
    // --force: a window refetched with the body it was loaded from, its rows all stored, is not written again.
    const byWindow = new Map(ledger.map((e) => [`${e.dataset}|${e.from}|${e.to}`, e]));
    const previous = mode === 'force' ? (k: WindowKey) => byWindow.get(`${k.dataset}|${k.from}|${k.to}`) : undefined;
    const reports = await runPlans(
      { api: apiClientOf(config, opts.apiBase), store, clock, runId: randomUUID(), onEvent: progress.onEvent, transform: (transform = await transformOf(config, store)), writeBehind: config.writeBehind, previous },
      picked,
      concurrency,
    );
    progress.done();
    const code = exitCodeOf(reports, opts.allowIncomplete === true);
    const skipped = plan.datasets.map((d) => ({ dataset: d.dataset.code, done: d.summary.due - d.summary.toFetch }));
    // The run's peak resident memory, and how often the governor had DuckDB give memory back to stay near its target.
    // The target is null when no governor ran (the JS path, the BigQuery store: no SQL transform).
    const governed = transform?.memoryPurges !== undefined;
    const memory = { peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), targetMiB: governed ? config.memoryTargetMiB : null, purges: transform?.memoryPurges?.() ?? 0 };
    if (opts.json) writeJson({ ...reportJson(reports, store.location, code), mode, alreadyDone: skipped, memory });
    else {
      for (const s of skipped) if (s.done) process.stderr.write(`${style.dim(`note: ${s.dataset}: ${s.done} window(s) already done per the ledger, not fetched (--force fetches them again)`)}\n`);
      printReports(reports, store.location);
    }
    if (code !== EXIT.ok && reports.some((r) => r.failures.length || r.incomplete.length)) {
      process.stderr.write(`${style.dim(`to fetch what is missing: ${repairCommand(opts)}`)}\n`);
    }
    return code;
  } finally {
    progress.done();
    await store.close();
    await transform?.close();
  }
}

const hasSettlementPeriods = (d: DatasetSpec): boolean => hasSettlementDate(d) && d.columns.some((c) => c.name === 'settlementPeriod');

// Composes `bmrs ingest`: configuration, plan, the HTTP client, the store, the window runner, the
// report. The use cases decide outcomes and the exit code; this file only wires and renders.
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { createArchive, type ArchiveLayout } from '../../adapters/archive.js';
import { fixedClock, systemClock } from '../../adapters/clock.js';
import { createHttpClient } from '../../adapters/http.js';
import { loadConfig, type Config } from '../../config.js';
import { EXIT, UsageError } from '../../core/errors.js';
import { planIngest } from '../../core/plan.js';
import { parseDatasets, parseRange } from '../../core/range.js';
import { exitCodeOf } from '../../core/report.js';
import { runPlans } from '../../core/ingest.js';
import type { Store } from '../../core/store.js';
import { VERSION } from '../../version.js';
import { style } from '../render.js';
import { progressMode, progressReporter } from './progress.js';
import { printDryRun, printReports, reportJson } from './report.js';
import { writeJson } from '../render.js';

export interface IngestOptions {
  dataset?: string[];
  from?: string;
  to?: string;
  db?: string;
  apiBase?: string;
  archive?: string;
  /** 'fetch-script' for the old script's --data-dir layout; default 'bmrs' (--archive). */
  archiveLayout?: ArchiveLayout;
  concurrency: string;
  /** Printed on stderr as `note: ...` once the options are found valid (the old script's flags). */
  notes?: readonly string[];
  json?: boolean;
  allowIncomplete?: boolean;
  dryRun?: boolean;
  quiet?: boolean;
}

/** Where the store comes from; tests pass one with hooks. */
export type OpenStore = (config: Config, onWait: (holder: string) => void) => Promise<Store>;

const openDefaultStore: OpenStore = async (config, onWait) => {
  const { openDuckDbStore } = await import('../../sinks/duckdb.js');
  return openDuckDbStore(config.duckdbPath, { waitMs: config.storeWaitMs, onWait });
};

export async function runIngest(opts: IngestOptions, openStore: OpenStore = openDefaultStore): Promise<number> {
  const config = loadConfig({ db: opts.db, apiBase: opts.apiBase });
  const clock = config.now === undefined ? systemClock() : fixedClock(config.now);
  const datasets = parseDatasets(opts.dataset);
  const range = parseRange(opts.from, opts.to, clock.now());
  const concurrency = Number(opts.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 32, got ${opts.concurrency}`);
  }
  const plans = planIngest(datasets, range, clock.now());
  for (const note of opts.notes ?? []) process.stderr.write(`${style.dim(`note: ${note}`)}\n`);
  if (opts.dryRun) {
    printDryRun(plans, config.apiBase, opts.json === true);
    return EXIT.ok;
  }

  if (opts.archive) await checkWritableDir(opts.archive, opts.archiveLayout === 'fetch-script' ? '--data-dir' : '--archive');
  const progress = progressReporter(
    progressMode({ quiet: opts.quiet === true, json: opts.json === true, stderrIsTTY: process.stderr.isTTY === true, everyMs: config.progressMs }),
    clock.monotonic,
  );
  const store = await openStore(config, (holder) => {
    if (opts.quiet !== true) progress.note(style.dim(`waiting up to ${Math.round(config.storeWaitMs / 1000)} s for the store, held by ${holder}`));
  });
  try {
    const reports = await runPlans(
      {
        api: createHttpClient({
          base: config.apiBase,
          source: opts.apiBase === undefined ? 'BMRS_API_BASE' : '--api-base',
          proxy: config.proxy,
          timeoutMs: config.timeoutMs,
          retry: config.retry,
          userAgent: `bmrs/${VERSION}`,
        }),
        store,
        clock,
        archive: opts.archive ? createArchive(opts.archive, opts.archiveLayout) : undefined,
        runId: randomUUID(),
        onEvent: progress.onEvent,
      },
      plans,
      concurrency,
    );
    progress.done();
    const code = exitCodeOf(reports, opts.allowIncomplete === true);
    if (opts.json) writeJson(reportJson(reports, store.location, code));
    else printReports(reports, store.location);
    return code;
  } finally {
    progress.done();
    await store.close();
  }
}

/** Refuse an archive folder that cannot be written before anything is fetched. */
async function checkWritableDir(dir: string, flag: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (e) {
    throw new UsageError(`cannot write the archive folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      hint: `point ${flag} at a writable folder`,
    });
  }
}

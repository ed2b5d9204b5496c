// Composes `bmrs ingest`: configuration, plan, the HTTP client, the store, the window runner, the
// report. The use cases decide outcomes and the exit code; this file only wires and renders.
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { createArchive, type ArchiveLayout } from '../../adapters/archive.js';
import { loadConfig } from '../../config.js';
import { EXIT, UsageError } from '../../core/errors.js';
import { planIngest, type DatasetPlan } from '../../core/plan.js';
import { parseDatasets, parseRange } from '../../core/range.js';
import { exitCodeOf } from '../../core/report.js';
import { runPlans } from '../../core/ingest.js';
import { apiClientOf, clockOf, openDefaultStore, parseConcurrency, progressAndStore, transformOf, type OpenStore } from '../compose.js';
import { style } from '../render.js';
import { printDryRun, printReports, reportJson } from './report.js';
import { writeJson } from '../render.js';
import { makeDirs } from '../../platform/dirs.js';

export interface IngestOptions {
  dataset?: string[];
  /** Dataset groups (`--group realtime,balancing`), added to --dataset. */
  group?: string[];
  from?: string;
  to?: string;
  db?: string;
  sink?: string;
  acceptHashMismatch?: boolean;
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
  /** Per-dataset ranges, `CODE=FROM/TO` (instead of --dataset, --from and --to). */
  window?: string[];
}

export async function runIngest(opts: IngestOptions, openStore: OpenStore = openDefaultStore): Promise<number> {
  const config = loadConfig({ db: opts.db, apiBase: opts.apiBase, sink: opts.sink, acceptHashMismatch: opts.acceptHashMismatch });
  const clock = clockOf(config);
  const concurrency = parseConcurrency(opts.concurrency);
  const plans = opts.window ? windowPlans(opts, clock.now()) : planIngest(parseDatasets(opts.dataset, opts.group), parseRange(opts.from, opts.to, clock.now()), clock.now());
  for (const note of opts.notes ?? []) process.stderr.write(`${style.dim(`note: ${note}`)}\n`);
  if (opts.dryRun) {
    printDryRun(plans, config.apiBase, opts.json === true);
    return EXIT.ok;
  }

  if (opts.archive) await checkWritableDir(opts.archive, opts.archiveLayout === 'fetch-script' ? '--data-dir' : '--archive');
  const { progress, store } = await progressAndStore(config, clock, opts, openStore);
  const transform = await transformOf(config, store);
  try {
    const reports = await runPlans(
      {
        api: apiClientOf(config, opts.apiBase),
        store,
        clock,
        archive: opts.archive ? createArchive(opts.archive, opts.archiveLayout) : undefined,
        runId: randomUUID(),
        onEvent: progress.onEvent,
        transform,
        writeBehind: config.writeBehind,
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
    await transform?.close();
  }
}

/** One plan per `--window CODE=FROM/TO`: each dataset with its own range, all run side by side. */
function windowPlans(opts: IngestOptions, now: number): DatasetPlan[] {
  if (opts.dataset || opts.group || opts.from !== undefined || opts.to !== undefined) {
    throw new UsageError('--window gives each dataset its own range: leave out --dataset, --from and --to');
  }
  return opts.window!.flatMap((spec) => {
    const m = /^([^=]+)=([^/]+)\/(.+)$/.exec(spec);
    if (!m) throw new UsageError(`--window must be CODE=FROM/TO, got: ${spec}`, { hint: 'for example --window FUELINST=2025-10-27T12:00:00Z/2025-10-27T12:15:00Z' });
    return planIngest(parseDatasets([m[1]]), parseRange(m[2], m[3], now), now);
  });
}

/** Refuse an archive folder that cannot be written before anything is fetched. */
async function checkWritableDir(dir: string, flag: string): Promise<void> {
  try {
    await makeDirs(dir);
    await access(dir, constants.W_OK);
  } catch (e) {
    throw new UsageError(`cannot write the archive folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      hint: `point ${flag} at a writable folder`,
    });
  }
}

// Wiring shared by the commands that load windows (ingest, backfill): the clock, the API client, the
// store, and the checks of the flags they have in common.
import { setFlagsFromString } from 'node:v8';
import { fixedClock, systemClock } from '../adapters/clock.js';
import { createHttpClient } from '../adapters/http.js';
import type { Config } from '../config.js';
import { UsageError } from '../core/errors.js';
import type { ApiClient, Clock, WindowTransform } from '../core/ports.js';
import type { Store } from '../core/store.js';
import { VERSION } from '../version.js';
import { progressMode, progressReporter, type Progress } from './ingest/progress.js';
import { style } from './render.js';

/** Where the store comes from; tests pass one with hooks. */
export type OpenStore = (config: Config, onWait: (holder: string) => void) => Promise<Store>;

export const openDefaultStore: OpenStore = async (config, onWait) => {
  const { openConfiguredStore } = await import('./open-store.js');
  return openConfiguredStore(config, onWait);
};

/**
 * The SQL transform, unless BMRS_TRANSFORM=js or the store does not read staged rows (BigQuery):
 * then the JS path does the row work, and V8's young generation may grow again (bin/bmrs.js keeps
 * it small, which suits the SQL transform's small allocations; the JS path's rows it would promote,
 * 20% slower). V8 reads the factor whenever it would grow the generation; 2 is its default.
 */
export async function transformOf(config: Config, store: Store): Promise<WindowTransform | undefined> {
  if (config.transform === 'js' || !store.capabilities.readsStaged) {
    setFlagsFromString('--semi-space-growth-factor=2');
    return undefined;
  }
  const { duckDbTransform } = await import('../transform/duckdb-transform.js');
  return duckDbTransform({ memoryTargetMiB: config.memoryTargetMiB });
}

export function clockOf(config: Config): Clock {
  return config.now === undefined ? systemClock() : fixedClock(config.now);
}

export function apiClientOf(config: Config, apiBaseFlag: string | undefined): ApiClient {
  return createHttpClient({
    base: config.apiBase,
    source: apiBaseFlag === undefined ? 'BMRS_API_BASE' : '--api-base',
    proxy: config.proxy,
    timeoutMs: config.timeoutMs,
    retry: config.retry,
    userAgent: `bmrs/${VERSION}`,
  });
}

export function parseConcurrency(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 32) throw new UsageError(`--concurrency must be a whole number from 1 to 32, got ${text}`);
  return n;
}

/** The progress display and the store of a loading run; the store's waits are noted above the bars. */
export async function progressAndStore(
  config: Config,
  clock: Clock,
  opts: { quiet?: boolean; json?: boolean },
  openStore: OpenStore,
): Promise<{ progress: Progress; store: Store }> {
  const progress = progressReporter(
    progressMode({ quiet: opts.quiet === true, json: opts.json === true, stderrIsTTY: process.stderr.isTTY === true, everyMs: config.progressMs }),
    clock.monotonic,
  );
  const store = await openStore(config, (holder) => {
    if (opts.quiet !== true) progress.note(style.dim(`waiting up to ${Math.round(config.storeWaitMs / 1000)} s for the store, held by ${holder}`));
  });
  return { progress, store };
}

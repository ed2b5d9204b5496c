// Composes `bmrs update`, one cycle of the real-time job: the lock, the window of each dataset from
// the store's latest rows (read through the store port, closed again before the child starts so that
// it can write), `bmrs ingest` as a child process, freshness, the log and the ping. The decisions
// (windows, cap, exit code) are core/update-plan.ts; this file wires and words them.
import { existsSync } from 'node:fs';
import { storeLocation } from '../open-store.js';
import { childEnv, loadConfig, loadUpdateEnv, type Config } from '../../config.js';
import { toIsoZ } from '../../core/calendar.js';
import { isBmrsError, UsageError } from '../../core/errors.js';
import { checkFreshness, eventTimeOf, type Freshness } from '../../core/freshness.js';
import { planUpdateWindow, updateExitCode, type UpdateWindow } from '../../core/update-plan.js';
import { CYCLE_COMPLETED } from '../../core/update-log.js';
import type { DatasetSpec } from '../../core/datasets.js';
import type { Store } from '../../core/store.js';
import { fixedClock, systemClock } from '../../adapters/clock.js';
import { style, writeJson } from '../render.js';
import { runChild } from './child.js';
import { acquireUpdateLock, describeHolder, describeSkip } from './lock.js';
import { openUpdateLog, type UpdateLog } from './log.js';
import { ping, type PingKind } from './ping.js';
import { backfillCommand, capLine, failureSummary, freshnessJson, freshnessLine, ingestedLine, windowsJson, windowsLine } from './report.js';
import { resolveUpdateSettings, type UpdateOptions, type UpdateSettings } from './settings.js';

export type { UpdateOptions } from './settings.js';

export async function runUpdate(opts: UpdateOptions): Promise<number> {
  const config = loadConfig({ db: opts.db, apiBase: opts.apiBase, sink: opts.sink });
  const s = resolveUpdateSettings(opts, loadUpdateEnv());
  const clock = config.now === undefined ? systemClock() : fixedClock(config.now);
  // Whole seconds: the child gets the same "now" (BMRS_NOW) and the windows read cleanly.
  const now = Math.floor(clock.now() / 1000) * 1000;
  if (opts.checkOnly) return checkOnly(config, s, now, opts.json === true);

  const echo = (line: string) => (opts.json ? process.stderr : process.stdout).write(line);
  const acquired = await acquireUpdateLock(config.duckdbPath);
  if (!acquired.ok) {
    const log = openUpdateLog(s.logFile, { now: clock.now, echo, maxBytes: s.logMaxBytes, rotate: false });
    log.warn(`skipped: another bmrs update is running (${describeSkip(acquired.holder)}; lock ${acquired.lockPath})`);
    if (opts.json) writeJson({ ok: false, exitCode: updateExitCode({ kind: 'locked' }), skipped: true, holder: acquired.holder, lock: acquired.lockPath });
    return updateExitCode({ kind: 'locked' });
  }
  const lock = acquired.lock;
  const t0 = performance.now();
  let log: UpdateLog | undefined;
  const pings: Promise<void>[] = [];
  const sendPing = (kind: PingKind) => {
    if (s.pingUrl === undefined) return;
    pings.push(ping(s.pingUrl, kind).then((why) => void (why !== null && log?.warn(`monitoring ping (${kind}) not delivered: ${why}`))));
  };
  try {
    log = openUpdateLog(s.logFile, { now: clock.now, echo, maxBytes: s.logMaxBytes, rotate: true });
    sendPing('start');
    log.info(`🔄 Update cycle started: ${s.datasets.map((d) => d.code).join(', ')} -> ${storeLocation(config)}`);
    if (lock.tookOver) log.warn(`took over the update lock left by ${describeHolder(lock.tookOver)}, which is no longer running`);
    const result = await cycle(config, s, now, log, opts);
    const compromised = lock.compromised();
    if (compromised !== null) log.warn(`the update lock was taken over by another run while this one ran (${compromised})`);
    // Completed whenever the ingest succeeded, stale or not: the staleness is its own WARNING line.
    if (result.ingested) log.info(`${CYCLE_COMPLETED} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    sendPing(result.code === 0 ? 'success' : 'fail');
    await Promise.all(pings);
    if (opts.json) writeJson({ ok: result.code === 0, exitCode: result.code, store: storeLocation(config), log: s.logFile, seconds: Number(((performance.now() - t0) / 1000).toFixed(3)), ...result.json });
    return result.code;
  } catch (e) {
    // A failure before or after the child (the store held past the wait, a bug): logged, pinged, then reported as usual.
    log?.error(`❌ Update cycle failed: ${isBmrsError(e) ? e.message : `internal: ${(e as Error)?.message ?? String(e)}`}`);
    sendPing('fail');
    await Promise.all(pings);
    throw e;
  } finally {
    await lock.release();
  }
}

interface CycleResult {
  readonly code: number;
  /** Whether the child ingest succeeded (the cycle completed, stale or not). */
  readonly ingested: boolean;
  readonly json: Record<string, unknown>;
}

async function cycle(config: Config, s: UpdateSettings, now: number, log: UpdateLog, opts: UpdateOptions): Promise<CycleResult> {
  const windows = await planWindows(config, s, now);
  const flags = { db: opts.db, sink: opts.sink, apiBase: opts.apiBase };
  for (const w of windows) if (w.capped) log.warn(capLine(w, s.maxCatchUpHours, backfillCommand(w, flags)));
  log.info(windowsLine(windows));

  // One child for every dataset, each with its own window (one process: Node and DuckDB load once).
  const args = ['ingest', ...windows.flatMap((w) => ['--window', `${w.dataset.code}=${toIsoZ(w.from)}/${toIsoZ(w.to)}`]), '--json'];
  if (opts.db !== undefined) args.push('--db', opts.db);
  if (opts.sink !== undefined) args.push('--sink', opts.sink);
  if (opts.apiBase !== undefined) args.push('--api-base', opts.apiBase);
  const child = await runChild({
    args,
    env: childEnv({ BMRS_NOW: toIsoZ(now), BMRS_PROGRESS_SECONDS: '0', BMRS_EXIT_WITH_PARENT: '1' }),
    timeoutMs: s.timeoutSeconds * 1000,
    onStderr: (line) => process.stderr.write(`${line}\n`),
  });
  const json = { windows: windowsJson(windows, (w) => backfillCommand(w, flags)), ingest: { exitCode: child.code, timedOut: child.timedOut, pid: child.pid, seconds: Number(child.seconds.toFixed(3)), report: child.report } };
  if (child.code !== 0) {
    // Freshness still, for what the other datasets (or earlier cycles) loaded; the child's failure
    // code wins over staleness, and a store that cannot be read now must not hide that failure:
    // its reason joins the cycle's one ERROR line, which stays the cycle's last.
    const code = updateExitCode({ kind: 'ingest-failed', code: child.code });
    let freshness: Freshness[] | null = null;
    let unread = '';
    try {
      freshness = await readFreshness(config, s, now);
      logFreshness(log, freshness);
    } catch (e) {
      unread = isBmrsError(e) ? e.message : `internal: ${(e as Error)?.message ?? String(e)}`;
    }
    log.error(`❌ Update cycle failed: bmrs ingest exited ${child.code}: ${failureSummary(child, s.timeoutSeconds)}${unread ? `; freshness not checked: ${unread}` : ''}`);
    const fresh = freshness === null ? { freshness: null, freshnessNotChecked: unread } : { freshness: freshness.map(freshnessJson) };
    return { code, ingested: false, json: { ...json, ...fresh } };
  }
  for (const d of child.report?.datasets ?? []) log.info(ingestedLine(d));

  const freshness = await readFreshness(config, s, now);
  logFreshness(log, freshness);
  const stale = freshness.some((f) => f.stale);
  return { code: updateExitCode({ kind: 'ingested', stale }), ingested: true, json: { ...json, freshness: freshness.map(freshnessJson) } };
}

function logFreshness(log: UpdateLog, freshness: readonly Freshness[]): void {
  for (const f of freshness) (f.stale ? log.warn : log.info)(freshnessLine(f));
}

/** Each dataset's window from its latest stored row; the store is closed again before the child runs. */
async function planWindows(config: Config, s: UpdateSettings, now: number): Promise<UpdateWindow[]> {
  const store = await openDefaultStore(config, storeWaitNote(config));
  try {
    const latest: (number | null)[] = [];
    for (const d of s.datasets) {
      const row = await store.latestRow(d);
      latest.push(row === null ? null : eventTimeOf(d, row));
    }
    return s.datasets.map((d, i) => planUpdateWindow(d, latest[i], now, s));
  } finally {
    await store.close();
  }
}

async function readFreshness(config: Config, s: UpdateSettings, now: number, datasets: readonly DatasetSpec[] = s.datasets): Promise<Freshness[]> {
  const store = await openDefaultStore(config, storeWaitNote(config));
  try {
    const out: Freshness[] = [];
    for (const d of datasets) out.push(await checkFreshness(store, d, now, s.staleMinutes));
    return out;
  } finally {
    await store.close();
  }
}

/**
 * The store, through its port. Not compose.ts's openDefaultStore: importing compose.ts loads the HTTP
 * client (got) and the progress bars, a fifth of a second this process never needs (bench/update.js).
 */
async function openDefaultStore(config: Config, onWait: (holder: string) => void): Promise<Store> {
  const { openConfiguredStore } = await import('../open-store.js');
  return openConfiguredStore(config, onWait);
}

const storeWaitNote = (config: Config) => (holder: string) =>
  process.stderr.write(`${style.dim(`waiting up to ${Math.round(config.storeWaitMs / 1000)} s for the store, held by ${holder}`)}\n`);

/** `--check-only`: the freshness of each dataset, nothing fetched, nothing logged; non-zero when stale. */
async function checkOnly(config: Config, s: UpdateSettings, now: number, json: boolean): Promise<number> {
  // As `bmrs check`: a mistyped path is a mistake, not a store with no rows (a cycle would create it; this never does).
  if (config.sink === 'duckdb' && !existsSync(config.duckdbPath)) {
    throw new UsageError(`there is no store at ${config.duckdbPath}`, { hint: 'point --db or BMRS_DUCKDB_PATH at the store, or load one first (bmrs update without --check-only)' });
  }
  const freshness = await readFreshness(config, s, now);
  const code = updateExitCode({ kind: 'ingested', stale: freshness.some((f) => f.stale) });
  if (json) writeJson({ ok: code === 0, exitCode: code, store: storeLocation(config), freshness: freshness.map(freshnessJson) });
  else for (const f of freshness) process.stdout.write(`${freshnessLine(f)}\n`);
  return code;
}

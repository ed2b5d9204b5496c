// Gathers what `bmrs check` reports: per dataset from the store port, the real-time job's traces on
// this machine, and (--api) a probe of the API. The judging is in src/core (health, coverage).
import { existsSync } from 'node:fs';
import { readFile, statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { hasUpdateLine, readCrontab } from '../../adapters/crontab.js';
import { apiFindings, probeApi, REALTIME_DATASETS, type ApiProbe } from '../../core/api-probe.js';
import { DATASETS, type DatasetSpec } from '../../core/datasets.js';
import { datasetsWithTables } from '../../core/table.js';
import { EXIT, UsageError } from '../../core/errors.js';
import { checkDataset, datasetFindings, operationsFindings, type CheckRange, type DatasetHealth, type Finding, type Operations } from '../../core/health.js';
import type { ApiClient, Clock } from '../../core/ports.js';
import type { Store } from '../../core/store.js';
import { parseLogLine, summariseUpdateLog } from '../../core/update-log.js';
import { toIsoZ } from '../../core/calendar.js';

export interface CheckReport {
  readonly ok: boolean;
  readonly exitCode: number;
  readonly now: string;
  readonly store: string;
  readonly range: CheckRange;
  readonly datasets: readonly DatasetHealth[];
  readonly operations: Operations;
  readonly api: readonly ApiProbe[] | null;
  readonly findings: readonly Finding[];
}

export interface CheckInput {
  readonly store: Store;
  readonly clock: Clock;
  /** --dataset, or undefined: every dataset that has a table. */
  readonly datasets: readonly DatasetSpec[] | undefined;
  readonly range: CheckRange;
  /** --max-age-minutes for a dataset code; undefined: the dataset's own threshold. */
  readonly maxAgeMinutes: (code: string) => number | undefined;
  readonly updateLog: string;
  /** The store's file (its disk is checked); null for a store that is not a local file (BigQuery). */
  readonly storeFile: string | null;
  /** --api: the client to probe with. */
  readonly api: ApiClient | undefined;
  readonly warnOnly: boolean;
}

export async function gatherCheck(input: CheckInput): Promise<CheckReport> {
  const { store, clock, range } = input;
  const now = clock.now();
  const datasets = input.datasets ?? (await datasetsWithTables(store));
  const health: DatasetHealth[] = [];
  for (const d of datasets) health.push(await checkDataset(store, d, range, now, input.maxAgeMinutes(d.code)));
  const operations = await gatherOperations(input.updateLog, input.storeFile, now);
  const api = input.api ? await probeAll(input.api, clock, input.datasets) : null;
  const findings: Finding[] = [];
  if (input.datasets === undefined && datasets.length === 0) {
    findings.push({ kind: 'empty-store', message: `the store ${store.location} holds no dataset table` });
  }
  for (const h of health) findings.push(...datasetFindings(h));
  findings.push(...operationsFindings(operations), ...apiFindings(api ?? []));
  const unreachable = (api ?? []).some((p) => !p.reachable);
  const exitCode = unreachable ? EXIT.transient : findings.length > 0 && !input.warnOnly ? EXIT.findings : EXIT.ok;
  return { ok: findings.length === 0, exitCode, now: toIsoZ(now), store: store.location, range, datasets: health, operations, api, findings };
}

/** The real-time datasets, or those of --dataset when given. */
async function probeAll(api: ApiClient, clock: Clock, named: readonly DatasetSpec[] | undefined): Promise<ApiProbe[]> {
  const out: ApiProbe[] = [];
  for (const d of named ?? REALTIME_DATASETS) out.push(await probeApi(api, clock, d));
  return out;
}

async function gatherOperations(logPath: string, storeFile: string | null, now: number): Promise<Operations> {
  const exists = existsSync(logPath);
  const summary = exists ? summariseUpdateLog(await readUpdateLog(logPath, now).catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read the update log ${logPath}: ${e.code ?? e.message}`, { hint: 'point BMRS_UPDATE_LOG at the file `bmrs update` writes (default logs/realtime_updates.log), readable by this user' });
  }), now) : null;
  // No crontab program (a systemd timer, a container), or one that fails: cannot be told (null).
  const crontab = await readCrontab().catch(() => undefined);
  let disk: Operations['disk'] = null;
  if (storeFile !== null) {
    const where = dirname(resolve(storeFile));
    try {
      const s = await statfs(where);
      disk = { path: where, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
    } catch {
      disk = null; // a folder that cannot be asked: reported as unknown
    }
  }
  return { updateLog: { path: logPath, exists, summary }, cronInstalled: crontab === undefined ? null : crontab !== null && hasUpdateLine(crontab), disk };
}

/**
 * The update log's text over the last 24 hours: the file, and the files rotation moved aside
 * (path.1 newest, see cli/update/log.ts) as long as the oldest line read is younger than a day, so
 * a rotation a minute ago hides neither the last hour's cycles nor the day's errors.
 */
async function readUpdateLog(path: string, now: number): Promise<string> {
  const parts = [await readFile(path, 'utf8')];
  for (let i = 1; i <= 20; i++) {
    const oldest = oldestLineAt(parts[parts.length - 1]);
    if (oldest !== null && oldest <= now - 86_400_000) break;
    const older = `${path}.${i}`;
    if (!existsSync(older)) break;
    parts.push(await readFile(older, 'utf8'));
  }
  return parts.join('\n');
}

function oldestLineAt(text: string): number | null {
  for (const line of text.split('\n', 50)) {
    const parsed = parseLogLine(line);
    if (parsed) return parsed.at;
  }
  return null;
}

// Gathers what `bmrs check` reports: per dataset from the store port, the real-time job's traces on
// this machine, and (--api) a probe of the API. The judging is in src/core (health, coverage).
import { existsSync } from 'node:fs';
import { readFile, statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { hasUpdateLine, readCrontab } from '../../adapters/crontab.js';
import { apiFindings, probeApi, REALTIME_DATASETS, type ApiProbe } from '../../core/api-probe.js';
import { DATASETS, type DatasetSpec } from '../../core/datasets.js';
import { datasetsWithTables } from '../../core/table.js';
import { EXIT } from '../../core/errors.js';
import { checkDataset, datasetFindings, operationsFindings, type CheckRange, type DatasetHealth, type Finding, type Operations } from '../../core/health.js';
import type { ApiClient, Clock } from '../../core/ports.js';
import type { Store } from '../../core/store.js';
import { summariseUpdateLog } from '../../core/update-log.js';
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
  const operations = await gatherOperations(input.updateLog, store.location, now);
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

async function gatherOperations(logPath: string, storePath: string, now: number): Promise<Operations> {
  const exists = existsSync(logPath);
  const summary = exists ? summariseUpdateLog(await readFile(logPath, 'utf8'), now) : null;
  // No crontab binary, or one that fails: the line is not installed as far as this check can tell.
  const crontab = await readCrontab().catch(() => null);
  const where = dirname(resolve(storePath));
  let disk: Operations['disk'] = null;
  try {
    const s = await statfs(where);
    disk = { path: where, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    disk = null; // a folder that cannot be asked: reported as unknown
  }
  return { updateLog: { path: logPath, exists, summary }, cronInstalled: crontab === null ? false : hasUpdateLine(crontab), disk };
}

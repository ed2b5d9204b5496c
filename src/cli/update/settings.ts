// The flags of `bmrs update` and their environment variables, checked into settings: a flag wins
// over its variable, which wins over the default; a bad value is a usage error naming its source.
import type { UpdateEnv } from '../../config.js';
import type { DatasetSpec } from '../../core/datasets.js';
import { UsageError } from '../../core/errors.js';
import { parseDatasets } from '../../core/range.js';
import { DEFAULT_MAX_CATCH_UP_HOURS, DEFAULT_MINUTES_BACK, DEFAULT_OVERLAP_MINUTES, DEFAULT_UPDATE_DATASETS, type UpdateWindowOptions } from '../../core/update-plan.js';
import { DEFAULT_UPDATE_LOG } from '../../core/update-log.js';
import { DEFAULT_LOG_MAX_BYTES } from './log.js';

export const DEFAULT_TIMEOUT_SECONDS = 240;

export interface UpdateOptions {
  datasets?: string;
  minutesBack?: string;
  overlapMinutes?: string;
  maxCatchUpHours?: string;
  staleMinutes?: string;
  timeoutSeconds?: string;
  logFile?: string;
  pingUrl?: string;
  db?: string;
  sink?: string;
  apiBase?: string;
  checkOnly?: boolean;
  json?: boolean;
}

export interface UpdateSettings extends UpdateWindowOptions {
  readonly datasets: readonly DatasetSpec[];
  readonly maxCatchUpHours: number;
  /** Overrides every dataset's own freshness threshold when given. */
  readonly staleMinutes: number | undefined;
  readonly timeoutSeconds: number;
  readonly logFile: string;
  readonly logMaxBytes: number;
  readonly pingUrl: string | undefined;
}

export function resolveUpdateSettings(o: UpdateOptions, env: UpdateEnv): UpdateSettings {
  const datasetsText = o.datasets ?? env.datasets;
  if (datasetsText !== undefined && datasetsText.trim() === '') {
    throw new UsageError(`${o.datasets !== undefined ? '--datasets' : 'BMRS_UPDATE_DATASETS'} is empty`, { hint: `name datasets, e.g. ${DEFAULT_UPDATE_DATASETS.join(',')} (the default)` });
  }
  const logFile = o.logFile ?? env.logFile ?? DEFAULT_UPDATE_LOG;
  if (logFile.trim() === '') throw new UsageError('--log-file is empty', { hint: `name a file, e.g. --log-file ${DEFAULT_UPDATE_LOG} (the default)` });
  const maxCatchUpHours = whole(o.maxCatchUpHours, '--max-catch-up-hours', DEFAULT_MAX_CATCH_UP_HOURS, 1);
  const minutesBack = whole(o.minutesBack, '--minutes-back', DEFAULT_MINUTES_BACK, 1);
  if (minutesBack > maxCatchUpHours * 60) {
    throw new UsageError(`--minutes-back ${minutesBack} reaches further back than the catch-up cap of ${maxCatchUpHours} h`, {
      hint: `lower --minutes-back (default ${DEFAULT_MINUTES_BACK}), raise --max-catch-up-hours, or load history with bmrs backfill`,
    });
  }
  return {
    datasets: parseDatasets([datasetsText ?? DEFAULT_UPDATE_DATASETS.join(',')]),
    minutesBack,
    overlapMinutes: whole(o.overlapMinutes, '--overlap-minutes', DEFAULT_OVERLAP_MINUTES, 0),
    maxCatchUpHours,
    maxCatchUpMinutes: maxCatchUpHours * 60,
    staleMinutes: o.staleMinutes === undefined ? undefined : whole(o.staleMinutes, '--stale-minutes', 0, 1),
    timeoutSeconds: o.timeoutSeconds !== undefined ? whole(o.timeoutSeconds, '--timeout-seconds', 0, 1) : env.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    logFile,
    logMaxBytes: env.logMaxBytes ?? DEFAULT_LOG_MAX_BYTES,
    pingUrl: checkPingUrl(o.pingUrl ?? env.pingUrl, o.pingUrl !== undefined ? '--ping-url' : 'BMRS_PING_URL'),
  };
}

function whole(text: string | undefined, flag: string, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > 1_000_000) {
    throw new UsageError(`${flag} must be a whole number of at least ${min}, got: ${text}`, { hint: 'bmrs update --help lists each option with its default' });
  }
  return Number(text);
}

function checkPingUrl(url: string | undefined, source: string): string | undefined {
  if (url === undefined || url === '') return undefined;
  let ok = false;
  try {
    const u = new URL(url);
    ok = u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    ok = false;
  }
  if (!ok) throw new UsageError(`${source} is not an http(s) URL: ${url}`, { hint: 'for example https://hc-ping.com/<your check uuid>' });
  return url;
}

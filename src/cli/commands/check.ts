import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig, loadUpdateLogPath } from '../../config.js';
import { isIsoDate } from '../../core/calendar.js';
import { UsageError } from '../../core/errors.js';
import { defaultRange, type CheckRange } from '../../core/health.js';
import { findDataset } from '../../core/datasets.js';
import { parseDatasets } from '../../core/range.js';
import { fixedClock, systemClock } from '../../adapters/clock.js';
import { style, writeJson } from '../render.js';
import { collect, dbOption, groupOption, sinkOption } from './options.js';


interface CheckOptions {
  dataset?: string[];
  group?: string[];
  from?: string;
  to?: string;
  maxAgeMinutes?: string[];
  db?: string;
  sink?: string;
  api?: boolean;
  apiBase?: string;
  json?: boolean;
  html?: string;
  warnOnly?: boolean;
}

export function checkCommand(): Command {
  return new Command('check')
    .description('health check for people and monitors: freshness, coverage per settlement day, duplicates, the ledger, the update job; exit 1 on findings')
    .option('-d, --dataset <codes>', 'dataset code(s), comma-separated or repeated, or all; default: every dataset with a table', collect)
    .addOption(groupOption())
    .option('--from <date>', 'first settlement day checked (default: 6 days before --to)')
    .option('--to <date>', 'last settlement day checked, inclusive (default: today, Europe/London)')
    .addOption(new Option('--max-age-minutes <n|CODE=n>', 'age beyond which the latest row is stale, for every dataset (n) or one (FUELINST=45), comma-separated or repeated (default per dataset: its stale threshold or completeness lag; datasets with no known cadence are not judged)').argParser(collect))
    .addOption(dbOption())
    .addOption(sinkOption())
    .option('--api', 'also ask the API for a recent window of FUELINST, WIND_SOLAR_GEN and MID (exit 75 when it cannot be reached)')
    .option('--api-base <url>', 'API base URL for --api (env BMRS_API_BASE)')
    .option('--json', 'print the report as JSON')
    .option('--html <file>', 'also write the report as one self-contained HTML page (coverage heatmaps, generation mix)')
    .option('--warn-only', 'exit 0 even with findings (75 and 2 still fail)')
    .addHelpText('after', `
Judges only settlement days whose publication is over (the day's end plus the dataset's lag); the
day still being published shows as in progress. Staleness counts only when the range reaches today.
The update log (BMRS_UPDATE_LOG, default logs/realtime_updates.log), the cron line and the disk
count as findings only where the log exists (the real-time job is in use).

Coverage strip, one character per settlement period: █ complete, ▒ short of rows, × missing, · not published yet.

Exit codes: 0 healthy, 1 findings, 2 usage, 75 store held past BMRS_STORE_WAIT_SECONDS or API unreachable (--api).
See docs/check.md.

Examples:
  bmrs check                                     last 7 settlement days of every table
  bmrs check --dataset FUELINST --from 2025-10-20 --to 2025-10-26 --json
  bmrs check --api --html report.html`)
    .action(async (opts: CheckOptions) => {
      const config = loadConfig({ db: opts.db, apiBase: opts.apiBase, sink: opts.sink });
      // As compose.ts's clockOf; compose itself (and got with it) is loaded only for --api.
      const clock = config.now === undefined ? systemClock() : fixedClock(config.now);
      const range = parseCheckRange(opts.from, opts.to, clock.now());
      const maxAge = parseMaxAge(opts.maxAgeMinutes);
      const datasets = opts.dataset === undefined && opts.group === undefined ? undefined : parseDatasets(opts.dataset, opts.group);
      if (opts.html !== undefined && opts.html.trim() === '') throw new UsageError('--html is empty', { hint: 'name the page to write, e.g. --html check.html' });
      if (opts.html !== undefined && config.sink === 'duckdb' && [config.duckdbPath, `${config.duckdbPath}.wal`].some((p) => resolve(p) === resolve(opts.html!))) {
        throw new UsageError(`--html ${opts.html} is the store itself`, { hint: 'name another file for the page, e.g. --html check.html' });
      }
      if (config.sink === 'duckdb' && !existsSync(config.duckdbPath)) {
        throw new UsageError(`there is no store at ${config.duckdbPath}`, { hint: 'point --db or BMRS_DUCKDB_PATH at the store, or load one first (bmrs ingest)' });
      }
      const { gatherCheck } = await import('../check/gather.js');
      const { openConfiguredStore } = await import('../open-store.js');
      const store = await openConfiguredStore(config, (holder) =>
        process.stderr.write(`${style.dim(`waiting up to ${Math.round(config.storeWaitMs / 1000)} s for the store, held by ${holder}`)}\n`),
      );
      const api = opts.api ? (await import('../compose.js')).apiClientOf(config, opts.apiBase) : undefined;
      try {
        const report = await gatherCheck({
          store,
          clock,
          datasets,
          range,
          maxAgeMinutes: (code) => maxAge.byCode.get(code) ?? maxAge.all,
          updateLog: loadUpdateLogPath(),
          storeFile: config.sink === 'duckdb' ? config.duckdbPath : null,
          api,
          warnOnly: opts.warnOnly === true,
        });
        if (opts.html !== undefined) {
          const { writeHtmlReport } = await import('../check/html.js');
          await writeHtmlReport(opts.html, report, store);
        }
        if (opts.json) writeJson((await import('../check/json.js')).jsonReport(report));
        else process.stdout.write((await import('../check/text.js')).renderText(report));
        if (opts.html !== undefined) process.stderr.write(`${style.dim(`wrote ${opts.html}`)}\n`);
        process.exitCode = report.exitCode;
      } finally {
        await store.close();
      }
    });
}

/** --max-age-minutes: `n` for every dataset checked, `CODE=n` for one (which wins over `n`). */
export function parseMaxAge(values: readonly string[] | undefined): { all: number | undefined; byCode: Map<string, number> } {
  let all: number | undefined;
  const byCode = new Map<string, number>();
  const hint = 'whole minutes, at least 1, for every dataset or per dataset: --max-age-minutes 45, or --max-age-minutes FUELINST=45,MID=240';
  for (const item of (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim())) {
    const m = /^(?:([A-Za-z0-9_]+)=)?(\d+)$/.exec(item);
    if (!m || Number(m[2]) < 1) throw new UsageError(`--max-age-minutes ${item === '' ? '(empty)' : item} is not a number of minutes`, { hint });
    if (m[1] === undefined) {
      all = Number(m[2]);
      continue;
    }
    const d = findDataset(m[1]);
    if (!d) throw new UsageError(`--max-age-minutes: unknown dataset ${m[1]}`, { hint: 'name a dataset code (bmrs datasets lists them), e.g. --max-age-minutes FUELINST=45' });
    byCode.set(d.code, Number(m[2]));
  }
  return { all, byCode };
}

/** --from/--to as settlement days, both inclusive; the default is the last 7 days up to today. */
export function parseCheckRange(from: string | undefined, to: string | undefined, now: number): CheckRange {
  for (const [flag, v] of [['--from', from], ['--to', to]] as const) {
    if (v !== undefined && !isIsoDate(v)) throw new UsageError(`${flag} ${v === '' ? '(empty)' : v} is not a date`, { hint: 'settlement days are written YYYY-MM-DD, e.g. --from 2025-10-20 --to 2025-10-26 (both inclusive)' });
  }
  const t = to ?? defaultRange(now).to;
  const f = from ?? (to === undefined ? defaultRange(now).from : defaultRange(Date.parse(`${t}T12:00:00Z`)).from);
  if (f > t) throw new UsageError(`--from ${f} is after --to ${t}`, { hint: 'both are inclusive: --from 2025-10-26 --to 2025-10-26 checks one day' });
  return { from: f, to: t };
}

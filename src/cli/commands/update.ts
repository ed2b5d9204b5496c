import { Command } from 'commander';
import type { UpdateOptions } from '../update/run.js';
import { dbOption, sinkOption } from './options.js';

export function updateCommand(): Command {
  return new Command('update')
    .description('the real-time job (cron, every 5 minutes): load what was published since the last run, check freshness, log the cycle')
    .option('--datasets <codes>', 'comma-separated dataset codes (env BMRS_UPDATE_DATASETS; default FUELINST,WIND_SOLAR_GEN,MID)')
    .option('--minutes-back <n>', 'fetch at least the last n minutes of publications on every run (default 15)')
    .option('--overlap-minutes <n>', 'fetch again this much before the latest stored row, for late and revised rows (default 10)')
    .option('--max-catch-up-hours <n>', 'never reach further back than this; past it, print the backfill command for the rest (default 24)')
    .option('--stale-minutes <n>', "stale when the latest row is older than this (default: each dataset's own threshold, FUELINST 30)")
    .option('--timeout-seconds <n>', 'kill the ingest (its whole process group) after this long (env BMRS_UPDATE_TIMEOUT_SECONDS; default 240)')
    .option('--log-file <path>', 'the update-cycle log (env BMRS_UPDATE_LOG; default logs/realtime_updates.log)')
    .option('--ping-url <url>', 'monitoring ping, healthchecks.io style: <url>/start, <url> on success, <url>/fail (env BMRS_PING_URL)')
    .option('--check-only', 'only check freshness (nothing fetched or logged); exit 1 when stale')
    .addOption(dbOption())
    .addOption(sinkOption())
    .option('--api-base <url>', 'API base URL (env BMRS_API_BASE)')
    .option('--json', 'print the cycle report as JSON (the log lines then go to stderr)')
    .addHelpText('after', `
One cycle: take the update lock (a second run while one goes exits 75 at once, naming the
holder); per dataset, read the latest stored row and fetch from min(now - minutes back,
latest - overlap) to now, so a missed run or a sleeping machine heals on the next run, up to the
cap; run \`bmrs ingest --json\` as a child process (killed at the timeout); check freshness; log.
A backfill or a query holding the store is not an overlap: the update waits for it
(BMRS_STORE_WAIT_SECONDS, default 30).

The log (and stdout) gets one line per message, \`YYYY-MM-DD HH:MM:SS,mmm - LEVEL - message\`:
"✅ Update cycle completed" once per cycle that loaded, ERROR lines only for failures. It is
rotated at BMRS_UPDATE_LOG_MAX_BYTES (default 5 MiB), keeping 5 old files (.1 newest).

Exit codes: 0 loaded and fresh; the ingest's own code when it failed (75 transient, timeout
included; 65 data; 70 internal); 1 loaded but stale; 2 usage; 75 another update is running (docs/update.md).

Examples:
  bmrs update                                       one cycle of FUELINST, WIND_SOLAR_GEN and MID
  bmrs update --datasets FUELINST --minutes-back 30
  bmrs update --check-only                          is the data fresh? (exit 1 when stale)
  BMRS_PING_URL=https://hc-ping.com/<uuid> bmrs update
  bmrs cron install                                 print the 5-minute crontab line; --yes installs it`)
    .action(async (opts: UpdateOptions) => {
      const { runUpdate } = await import('../update/run.js');
      process.exitCode = await runUpdate(opts);
    });
}

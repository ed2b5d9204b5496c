import { Command, Option } from 'commander';
import type { BackfillOptions } from '../backfill/run.js';
import { collect, dbOption, groupOption, sinkOption } from './options.js';


export function backfillCommand(): Command {
  return new Command('backfill')
    .description('load history window by window, resumable: windows the ledger shows loaded are skipped')
    .option('-d, --dataset <codes>', 'dataset code(s), comma-separated or repeated, or all; several run side by side', collect)
    .addOption(groupOption())
    .option('--from <date>', 'first settlement date (2016-01-01), or an ISO instant with a zone')
    .option('--to <date>', 'exclusive end: the settlement date after the last one, or an instant; default: today')
    .addOption(dbOption())
    .addOption(sinkOption())
    .option('--accept-hash-mismatch', 'BigQuery: write into an existing table even though a sample of its rows hashes to other keys (stores them again; docs/bigquery.md, Migrating)')
    .option('--api-base <url>', 'API base URL (env BMRS_API_BASE)')
    .option('--concurrency <n>', 'windows fetched at once, across datasets', '4')
    .option('--plan', 'print what would be fetched (windows, requests, what the ledger already has) and fetch nothing; with --repair or --force, what they would fetch')
    .addOption(new Option('--repair', 'fetch only windows that are missing, failed, incomplete, or empty where rows were expected').conflicts('force'))
    .option('--force', 'fetch every window again, loaded or not (rows already stored are still skipped by _hash_key; a window whose body is unchanged and whose rows are all stored is verified, not written)')
    .option('--allow-incomplete', 'exit 0 when a settled day comes back incomplete (it is still reported and recorded in the ledger)')
    .option('--json', 'print the plan or the report as JSON')
    .option('-q, --quiet', 'no progress output')
    .addHelpText('after', `
The ledger (in the store) records every window: loaded, empty, incomplete or failed. A backfill
fetches the windows of the range it does not show loaded, oldest first, several datasets side by
side; killed at any moment (even SIGKILL), the same command resumes where it stopped, and nothing is
ever stored twice. A run that ends with failed windows exits non-zero and prints the command that
repairs them. Whenever the process's memory passes BMRS_MEMORY_TARGET_MIB (default 256; 0: never),
DuckDB gives its free memory back; --json reports the run's peak (memory.peakRssMiB).

Examples:
  bmrs backfill --dataset FUELINST,FUELHH --from 2016-01-01 --to 2026-01-01
  bmrs backfill --dataset FUELINST --from 2025-01-01 --to 2026-01-01 --plan
  bmrs backfill --dataset FUELINST --from 2025-01-01 --to 2026-01-01 --repair`)
    .action(async (opts: BackfillOptions) => {
      const { runBackfill } = await import('../backfill/run.js');
      process.exitCode = await runBackfill(opts);
    });
}

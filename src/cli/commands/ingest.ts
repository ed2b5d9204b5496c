import { Command, Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { IngestOptions } from '../ingest/run.js';
import { oldFlagNotes, type OldFlags } from '../ingest/old-flags.js';
import { collect, dbOption, groupOption, sinkOption } from './options.js';


export function ingestCommand(): Command {
  return new Command('ingest')
    .description('fetch datasets for a time range, verify and sanitise the rows, and load them with no duplicates')
    .option('-d, --dataset <codes>', 'dataset code(s), comma-separated or repeated (bmrs datasets lists them); all: every dataset', collect)
    .addOption(groupOption(false))
    .option('--from <date|instant>', 'first settlement date (2025-10-27), or an ISO instant with a zone (2025-10-27T12:00:00Z); default: today minus 2 days')
    .option('--to <date|instant>', 'exclusive end: the settlement date after the last one, or an instant; default: today')
    .addOption(dbOption())
    .addOption(sinkOption())
    .option('--accept-hash-mismatch', 'BigQuery: write into an existing table even though a sample of its rows hashes to other keys (stores them again; docs/bigquery.md, Migrating)')
    .option('--api-base <url>', 'API base URL (env BMRS_API_BASE; default https://data.elexon.co.uk/bmrs/api/v1)')
    .option('--archive <dir>', 'keep every raw response, gzip-compressed, one file per dataset window: <dir>/<CODE>/<from>_<to>.json.gz')
    .option('--concurrency <n>', 'windows fetched at once', '4')
    .option('--allow-incomplete', 'exit 0 when a settled day comes back incomplete (it is still reported and recorded in the ledger)')
    .option('--json', 'print the report as JSON')
    .option('--dry-run', 'print the plan (windows and requests) without fetching')
    .option('-q, --quiet', 'no progress output (on a terminal a bar per dataset; otherwise, and with --json, a progress line on stderr every BMRS_PROGRESS_SECONDS, default 10, 0: none)')
    // `bmrs update` gives each dataset its own window in one process: CODE=FROM/TO, repeated.
    .addOption(new Option('--window <CODE=FROM/TO>', 'a dataset with its own range (bmrs update uses it)').hideHelp().argParser(collect))
    // The old fetch script's flags, so existing cron lines keep working.
    .addOption(new Option('--only <codes>', 'alias of --dataset').hideHelp().argParser(collect))
    .addOption(new Option('--start <date>', 'alias of --from').hideHelp())
    .addOption(new Option('--end <date>', 'alias of --to').hideHelp())
    .addOption(new Option('--data-dir <dir>', 'like --archive, in the old layout: <dir>/<CODE>/<YYYY-MM-DD>_<HHMMSS>.json').hideHelp())
    // Flags of the old script that mean nothing here: accepted, with a note (../ingest/old-flags.ts).
    .addOption(new Option('--overwrite').hideHelp())
    .addOption(new Option('--log-level [level]').hideHelp())
    .addOption(new Option('--include-offline').hideHelp())
    .addOption(new Option('--bm-units [units]').hideHelp())
    .addHelpText('after', `
Dates select whole settlement days (Europe/London), --to exclusive:
  --from 2025-10-27 --to 2025-10-28   every row whose settlementDate is 2025-10-27
                                      (FUELINST: 288 readings per fuel type; 276 / 300 on clock-change days)
Instants select the half-open window [from, to) on the dataset's event time (publishTime for FUELINST):
  --from 2025-10-27T12:00:00Z --to 2025-10-27T12:30:00Z

Once a settlement day's publication is over, it is checked against the settlement calendar: every
period present (46, 48 or 50), each with its rows (FUELINST: 6 readings per fuel type). A day that
falls short is stored, named with its missing periods, recorded as incomplete in the ledger, and
makes the run exit 1 ("loaded, but incomplete") unless --allow-incomplete.

Rows already stored (same _hash_key) are skipped, so re-running is always safe. Each window is
verified (shape, every row inside the window, every value fits its column) and loaded atomically.

The old fetch script's flags are accepted (docs/compatibility.md, section 4): --start, --end and
--only as --from, --to and --dataset; --data-dir DIR keeps raw responses in its layout,
DIR/<CODE>/<YYYY-MM-DD>_<HHMMSS>.json (plain JSON, named by the window's start in UTC);
--overwrite, --log-level, --include-offline and --bm-units change nothing and say so on stderr.

Examples:
  bmrs ingest --dataset FUELINST --from 2025-10-26 --to 2025-10-27
  bmrs ingest --dataset FUELINST,MID,FREQ --from 2025-10-01 --to 2025-11-01 --archive data/raw
  bmrs ingest --dataset FUELINST --from 2025-10-27 --to 2025-10-28 --dry-run
  BMRS_API_BASE=http://127.0.0.1:8080 bmrs ingest --dataset FUELINST --json   (against elexon-sim)`)
    .action(async (opts: IngestOptions & OldFlags) => {
      const archive = either(opts.archive, '--archive', opts.dataDir, '--data-dir');
      if (archive !== undefined && archive.trim() === '') {
        throw new UsageError(`${opts.archive !== undefined ? '--archive' : '--data-dir'} is empty`, {
          hint: 'name a folder for the raw responses, e.g. --archive data/raw, or leave the flag out to keep none',
        });
      }
      const { runIngest } = await import('../ingest/run.js');
      process.exitCode = await runIngest({
        ...opts,
        dataset: either(opts.dataset, '--dataset', opts.only, '--only'),
        from: either(opts.from, '--from', opts.start, '--start'),
        to: either(opts.to, '--to', opts.end, '--end'),
        archive,
        archiveLayout: opts.dataDir === undefined ? 'bmrs' : 'fetch-script',
        notes: oldFlagNotes(opts),
      });
    });
}

/** A flag or the old fetch script's name for it, not both: which one should win would be a guess. */
function either<T>(value: T | undefined, flag: string, old: T | undefined, oldFlag: string): T | undefined {
  if (value !== undefined && old !== undefined) {
    throw new UsageError(`${oldFlag} is the old name of ${flag}: give one of them, not both`, { hint: `keep ${flag} and drop ${oldFlag}` });
  }
  return value ?? old;
}

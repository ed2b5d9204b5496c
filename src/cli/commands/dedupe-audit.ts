import { Command, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { loadConfig, type Config } from '../../config.js';
import { isIsoDate } from '../../core/calendar.js';
import { UsageError } from '../../core/errors.js';
import { parseDatasets } from '../../core/range.js';
import type { Store } from '../../core/store.js';
import { fixedClock, systemClock } from '../../adapters/clock.js';
import { style, writeJson } from '../render.js';
import { collect, dbOption, groupOption, sinkOption } from './options.js';


export interface DedupeOptions {
  dataset?: string[];
  group?: string[];
  from?: string;
  to?: string;
  db?: string;
  sink?: string;
  json?: boolean;
  worst?: number;
  sample?: number;
  fix?: boolean;
  dryRun?: boolean;
  dropNullKeys?: boolean;
  restore?: string;
  force?: boolean;
}

/** Where the store comes from; a test passes one with hooks (test/support/dedupe-killed-between.mjs). */
export type OpenStore = (config: Config, onWait: (holder: string) => void) => Promise<Store>;

export function dedupeAuditCommand(): Command {
  return new Command('dedupe-audit')
    .description('find duplicate rows and bad _hash_keys (read-only); --fix removes duplicates after a verified backup, --restore undoes it')
    .option('-d, --dataset <codes>', 'dataset code(s), comma-separated or repeated; default: every dataset with a table', collect)
    .addOption(groupOption())
    .option('--from <date>', 'first settlement day audited or fixed (YYYY-MM-DD; default: the first)')
    .option('--to <date>', 'last settlement day audited or fixed, inclusive (default: the last)')
    .addOption(dbOption())
    .addOption(sinkOption())
    .option('--json', 'print the report as JSON')
    .option('--worst <n>', 'worst duplicate groups and revisions shown per table', count(0), 5)
    .option('--sample <n>', 'rows per table read back and hashed again (all of them when the table is smaller)', count(1), 10_000)
    .option('--fix', 'remove duplicates: back the table up (verified by count), keep one row per _hash_key (the latest _ingested_utc), verify, all in one transaction')
    .option('--dry-run', 'print what --fix would change, change nothing')
    .option('--drop-null-keys', 'with --fix or --dry-run: also remove rows without a _hash_key (kept by default)')
    .option('--restore <backup>', 'put a backup made by --fix back in place of its table (atomic; the backup is kept; refused when the table holds rows loaded since)')
    .option('--force', 'with --restore: restore even though rows loaded since the backup would be dropped')
    .addHelpText('after', `
Duplicates are rows with the same _hash_key; revisions (the same natural key with different
content) are reported but never removed. Each row's _hash_key is recomputed from its content (a
sample of --sample rows in a larger table); a mismatch is explained as the old system's None/nan
string nulls, a time-zone-suffix drift, or another writer.

Exit codes: 0 clean (or fixed), 1 duplicates or bad keys (NULL, malformed, not matching the
content), 2 usage, 75 store held past BMRS_STORE_WAIT_SECONDS. See docs/dedupe-audit.md.

Examples:
  bmrs dedupe-audit                                   audit every table, change nothing
  bmrs dedupe-audit --dataset FUELINST --json
  bmrs dedupe-audit --dataset FUELINST --dry-run          what --fix would change
  bmrs dedupe-audit --dataset FUELINST --fix --from 2025-01-01 --to 2025-03-31
  bmrs dedupe-audit --restore bmrs_fuelinst__backup_20251028T120000Z`)
    .action((opts: DedupeOptions) => runDedupeAudit(opts));
}

function count(min: number) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new InvalidArgumentError(`must be a whole number of at least ${min}`);
    return Number(v);
  };
}

const defaultOpen: OpenStore = async (config, onWait) => {
  const { openConfiguredStore } = await import('../open-store.js');
  return openConfiguredStore(config, onWait);
};

/** The command's body; sets process.exitCode. */
export async function runDedupeAudit(opts: DedupeOptions, openStore: OpenStore = defaultOpen): Promise<void> {
  checkFlags(opts);
  const config = loadConfig({ db: opts.db, sink: opts.sink });
  const now = (config.now === undefined ? systemClock() : fixedClock(config.now)).now();
  const datasets = opts.dataset === undefined && opts.group === undefined ? undefined : parseDatasets(opts.dataset, opts.group);
  if (config.sink === 'duckdb' && !existsSync(config.duckdbPath)) {
    throw new UsageError(`there is no store at ${config.duckdbPath}`, { hint: 'point --db or BMRS_DUCKDB_PATH at the store' });
  }
  const store = await openStore(config, (holder) => process.stderr.write(`${style.dim(`waiting up to ${Math.round(config.storeWaitMs / 1000)} s for the store, held by ${holder}`)}\n`));
  // The same store as this run: its --db and --sink when given (the environment holds otherwise).
  const where = `${opts.db === undefined ? '' : ` --db ${shellWord(opts.db)}`}${opts.sink === undefined ? '' : ` --sink ${shellWord(opts.sink)}`}`;
  const restoreCommand = (backup: string) => `bmrs dedupe-audit${where} --restore ${backup}`;
  try {
    const { runAudit, runRestore } = await import('../dedupe/run.js');
    const text = await import('../dedupe/text.js');
    if (opts.restore !== undefined) {
      const r = await runRestore(store, opts.restore, opts.force === true);
      if (opts.json) writeJson({ ok: true, exitCode: 0, restored: r });
      else process.stdout.write(text.renderRestore(r));
      process.exitCode = 0;
      return;
    }
    const mode = opts.dryRun ? 'dry-run' : opts.fix ? 'fix' : 'audit';
    const report = await runAudit(
      store,
      { datasets, from: opts.from, to: opts.to, worst: opts.worst ?? 5, sample: opts.sample ?? 10_000, mode, dropNullKeys: opts.dropNullKeys === true },
      now,
      // Said at once on stderr: should a later table fail, this backup and its undo are not lost.
      (f) => process.stderr.write(`${style.dim(`${f.table}: fixed; backup ${f.backup}; undo with: ${restoreCommand(f.backup)}`)}\n`),
    );
    if (opts.json) writeJson({ ...report, fixes: report.fixes.map((f) => ({ ...f, restoreCommand: restoreCommand(f.backup) })) });
    else process.stdout.write(text.renderText(report, restoreCommand));
    process.exitCode = report.exitCode;
  } finally {
    await store.close();
  }
}

/** A word as a POSIX shell reads it back: as it is when plain, else in single quotes. */
function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

function checkFlags(o: DedupeOptions): void {
  for (const [flag, v] of [['--from', o.from], ['--to', o.to]] as const) {
    if (v !== undefined && !isIsoDate(v)) throw new UsageError(`${flag} ${v} is not a date`, { hint: 'settlement days are written YYYY-MM-DD, e.g. --from 2025-10-01 --to 2025-10-31 (both inclusive)' });
  }
  if (o.from !== undefined && o.to !== undefined && o.from > o.to) throw new UsageError(`--from ${o.from} is after --to ${o.to}`, { hint: 'both are inclusive: --from 2025-10-26 --to 2025-10-26 is one day' });
  if (o.restore !== undefined) {
    const others = (['fix', 'dryRun', 'dropNullKeys', 'from', 'to', 'dataset'] as const).filter((k) => o[k] !== undefined);
    if (others.length > 0) throw new UsageError(`--restore is given alone (with --db, --json at most), not with --${others[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, { hint: 'the backup names its table: bmrs dedupe-audit --restore bmrs_fuelinst__backup_20251028T120000Z' });
    return;
  }
  if (o.force && o.restore === undefined) throw new UsageError('--force goes with --restore', { hint: 'it restores a backup even though rows loaded since would be dropped' });
  if (!o.fix && !o.dryRun && o.dropNullKeys) {
    throw new UsageError('--drop-null-keys goes with --fix (or --dry-run)', { hint: 'the audit alone changes nothing; try bmrs dedupe-audit --fix --drop-null-keys --dry-run' });
  }
}

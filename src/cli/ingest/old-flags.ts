// The old fetch script's flags (docs/compatibility.md section 4), so its cron lines keep working.
// --start, --end, --only and --data-dir have a meaning here (src/cli/commands/ingest.ts); the others
// are accepted and explained: one note each, printed on stderr once the options are found valid
// (also under --json, whose report is stdout).

export interface OldFlags {
  only?: string[];
  start?: string;
  end?: string;
  dataDir?: string;
  overwrite?: true;
  logLevel?: string | true;
  includeOffline?: true;
  bmUnits?: string | true;
}

// Never the word "error": the operators count lines that contain it in their logs.
const NOTES: readonly [keyof OldFlags, string, string][] = [
  ['overwrite', '--overwrite', 'rows are never overwritten or duplicated: rows already stored (same _hash_key) are skipped'],
  ['logLevel', '--log-level', 'has no effect: bmrs prints only failures and warnings; use --quiet for no progress, --json for a report'],
  ['includeOffline', '--include-offline', 'has no effect: bmrs leaves out none of the rows the API returns for a window, so there is nothing to include'],
  ['bmUnits', '--bm-units', 'has no effect: bmrs fetches each dataset whole, every BM unit included; choose datasets with --dataset'],
];

export function oldFlagNotes(opts: OldFlags): string[] {
  return NOTES.filter(([key]) => opts[key] !== undefined).map(([, flag, note]) => `${flag}: ${note}`);
}

// How a bmrs process ends once its command has returned `code` (bin/bmrs.js).
import { enginePoisoned } from '../sinks/duckdb-stop.js';

/**
 * Sets the exit code and lets the process wind down; but after a commit DuckDB refused, ends it as
 * soon as stdout and stderr have taken what was written to them: winding down would close the
 * store's engine, which checkpoints DuckDB's copy of the store, and that copy may be wrong (CommitFailed).
 * Ended here, the file and its WAL stay as the last good commit left them, and the next open
 * replays the WAL.
 */
export function finish(code: number): void {
  if (!enginePoisoned()) {
    process.exitCode = code;
    return;
  }
  // Pipes are asynchronous on some systems (macOS): a --json report must not be cut short.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

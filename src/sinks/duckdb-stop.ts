// The stop after a COMMIT that DuckDB refused: a module of its own, without the driver, so that
// every bmrs process can ask at its end (cli/finish.ts) without loading DuckDB.
import { StoreStopped } from '../core/errors.js';

/**
 * A COMMIT that DuckDB refused (other than one that held before its checkpoint failed: "COMMIT
 * succeeded"). DuckDB 1.5 does not always undo such a commit cleanly in memory: after a commit
 * that ran out of memory, the attached file's table held rows of one window in place of another's
 * (found by a test that failed 1 run in 10 under load; a checkpoint later said "Corrupted in-memory
 * column"). So nothing more is done on the process's DuckDB engines: no retry, no statement, no
 * checkpoint, no DETACH, and the process ends without closing their instances (`enginePoisoned`,
 * cli/finish.ts). What was committed before is in the file and its WAL; the next run replays it.
 */
export class CommitFailed extends StoreStopped {}

let poisoned: CommitFailed | undefined;

/** The commit failure that stopped the engines, if one did. */
export const enginePoisoned = (): CommitFailed | undefined => poisoned;

export function poisonEngine(cause: unknown): CommitFailed {
  poisoned ??= new CommitFailed(`DuckDB failed to commit a write to the store: ${((cause as Error)?.message ?? String(cause)).split('\n')[0]}`, {
    cause,
    hint: 'bmrs stopped without touching the store again, so what was committed before is kept whole and this write left nothing; run the same command again',
  });
  return poisoned;
}

/** Whether a DuckDB error is a commit refused (not one that held before its checkpoint failed). */
export function refusedCommit(e: unknown): boolean {
  const message = (e as Error)?.message ?? '';
  return /Failed to commit/i.test(message) && !/COMMIT succeeded/i.test(message);
}

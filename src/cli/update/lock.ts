// The lock that keeps two `bmrs update` runs from overlapping (cron firing while a slow run still
// goes), with proper-lockfile: a lock directory `<db>.update.lock` whose mtime the holder refreshes;
// one left by a killed process goes stale and is taken over. Beside it, `<db>.update.holder` names
// the holder (PID, host, start) so that the run that finds the lock taken can say whose it is.
// The store itself is not locked here: a backfill or a query holding the DuckDB file is a wait
// (BMRS_STORE_WAIT_SECONDS), not an overlap.
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { UsageError } from '../../core/errors.js';
import { makeDirsSync } from '../../platform/dirs.js';

/** A lock not refreshed for this long belongs to a process that is gone (the holder refreshes it every 30 s). */
export const LOCK_STALE_MS = 60_000;

export interface Holder {
  readonly pid: number;
  readonly host: string;
  /** ISO instant (the real clock: when the holder started, not its BMRS_NOW). */
  readonly since: string;
}

export type LockResult =
  | { readonly ok: true; readonly lock: UpdateLock }
  | { readonly ok: false; readonly holder: Holder | null; readonly lockPath: string };

export interface UpdateLock {
  readonly lockPath: string;
  /** The holder whose stale lock this run took over (a killed run), else null. */
  readonly tookOver: Holder | null;
  /** Set when the lock was found taken over while we held it (not refreshed for a minute: a machine asleep). */
  compromised(): string | null;
  release(): Promise<void>;
}

export const lockPathOf = (db: string) => `${db}.update.lock`;
const holderPathOf = (db: string) => `${db}.update.holder`;

export async function acquireUpdateLock(db: string): Promise<LockResult> {
  const lockPath = lockPathOf(db);
  try {
    makeDirsSync(dirname(db));
  } catch (e) {
    throw new UsageError(`cannot create the folder for the update lock ${lockPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      hint: 'point --db or BMRS_DUCKDB_PATH at a writable location (the lock lives beside the store)',
    });
  }
  // A lock not refreshed within the stale time, whose holder is gone: proper-lockfile takes it over
  // below. (A lock just released by a run that ended normally is no take-over, so it is not read.)
  const previous = isStale(lockPath) ? readHolder(db) : null;
  let compromised: string | null = null;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(`${db}.update`, {
      realpath: false,
      lockfilePath: lockPath,
      stale: LOCK_STALE_MS,
      onCompromised: (e) => void (compromised = e.message),
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED') return { ok: false, holder: readHolder(db), lockPath };
    throw new UsageError(`cannot take the update lock ${lockPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      hint: 'the lock lives beside the store: point --db or BMRS_DUCKDB_PATH at a writable location',
    });
  }
  writeHolder(db, { pid: process.pid, host: hostname(), since: new Date().toISOString() });
  return {
    ok: true,
    lock: {
      lockPath,
      // Said only when the stale lock's holder is gone; a live holder whose refresh was held up learns it through onCompromised.
      tookOver: previous !== null && !isAlive(previous) ? previous : null,
      compromised: () => compromised,
      release: async () => {
        if (compromised !== null) return; // the lock is someone else's now, and so is the holder file
        rmSync(holderPathOf(db), { force: true });
        await release().catch(() => undefined);
      },
    },
  };
}

/** "PID 1234 on host, running since 2025-11-01T12:00:00.000Z", for the lines about the lock. */
export function describeHolder(h: Holder | null): string {
  if (h === null) return 'a process that has not said who it is yet';
  return `PID ${h.pid}${h.host === hostname() ? '' : ` on ${h.host}`}, running since ${h.since}`;
}

/**
 * Why this run was skipped. A holder killed with SIGKILL leaves its lock, taken over once stale,
 * not at once (a PID check and the take-over cannot be made one atomic step): say so.
 */
export function describeSkip(h: Holder | null): string {
  if (h !== null && h.host === hostname() && !isAlive(h)) {
    return `${describeHolder(h)}, which is no longer running (killed?); its lock is taken over once it is ${LOCK_STALE_MS / 1000} s old`;
  }
  return describeHolder(h);
}

function isStale(lockPath: string): boolean {
  const mtime = statSync(lockPath, { throwIfNoEntry: false })?.mtimeMs;
  return mtime !== undefined && mtime < Date.now() - LOCK_STALE_MS;
}

function isAlive(h: Holder): boolean {
  if (h.host !== hostname()) return false;
  try {
    process.kill(h.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(db: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(holderPathOf(db), 'utf8')) as Holder;
    return typeof h.pid === 'number' ? h : null;
  } catch {
    return null;
  }
}

/** Written whole (a temporary file renamed over it), so a reader never sees half of it. */
function writeHolder(db: string, h: Holder): void {
  const tmp = `${holderPathOf(db)}.${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(h)}\n`);
  renameSync(tmp, holderPathOf(db));
}

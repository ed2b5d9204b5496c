// The store's scratch folder (`$TMPDIR/bmrs-duckdb-<pid>-XXXXXX`, holding each write's CSV file):
// made when the store opens (a TMPDIR that cannot hold it is a usage error, before anything is
// fetched), removed at close and on the way out of a process ended by a signal, and, for a process
// killed with SIGKILL, swept by the next run once that process is gone.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';

const PREFIX = 'bmrs-duckdb-';
/** Folders from bmrs 0.1 carry no PID: swept once they are a day old. */
const UNOWNED_MAX_AGE_MS = 86_400_000;

export interface Scratch {
  readonly dir: string;
  remove(): void;
}

export function makeScratch(): Scratch {
  const base = tmpdir();
  sweepStale(base);
  let dir: string;
  try {
    dir = mkdtempSync(join(base, `${PREFIX}${process.pid}-`));
  } catch (e) {
    throw new UsageError(`cannot make a scratch folder in ${base} (TMPDIR): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      hint: 'point TMPDIR at a writable folder, or unset it',
    });
  }
  const remove = () => rmSync(dir, { recursive: true, force: true });
  process.on('exit', remove);
  return {
    dir,
    remove() {
      process.off('exit', remove);
      remove();
    },
  };
}

function sweepStale(base: string): void {
  let names: string[];
  try {
    names = readdirSync(base).filter((n) => n.startsWith(PREFIX));
  } catch {
    return; // makeScratch reports an unusable TMPDIR
  }
  for (const name of names) {
    const pid = /^bmrs-duckdb-(\d+)-/.exec(name)?.[1];
    const path = join(base, name);
    try {
      const stale = pid ? !alive(Number(pid)) : Date.now() - statSync(path).mtimeMs > UNOWNED_MAX_AGE_MS;
      if (stale) rmSync(path, { recursive: true, force: true });
    } catch {
      // Another run swept it first, or it is not ours to remove.
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let shared: { scratch: Scratch; users: number } | undefined;

/**
 * The process's one scratch folder, shared by the store and the SQL transform (their file names
 * differ): made by the first user, removed when the last one lets go (or at exit).
 */
export function acquireScratch(): Scratch {
  if (!shared) shared = { scratch: makeScratch(), users: 0 };
  const s = shared;
  s.users++;
  let released = false;
  return {
    dir: s.scratch.dir,
    remove() {
      if (released) return;
      released = true;
      if (--s.users > 0) return;
      s.scratch.remove();
      if (shared === s) shared = undefined;
    },
  };
}

// One DuckDB file, one process: every session of a store goes through here, one at a time, so the
// process never has the file open twice (DuckDB would allow it, and its file locks belong to the
// whole process: closing a second instance drops the first one's lock).
// The write session is kept open between write groups while nobody else wants the file: opening
// and closing it per group costs tens of milliseconds and a checkpoint each time (docs/benchmarks.md,
// bench:store). It is let go after a task as soon as another process announces that it waits
// (duckdb-open.ts, waitNote), after IDLE_MS without a task, after a task that failed, and at close;
// so a cron run or a query gets in between a backfill's groups.
import type { DuckDBConnection } from '@duckdb/node-api';
import { resolve } from 'node:path';
import { BmrsError, StoreFailure } from '../core/errors.js';
import { isSpent, openSession, someoneWaits, useProfile, type Mode, type OpenOptions, type Session } from './duckdb-open.js';

const IDLE_MS = 1_000;
/** After letting go for a waiter, how long to leave it the file before opening it again. */
const GIVE_WAY_MS = 2_000;

export interface FileSessions {
  /**
   * Runs `task` on a session of the file, one task at a time. A write opens (and keeps) the write
   * session; a read uses the write session when it is open, else a read-only session of its own.
   */
  use<T>(mode: Mode, task: (c: DuckDBConnection) => Promise<T>): Promise<T>;
  /** Waits for the tasks queued so far, then lets go of the file. */
  release(): Promise<void>;
}

const byFile = new Map<string, FileSessions>();

/** The sessions of the file at `path`, shared by every store of this process on that file. */
export function fileSessions(path: string, open: OpenOptions): FileSessions {
  const key = resolve(path);
  let s = byFile.get(key);
  if (!s) byFile.set(key, (s = create(path, open)));
  return s;
}

function create(path: string, open: OpenOptions): FileSessions {
  let writer: Session | undefined;
  let idle: NodeJS.Timeout | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let gaveWay = false;

  /** Lets go of the write session; one that fails to close has let go of what it could. */
  const letGo = async () => {
    if (idle) clearTimeout(idle);
    idle = undefined;
    const w = writer;
    writer = undefined;
    await w?.close().catch(() => undefined);
  };
  /** The idle timer's let-go runs in the queue, so that no task starts on a session being closed. */
  const letGoQueued = () => {
    queue = queue.then(letGo);
  };

  /** The waiter withdraws its note once it has the file; until then (or a while), do not race it. */
  const giveWay = async () => {
    for (const until = Date.now() + GIVE_WAY_MS; gaveWay && someoneWaits(path) && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    gaveWay = false;
  };

  const run = async <T>(mode: Mode, task: (c: DuckDBConnection) => Promise<T>): Promise<T> => {
    if (idle) clearTimeout(idle);
    if (mode === 'read' && !writer) {
      const reader = await openSession(path, 'read', open);
      try {
        // A reader of its own (no write session open in this process) runs roomy; reads on the
        // write session keep its settings, so a backfill's reads between groups change nothing.
        await useProfile(reader.connection, 'whole');
        return await task(reader.connection);
      } finally {
        await reader.close().catch(() => undefined);
      }
    }
    if (!writer) {
      await giveWay();
      writer = await openSession(path, 'write', open);
    }
    let failed = false;
    try {
      return await task(writer.connection);
    } catch (e) {
      // After a driver failure the database may be unusable: start again from a fresh open.
      // (failing() has made a driver's error a StoreFailure by now.)
      failed = !(e instanceof BmrsError) || e instanceof StoreFailure;
      throw e;
    } finally {
      if (failed || isSpent(writer.connection)) await letGo();
      else if (someoneWaits(path)) {
        await letGo();
        gaveWay = true;
      } else idle = setTimeout(letGoQueued, IDLE_MS).unref();
    }
  };

  return {
    use(mode, task) {
      const next = queue.then(() => run(mode, task));
      queue = next.catch(() => undefined);
      return next;
    },
    async release() {
      await queue;
      await letGo();
    },
  };
}

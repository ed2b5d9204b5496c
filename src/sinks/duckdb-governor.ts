// The memory governor: while the SQL transform loads windows, it keeps the process's resident memory
// near a target (BMRS_MEMORY_TARGET_MIB, default 256). DuckDB's allocator (jemalloc, built into
// libduckdb.so) keeps the pages a statement frees for about a second, for reuse. When a write
// group's insert and a transform batch run at once, those kept pages come on top of both working
// sets, and a year's backfill peaked anywhere from 266 to 309 MiB between identical runs. Once the
// RSS passes the target, the governor has DuckDB give every free page back at once: `SET
// memory_limit` makes DuckDB purge jemalloc's arenas and trim glibc's heap (BufferPool::SetLimit
// calls Allocator::FlushAll). The statement runs on an instance of the governor's own: it holds no
// data (about 3 MiB), so no engine's limit changes under a statement, and the allocators belong to
// the whole process, so one purge reaches both engines.
//
// A purge is not free: the next statements fault the freed pages in again (on this project's VM
// 10-15 µs a page: about 0.15 s of CPU for the 45 MiB a purge typically frees). So the governor
// purges only above the target, at most every `minGapMs`, and backs off while purges free little,
// which means the live memory itself is above the target and purging cannot help. The target is a
// threshold, not a cap: live memory above it stays. The purge's statement waits for one of libuv's
// two pool threads like any other (docs/benchmarks.md, "Eleventh sitting").
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckdb } from './duckdb-driver.js';

const MIB = 1024 * 1024;

export interface GovernorOptions {
  /** Purge when the RSS is above this many bytes. */
  readonly targetBytes: number;
  /** The process's resident memory in bytes (process.memoryUsage.rss). */
  readonly rss?: () => number;
  /** Gives the allocators' free pages back (default: `SET memory_limit` on the governor's instance). */
  readonly purge?: () => Promise<void>;
  /** Monotonic milliseconds. */
  readonly now?: () => number;
  /** Least time between purges (default 100 ms). */
  readonly minGapMs?: number;
  /** A purge that frees less than this many bytes doubles the wait before the next (default 8 MiB). */
  readonly worthBytes?: number;
  /** Longest wait after purges that freed little (default 5 s). */
  readonly maxBackoffMs?: number;
}

export interface Governor {
  /** Checks the RSS once, and purges if it is over the target and a purge is due. */
  tick(): Promise<void>;
  /** Purges run so far. */
  readonly purges: number;
  /** Stops the checks and closes the governor's instance; a purge running finishes first. */
  stop(): Promise<void>;
}

/** The governor's logic: when to purge. `tick` is driven by `startGovernor`'s timer, or by a test. */
export function createGovernor(options: GovernorOptions): Governor {
  const rss = options.rss ?? (() => process.memoryUsage.rss());
  const now = options.now ?? (() => performance.now());
  const minGap = options.minGapMs ?? 100;
  const worth = options.worthBytes ?? 8 * MIB;
  const maxBackoff = options.maxBackoffMs ?? 5_000;
  const own = options.purge ? undefined : ownPurge();
  const purge = options.purge ?? own!.purge;
  let running: Promise<void> | undefined;
  let stopped = false;
  let purges = 0;
  let gap = minGap;
  let last = -Infinity;
  const longer = (g: number) => Math.min(Math.max(g, 1) * 2, maxBackoff);

  const run = async (before: number): Promise<void> => {
    try {
      await purge();
      purges++;
      // Freed little: the live memory is what is over the target; wait longer before the next.
      gap = before - rss() < worth ? longer(gap) : minGap;
    } catch {
      // The next due tick tries again; a load never fails for want of a purge.
      gap = longer(gap);
    } finally {
      last = now();
      running = undefined;
    }
  };

  return {
    tick() {
      if (stopped || running) return running ?? Promise.resolve();
      let before: number;
      try {
        // Reading /proc can fail (EMFILE on a busy run): no purge this time, and no error for the caller.
        before = rss();
      } catch {
        return Promise.resolve();
      }
      if (before <= options.targetBytes || now() - last < gap) return Promise.resolve();
      return (running = run(before));
    },
    get purges() {
      return purges;
    },
    async stop() {
      stopped = true;
      await running;
      await own?.close();
    },
  };
}

/**
 * Starts a governor that checks every `everyMs` (default 25 ms) for as long as the process has
 * work; `targetMiB` 0 starts none.
 */
export function startGovernor(targetMiB: number, everyMs = 25): Governor | undefined {
  if (targetMiB <= 0) return undefined;
  const g = createGovernor({ targetBytes: targetMiB * MIB });
  const timer = setInterval(() => void g.tick(), everyMs);
  // The checks never keep the process alive.
  timer.unref();
  return {
    tick: () => g.tick(),
    get purges() {
      return g.purges;
    },
    stop() {
      clearInterval(timer);
      return g.stop();
    },
  };
}

/** The governor's own in-memory instance, made at its first purge (a run that never needs one pays nothing). */
function ownPurge(): { purge: () => Promise<void>; close: () => Promise<void> } {
  let made: Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> | undefined;
  const LIMIT = '16MB';
  let flip = false;
  return {
    async purge() {
      made ??= (async () => {
        const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: '1', memory_limit: LIMIT });
        return { instance, conn: await instance.connect() };
      })();
      const m = await made.catch((e: unknown) => {
        made = undefined;
        throw e;
      });
      // A limit the instance can always meet (it holds nothing), then the allocators' purge. It
      // alternates between two values, so the statement is never one that changes nothing.
      flip = !flip;
      await m.conn.run(`SET memory_limit = '${flip ? '17MB' : LIMIT}'`);
    },
    async close() {
      const m = await made?.catch(() => undefined);
      made = undefined;
      try {
        m?.conn.closeSync();
        m?.instance.closeSync();
      } catch {
        // Closing an instance that holds nothing cannot lose anything; the process's exit frees it.
      }
    },
  };
}

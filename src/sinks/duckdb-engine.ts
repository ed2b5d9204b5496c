// The process's one DuckDB engine: an in-memory instance on which the SQL transform runs and to
// which each store session ATTACHes its file (duckdb-open.ts). One buffer pool, one set of caches
// and one memory limit for both, where two instances (transform and store) each kept their own:
// a year's backfill peaked about 60 MB higher that way (docs/benchmarks.md). Made by the first
// user, closed when the last one lets go.
import type { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { duckdb } from './duckdb-driver.js';
import { acquireScratch, type Scratch } from './duckdb-scratch.js';

/**
 * Instance-wide settings, chosen for a backfill's footprint on a small machine (docs/benchmarks.md,
 * "Fifth sitting"):
 * - the memory limit caps the buffer pool of the transform and the store together (past it, DuckDB
 *   spills to the scratch folder): 64 MB holds a transform batch of eight FUELINST days beside a
 *   write group; 128 MB peaked 40 MB higher for no speed;
 * - the allocator gives memory back after a task that used more than 4 MB (DuckDB's default,
 *   128 MB, kept 60-80 MB more resident for a year's backfill, at the same speed);
 * - one thread: each statement runs on its caller's thread as well, so the transform and a write
 *   still run side by side on two cores (a repair asks for more: `engineThreads`);
 * - a writer checkpoints once its WAL reaches 64 MB instead of 16 MB, so that a long load is not
 *   written twice over (the WAL is replayed on the next open after a crash, as always).
 */
export const ENGINE_MEMORY_LIMIT = '64MB';
const SETTINGS = {
  memory_limit: ENGINE_MEMORY_LIMIT,
  allocator_flush_threshold: '4MB',
  allocator_bulk_deallocation_flush_threshold: '4MB',
  threads: '1',
  checkpoint_threshold: '64MB',
};

export interface Engine {
  readonly instance: DuckDBInstance;
  /** Lets go of this use; the last one closes the instance. */
  release(): void;
}

let shared: { instance: Promise<DuckDBInstance>; users: number; scratch: Scratch; threads: number } | undefined;

/** The engine, made on first use. Each call must be matched by one `release`. */
export async function acquireEngine(): Promise<Engine> {
  if (!shared) {
    const scratch = acquireScratch();
    const spill = join(scratch.dir, 'spill');
    let made: Promise<DuckDBInstance>;
    try {
      mkdirSync(spill, { recursive: true });
      made = duckdb.DuckDBInstance.create(':memory:', { ...SETTINGS, temp_directory: spill });
    } catch (e) {
      scratch.remove();
      throw e;
    }
    shared = { instance: made, users: 0, scratch, threads: 1 };
  }
  const s = shared;
  s.users++;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    if (--s.users > 0) return;
    if (shared === s) shared = undefined;
    void s.instance.then(
      (i) => i.closeSync(),
      () => undefined,
    );
    s.scratch.remove();
  };
  try {
    return { instance: await s.instance, release };
  } catch (e) {
    // One that could not be made is not kept: the next use tries again.
    release();
    throw e;
  }
}

/**
 * Sets the engine's threads (an instance-wide setting): a write group runs on one, beside the
 * transform's; repairs and restores, whole-table statements, on two (bench:stages).
 */
export async function engineThreads(run: (sql: string) => Promise<unknown>, n: 1 | 2): Promise<void> {
  if (!shared || shared.threads === n) return;
  await run(`SET threads = ${n}`);
  shared.threads = n;
}

/** Heavy tasks (transform batches, write groups) running side by side now, and who waits for none to run. */
let running = 0;
let idle: (() => void)[] = [];
/** Settles once the exclusive tasks queued so far have run. */
let exclusive: Promise<void> = Promise.resolve();

const OUT_OF_MEMORY = /Out of Memory Error/i;

/**
 * Runs a heavy task (a transform batch, a write group) on the engine. They run side by side, the
 * transform's next batch beside the store's write; but at their peaks both need most of the memory
 * limit (a batch of eight days about 75 MB of buffers, spilling past the limit), and a task that
 * finds the pool full of the other's pinned buffers fails with "Out of Memory". Such a task has
 * changed nothing (its statement or transaction failed whole), and is run once more alone: after
 * the tasks running now, before any other starts.
 */
export async function heavyTask<T>(task: () => Promise<T>): Promise<T> {
  try {
    return await together(task);
  } catch (e) {
    if (!OUT_OF_MEMORY.test((e as Error)?.message ?? '')) throw e;
    return alone(task);
  }
}

async function together<T>(task: () => Promise<T>): Promise<T> {
  await exclusive;
  running++;
  try {
    return await task();
  } finally {
    if (--running === 0) for (const go of idle.splice(0)) go();
  }
}

function alone<T>(task: () => Promise<T>): Promise<T> {
  const before = exclusive;
  let done!: () => void;
  exclusive = new Promise<void>((r) => (done = r));
  return (async () => {
    try {
      await before;
      while (running > 0) await new Promise<void>((r) => idle.push(r));
      return await task();
    } finally {
      done();
    }
  })();
}

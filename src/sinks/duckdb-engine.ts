// The process's one DuckDB engine: an in-memory instance on which the SQL transform runs and to
// which each store session ATTACHes its file (duckdb-open.ts). One buffer pool, one allocator's
// caches and one memory limit for both, where two instances (transform and store) each kept their
// own (docs/benchmarks.md, "Fifth sitting"). Made by the first user, closed when the last one lets go.
import type { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CommitFailed, enginePoisoned, poisonEngine, refusedCommit } from './duckdb-stop.js';
import { duckdb } from './duckdb-driver.js';
import { acquireScratch, type Scratch } from './duckdb-scratch.js';

/**
 * Instance-wide settings, chosen for a backfill's footprint on a small machine (docs/benchmarks.md,
 * "Fifth sitting"):
 * - the memory limit caps the buffer pool of the transform and the store together (past it, DuckDB
 *   spills to the scratch folder): at 64 MB a transform batch of eight FUELINST days runs beside a
 *   write group (and one of them that runs out runs again alone: `heavyTask`); 96 MB peaked 25 MB
 *   higher and 128 MB 50 MB higher, for 5-10% more speed;
 * - the allocator gives memory back after a task that used more than 4 MB (DuckDB's default,
 *   128 MB, kept 40-60 MB more resident for a year's backfill; the flushing costs 2-3 s of system
 *   CPU a year);
 * - one thread: each statement runs on its caller's thread as well, so the transform and a write
 *   still run side by side on two cores (reads and repairs ask for more: `engineProfile`);
 * - a writer checkpoints once its WAL reaches 32 MB instead of 16 MB, so that a long load is not
 *   written twice over; not more: rows written since the last checkpoint stay in memory and cannot
 *   be spilled (at 47 MB of WAL they held 56 MB), and they share the limit with the transform (the
 *   WAL is replayed on the next open after a crash, as always).
 */
export const ENGINE_MEMORY_LIMIT = '64MB';
const SETTINGS = {
  memory_limit: ENGINE_MEMORY_LIMIT,
  allocator_flush_threshold: '4MB',
  allocator_bulk_deallocation_flush_threshold: '4MB',
  threads: '1',
  checkpoint_threshold: '32MB',
};

export interface Engine {
  readonly instance: DuckDBInstance;
  /** Lets go of this use; the last one closes the instance. */
  release(): void;
}

/** Instances of a stopped engine (CommitFailed), referenced until the process ends. */
const keptOpen: unknown[] = [];

let shared: { instance: Promise<DuckDBInstance>; users: number; transforms: number; scratch: Scratch; profile: Profile | undefined } | undefined;

/** The engine, made on first use; `transform` for the SQL transform's use. Each call must be matched by one `release`. */
export async function acquireEngine(transform = false): Promise<Engine> {
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
    shared = { instance: made, users: 0, transforms: 0, scratch, profile: 'lean' };
  }
  const s = shared;
  s.users++;
  if (transform) s.transforms++;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    if (transform) s.transforms--;
    if (--s.users > 0) return;
    if (shared === s) shared = undefined;
    // Closing would checkpoint the attached files: not after a failed commit (CommitFailed). Nor
    // may the instance be collected (its finalizer closes it too): it is kept until the process ends.
    if (enginePoisoned()) return void keptOpen.push(s.instance);
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

type Profile = 'lean' | 'roomy';
const PROFILES: Record<Profile, { threads: number; memory: string }> = { lean: { threads: 1, memory: ENGINE_MEMORY_LIMIT }, roomy: { threads: 2, memory: '96MB' } };

/**
 * The engine's threads and memory limit (instance-wide settings) for what the store runs next. A
 * write group runs lean, on one thread beside the transform's (two threads of its own cost it half
 * as much CPU again for the same wall time: bench:stages, 4.5 against 7.3 µs a row). Reads and
 * repairs, whole-table statements (a duplicate count, a backup), run roomy, on two threads and
 * 96 MB, unless the SQL transform is using the engine (a backfill's reads between its writes).
 */
export async function engineProfile(run: (sql: string) => Promise<unknown>, want: 'write' | 'whole'): Promise<void> {
  const s = shared;
  if (!s) return;
  const p: Profile = want === 'whole' && s.transforms === 0 ? 'roomy' : 'lean';
  if (s.profile === p) return;
  s.profile = undefined;
  try {
    await run(`SET threads = ${PROFILES[p].threads}`);
    await run(`SET memory_limit = '${PROFILES[p].memory}'`);
    s.profile = p;
  } catch {
    // Lowering the limit fails while another connection's statement pins more than it (DuckDB
    // must evict down to it first): the task runs with the settings as they are, the next one tries again.
  }
}

/** Heavy tasks (transform batches, write groups) running now. */
let running = 0;
/** Staging statements of the SQL transform running now (`statement`). */
let statements = 0;
/** Solo steps waiting or running: no staging statement starts meanwhile. */
let soloing = 0;
/** Settles once the solo steps queued so far have run (one at a time). */
let soloTurn: Promise<void> = Promise.resolve();
/** Settles once the exclusive tasks queued so far have run. */
let exclusive: Promise<void> = Promise.resolve();
let waiters: (() => void)[] = [];
const changed = (): void => {
  for (const w of waiters.splice(0)) w();
};
/** Settles at the next change of the counts above. Each wait re-checks its condition after it, in
 * the same step as it then counts itself in (a separate check would leave a gap between the two). */
const change = (): Promise<void> => new Promise<void>((r) => waiters.push(r));

/** DuckDB's ways of saying the buffer pool is full. */
const OUT_OF_MEMORY = /Out of Memory Error|failed to pin block|could not allocate block/i;

/**
 * Runs a heavy task (a transform batch, a write group) on the engine. They run side by side, the
 * transform's next batch beside the store's write; but at their peaks both need most of the memory
 * limit (a batch of eight days about 75 MB of buffers, spilling past the limit), and a statement
 * that finds the pool full of the other's pinned buffers fails with "Out of Memory". Such a task
 * has changed nothing (its statement failed whole, and its transaction is rolled back), and is run
 * once more alone: after the tasks running now, before any other starts. A commit never runs
 * beside a staging statement (`solo`), and one that fails is not run again (`CommitFailed`).
 */
export async function heavyTask<T>(task: () => Promise<T>): Promise<T> {
  try {
    return await together(task);
  } catch (e) {
    // A commit's failure is never run again (CommitFailed), whatever reached here with it.
    const message = (e as Error)?.message ?? '';
    if (e instanceof CommitFailed || refusedCommit(e) || /COMMIT succeeded/i.test(message) || !OUT_OF_MEMORY.test(message)) throw e;
    return alone(task);
  }
}

async function together<T>(task: () => Promise<T>): Promise<T> {
  await exclusive;
  return counted(task);
}

/** Runs `task` counted among the heavy tasks running. */
async function counted<T>(task: () => Promise<T>): Promise<T> {
  running++;
  try {
    return await task();
  } finally {
    running--;
    changed();
  }
}

function alone<T>(task: () => Promise<T>): Promise<T> {
  const before = exclusive;
  let done!: () => void;
  exclusive = new Promise<void>((r) => (done = r));
  return (async () => {
    try {
      await before;
      while (running > 0) await change();
      return await counted(task);
    } finally {
      done();
    }
  })();
}

/**
 * Runs `step`, a commit or a checkpoint, with no staging statement of the SQL transform beside it
 * (`statement`): a staging statement pins most of the memory limit while it runs, a commit that
 * finds the pool full fails, and a failed commit can leave DuckDB's copy of the table wrong
 * (`CommitFailed`). It waits for the staging statement running now, if any, and none starts until
 * it is done; the batch's other statements (its summary, its Parquet files) pin little, and its
 * temp table between statements is not pinned at all (DuckDB spills it if the commit needs the
 * room). Solo steps run one at a time. The cost, and what was tried: docs/benchmarks.md, "Sixth sitting".
 */
export async function solo<T>(step: () => Promise<T>): Promise<T> {
  soloing++;
  const before = soloTurn;
  let done!: () => void;
  soloTurn = new Promise<void>((r) => (done = r));
  try {
    await before;
    while (statements > 0) await change();
    stopped();
    return await step();
  } finally {
    soloing--;
    done();
    changed();
  }
}

/** After a refused commit, nothing more runs on the engine (CommitFailed). */
function stopped(): void {
  const e = enginePoisoned();
  if (e) throw e;
}

/** Runs a staging statement of the SQL transform: not while a solo step waits or runs. */
export async function statement<T>(run: () => Promise<T>): Promise<T> {
  while (soloing > 0) await change();
  stopped();
  statements++;
  try {
    return await run();
  } catch (e) {
    // It commits on its own (CREATE TEMP TABLE ... AS): refused, it stops the engine as any commit does.
    throw refusedCommit(e) ? poisonEngine(e) : e;
  } finally {
    statements--;
    changed();
  }
}

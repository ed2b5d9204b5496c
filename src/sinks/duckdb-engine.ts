// The process's two DuckDB engines, in-memory instances: the store's, to which each store session
// ATTACHes its file (duckdb-open.ts), and the transform's, on which the SQL transform stages its
// rows (handed to the store as Parquet files). Each has its own buffer pool and memory limit, so a
// commit never finds its pool full of a transform batch's buffers: in one engine with one limit it
// did, and a failed commit left DuckDB's copy of the table wrong (CommitFailed; docs/benchmarks.md,
// "Sixth sitting" and "Seventh sitting"). Each is made by its first user and closed when its last one lets go.
import type { DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CommitFailed, enginePoisoned, poisonEngine, refusedCommit } from './duckdb-stop.js';
import { duckdb } from './duckdb-driver.js';
import { acquireScratch, type Scratch } from './duckdb-scratch.js';

export type EngineKind = 'store' | 'transform';

/**
 * Each engine's memory limit, chosen for a backfill's footprint on a small machine
 * (docs/benchmarks.md, "Fifth sitting" and "Seventh sitting"); past it DuckDB spills to the engine's
 * own folder in the scratch folder. The transform's fast-mode batch of eight FUELINST days needs
 * 48 MB (at 40 batches ran out and windows went to the JS path; its general mode gets more:
 * `transformRoom`). The store's write group and its rows not yet checkpointed fit in 40 MB,
 * spilling some (a year's backfill: 32 MB ran 5-10% slower, 48 MB 5-10% faster for 8-15 MiB more;
 * a commit of 250,000 rows needs less than 24 MB).
 */
export const ENGINE_MEMORY_LIMIT: Record<EngineKind, string> = { store: '40MB', transform: '48MB' };

/**
 * Settings of both engines:
 * - the allocator gives memory back after a task that used more than a threshold: 4 MB for the
 *   store (DuckDB's default, 128 MB, kept 40-60 MB more resident for a year's backfill), 16 MB
 *   for the transform, whose batches each touch tens of MB: given back after every batch and
 *   faulted in again by the next, they cost a third of a backfill's CPU (docs/benchmarks.md,
 *   "Eighth sitting": a year at 4 MB 71-82k rows/s, at 16 MB 99-103k; peak RSS 247-263 against
 *   286-288 MiB, with libuv's pool of two threads, bin/bmrs.js);
 * - one thread: each statement runs on its caller's thread as well, so the transform and a write
 *   still run side by side on two cores (reads and repairs ask for more: `engineProfile`);
 * - a writer checkpoints once its WAL reaches 32 MB instead of 16 MB, so that a long load is not
 *   written twice over (the WAL is replayed on the next open after a crash, as always);
 * - no cache of the files read (DuckDB's external file cache): each staged Parquet file and each
 *   body is read once and then removed, and the cache kept an entry, its byte ranges and their
 *   buffer handles for every one of them until the engine closed: 15 MB of the heap after three
 *   years of FUELINST (docs/benchmarks.md, "Twelfth sitting").
 */
const SETTINGS = {
  threads: '1',
  checkpoint_threshold: '32MB',
  enable_external_file_cache: 'false',
};
const FLUSH_THRESHOLD: Record<EngineKind, string> = { store: '4MB', transform: '16MB' };

export interface Engine {
  readonly instance: DuckDBInstance;
  /** Lets go of this use; the last one closes the instance. */
  release(): void;
}

/** Instances of a stopped engine (CommitFailed), referenced until the process ends. */
const keptOpen: unknown[] = [];

interface Shared {
  readonly instance: Promise<DuckDBInstance>;
  users: number;
  readonly scratch: Scratch;
  /** The settings set last (`settle`): a profile of the store's, a limit of the transform's; undefined when a change failed. */
  settings: string | undefined;
}
const engines: Partial<Record<EngineKind, Shared>> = {};
/** Uses of the transform's engine now: the store's reads then stay lean (`engineProfile`). */
let transforms = 0;

/** The engine of `kind`, made on first use. Each call must be matched by one `release`. */
export async function acquireEngine(kind: EngineKind = 'store'): Promise<Engine> {
  let s = engines[kind];
  if (!s) {
    const scratch = acquireScratch();
    // A folder of its own: two instances spilling to one folder overwrite each other's files.
    const spill = join(scratch.dir, `spill-${kind}`);
    let made: Promise<DuckDBInstance>;
    try {
      mkdirSync(spill, { recursive: true });
      const flush = FLUSH_THRESHOLD[kind];
      made = duckdb.DuckDBInstance.create(':memory:', {
        ...SETTINGS,
        allocator_flush_threshold: flush,
        allocator_bulk_deallocation_flush_threshold: flush,
        memory_limit: ENGINE_MEMORY_LIMIT[kind],
        temp_directory: spill,
      });
    } catch (e) {
      scratch.remove();
      throw e;
    }
    s = engines[kind] = { instance: made, users: 0, scratch, settings: kind === 'store' ? 'lean' : ENGINE_MEMORY_LIMIT.transform };
  }
  const e = s;
  e.users++;
  if (kind === 'transform') transforms++;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    if (kind === 'transform') transforms--;
    if (--e.users > 0) return;
    if (engines[kind] === e) delete engines[kind];
    // Closing the store's engine would checkpoint its attached files: not after a failed commit
    // (CommitFailed). Nor may the instance be collected (its finalizer closes it too): it is kept
    // until the process ends, and the transform's with it (nothing more runs on either).
    if (enginePoisoned()) return void keptOpen.push(e.instance);
    void e.instance.then(
      (i) => i.closeSync(),
      () => undefined,
    );
    e.scratch.remove();
  };
  try {
    return { instance: await e.instance, release };
  } catch (err) {
    // One that could not be made is not kept: the next use tries again.
    release();
    throw err;
  }
}

type Profile = 'write' | 'lean' | 'roomy';
const PROFILES: Record<Profile, { threads: number; memory: string; vacuum: boolean }> = {
  write: { threads: 1, memory: ENGINE_MEMORY_LIMIT.store, vacuum: false },
  lean: { threads: 1, memory: ENGINE_MEMORY_LIMIT.store, vacuum: true },
  roomy: { threads: 2, memory: '96MB', vacuum: true },
};

/**
 * The store engine's threads, memory limit and checkpoint vacuum (instance-wide settings) for what
 * it runs next. A write group runs on one thread beside the transform's (two threads of its own
 * cost it half as much CPU again for the same wall time: bench:stages, 4.5 against 7.3 µs a row),
 * and its checkpoints do not vacuum: a vacuum merges the small row group each large commit leaves
 * behind with its neighbours, which rewrites and compresses them again: a quarter of a year's
 * store CPU, and the file a third larger (freed blocks; docs/benchmarks.md, "Ninth sitting").
 * Without it nothing is lost: row groups stay as written (one that deletes empty is still
 * dropped), only not merged. Reads and repairs, whole-table statements (a duplicate count, a
 * backup), vacuum again, so a repair's deletes are merged by its own checkpoint or the DETACH that
 * ends it; they run roomy, on two threads and 96 MB, unless the SQL transform is in use (a
 * backfill's reads between its writes): then lean.
 */
export async function engineProfile(run: (sql: string) => Promise<unknown>, want: 'write' | 'whole'): Promise<void> {
  const p: Profile = want === 'write' ? 'write' : transforms === 0 ? 'roomy' : 'lean';
  const { threads, memory, vacuum } = PROFILES[p];
  await settle(engines.store, run, p, [`SET threads = ${threads}`, `SET memory_limit = '${memory}'`, vacuum ? 'RESET max_vacuum_tasks' : 'SET max_vacuum_tasks = 0']);
}

/**
 * Sets an engine's instance-wide settings, named `name`, unless they are already set. A change can
 * fail (lowering the limit while another connection's statement pins more than it: DuckDB must
 * evict down to it first): the task then runs with the settings as they are, and the next one
 * tries again.
 */
async function settle(s: Shared | undefined, run: (sql: string) => Promise<unknown>, name: string, statements: readonly string[]): Promise<void> {
  if (!s || s.settings === name) return;
  s.settings = undefined;
  try {
    for (const q of statements) await run(q);
    s.settings = name;
  } catch {
    // tried again before the next task
  }
}

/**
 * The transform engine's limit for its next batch. The general mode of the SQL transform (its
 * windows' rows listed key by key) needs more room than the fast mode: at 48 MB a window of two
 * FUELINST days ran out (and went to the JS path), at 64 MB it did not. A general-mode batch, and a
 * batch run again after running out (`heavyTask`), get 64 MB; the fast mode's limit comes back
 * after them. The transform runs one batch at a time (one connection), so the instance-wide
 * setting is its batch's own. A change that fails leaves the limit as it is, and the next batch
 * tries again.
 */
export const ROOMY_TRANSFORM_LIMIT = '64MB';
export async function transformRoom(run: (sql: string) => Promise<unknown>, roomy: boolean): Promise<void> {
  stopped();
  const want = roomy ? ROOMY_TRANSFORM_LIMIT : ENGINE_MEMORY_LIMIT.transform;
  await settle(engines.transform, run, want, [`SET memory_limit = '${want}'`]);
}

/** Per engine: heavy tasks (transform batches, write groups) running now, and a promise that
 * settles once the exclusive tasks queued so far have run. */
const heavy: Record<EngineKind, { running: number; exclusive: Promise<void> }> = {
  store: { running: 0, exclusive: Promise.resolve() },
  transform: { running: 0, exclusive: Promise.resolve() },
};
/** Settles once the solo steps queued so far have run (one at a time). */
let soloTurn: Promise<void> = Promise.resolve();
let waiters: (() => void)[] = [];
const changed = (): void => {
  for (const w of waiters.splice(0)) w();
};
/** Settles at the next change of a count above. Each wait re-checks its condition after it, in
 * the same step as it then counts itself in (a separate check would leave a gap between the two). */
const change = (): Promise<void> => new Promise<void>((r) => waiters.push(r));

/** DuckDB's ways of saying the buffer pool is full. */
const OUT_OF_MEMORY = /Out of Memory Error|failed to pin block|could not allocate block/i;

/**
 * Runs a heavy task (a transform batch, a write group) on the engine of `kind`. The transform's
 * batch and the store's write run side by side, each in its own engine's pool. A statement that
 * finds its pool full ("Out of Memory") has changed nothing (it failed whole, and its transaction
 * is rolled back), and the task is run once more alone on its engine, after that engine's tasks
 * running now and before any other starts there; `again` tells it so (the transform then gives
 * the batch more room: `transformRoom`). A commit that fails is never run again (`CommitFailed`).
 */
export async function heavyTask<T>(kind: EngineKind, task: (again: boolean) => Promise<T>): Promise<T> {
  const h = heavy[kind];
  try {
    await h.exclusive;
    return await counted(kind, () => task(false));
  } catch (e) {
    // A commit's failure is never run again (CommitFailed), whatever reached here with it.
    const message = (e as Error)?.message ?? '';
    if (e instanceof CommitFailed || refusedCommit(e) || /COMMIT succeeded/i.test(message) || !OUT_OF_MEMORY.test(message)) throw e;
    return alone(kind, () => task(true));
  }
}

/** Runs `task` counted among the heavy tasks running on the engine of `kind`. */
async function counted<T>(kind: EngineKind, task: () => Promise<T>): Promise<T> {
  heavy[kind].running++;
  try {
    return await task();
  } finally {
    heavy[kind].running--;
    changed();
  }
}

function alone<T>(kind: EngineKind, task: () => Promise<T>): Promise<T> {
  const h = heavy[kind];
  const before = h.exclusive;
  let done!: () => void;
  h.exclusive = new Promise<void>((r) => (done = r));
  return (async () => {
    try {
      await before;
      while (h.running > 0) await change();
      return await counted(kind, task);
    } finally {
      done();
    }
  })();
}

/**
 * Runs `step`, a commit or a writer's checkpoint on the store's engine: one at a time, and none
 * once a commit has been refused (`CommitFailed`: nothing more may touch the files).
 */
export async function solo<T>(step: () => Promise<T>): Promise<T> {
  const before = soloTurn;
  let done!: () => void;
  soloTurn = new Promise<void>((r) => (done = r));
  try {
    await before;
    stopped();
    return await step();
  } finally {
    done();
  }
}

/** After a refused commit, nothing more runs on the engines (CommitFailed). */
function stopped(): void {
  const e = enginePoisoned();
  if (e) throw e;
}

/**
 * Runs a staging statement of the SQL transform. It commits on its own (CREATE TEMP TABLE ... AS):
 * refused, it stops the engines as any refused commit does, and none runs after that.
 */
export async function statement<T>(run: () => Promise<T>): Promise<T> {
  stopped();
  try {
    return await run();
  } catch (e) {
    throw refusedCommit(e) ? poisonEngine(e) : e;
  }
}

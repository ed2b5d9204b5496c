// Opening the DuckDB file. DuckDB lets one process write a file, or any number read it, never both;
// so bmrs holds the file only while it works (a group of windows, a query) and waits for it, within
// a bounded time, when another process holds it. The message names the holder: a reader or a
// writer, its PID and, where the system says, its command line.
import type { DuckDBConnection } from '@duckdb/node-api';
import { duckdb } from './duckdb-driver.js';
import { acquireEngine, engineProfile, solo, type Engine } from './duckdb-engine.js';
import { enginePoisoned, poisonEngine, refusedCommit } from './duckdb-stop.js';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { BmrsError, StoreBusyError, StoreFailure, UsageError } from '../core/errors.js';

export interface OpenOptions {
  /** How long to wait for a store held by another process, in ms. */
  readonly waitMs: number;
  /** Called once when a wait begins, with a description of the holder. */
  readonly onWait?: (holder: string) => void;
}

export type Mode = 'read' | 'write';

export interface Session {
  readonly connection: DuckDBConnection;
  /** Lets go of the file (DETACH, which checkpoints a writer's WAL and drops its lock). */
  close(): Promise<void>;
}

/** Another process holds the file. Other lock failures (a file system without locks) are not a wait. */
const BUSY = /Conflicting lock is held/i;

/**
 * A waiter writes its PID to this file while it waits; a bmrs writer that keeps the file open
 * between write groups (duckdb-hold.ts) sees it after its current group and lets go. Other programs
 * do not announce themselves and get the file when the writer is idle or done.
 */
export const waitNote = (path: string): string => `${path}.wait`;
const WAIT_NOTE_FRESH_MS = 2_000;

/** Whether another process has announced within the last moments that it waits for the file. */
export function someoneWaits(path: string): boolean {
  try {
    const note = waitNote(path);
    if (statSync(note).mtimeMs <= Date.now() - WAIT_NOTE_FRESH_MS) return false;
    return readFileSync(note, 'utf8').trim() !== String(process.pid);
  } catch {
    return false;
  }
}

/**
 * Opens a session on the file, waiting while another process holds it. Every session runs in UTC.
 * A session is the file attached to the process's store engine (duckdb-engine.ts); `own` gives it an
 * instance of its own instead, read-only without external access (bmrs query: a user's SQL).
 */
export async function openSession(path: string, mode: Mode, opts: OpenOptions, own = false): Promise<Session> {
  const stopped = enginePoisoned();
  if (stopped && !own) throw stopped;
  const started = Date.now();
  let delay = 25;
  let told = false;
  let announced = false;
  try {
    for (;;) {
      try {
        return await (own ? ownSession(path) : attach(path, mode));
      } catch (e) {
        const msg = (e as Error).message ?? String(e);
        if (!BUSY.test(msg)) throw mapOpenError(path, mode, msg, e);
        const holder = await describeHolder(mode, msg);
        const waited = Date.now() - started;
        if (waited + delay > opts.waitMs) {
          throw new StoreBusyError(`the store ${path} is in use by ${holder}; waited ${(waited / 1000).toFixed(1)} s`, {
            hint: `${mode === 'write' ? 'what was not stored yet was not loaded; run again when it has finished (nothing is duplicated)' : 'nothing was read; run again when it has finished'}, or wait longer with BMRS_STORE_WAIT_SECONDS (now ${Math.round(opts.waitMs / 1000)})`,
          });
        }
        if (!told) opts.onWait?.(holder);
        told = true;
        announced = announce(path) || announced;
        await new Promise<void>((r) => setTimeout(r, delay));
        delay = Math.min(500, delay * 2);
      }
    }
  } finally {
    if (announced) withdraw(path);
  }
}

let attached = 0;

/** The file attached to the engine under a name of its own, and made the session's default database. */
async function attach(path: string, mode: Mode): Promise<Session> {
  const engine = await acquireEngine();
  const name = `store_${++attached}`;
  let c: DuckDBConnection | undefined;
  try {
    c = await engine.instance.connect();
    await c.run(`ATTACH '${path.replaceAll("'", "''")}' AS ${name}${mode === 'read' ? ' (READ_ONLY)' : ''}`);
  } catch (e) {
    try {
      c?.closeSync();
    } finally {
      engine.release();
    }
    throw e;
  }
  return session(c, () => detach(engine, c, name, mode), `USE ${name}`);
}

/**
 * Lets go of the file: the session's connection is closed first (which rolls back a transaction it
 * may have left open or aborted), then a fresh connection DETACHes the file, which checkpoints a
 * writer's WAL and drops the lock. One that cannot leaves the file attached, and says so: the next
 * session of the file then fails (DuckDB refuses to attach it twice) instead of writing beside it.
 */
async function detach(engine: Engine, c: DuckDBConnection, name: string, mode: Mode): Promise<void> {
  try {
    // After a failed commit, a checkpoint or DETACH would write DuckDB's copy of the file, which
    // may be wrong (CommitFailed): the file stays attached until the process ends.
    if (enginePoisoned()) return c.closeSync();
    // A writer's checkpoint first, in turn with commits (`solo`): DETACH then has little left to
    // write, and a checkpoint failing inside DETACH could take the whole engine down with it. One
    // that fails here is DETACH's to retry.
    if (mode === 'write') await solo(() => c.run('CHECKPOINT')).catch(() => undefined);
    c.closeSync();
    if (enginePoisoned()) return; // a commit was refused while the checkpoint waited its turn
    const fresh = await engine.instance.connect();
    try {
      await fresh.run(`DETACH ${name}`);
    } finally {
      fresh.closeSync();
    }
  } finally {
    engine.release();
  }
}

async function ownSession(path: string): Promise<Session> {
  // The store engine's roomy settings (engineProfile): 96 MB, two threads.
  const instance = await duckdb.DuckDBInstance.create(path, { access_mode: 'READ_ONLY', enable_external_access: 'false', memory_limit: '96MB', threads: '2' });
  let c: DuckDBConnection;
  try {
    c = await instance.connect();
  } catch (e) {
    instance.closeSync();
    throw e;
  }
  return session(c, async () => {
    try {
      c.closeSync();
    } finally {
      instance.closeSync();
    }
  });
}

async function session(c: DuckDBConnection, close: () => Promise<void>, use?: string): Promise<Session> {
  try {
    if (use) await c.run(use);
    await c.run(`SET TimeZone = 'UTC'`);
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
  // A process ended by a signal exits with this session open: interrupt what it runs, or
  // DuckDB's teardown would wait for a long query (or a write) to finish first.
  const interrupt = () => c.interrupt();
  process.on('exit', interrupt);
  return {
    connection: c,
    close: () => {
      process.off('exit', interrupt);
      return close();
    },
  };
}

function announce(path: string): boolean {
  try {
    writeFileSync(waitNote(path), `${process.pid}\n`);
    return true;
  } catch {
    return false; // a folder we cannot write to: the holder just will not know we wait
  }
}

/** Removes our own note (another waiter may have written its own since: leave that one). */
function withdraw(path: string): void {
  try {
    if (readFileSync(waitNote(path), 'utf8').trim() === String(process.pid)) rmSync(waitNote(path), { force: true });
  } catch {
    // gone already, or not ours to remove
  }
}

/** The store engine's settings for its next task (duckdb-engine.ts, engineProfile). */
export const useProfile = (c: DuckDBConnection, want: 'write' | 'whole'): Promise<void> => engineProfile((sql) => c.run(sql), want);

/**
 * Who holds the file. A writer is refused by readers and writers alike; when readers hold it,
 * DuckDB adds that the file could be opened read-only. /proc gives the command line on Linux.
 */
async function describeHolder(mode: Mode, msg: string): Promise<string> {
  const pid = /PID (\d+)/.exec(msg)?.[1];
  const role = mode === 'write' && /read-only mode/i.test(msg) ? 'a reader' : 'a writer';
  if (!pid) return role;
  const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').then(
    (t) => t.split('\0').filter(Boolean).map((a) => (a.startsWith('/') ? a.replace(/^.*\//, '').replace(/\.js$/, '') : a)).join(' '),
    () => '',
  );
  return `${role} (PID ${pid}${cmd ? `: ${cmd.length > 80 ? `${cmd.slice(0, 77)}...` : cmd}` : ''})`;
}

function mapOpenError(path: string, mode: Mode, msg: string, cause: unknown): Error {
  const first = msg.split('\n')[0];
  if (/Is a directory|not a valid DuckDB database|Permission denied|Read-only file system/i.test(msg)) {
    return new UsageError(`cannot open ${path} as a DuckDB store: ${first}`, {
      hint: 'point --db or BMRS_DUCKDB_PATH at a DuckDB file (it is created if missing)',
    });
  }
  if (mode === 'read' && /No such file|does not exist|Cannot open/i.test(msg)) {
    return new UsageError(`there is no store at ${path}`, { hint: 'run bmrs ingest first, or point --db / BMRS_DUCKDB_PATH at your store' });
  }
  return new StoreFailure(`cannot open the store ${path}: ${first}`, { cause, hint: 'check the disk, the file and its folder' });
}

/** A driver error becomes StoreFailure (70) with the driver's own message. */
export async function failing<T>(path: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof BmrsError) throw e;
    // A statement outside a transaction commits on its own: refused, it stops the engine as well.
    if (refusedCommit(e)) throw poisonEngine(e);
    throw new StoreFailure(`the store ${path} failed: ${((e as Error).message ?? String(e)).split('\n')[0]}`, {
      cause: e,
      hint: 'nothing from this step was stored; check the disk and the store, then run again',
    });
  }
}

/**
 * Runs `task` in one transaction: committed whole, or rolled back and re-thrown. COMMITs run one at
 * a time (`solo`); one that DuckDB refuses stops the engines (`CommitFailed`).
 */
export async function inTransaction<T>(c: DuckDBConnection, task: () => Promise<T>): Promise<T> {
  await c.run('BEGIN TRANSACTION');
  let out: T;
  try {
    out = await task();
  } catch (e) {
    await c.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
  try {
    await solo(() => c.run('COMMIT'));
  } catch (e) {
    // The commit held and only the checkpoint after it failed (DuckDB says so): the work is stored,
    // and DuckDB asks for the file to be detached and attached again, which the session does next.
    if (/COMMIT succeeded/i.test((e as Error)?.message ?? '')) {
      spent.add(c);
      return out;
    }
    throw poisonEngine(e);
  }
  return out;
}

/** Connections whose file DuckDB asked to detach and attach again (a checkpoint failed after a commit). */
const spent = new WeakSet<DuckDBConnection>();
export const isSpent = (c: DuckDBConnection): boolean => spent.has(c);
/** A checkpoint that failed invalidates the file in DuckDB until it is detached and attached again. */
export const markSpent = (c: DuckDBConnection): void => void spent.add(c);

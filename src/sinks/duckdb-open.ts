// Opening the DuckDB file. DuckDB lets one process write a file, or any number read it, never both;
// so bmrs holds the file only while it works (a group of windows, a query) and waits for it, within
// a bounded time, when another process holds it. The message names the holder: a reader or a
// writer, its PID and, where the system says, its command line.
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckdb } from './duckdb-driver.js';
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
  close(): void;
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

/** Opens a session on the file, waiting while another process holds it. Every session runs in UTC. */
export async function openSession(path: string, mode: Mode, opts: OpenOptions): Promise<Session> {
  const started = Date.now();
  let delay = 25;
  let told = false;
  let announced = false;
  try {
    for (;;) {
      let instance: DuckDBInstance;
      try {
        instance = await create(path, mode);
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
        continue;
      }
      return await connect(instance);
    }
  } finally {
    if (announced) withdraw(path);
  }
}

async function connect(instance: DuckDBInstance): Promise<Session> {
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
  } catch (e) {
    connection?.closeSync();
    instance.closeSync();
    throw e;
  }
  // A process ended by a signal exits with this session open: interrupt what it runs, or
  // DuckDB's teardown would wait for a long query (or a write) to finish first.
  const c = connection;
  const interrupt = () => c.interrupt();
  process.on('exit', interrupt);
  return {
    connection: c,
    close: () => {
      process.off('exit', interrupt);
      try {
        c.closeSync();
      } finally {
        instance.closeSync();
      }
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

/**
 * A backfill's footprint must not grow with the table: DuckDB's buffer pool is capped (it spills
 * to a temp folder beside the file past that), and it runs on the two threads a small machine
 * has. A writer checkpoints once its WAL reaches 64 MB instead of 16 MB, so that a long load is
 * not written twice over (the WAL is replayed on the next open after a crash, as always).
 */
const THREADS = 2;
const LIMITS = { memory_limit: '96MB', threads: String(THREADS) };
const WRITER = { checkpoint_threshold: '64MB' };

/** The threads each session's instance runs its statements on now (`useThreads`). */
const threadsOf = new WeakMap<DuckDBConnection, number>();

/**
 * A write group (a few days of rows, an insert bounded by those days) runs on one thread: beside
 * the SQL transform's thread that is the two cores used, where two threads of its own cost it half
 * as much CPU again for the same wall time (bench:stages, 4.5 against 7.3 µs a row). Repairs and
 * restores, whole-table statements, get both threads back.
 */
export async function useThreads(c: DuckDBConnection, n: 1 | typeof THREADS): Promise<void> {
  if ((threadsOf.get(c) ?? THREADS) === n) return;
  await c.run(`SET threads = ${n}`);
  threadsOf.set(c, n);
}

async function create(path: string, mode: Mode): Promise<DuckDBInstance> {
  // Readers get no external access either: a query cannot COPY ... TO or read files.
  return duckdb.DuckDBInstance.create(path, mode === 'read' ? { access_mode: 'READ_ONLY', enable_external_access: 'false', ...LIMITS } : { ...LIMITS, ...WRITER });
}

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
    throw new StoreFailure(`the store ${path} failed: ${((e as Error).message ?? String(e)).split('\n')[0]}`, {
      cause: e,
      hint: 'nothing from this step was stored; check the disk and the store, then run again',
    });
  }
}

/** Runs `task` in one transaction: committed whole, or rolled back and re-thrown. */
export async function inTransaction<T>(c: DuckDBConnection, task: () => Promise<T>): Promise<T> {
  await c.run('BEGIN TRANSACTION');
  try {
    const out = await task();
    await c.run('COMMIT');
    return out;
  } catch (e) {
    await c.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

// Opening the DuckDB file. DuckDB lets one process write a file, or any number read it, never both;
// so bmrs holds the file only while it works (a group of windows, a query) and waits for it, within
// a bounded time, when another process holds it. The message names the holder: a reader or a
// writer, its PID and, where the system says, its command line.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { BmrsError, StoreBusyError, StoreFailure, UsageError } from '../core/errors.js';

export interface OpenOptions {
  /** How long to wait for a store held by another process, in ms. */
  readonly waitMs: number;
  /** Called once when a wait begins, with a description of the holder. */
  readonly onWait?: (holder: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

export type Mode = 'read' | 'write';

export interface Session {
  readonly connection: DuckDBConnection;
  close(): void;
}

const LOCK = /Conflicting lock|Could not set lock/i;

/**
 * A waiter touches this file while it waits; a bmrs writer that keeps the file open between write
 * groups (duckdb-hold.ts) sees it after its current group and lets go. Other programs do not
 * announce themselves and get the file when the writer is idle or done.
 */
export const waitNote = (path: string): string => `${path}.wait`;
const WAIT_NOTE_FRESH_MS = 2_000;

/** Whether a process has announced within the last moments that it waits for the file. */
export function someoneWaits(path: string): boolean {
  try {
    return statSync(waitNote(path)).mtimeMs > Date.now() - WAIT_NOTE_FRESH_MS;
  } catch {
    return false;
  }
}

/** Opens a session on the file, waiting while another process holds it. Every session runs in UTC. */
export async function openSession(path: string, mode: Mode, opts: OpenOptions): Promise<Session> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = Date.now();
  let delay = 25;
  let told = false;
  for (;;) {
    try {
      const instance = await create(path, mode);
      if (told) rmSync(waitNote(path), { force: true });
      try {
        const connection = await instance.connect();
        await connection.run(`SET TimeZone = 'UTC'`);
        // A process ended by a signal exits with this session open: interrupt what it runs, or
        // DuckDB's teardown would wait for a long query (or a write) to finish first.
        const interrupt = () => connection.interrupt();
        process.on('exit', interrupt);
        return {
          connection,
          close: () => {
            process.off('exit', interrupt);
            try {
              connection.closeSync();
            } finally {
              instance.closeSync();
            }
          },
        };
      } catch (e) {
        instance.closeSync();
        throw e;
      }
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      if (!LOCK.test(msg)) throw mapOpenError(path, mode, msg, e);
      announce(path);
      const holder = await describeHolder(mode, msg);
      const waited = Date.now() - started;
      if (waited + delay > opts.waitMs) {
        throw new StoreBusyError(`the store ${path} is in use by ${holder}; waited ${(waited / 1000).toFixed(1)} s`, {
          hint: `this run changed nothing; run again when it has finished, or wait longer with BMRS_STORE_WAIT_SECONDS (now ${Math.round(opts.waitMs / 1000)})`,
        });
      }
      if (!told) opts.onWait?.(holder);
      told = true;
      await sleep(delay);
      delay = Math.min(500, delay * 2);
    }
  }
}

function announce(path: string): void {
  try {
    writeFileSync(waitNote(path), `${process.pid}\n`);
  } catch {
    // A folder we cannot write to: the holder just will not know we wait.
  }
}

async function create(path: string, mode: Mode): Promise<DuckDBInstance> {
  // Readers get no external access either: a query cannot COPY ... TO or read files.
  return DuckDBInstance.create(path, mode === 'read' ? { access_mode: 'READ_ONLY', enable_external_access: 'false' } : {});
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
  if (mode === 'read' && /No such file|does not exist|Cannot open/i.test(msg)) {
    return new UsageError(`there is no store at ${path}`, { hint: 'run bmrs ingest first, or point --db / BMRS_DUCKDB_PATH at your store' });
  }
  if (/Is a directory|not a valid DuckDB database|Permission denied|Read-only file system|Cannot open file/i.test(msg)) {
    return new UsageError(`cannot open ${path} as a DuckDB store: ${msg.split('\n')[0]}`, {
      hint: 'point --db or BMRS_DUCKDB_PATH at a DuckDB file (it is created if missing)',
    });
  }
  return new StoreFailure(`cannot open the store ${path}: ${msg.split('\n')[0]}`, { cause, hint: 'check the disk and the file' });
}

/** Runs `task` in a session and closes it whatever happens. */
export async function withSession<T>(path: string, mode: Mode, opts: OpenOptions, task: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const s = await openSession(path, mode, opts);
  try {
    return await failing(path, task(s.connection));
  } finally {
    s.close();
  }
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

// The SQL transform (sql.ts) run on the process's transform engine (duckdb-engine.ts). Each body is in a
// scratch file; the windows waiting when a connection comes free are read together by one
// statement (statements have a fixed cost of about 20 ms, rows are cheap), verified, sanitised and
// hashed in SQL, and each window's kept rows are staged as a Parquet file that the store reads in
// its write transaction. The store's file is not held meanwhile, and the JS thread only moves
// bytes. A batch runs in the fast mode when every window's first row names every column, else in
// the general mode; a window the fast mode cannot prove is read again in the general mode, and one
// the general mode declines goes to the JS path (the `fallback` reason).
import type { DuckDBConnection } from '@duckdb/node-api';
import { acquireEngine, heavyTask, statement, transformRoom, type Engine } from '../sinks/duckdb-engine.js';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreStopped } from '../core/errors.js';
import { pyIsoformatUtc } from '../core/py-format.js';
import type { StagedWindow, WindowTransform } from '../core/ports.js';
import type { TableHandle } from '../core/store.js';
import type { Window } from '../core/windows.js';
import { acquireScratch, type Scratch } from '../sinks/duckdb-scratch.js';
import { startGovernor, type Governor } from '../sinks/duckdb-governor.js';
import { batchSql, fastKeys, sqlIneligible, type BatchWindow } from './sql.js';

export interface DuckDbTransformOptions {
  /** Most windows read by one statement (default 8). */
  readonly batchSize?: number;
  /** Keep the process's RSS near this many MiB while the transform is open (duckdb-governor.ts); 0 or unset: no governor. */
  readonly memoryTargetMiB?: number;
  /** Test hook: each statement's mode (sql.ts) and how many windows it read. */
  readonly onBatch?: (mode: 'fast' | 'general', windows: number) => void;
}

type Result = StagedWindow | { readonly fallback: string };
/** A window the fast mode could not prove canonical: read again in the general mode (sql.ts). */
const AGAIN = Symbol('general mode');

interface Job {
  readonly window: Window;
  readonly table: TableHandle;
  readonly file: string;
  readonly out: string;
  readonly micros: bigint;
  /** The fast mode's key order (sql.ts, fastKeys); null reads the window in the general mode. */
  keys: readonly string[] | null;
  readonly done: (r: Result) => void;
  readonly failed: (e: unknown) => void;
}

export function duckDbTransform(options: DuckDbTransformOptions = {}): WindowTransform {
  const batchSize = options.batchSize ?? 8;
  let engine: Promise<Engine> | undefined;
  let governor: Governor | undefined;
  /** Purges of governors stopped already (a later window may start another). */
  let purgesBefore = 0;
  /** The one connection, made for the first batch; `busy` while a batch runs on it. */
  let conn: DuckDBConnection | undefined;
  let busy = false;
  const queue: Job[] = [];
  let scratch: Scratch | undefined;
  let seq = 0;
  const ineligible = new WeakMap<TableHandle, string | null>();

  /**
   * The process's transform engine (duckdb-engine.ts), with a memory limit of its own. A batch that
   * runs out of it runs again alone (heavyTask); one that still does is read window by window, and a
   * window that fails alone goes to the JS path (reports say so: rowWork).
   */
  const open = async () => {
    if (!engine) {
      const made = acquireEngine('transform');
      // One that could not be made is not kept: a later window tries again.
      made.catch(() => {
        if (engine === made) engine = undefined;
      });
      engine = made;
      governor ??= startGovernor(options.memoryTargetMiB ?? 0);
    }
    return (await engine).instance;
  };

  /** Starts the next batch unless one runs: one connection, one batch at a time, so the engine's
   * memory limit is the batch's own (transformRoom). */
  async function pump(): Promise<void> {
    if (busy || queue.length === 0) return;
    busy = true;
    try {
      conn ??= await (await open()).connect();
    } catch (e) {
      busy = false; // the jobs fail (prepare); a later window may try again
      throw e;
    }
    // The jobs may have failed meanwhile (a failed pump fails the queue).
    if (queue.length === 0) return void (busy = false);
    // Windows of the first job's table and mode, up to a batch.
    const { table, keys } = queue[0];
    const jobs: Job[] = [];
    for (let i = 0; i < queue.length && jobs.length < batchSize; ) {
      if (queue[i].table === table && (queue[i].keys === null) === (keys === null)) jobs.push(...queue.splice(i, 1));
      else i++;
    }
    void runBatch(conn, jobs).finally(() => {
      busy = false;
      void pump();
    });
  }

  async function runBatch(c: DuckDBConnection, jobs: readonly Job[]): Promise<void> {
    let results: (Result | typeof AGAIN)[];
    try {
      results = await heavyTask('transform', (again) => transformBatch(c, jobs, again));
    } catch (e) {
      // The engine stopped (a commit refused): nothing more runs on it, and the windows fail with it.
      if (e instanceof StoreStopped) return jobs.forEach((j) => j.failed(e));
      // One body DuckDB cannot read fails the statement: each window alone then tells which.
      if (jobs.length > 1) {
        for (const j of jobs) await runBatch(c, [j]);
        return;
      }
      // In the fast mode, json_transform_strict fails on a key missing or repeated: whatever failed,
      // the general mode reads the window again and has the last word.
      if (jobs[0].keys !== null) results = [AGAIN];
      else return jobs[0].done({ fallback: `DuckDB could not read the body: ${(e as Error).message.split('\n')[0]}` });
    }
    // A batch's end is when its memory has just been freed: a check then, besides the timer's (it never throws).
    void governor?.tick();
    const again = jobs.filter((j, i) => results[i] === AGAIN);
    jobs.forEach((j, i) => results[i] !== AGAIN && j.done(results[i] as Result));
    for (const j of again) j.keys = null;
    if (again.length > 0) await runBatch(c, again);
  }

  /** `again`: the batch ran out of memory once already (heavyTask), and gets more room. */
  async function transformBatch(c: DuckDBConnection, jobs: readonly Job[], again: boolean): Promise<(Result | typeof AGAIN)[]> {
    const batch: BatchWindow[] = jobs.map((j) => ({
      window: j.window,
      file: j.file,
      windowFrom: pyIsoformatUtc(BigInt(j.window.from) * 1000n),
      windowTo: pyIsoformatUtc(BigInt(j.window.to) * 1000n),
      ingested: pyIsoformatUtc(j.micros),
      keys: j.keys,
    }));
    const sql = batchSql(jobs[0].table, batch, `stage_${++seq}`);
    options.onBatch?.(jobs[0].keys === null ? 'general' : 'fast', jobs.length);
    await transformRoom((q) => c.run(q), jobs[0].keys === null || again);
    try {
      // The staging statement holds most of the transform engine's memory while it runs.
      await statement(() => c.run(sql.stage));
      const summaries = new Map((await c.runAndReadAll(sql.summary)).getRowObjects().map((r) => [Number(r.wid), r]));
      const periods = new Map<number, Map<number, number>>();
      if (sql.periods) {
        for (const r of (await c.runAndReadAll(sql.periods)).getRowObjects()) {
          const wid = Number(r.wid);
          let p = periods.get(wid);
          if (!p) periods.set(wid, (p = new Map()));
          p.set(Number(r.period), Number(r.keys));
        }
      }
      const results: (Result | typeof AGAIN)[] = [];
      for (let wid = 0; wid < jobs.length; wid++) {
        const s = summaries.get(wid);
        const anomalies = Number(s?.anomalies ?? 0), repeated = Number(s?.repeated ?? 0);
        if (anomalies > 0 && jobs[wid].keys !== null) results.push(AGAIN);
        else if (anomalies > 0) results.push({ fallback: `${anomalies} rows outside the canonical form` });
        else if (repeated > 0) results.push({ fallback: `${repeated} repeated rows` });
        else {
          const fetched = Number(s?.fetched ?? 0), outside = Number(s?.outside ?? 0);
          const count = fetched - outside;
          const out = jobs[wid].out;
          const constants = sql.constants(wid, s ?? {});
          if (count > 0) await c.run(sql.copy(wid, out, constants));
          const bounds = !s || s.lo === null || s.hi === null || Number(s.unbounded) > 0 ? null : { column: sql.boundsColumn, min: String(s.lo), max: String(s.hi) };
          results.push({
            staged: { path: out, count, constants },
            bounds,
            fetched,
            outside,
            repeated: 0,
            revisions: Number(s?.revisions ?? 0),
            periodKeys: sql.periods ? (periods.get(wid) ?? new Map()) : null,
            members: Number(s?.members ?? 0),
            keys: { count: Number(s?.key_count ?? 0), xor: String(s?.key_xor ?? '0') },
            dispose: () => rm(out, { force: true }),
          });
        }
      }
      return results;
    } finally {
      // A failed drop must not hide the statement's own error (an out-of-memory one is retried).
      await c.run(sql.drop).catch(() => undefined);
    }
  }

  return {
    async prepare(window, table, body, micros) {
      let reason = ineligible.get(table);
      if (reason === undefined) ineligible.set(table, (reason = sqlIneligible(table)));
      if (reason !== null) return { fallback: reason };
      scratch ??= acquireScratch();
      const n = ++seq;
      // A body given as text is written to a scratch file of ours (removed after); a downloaded one is the caller's.
      const asText = typeof body === 'string';
      const file = asText ? join(scratch.dir, `window-${n}.json`) : body.file;
      if (asText) await writeFile(file, body);
      const keys = fastKeys(table, asText ? body : body.head, window.path.endsWith('/stream'));
      try {
        return await new Promise<Result>((done, failed) => {
          queue.push({ window, table, file, out: join(scratch!.dir, `window-${n}.parquet`), micros, keys, done, failed });
          pump().catch((e: unknown) => {
            for (const j of queue.splice(0)) j.failed(e);
            failed(e);
          });
        });
      } finally {
        if (asText) await rm(file, { force: true });
      }
    },

    bodyFile() {
      scratch ??= acquireScratch();
      return join(scratch.dir, `body-${++seq}.json`);
    },

    memoryPurges: () => purgesBefore + (governor?.purges ?? 0),

    async close() {
      const e = await engine?.catch(() => undefined);
      engine = undefined;
      // A batch running keeps its connection until it ends; the next one makes a fresh one.
      if (!busy) conn?.closeSync();
      conn = undefined;
      e?.release();
      // Taken first: a window prepared meanwhile makes a governor of its own with the next engine.
      const g = governor;
      governor = undefined;
      await g?.stop().catch(() => undefined);
      purgesBefore += g?.purges ?? 0;
      scratch?.remove();
      scratch = undefined;
    },
  };
}

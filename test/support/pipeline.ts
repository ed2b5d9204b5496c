// Runs the real pipeline (got client, DuckDB file, ingest use case) against a simulator URL.
import { mkdtemp, rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../../src/adapters/clock.js';
import { createArchive, type ArchiveLayout } from '../../src/adapters/archive.js';
import { createHttpClient } from '../../src/adapters/http.js';
import { findDataset } from '../../src/core/datasets.js';
import { ingest } from '../../src/core/ingest.js';
import type { DatasetReport } from '../../src/core/report.js';
import type { Range } from '../../src/core/windows.js';
import { runQuery, type QueryValue } from '../../src/sinks/duckdb-query.js';
import { openDuckDbStore } from '../../src/sinks/duckdb.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';

export const FAST_RETRY = { attempts: 4, baseDelayMs: 5, maxDelayMs: 50, budgetMs: 10_000 };

export interface TempDir {
  dir: string;
  db: string;
  cleanup(): Promise<void>;
}

export async function tempDir(): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), 'bmrs-test-'));
  return { dir, db: join(dir, 'bmrs.duckdb'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export const days = (from: string, to: string): Range => ({ kind: 'days', from, to });
export const instants = (from: string, to: string): Range => ({ kind: 'instants', from: Date.parse(from), to: Date.parse(to) });

export interface RunOptions {
  api: string;
  db: string;
  datasets: string[];
  range: Range;
  concurrency?: number;
  timeoutMs?: number;
  retry?: typeof FAST_RETRY;
  archive?: string;
  archiveLayout?: ArchiveLayout;
  now?: string;
  /** The HTTP client's wait between attempts (default: a real timer); see `sleepRecorder`. */
  sleep?: (ms: number) => Promise<void>;
}

/** A retry wait that records what the client asked for and returns at once: no wall clock involved. */
export function sleepRecorder(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

export async function runPipeline(o: RunOptions): Promise<DatasetReport[]> {
  const store = await openDuckDbStore(o.db);
  try {
    return await ingest(
      {
        api: createHttpClient({ base: o.api, timeoutMs: o.timeoutMs ?? 5_000, retry: o.retry ?? FAST_RETRY, userAgent: 'bmrs-test', sleep: o.sleep }),
        store,
        runId: 'test',
        clock: fixedClock(Date.parse(o.now ?? '2025-11-01T00:00:00Z')),
        archive: o.archive ? createArchive(o.archive, o.archiveLayout) : undefined,
      },
      { datasets: o.datasets.map((c) => findDataset(c)!), range: o.range, concurrency: o.concurrency ?? 2 },
    );
  } finally {
    await store.close();
  }
}

export async function query(db: string, sql: string): Promise<Record<string, QueryValue>[]> {
  const { columns, rows } = await runQuery(db, sql);
  return rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
}

export async function scalar(db: string, sql: string): Promise<number> {
  const [row] = await query(db, sql);
  return Number(Object.values(row)[0]);
}

export function countRows(db: string, table = 'bmrs_fuelinst'): Promise<number> {
  return scalar(db, `SELECT count(*) FROM ${table}`);
}

export interface SimulatorAndStore {
  sim: Simulator;
  tmp: TempDir;
  /**
   * Resolves once the simulator has logged `n` requests. A request the client abandoned during a
   * `delay` fault is logged (status 0) only when the delay ends, possibly after the load returned;
   * waiting for it keeps it out of the next test's log. No timer: each logged request re-checks.
   */
  logged(n: number): Promise<void>;
}

/**
 * One simulator per test file and a fresh temporary store per test; faults and the request log
 * are cleared before each test. Read `ctx.sim` and `ctx.tmp` inside hooks and tests.
 */
export function useSimulatorAndStore(options: SimulatorOptions): SimulatorAndStore {
  const waiters = new Set<() => void>();
  const ctx: SimulatorAndStore = {
    logged: (n) =>
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (ctx.sim.requests.length < n) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
  } as SimulatorAndStore;
  beforeAll(async () => {
    ctx.sim = await startSimulator({
      port: 0,
      ...options,
      onRequest: (entry) => {
        options.onRequest?.(entry);
        for (const check of [...waiters]) check();
      },
    });
  });
  afterAll(() => ctx.sim.close());
  beforeEach(async () => {
    ctx.tmp = await tempDir();
    ctx.sim.setFault(null);
    ctx.sim.requests.length = 0;
  });
  afterEach(() => ctx.tmp.cleanup());
  return ctx;
}

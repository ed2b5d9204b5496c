// For the `bmrs check` tests: a simulator and a temporary store per test, a store loaded through
// the real pipeline, SQL to break it, and the CLI run against both.
import { spawn } from 'node:child_process';
import { afterEach, beforeEach } from 'vitest';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { runQuery } from '../../src/sinks/duckdb-query.js';
import { makeStore } from './cli.js';
import { days, runPipeline, tempDir, type TempDir } from './pipeline.js';

export const BIN = new URL('../../bin/bmrs.js', import.meta.url).pathname;

export interface CheckContext {
  sim: Simulator;
  tmp: TempDir;
}

/** A fresh simulator (clock fixed at `now`) and temporary folder for every test. */
export function useCheckContext(now: string): CheckContext {
  const ctx = {} as CheckContext;
  beforeEach(async () => {
    ctx.sim = await startSimulator({ port: 0, now });
    ctx.tmp = await tempDir();
  });
  afterEach(async () => {
    await ctx.sim.close();
    await ctx.tmp.cleanup();
  });
  return ctx;
}

/** Loads settlement days [from, to) of the datasets through the pipeline (got, verification, DuckDB). */
export async function load(ctx: CheckContext, datasets: string[], from: string, to: string, now: string): Promise<void> {
  const reports = await runPipeline({ api: ctx.sim.url, db: ctx.tmp.db, datasets, range: days(from, to), now });
  for (const r of reports) if (r.failures.length) throw new Error(`${r.dataset}: ${r.failures[0].error.message}`);
}

/** Runs statements that change the store (tests only: break it on purpose). */
export function sql(db: string, ...statements: string[]): Promise<void> {
  return makeStore(db, statements);
}

export async function scalar(db: string, q: string): Promise<number> {
  const { rows } = await runQuery(db, q);
  return Number(rows[0][0]);
}

export interface CheckResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed, when it is JSON. */
  json: any;
}

export function check(ctx: CheckContext, args: string[], env: Record<string, string | undefined> = {}): Promise<CheckResult> {
  return new Promise((resolve, reject) => {
    const full: Record<string, string | undefined> = {
      PATH: process.env.PATH ?? '',
      NO_COLOR: '1',
      BMRS_API_BASE: ctx.sim.url,
      BMRS_DUCKDB_PATH: ctx.tmp.db,
      BMRS_UPDATE_LOG: join(ctx.tmp.dir, 'no-update.log'),
      BMRS_RETRY_BASE_MS: '5',
      BMRS_RETRY_ATTEMPTS: '2',
      ...env,
    };
    const child = spawn(process.execPath, [BIN, 'check', ...args], {
      cwd: ctx.tmp.dir,
      env: Object.fromEntries(Object.entries(full).filter((e): e is [string, string] => e[1] !== undefined)),
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

// One DuckDB file shared by processes: an analyst's long query, the cron ingest, a crash.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { pyIsoformatUtc } from '../../src/core/py-format.js';
import { StoreBusyError } from '../../src/core/errors.js';
import { openSession } from '../../src/sinks/duckdb-open.js';
import { query, scalar, useSimulatorAndStore } from '../support/pipeline.js';

const BIN = new URL('../../bin/bmrs.js', import.meta.url).pathname;
const KILLED_BETWEEN = new URL('../support/ingest-killed-between.mjs', import.meta.url).pathname;
const ctx = useSimulatorAndStore({ now: '2025-11-01T00:00:00Z' });

// Whatever a test does, no process it started outlives it (a failed test must not leave an
// hour-long query spinning on the machine).
const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function start(script: string, args: string[], env: Record<string, string> = {}): ChildProcess & { out: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', BMRS_API_BASE: ctx.sim.url, BMRS_DUCKDB_PATH: ctx.tmp.db, BMRS_NOW: '2025-11-01T00:00:00Z', ...env },
  });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => (out.stdout += d));
  child.stderr!.on('data', (d) => (out.stderr += d));
  started.push(child);
  return Object.assign(child, { out });
}

const exit = (c: ChildProcess) => new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => c.on('close', (code, signal) => r({ code, signal })));

/** Resolves once `test` holds (polled; no outcome depends on how long anything takes). */
async function until(test: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await test())) await new Promise((r) => setTimeout(r, 20));
}

const ingestDay = (env: Record<string, string> = {}) => start(BIN, ['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28'], env);

/** A query that would run for an hour: it holds the file read-only until the test stops it. */
async function longQuery(): Promise<ChildProcess> {
  expect((await exit(start(BIN, ['ingest', '-d', 'FUELINST', '--from', '2025-10-26', '--to', '2025-10-27']))).code).toBe(0);
  const q = start(BIN, ['query', 'SELECT sum(i) FROM range(1000000000000) t(i)']);
  await until(() => openSession(ctx.tmp.db, 'write', { waitMs: 0 }).then(async (s) => (await s.close(), false), (e: unknown) => e instanceof StoreBusyError));
  return q;
}

describe('a long query holds the store', () => {
  it('the ingest waits for it and completes with exit 0', async () => {
    const q = await longQuery();
    const ingest = ingestDay({ BMRS_STORE_WAIT_SECONDS: '300' });
    await until(() => ingest.out.stderr.includes('waiting up to 300 s for the store'));
    expect(ingest.out.stderr).toContain(`held by a reader (PID ${q.pid}: `);
    q.kill('SIGTERM');
    expect((await exit(ingest)).code).toBe(0);
    expect(ingest.out.stdout).toMatch(/5,760 inserted/);
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(6000 + 5760);
  });

  it('with a 1 s wait the ingest exits 75 and names the reader', async () => {
    const q = await longQuery();
    try {
      const ingest = ingestDay({ BMRS_STORE_WAIT_SECONDS: '1' });
      expect((await exit(ingest)).code).toBe(75);
      expect(ingest.out.stderr).toMatch(new RegExp(`^error: the store .* is in use by a reader \\(PID ${q.pid}: node bmrs query SELECT sum`, 'm'));
    } finally {
      q.kill('SIGTERM');
      await exit(q);
    }
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(6000);
  });
});

describe('a long ingest holds the file between its groups', () => {
  it('lets a query in between groups, and both complete', async () => {
    // The simulator holds the 5th window's request: the ingest is certainly still running, stuck on
    // the API after 4 windows, its write session possibly still open. A window lets go of its
    // request slot once answered, so the 5th is asked before the 4th (or more) is stored.
    ctx.sim.setFault({ kind: 'hold', after: 4 });
    const ingest = start(BIN, ['ingest', '-d', 'FUELINST', '--from', '2025-10-01', '--to', '2025-10-21', '--concurrency', '1'], {
      BMRS_HTTP_TIMEOUT_MS: '600000',
    });
    const ingestDone = exit(ingest);
    let ended = false;
    void ingestDone.then(() => (ended = true));
    try {
      await until(() => ended || ctx.sim.held === 1);
      expect(ended, ingest.out.stderr).toBe(false);
      const sql = "SELECT (SELECT count(*) FROM bmrs_fuelinst) AS n, (SELECT count(*) FROM _bmrs_ledger WHERE status = 'loaded') AS w";
      const q = start(BIN, ['query', sql, '--json'], { BMRS_STORE_WAIT_SECONDS: '120' });
      expect((await exit(q)).code, q.out.stderr).toBe(0);
      // The query got in while the ingest was still loading (still held) and saw a part of the
      // month in whole windows, each with its ledger entry: at most the 4 fetched before the held
      // request (how many depends on where the query found the file free: between groups).
      expect(ctx.sim.held).toBe(1);
      const [{ n, w }] = JSON.parse(q.out.stdout) as { n: number; w: number }[];
      expect(w).toBeLessThanOrEqual(4);
      expect(n).toBe(w * 5760);
    } finally {
      ctx.sim.release();
    }
    expect((await ingestDone).code, ingest.out.stderr).toBe(0);
    expect(ctx.sim.requests.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(20 * 5760);
  });
});

describe('a run killed between a window\'s rows and its ledger entry', () => {
  it('leaves store and ledger in agreement, and the re-run completes them', async () => {
    const range = ['--dataset', 'FUELINST', '--from', '2025-10-01', '--to', '2025-10-08'];
    // One window at a time (no write-behind), so that the third window's transaction comes after
    // exactly two committed ones: with a pipeline, groups form as the row work ends.
    const killed = start(KILLED_BETWEEN, ['3', ...range], { BMRS_WRITE_BEHIND: '0' });
    expect(await exit(killed)).toEqual({ code: null, signal: 'SIGKILL' });
    await expectAgreement(2);

    const rerun = start(BIN, ['ingest', ...range]);
    expect((await exit(rerun)).code).toBe(0);
    await expectAgreement(7);
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) - count(DISTINCT _hash_key) FROM bmrs_fuelinst')).toBe(0);
    // The killed window's transaction never committed: its one attempt is the re-run's.
    const attempts = await query(ctx.tmp.db, 'SELECT attempts FROM _bmrs_ledger ORDER BY window_from');
    expect(attempts.map((a) => a.attempts)).toEqual([2, 2, 1, 1, 1, 1, 1]);
  });
});

/** Every window in the ledger as loaded has exactly its rows stored, and no stored row lacks a loaded window. */
async function expectAgreement(windows: number): Promise<void> {
  const ledger = await query(ctx.tmp.db, `SELECT epoch_ms(window_from) AS f, rows_inserted + rows_skipped AS n FROM _bmrs_ledger WHERE status = 'loaded' ORDER BY 1`);
  const stored = await query(ctx.tmp.db, 'SELECT _window_from_utc AS label, count(*) AS n FROM bmrs_fuelinst GROUP BY 1 ORDER BY 1');
  expect(ledger).toHaveLength(windows);
  expect(stored).toEqual(ledger.map((e) => ({ label: pyIsoformatUtc(BigInt(e.f as number) * 1000n), n: e.n })));
  expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(windows * 5760);
}

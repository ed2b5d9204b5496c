// bmrs backfill end to end: exact days across the clock changes, resume after SIGKILL with the
// same table as a clean run, the ledger telling the truth about a window that fails, and --repair.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSession } from '../../src/sinks/duckdb-open.js';
import { query, scalar, useSimulatorAndStore } from '../support/pipeline.js';

const BIN = new URL('../../bin/bmrs.js', import.meta.url).pathname;
const ctx = useSimulatorAndStore({ now: '2025-11-01T00:00:00Z' });
const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  ctx.sim.release();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function backfill(args: string[], db = ctx.tmp.db) {
  const child = spawn(process.execPath, [BIN, 'backfill', ...args], {
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', BMRS_API_BASE: ctx.sim.url, BMRS_DUCKDB_PATH: db, BMRS_NOW: '2025-11-01T00:00:00Z', BMRS_RETRY_BASE_MS: '5', BMRS_HTTP_TIMEOUT_MS: '600000' },
  });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('close', (code, signal) => r({ code, signal })));
  return Object.assign(child, { out, done });
}

const until = async (test: () => boolean) => {
  while (!test()) await new Promise((r) => setTimeout(r, 20));
};
const hashes = async (db: string) => (await query(db, 'SELECT _hash_key AS h FROM bmrs_fuelinst ORDER BY 1')).map((r) => r.h);

describe('bmrs backfill', () => {
  it('lands exactly the days across both 2025 clock changes', async () => {
    for (const [from, to] of [['2025-03-29', '2025-04-01'], ['2025-10-25', '2025-10-28']]) {
      expect((await backfill(['-d', 'FUELINST,MID', '--from', from, '--to', to]).done).code).toBe(0);
    }
    const perDay = await query(ctx.tmp.db, `SELECT strftime(settlementDate, '%Y-%m-%d') AS d, count(*) AS n FROM bmrs_fuelinst GROUP BY 1 ORDER BY 1`);
    expect(perDay.map((r) => [r.d, r.n])).toEqual([
      ['2025-03-29', 5760], ['2025-03-30', 5520], ['2025-03-31', 5760],
      ['2025-10-25', 5760], ['2025-10-26', 6000], ['2025-10-27', 5760],
    ]);
    expect(await scalar(ctx.tmp.db, "SELECT count(*) FROM bmrs_mid WHERE CAST(settlementDate AS DATE) = DATE '2025-10-26'")).toBe(100);
    expect(await scalar(ctx.tmp.db, "SELECT count(*) FROM _bmrs_ledger WHERE status <> 'loaded'")).toBe(0);
  });

  it('resumes after SIGKILL and ends with exactly the rows of a clean run', async () => {
    const range = ['-d', 'FUELINST', '--from', '2025-10-22', '--to', '2025-10-29', '--concurrency', '1'];
    ctx.sim.setFault({ kind: 'hold', after: 3 });
    const killed = backfill(range);
    await until(() => ctx.sim.held >= 1);
    killed.kill('SIGKILL');
    await killed.done;
    ctx.sim.release();
    // Three windows were fetched before the held request; each was stored whole, or not yet.
    const loadedBefore = await scalar(ctx.tmp.db, "SELECT count(*) FROM _bmrs_ledger WHERE status = 'loaded'");
    expect(loadedBefore).toBeLessThanOrEqual(3);
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(loadedBefore * 5760);

    ctx.sim.requests.length = 0;
    const resumed = backfill(range);
    expect((await resumed.done).code).toBe(0);
    // Only the windows not loaded were fetched again.
    expect(ctx.sim.requests.filter((q) => q.status === 200)).toHaveLength(7 - loadedBefore);

    const clean = join(ctx.tmp.dir, 'clean.duckdb');
    expect((await backfill(range, clean).done).code).toBe(0);
    expect(await hashes(ctx.tmp.db)).toEqual(await hashes(clean));
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(6 * 5760 + 6000);
  });

  it('SIGINT stops with 130 and prints the exact command that resumes; that command finishes the range', async () => {
    const range = ['-d', 'FUELINST', '--from', '2025-10-22', '--to', '2025-10-26', '--concurrency', '1'];
    ctx.sim.setFault({ kind: 'hold', after: 2 });
    const run = backfill(range);
    await until(() => ctx.sim.held >= 1);
    run.kill('SIGINT');
    expect((await run.done).code).toBe(130);
    ctx.sim.release();
    const resume = /run the same command again to finish: (bmrs backfill .*)$/m.exec(run.out.stderr)?.[1];
    expect(resume, run.out.stderr).toBe('bmrs backfill --dataset FUELINST --from 2025-10-22 --to 2025-10-26');
    const loaded = await scalar(ctx.tmp.db, "SELECT count(*) FROM _bmrs_ledger WHERE status = 'loaded'");
    expect(loaded).toBeLessThanOrEqual(2);
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(loaded * 5760);
    const again = backfill(resume!.split(' ').slice(2));
    expect((await again.done).code, again.out.stderr).toBe(0);
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(4 * 5760);
    expect(await scalar(ctx.tmp.db, 'SELECT count(DISTINCT _hash_key) FROM bmrs_fuelinst')).toBe(4 * 5760);
  });

  it('a window that fails is in the ledger as failed, the run exits non-zero naming --repair; --repair fetches just it', async () => {
    const range = ['-d', 'FUELINST', '--from', '2025-10-20', '--to', '2025-10-24'];
    // One window recovers after two 503s; one keeps answering rows of other days.
    ctx.sim.setFault([
      { kind: 'status', status: 503, count: 2, path: 'settlementDateFrom=2025-10-21' },
      { kind: 'out-of-window', path: 'settlementDateFrom=2025-10-22' },
    ]);
    const first = backfill(range);
    expect((await first.done).code).toBe(65);
    expect(first.out.stderr).toMatch(/to fetch what is missing: bmrs backfill --dataset FUELINST --from 2025-10-20 --to 2025-10-24 --repair/);
    const ledger = await query(ctx.tmp.db, `SELECT strftime(window_from AT TIME ZONE 'Europe/London', '%Y-%m-%d') AS d, status, error_code AS code FROM _bmrs_ledger ORDER BY window_from`);
    expect(ledger.map((e) => [e.d, e.status, e.code])).toEqual([
      ['2025-10-20', 'loaded', null], ['2025-10-21', 'loaded', null], ['2025-10-22', 'failed', 65], ['2025-10-23', 'loaded', null],
    ]);

    ctx.sim.setFault(null);
    ctx.sim.requests.length = 0;
    const repair = backfill([...range, '--repair']);
    expect((await repair.done).code).toBe(0);
    expect(ctx.sim.requests.map((q) => q.query.settlementDateFrom)).toEqual(['2025-10-22']);
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(4 * 5760);
  });

  it('--repair restores a day whose rows were deleted after it was loaded, and a day stored incomplete', async () => {
    const range = ['-d', 'FUELINST', '--from', '2025-10-20', '--to', '2025-10-24'];
    ctx.sim.setNow('2025-10-23T12:00:00Z'); // the API has only half of 2025-10-23 yet
    try {
      expect((await backfill(range).done).code).toBe(1);
    } finally {
      ctx.sim.setNow('2025-11-01T00:00:00Z');
    }
    const s = await openSession(ctx.tmp.db, 'write', { waitMs: 0 });
    await s.connection.run("DELETE FROM bmrs_fuelinst WHERE settlementDate = DATE '2025-10-21'");
    await s.close();
    ctx.sim.requests.length = 0;
    const repair = backfill([...range, '--repair']);
    expect((await repair.done).code).toBe(0);
    expect(ctx.sim.requests.map((q) => q.query.settlementDateFrom).sort()).toEqual(['2025-10-21', '2025-10-23']);
    const perDay = await query(ctx.tmp.db, `SELECT strftime(settlementDate, '%Y-%m-%d') AS d, count(*) AS n FROM bmrs_fuelinst GROUP BY 1 ORDER BY 1`);
    expect(perDay.map((r) => r.n)).toEqual([5760, 5760, 5760, 5760]);
    expect(await scalar(ctx.tmp.db, "SELECT count(*) FROM _bmrs_ledger WHERE status <> 'loaded'")).toBe(0);
  });

  it('an ingest (the cron job) run while a backfill is loading completes, and so does the backfill', async () => {
    // The backfill stops on the API after two of its days, its write session possibly still open.
    ctx.sim.setFault({ kind: 'hold', after: 2, path: 'settlementDateFrom=2025-10-0' });
    const long = backfill(['-d', 'FUELINST', '--from', '2025-10-01', '--to', '2025-10-08', '--concurrency', '1']);
    await until(() => ctx.sim.held >= 1);
    const cron = spawn(process.execPath, [BIN, 'ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28'], {
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', BMRS_API_BASE: ctx.sim.url, BMRS_DUCKDB_PATH: ctx.tmp.db, BMRS_NOW: '2025-11-01T00:00:00Z' },
      stdio: 'ignore',
    });
    children.push(cron);
    expect(await new Promise((r) => cron.on('close', r))).toBe(0);
    expect(long.exitCode).toBeNull();
    ctx.sim.release();
    expect((await long.done).code).toBe(0);
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(8 * 5760);
  });

  it('--plan shows what the ledger has and fetches nothing', async () => {
    expect((await backfill(['-d', 'FUELINST', '--from', '2025-10-20', '--to', '2025-10-22']).done).code).toBe(0);
    ctx.sim.requests.length = 0;
    const plan = backfill(['-d', 'FUELINST,NETBSAD', '--from', '2025-10-20', '--to', '2025-10-24', '--plan', '--json']);
    expect((await plan.done).code).toBe(0);
    expect(JSON.parse(plan.out.stdout).datasets).toMatchObject([
      { dataset: 'FUELINST', planned: 4, loaded: 2, missing: 2, toFetch: 2, requests: 2 },
      { dataset: 'NETBSAD', planned: 4, loaded: 0, missing: 4, toFetch: 4, expectedRows: 4 * 48 },
    ]);
    expect(ctx.sim.requests).toHaveLength(0);
    const force = backfill(['-d', 'FUELINST', '--from', '2025-10-20', '--to', '2025-10-24', '--plan', '--force', '--json']);
    expect((await force.done).code).toBe(0);
    expect(JSON.parse(force.out.stdout)).toMatchObject({ mode: 'force', datasets: [{ loaded: 2, toFetch: 4 }] });
  });
});

// Signals, scratch folders and a broken environment: one clear line, the right exit code, nothing
// left behind, nothing partial stored.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { query, scalar, useSimulatorAndStore } from '../support/pipeline.js';

const BIN = new URL('../../bin/bmrs.js', import.meta.url).pathname;
const ctx = useSimulatorAndStore({ now: '2025-11-01T00:00:00Z' });

function start(args: string[], env: Record<string, string> = {}, cwd?: string) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: cwd ?? ctx.tmp.dir,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', BMRS_API_BASE: ctx.sim.url, BMRS_DUCKDB_PATH: ctx.tmp.db, BMRS_NOW: '2025-11-01T00:00:00Z', TMPDIR: scratchBase(), ...env },
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('close', (code, signal) => r({ code, signal })));
  return Object.assign(child, { out, done });
}

function scratchBase(): string {
  const dir = join(ctx.tmp.dir, 'tmp');
  mkdirSync(dir, { recursive: true });
  return dir;
}
const scratchDirs = () => readdirSync(scratchBase()).filter((n) => n.startsWith('bmrs-duckdb-'));
/** Resolves once `test` holds (polled; no outcome depends on how long anything takes). */
const until = async (test: () => boolean) => {
  while (!test()) await new Promise((r) => setTimeout(r, 20));
};
const month = ['ingest', '-d', 'FUELINST', '--from', '2025-10-01', '--to', '2025-10-21', '--concurrency', '1'];
/** A held request must not time out in the client, however slow the machine. */
const PATIENT = { BMRS_HTTP_TIMEOUT_MS: '600000' };

/**
 * Starts the month's ingest with the simulator holding the request after the first `windows`, and
 * resolves once the run is stuck on it with its scratch folder made: the run cannot have finished,
 * and exactly `windows` days were fetched (stored, or still waiting for the transform or the store).
 */
async function startHeld(windows: number) {
  ctx.sim.setFault({ kind: 'hold', after: windows });
  const run = start(month, PATIENT);
  let ended = false;
  void run.done.then(() => (ended = true));
  await until(() => ended || (ctx.sim.held === 1 && scratchDirs().length === 1));
  expect(ended, run.out.stderr).toBe(false);
  expect(ctx.sim.requests.map((r) => r.status)).toEqual(Array(windows).fill(200));
  return run;
}

describe('signals', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s stops with exit %i, one line, whole days only, no scratch folder left', async (signal, code) => {
    const run = await startHeld(3);
    try {
      run.kill(signal);
      expect((await run.done).code).toBe(code);
      // The run gave up the held request on its way out.
      await until(() => ctx.sim.held === 0);
    } finally {
      ctx.sim.release();
    }
    expect(run.out.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^interrupted: ${signal}; each window is stored whole .*nothing partial was stored`))]);
    expect(scratchDirs()).toEqual([]);
    // The three days fetched before the held request may or may not have been written when the
    // signal came (they wait for the store while later windows are fetched): whole days either way.
    const perDay = await query(ctx.tmp.db, 'SELECT count(*) AS n FROM bmrs_fuelinst GROUP BY settlementDate');
    expect(perDay.length).toBeLessThanOrEqual(3);
    for (const d of perDay) expect(d.n).toBe(5760);
    expect(await scalar(ctx.tmp.db, "SELECT count(*) FROM _bmrs_ledger WHERE status = 'loaded'")).toBe(perDay.length);
  });

  it('a scratch folder left by SIGKILL is swept by the next run', async () => {
    const run = await startHeld(2);
    const [left] = scratchDirs();
    try {
      run.kill('SIGKILL');
      expect((await run.done).signal).toBe('SIGKILL');
      await until(() => ctx.sim.held === 0);
    } finally {
      ctx.sim.release();
    }
    expect(scratchDirs()).toEqual([left]);
    ctx.sim.setFault(null);
    const next = start(['ingest', '-d', 'FUELINST', '--from', '2025-10-25', '--to', '2025-10-26']);
    expect((await next.done).code).toBe(0);
    expect(existsSync(join(scratchBase(), left))).toBe(false);
    expect(scratchDirs()).toEqual([]);
  });
});

describe('a broken environment is a usage error (exit 2), one line, no stack trace', () => {
  it('TMPDIR pointing nowhere', async () => {
    const r = start(['ingest', '-d', 'FUELINST', '--from', '2025-10-25', '--to', '2025-10-26'], { TMPDIR: join(ctx.tmp.dir, 'nowhere') });
    expect((await r.done).code).toBe(2);
    expect(r.out.stderr).toMatch(/^error: cannot make a scratch folder in .*nowhere \(TMPDIR\): ENOENT\nhint: point TMPDIR at a writable folder/);
    expect(ctx.sim.requests).toHaveLength(0);
  });

  it('a .env that is a folder', async () => {
    const cwd = join(ctx.tmp.dir, 'project');
    mkdirSync(join(cwd, '.env'), { recursive: true });
    const r = start(['ingest', '-d', 'FUELINST', '--from', '2025-10-25', '--to', '2025-10-26'], {}, cwd);
    expect((await r.done).code).toBe(2);
    expect(r.out.stderr).toMatch(/^error: cannot read \.env in .*project: it is a folder\nhint: /);
    expect(r.out.stderr).not.toMatch(/\n\s+at /);
  });

  it('a .env is still read when it is a file', async () => {
    const cwd = join(ctx.tmp.dir, 'project2');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, '.env'), 'BMRS_STORE_WAIT_SECONDS=abc\n');
    const r = start(['ingest', '-d', 'FUELINST', '--from', '2025-10-25', '--to', '2025-10-26'], {}, cwd);
    expect((await r.done).code).toBe(2);
    expect(r.out.stderr).toMatch(/BMRS_STORE_WAIT_SECONDS must be a whole number/);
  });
});

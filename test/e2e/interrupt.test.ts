// Signals, scratch folders and a broken environment: one clear line, the right exit code, nothing
// left behind, nothing partial stored.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { query, useSimulatorAndStore } from '../support/pipeline.js';

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
const until = async (test: () => boolean) => {
  while (!test()) await new Promise((r) => setTimeout(r, 20));
};
const month = ['ingest', '-d', 'FUELINST', '--from', '2025-10-01', '--to', '2025-10-21', '--concurrency', '1'];

describe('signals', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s stops with exit %i, one line, whole days only, no scratch folder left', async (signal, code) => {
    ctx.sim.setFault({ kind: 'delay', ms: 100 });
    const run = start(month);
    await until(() => ctx.sim.requests.length >= 3 && scratchDirs().length === 1);
    run.kill(signal);
    expect((await run.done).code).toBe(code);
    expect(run.out.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^interrupted: ${signal}; each window is stored whole .*nothing partial was stored`))]);
    expect(scratchDirs()).toEqual([]);
    const perDay = await query(ctx.tmp.db, 'SELECT count(*) AS n FROM bmrs_fuelinst GROUP BY settlementDate');
    expect(perDay.length).toBeGreaterThan(0);
    expect(perDay.every((d) => d.n === 5760)).toBe(true);
  });

  it('a scratch folder left by SIGKILL is swept by the next run', async () => {
    ctx.sim.setFault({ kind: 'delay', ms: 100 });
    const run = start(month);
    await until(() => ctx.sim.requests.length >= 2 && scratchDirs().length === 1);
    const [left] = scratchDirs();
    run.kill('SIGKILL');
    await run.done;
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

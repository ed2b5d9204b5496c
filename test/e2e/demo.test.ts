// `npm run demo` (scripts/demo.sh) as a user runs it: it must exit with its commands' status and
// leave nothing running or lying around, whether it succeeds or fails half-way.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '../support/pipeline.js';

const ROOT = new URL('../..', import.meta.url).pathname;

let tmp: TempDir;
beforeEach(async () => (tmp = await tempDir()));
afterEach(() => tmp.cleanup());

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  simPid: number;
  /** Whether the simulator was still running when the demo had exited. */
  leftRunning: boolean;
}

function runDemo(env: Record<string, string> = {}): Promise<Run> {
  const pidFile = join(tmp.dir, 'sim.pid');
  const home = join(tmp.dir, 'home');
  mkdirSync(home);
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'demo'], {
      cwd: ROOT,
      // TMPDIR: the demo's temporary store goes under this test's folder, so we can see it removed.
      env: { PATH: process.env.PATH ?? '', HOME: home, TMPDIR: tmp.dir, NO_COLOR: '1', npm_config_update_notifier: 'false', BMRS_DEMO_PID_FILE: pidFile, ...env },
    });
    let stdout = '', stderr = '';
    let simPid = 0, leftRunning = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    // Checked as soon as the demo exits: a simulator left behind would also hold our pipes open.
    child.on('exit', () => {
      simPid = Number(readFileSync(pidFile, 'utf8'));
      leftRunning = stillRunning(simPid);
    });
    child.on('close', (code) => resolve({ code, stdout, stderr, simPid, leftRunning }));
  });
}

/** Whether a process exists; stops it if so, so that a failing test leaves nothing behind either. */
function stillRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
  process.kill(pid, 'SIGTERM');
  return true;
}

describe('npm run demo', () => {
  it('runs its commands against the simulator, exits 0 and stops the simulator it started', async () => {
    const r = await runDemo();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.simPid).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout).toContain('11,760 fetched, 11,760 inserted');
    expect(r.stdout).toContain('11,760 fetched, 0 inserted, 11,760 skipped as duplicates');
    expect(r.stdout).toMatch(/^WIND\s+-?\d+\s+\d+$/m);
    expect(r.leftRunning).toBe(false);
    expect(r.stdout).toContain(`demo: stopped the simulator (PID ${r.simPid})`);
    expect(readdirSync(tmp.dir).filter((n) => n.startsWith('bmrs-demo.'))).toEqual([]);
  });

  it('stops the simulator and passes the exit code on when a command fails half-way', async () => {
    const r = await runDemo({ BMRS_HTTP_TIMEOUT_MS: '0' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('BMRS_HTTP_TIMEOUT_MS must be a whole number');
    expect(r.leftRunning).toBe(false);
    expect(r.stdout).toContain(`demo: stopped the simulator (PID ${r.simPid})`);
    expect(readdirSync(tmp.dir).filter((n) => n.startsWith('bmrs-demo.'))).toEqual([]);
  });
});

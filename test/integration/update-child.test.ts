// The pieces of `bmrs update` that end-to-end runs cannot show on their own: the child is this very
// Node with no shell in between, its whole process group (a grandchild too) ends at the timeout,
// SIGKILL follows a SIGTERM it ignores, and a monitoring ping that hangs or fails only returns a
// reason. Small stand-in scripts play the child (runChild's `script`), so each case is exact.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runChild } from '../../src/cli/update/child.js';
import { ping, pingUrlOf } from '../../src/cli/update/ping.js';
import { tempDir, type TempDir } from '../support/pipeline.js';

let tmp: TempDir;
const leftover: number[] = [];
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  for (const pid of leftover.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
  await tmp.cleanup();
});

function script(name: string, text: string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  return path;
}

/** Gone: no such process, or a zombie nobody reaps (PID 1 of a container may not). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function until(test: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const env = { PATH: process.env.PATH ?? '', BMRS_NOW: '2025-11-01T12:00:00Z' };

describe('the update child', () => {
  it('is this Node, with no shell between: its arguments arrive as given, its report and code are read', async () => {
    const s = script('report.mjs', `
      process.stdout.write(JSON.stringify({ ok: false, exitCode: 65, execPath: process.execPath, ppid: process.ppid, args: process.argv.slice(2), now: process.env.BMRS_NOW }));
      process.exit(65);
    `);
    const args = ['ingest', '--window', 'FUELINST=2025-11-01T11:45:00Z/2025-11-01T12:00:00Z', '$(touch pwned); echo *', '--json'];
    const r = await runChild({ script: s, args, env, timeoutMs: 10_000, onStderr: () => undefined });
    expect(r).toMatchObject({ code: 65, timedOut: false });
    expect(r.report).toEqual({ ok: false, exitCode: 65, execPath: process.execPath, ppid: process.pid, args, now: env.BMRS_NOW });
  });

  it('passes its stderr through line by line; a child that prints no report reads as null', async () => {
    const s = script('noisy.mjs', `process.stderr.write('waiting for the store\\nheld by a reader'); process.stdout.write('not json'); process.exit(75);`);
    const lines: string[] = [];
    const r = await runChild({ script: s, args: [], env, timeoutMs: 10_000, onStderr: (l) => lines.push(l) });
    expect(r).toMatchObject({ code: 75, timedOut: false, report: null });
    expect(lines).toEqual(['waiting for the store', 'held by a reader']);
  });

  it('at the timeout its whole process group ends, a grandchild too: exit 75', async () => {
    const s = script('hang.mjs', `
      import { spawn } from 'node:child_process';
      const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { stdio: 'ignore' });
      process.stderr.write('grandchild ' + g.pid + '\\n');
      setInterval(() => {}, 1e6);
    `);
    let grandchild = 0;
    const r = await runChild({
      script: s,
      args: [],
      env,
      timeoutMs: 1_000,
      onStderr: (l) => {
        const m = /^grandchild (\d+)$/.exec(l);
        if (m) leftover.push((grandchild = Number(m[1])));
      },
    });
    expect(r).toMatchObject({ code: 75, timedOut: true, report: null });
    expect(grandchild).toBeGreaterThan(0);
    // The child's own death would leave the grandchild running: only the group's signal ends it.
    await until(() => gone(grandchild), `grandchild ${grandchild} is gone`);
  });

  it('a child that ignores SIGTERM gets SIGKILL after the grace', async () => {
    const s = script('stubborn.mjs', `
      process.on('SIGTERM', () => process.stderr.write('ignoring SIGTERM\\n'));
      process.stderr.write('ready\\n');
      setInterval(() => {}, 1e6);
    `);
    const lines: string[] = [];
    const r = await runChild({ script: s, args: [], env, timeoutMs: 500, killGraceMs: 300, onStderr: (l) => lines.push(l) });
    expect(r).toMatchObject({ code: 75, timedOut: true });
    expect(lines).toEqual(['ready', 'ignoring SIGTERM']);
    expect(gone(r.pid!)).toBe(true);
  });
});

describe('the monitoring ping', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
  });
  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('healthchecks.io URLs: <url>/start, <url>, <url>/fail', () => {
    expect(pingUrlOf('https://hc-ping.com/u', 'start')).toBe('https://hc-ping.com/u/start');
    expect(pingUrlOf('https://hc-ping.com/u/', 'success')).toBe('https://hc-ping.com/u');
    expect(pingUrlOf('https://hc-ping.com/u', 'fail')).toBe('https://hc-ping.com/u/fail');
  });

  it('a server that never answers costs the timeout and a reason, never an exception', async () => {
    const url = await serve(() => undefined);
    const t0 = performance.now();
    expect(await ping(url, 'start', 300)).toBe('no answer within 0.3 s');
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('a non-2xx answer and a refused connection are reasons', async () => {
    const url = await serve((_, res) => {
      res.statusCode = 500;
      res.end('down');
    });
    expect(await ping(url, 'success', 2_000)).toBe('HTTP 500');
    const port = (server!.address() as AddressInfo).port;
    await new Promise((r) => server!.close(r));
    server = undefined;
    expect(await ping(`http://127.0.0.1:${port}`, 'fail', 2_000)).toBe('ECONNREFUSED');
  });
});

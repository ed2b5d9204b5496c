import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/elexon-sim.js', import.meta.url));
const COMPILED = fileURLToPath(new URL('../../dist/sim/cli.js', import.meta.url));

function run(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, exit, stderr: () => stderr };
}

describe('elexon-sim bin', () => {
  it('needs the build (npm run build) before these tests', () => {
    expect(existsSync(COMPILED)).toBe(true);
  });

  it('prints "listening on <url>" first, serves, and exits 0 on SIGTERM', async () => {
    const { child, exit } = run(['--port', '0', '--now', '2025-11-01T00:00:00Z', '--fault', 'status=503,count=1', '--seed', '3']);
    const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
    const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first)?.[1];
    expect(url).toBeDefined();
    expect((await fetch(`${url}/datasets/FUELINST`)).status).toBe(503);
    const res = await fetch(`${url}/datasets/FUELINST`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Array<{ publishTime: string }> };
    expect(body.data[0].publishTime).toBe('2025-11-01T00:00:00Z');
    child.kill('SIGTERM');
    const [code] = await exit;
    expect(code).toBe(0);
  });

  it('--fault hold,after=1 holds the second request until POST /__sim/release', async () => {
    const { child, exit } = run(['--now', '2025-11-01T00:00:00Z', '--fault', 'hold,after=1']);
    const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
    const url = /^listening on (\S+)$/.exec(first)![1];
    try {
      expect((await fetch(`${url}/datasets/FUELINST`)).status).toBe(200);
      const second = fetch(`${url}/datasets/FUELINST`);
      while (((await (await fetch(`${url}/__sim/held`)).json()) as { held: number }).held === 0) await new Promise((r) => setTimeout(r, 5));
      expect(await (await fetch(`${url}/__sim/release`, { method: 'POST' })).json()).toEqual({ released: 1 });
      expect((await second).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect((await exit)[0]).toBe(0);
  });

  it.each([
    [['--bogus']],
    [['--port', 'abc']],
    [['--fault', 'explode']],
    [['--now', 'tomorrow']],
    [['--data', '/nonexistent/elexon-sim-data']],
  ])('exits 2 with one line on stderr for bad flags %j', async (args) => {
    const { exit, stderr } = run(args);
    const [code] = await exit;
    expect(code).toBe(2);
    const lines = stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^elexon-sim: /);
  });
});

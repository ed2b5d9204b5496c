// Runs bin/bmrs.js (the compiled CLI, as a user runs it) in a child process, for tests that need
// no simulator: plain pipes, a reader that hangs up early, or a pseudo-terminal.
import { spawn, execFileSync } from 'node:child_process';
import { DuckDBInstance } from '@duckdb/node-api';

export const BIN = new URL('../../bin/bmrs.js', import.meta.url).pathname;

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** The environment a test starts from: no colour, nothing inherited but PATH. */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...extra };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export function runBmrs(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: baseEnv(env) });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Reads stdout up to the first newline and then closes the pipe, as `| head -1` does; resolves
 * when the child has exited. The child must have far more than a pipe buffer (64 KiB) left to
 * write, so that it meets the closed pipe whatever the timing.
 */
export function runBmrsHeadOne(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: baseEnv(env) });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      const nl = stdout.indexOf('\n');
      if (nl >= 0) {
        stdout = stdout.slice(0, nl + 1);
        child.stdout.destroy();
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Creates a DuckDB file and runs `statements` in it, as a store for read-only queries. */
export async function makeStore(path: string, statements: string[]): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    for (const s of statements) await connection.run(s);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Whether util-linux `script` is here, to run a command under a pseudo-terminal. */
export const hasScript = (() => {
  try {
    execFileSync('which', ['script'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

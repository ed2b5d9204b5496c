// Colour: on a terminal unless NO_COLOR is set; FORCE_COLOR overrides both ways. A terminal is a
// pseudo-terminal from util-linux `script`; the command fails with a usage error so that bmrs
// prints its red `error:` line.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, baseEnv, hasScript, runBmrs } from '../support/cli.js';

const ESC = '\x1b[';
const FAILING = ['ingest', '-d', 'FUELINST', '--from', 'nonsense'];
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs bmrs under a pseudo-terminal (stdout and stderr both on it) and returns what it showed. */
function onTerminal(env: Record<string, string | undefined>): { code: number | null; output: string } {
  const command = [process.execPath, BIN, ...FAILING].map(quote).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], {
    env: baseEnv({ TERM: 'xterm-256color', NO_COLOR: undefined, ...env }),
    encoding: 'utf8',
  });
  return { code: r.status, output: r.stdout };
}


describe.runIf(hasScript)('colour', () => {
  it('on a terminal: colour', () => {
    const r = onTerminal({});
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/error:/);
    expect(r.output).toContain(ESC);
  });

  it.each([['1'], ['true'], ['0']])('on a terminal with NO_COLOR=%s: none', (value) => {
    const r = onTerminal({ NO_COLOR: value });
    expect(r.output).toMatch(/^error: --from nonsense/);
    expect(r.output).not.toContain(ESC);
  });

  it('on a terminal with FORCE_COLOR=0: none', () => {
    const r = onTerminal({ FORCE_COLOR: '0' });
    expect(r.output).toMatch(/error:/);
    expect(r.output).not.toContain(ESC);
  });

  it('FORCE_COLOR=1 wins over NO_COLOR', () => {
    expect(onTerminal({ FORCE_COLOR: '1', NO_COLOR: '1' }).output).toContain(ESC);
  });
});

describe('colour off a terminal', () => {
  it('none by default; FORCE_COLOR=1 forces it', async () => {
    const plain = await runBmrs(FAILING, { NO_COLOR: undefined });
    expect(plain.stderr).toMatch(/^error:/);
    expect(plain.stderr).not.toContain(ESC);
    const forced = await runBmrs(FAILING, { NO_COLOR: undefined, FORCE_COLOR: '1' });
    expect(forced.code).toBe(2);
    expect(forced.stderr).toContain(`${ESC}31m`);
  });
});

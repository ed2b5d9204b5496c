// Progress of `bmrs ingest` as a user sees it: bars per dataset on a terminal (a pseudo-terminal from
// util-linux `script`), plain `progress:` lines on stderr off a terminal, nothing under --quiet.
// Presence only: how many lines or frames appear depends on the machine's speed.
import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN, baseEnv, hasScript, type CliResult } from '../support/cli.js';
import { useSimulatorAndStore } from '../support/pipeline.js';

const ctx = useSimulatorAndStore({ now: '2025-11-01T00:00:00Z' });
const TWO_DAYS = ['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-29', '--concurrency', '1'];
const ONE_DAY = ['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28'];

const env = (extra: Record<string, string | undefined> = {}) =>
  baseEnv({ BMRS_API_BASE: ctx.sim.url, BMRS_DUCKDB_PATH: ctx.tmp.db, BMRS_NOW: '2025-11-01T00:00:00Z', ...extra });

/** Runs bmrs with stdout and stderr on pipes (not a terminal). */
function offTerminal(args: string[], extra: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ctx.tmp.dir, env: env(extra) });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs bmrs under a pseudo-terminal (stdout and stderr both on it) and returns what it showed.
 * Asynchronous: the simulator answers from this process.
 */
function onTerminal(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, ...args].map(quote).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ctx.tmp.dir, env: env({ TERM: 'xterm-256color' }) });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}


describe('off a terminal', () => {
  // Each answer takes 1.2 s and the two windows are fetched one after the other, so the run lasts
  // longer than the 1 s between progress lines however fast the machine.
  const slow = () => ctx.sim.setFault({ kind: 'delay', ms: 1_200 });

  it('--json: progress lines on stderr, stdout only the report', async () => {
    slow();
    const r = await offTerminal([...TWO_DAYS, '--json'], { BMRS_PROGRESS_SECONDS: '1' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^progress: FUELINST [0-2]\/2 windows, [\d,]+ rows/m);
    expect(r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('progress: '))).toEqual([]);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, datasets: [{ dataset: 'FUELINST', inserted: 11_520 }] });
  });

  it('--quiet: no progress lines', async () => {
    slow();
    const r = await offTerminal([...TWO_DAYS, '--quiet'], { BMRS_PROGRESS_SECONDS: '1' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^✓ FUELINST: 2 windows, 11,520 fetched, 11,520 inserted/);
  });

  it('BMRS_PROGRESS_SECONDS=0: no progress lines', async () => {
    slow();
    const r = await offTerminal(TWO_DAYS, { BMRS_PROGRESS_SECONDS: '0' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('a bad BMRS_PROGRESS_SECONDS is a usage error', async () => {
    const r = await offTerminal(ONE_DAY, { BMRS_PROGRESS_SECONDS: 'often' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: BMRS_PROGRESS_SECONDS must be a whole number of at least 0, got: often/);
  });
});

describe.runIf(hasScript)('on a terminal', () => {
  it('a bar per dataset with windows done/total, cleared before the summary', async () => {
    const r = await onTerminal(ONE_DAY);
    expect(r.code).toBe(0);
    const shown = stripVTControlCharacters(r.output);
    expect(shown).toMatch(/FUELINST [█░]+ [01]\/1 windows · [\d,]+ rows/);
    expect(shown).toMatch(/✓ FUELINST: 1 window, 5,760 fetched, 5,760 inserted/);
    // The bars are cleared (erase below the cursor) before the summary is written.
    const cleared = r.output.lastIndexOf('\x1b[0J');
    expect(cleared).toBeGreaterThanOrEqual(0);
    expect(cleared).toBeLessThan(r.output.indexOf('✓ FUELINST'));
  });

  it('--quiet: the summary and nothing else', async () => {
    const r = await onTerminal([...ONE_DAY, '--quiet']);
    expect(r.code).toBe(0);
    expect(r.output.replace(/\r\n/g, '\n')).toMatch(/^✓ FUELINST: 1 window, 5,760 fetched, 5,760 inserted, 0 skipped as duplicates in [\d.]+s -> bmrs_fuelinst \([^)]*\)\n$/);
  });
});

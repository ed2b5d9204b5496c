// A reader that hangs up early (`| head -1`): bmrs stops writing quietly, no EPIPE trace, and
// exits with the run's own code (0 here). See docs/exit-codes.md.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, baseEnv, makeStore, runBmrsHeadOne } from '../support/cli.js';
import { tempDir, type TempDir } from '../support/pipeline.js';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir();
  await makeStore(tmp.db, []);
});
afterEach(() => tmp.cleanup());

describe('a reader that stops early (| head -1)', () => {
  it.each([['--csv'], ['--json'], ['--limit-rows', '0']])('query %s ends quietly with exit 0', async (...flags) => {
    const r = await runBmrsHeadOne(['query', 'SELECT * FROM range(1000000)', ...flags], { BMRS_DUCKDB_PATH: tmp.db });
    expect(r.stdout).toMatch(/^(range|\[)\n$/);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('ingest --dry-run ends quietly with exit 0', async () => {
    const datasets = 'FUELINST,FUELHH,FREQ,MID,BOD,BOALF,NETBSAD,DISBSAD,WINDFOR';
    const r = await runBmrsHeadOne(['ingest', '-d', datasets, '--from', '2024-11-01', '--to', '2025-10-31', '--dry-run'], {
      BMRS_NOW: '2025-11-01T00:00:00Z',
      BMRS_DUCKDB_PATH: join(tmp.dir, 'unused.duckdb'),
    });
    expect(r.stdout).toBe('FUELINST -> bmrs_fuelinst: 364 windows\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe.runIf(existsSync('/dev/full'))('stdout on a full disk (/dev/full)', () => {
  it('is one error line and exit 70, however many writes fail', async () => {
    const full = openSync('/dev/full', 'w');
    const child = spawn(process.execPath, [BIN, 'query', 'SELECT * FROM range(100000)', '--csv'], {
      env: baseEnv({ BMRS_DUCKDB_PATH: tmp.db }),
      stdio: ['ignore', full, 'pipe'],
    });
    closeSync(full);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toMatch(/^error: cannot write to stdout: ENOSPC[^\n]*\n$/);
    expect(code).toBe(70);
  });
});

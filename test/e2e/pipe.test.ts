// A reader that hangs up early (`| head -1`): bmrs stops writing quietly, no EPIPE trace, and
// exits with the run's own code (0 here). See docs/exit-codes.md.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeStore, runBmrsHeadOne } from '../support/cli.js';
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

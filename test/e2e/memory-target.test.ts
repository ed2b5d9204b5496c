// BMRS_MEMORY_TARGET_MIB end to end: a backfill whose governor purges DuckDB's allocators whenever
// it may (a target of 1 MiB is always passed; purges that free little come less often) lands
// exactly the rows of one that never purges, and says so in its --json report; the JS path runs no
// governor and says so too; a target that is not a number is a usage error.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, baseEnv, type CliResult } from '../support/cli.js';
import { query, useSimulatorAndStore } from '../support/pipeline.js';

const ctx = useSimulatorAndStore({ now: '2025-11-01T00:00:00Z' });
const RANGE = ['backfill', '-d', 'FUELINST', '--from', '2025-10-20', '--to', '2025-10-24', '--json'];

function bmrs(args: string[], db: string, target: string, extra: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = baseEnv({ BMRS_API_BASE: ctx.sim.url, BMRS_DUCKDB_PATH: db, BMRS_NOW: '2025-11-01T00:00:00Z', BMRS_MEMORY_TARGET_MIB: target, ...extra });
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ctx.tmp.dir, env });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const hashes = async (db: string) => (await query(db, 'SELECT _hash_key AS h FROM bmrs_fuelinst ORDER BY 1')).map((r) => r.h);

describe('BMRS_MEMORY_TARGET_MIB', () => {
  it('a backfill whose governor purges whenever it may lands exactly the rows of one that never does', async () => {
    const purging = await bmrs(RANGE, ctx.tmp.db, '1');
    expect(purging.code).toBe(0);
    const report = JSON.parse(purging.stdout);
    expect(report.memory.targetMiB).toBe(1);
    expect(report.memory.purges).toBeGreaterThanOrEqual(1);
    expect(report.memory.peakRssMiB).toBeGreaterThan(1);
    expect(report.datasets[0].rowWork.sql).toBe(4);

    const plain = join(ctx.tmp.dir, 'plain.duckdb');
    const never = await bmrs(RANGE, plain, '0');
    expect(never.code).toBe(0);
    expect(JSON.parse(never.stdout).memory).toMatchObject({ targetMiB: 0, purges: 0 });

    const loaded = await hashes(ctx.tmp.db);
    expect(loaded).toHaveLength(4 * 5760);
    expect(loaded).toEqual(await hashes(plain));
  });

  it('the JS path runs no governor: its report has no target', async () => {
    const r = await bmrs(RANGE, ctx.tmp.db, '1', { BMRS_TRANSFORM: 'js' });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.memory).toMatchObject({ targetMiB: null, purges: 0 });
    expect(report.datasets[0].rowWork.js).toBe(4);
  });

  it('a target that is not a whole number is a usage error', async () => {
    const r = await bmrs(RANGE, ctx.tmp.db, 'lots');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: BMRS_MEMORY_TARGET_MIB must be a whole number of at least 0, got: lots/);
  });
});

// A COMMIT that DuckDB refuses, for real (test/support/ingest-commit-refused.mjs: a ledger row with
// the write's key is committed first by another connection): the run ends with exit 70 and one
// message naming the failure, touches the store no more (no checkpoint: the WAL is left for the next
// open to replay), keeps every earlier commit whole, and the same command run again completes exactly.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { query, scalar, useSimulatorAndStore } from '../support/pipeline.js';

const BIN = new URL('../../bin/bmrs.js', import.meta.url).pathname;
const REFUSED = new URL('../support/ingest-commit-refused.mjs', import.meta.url).pathname;
const ctx = useSimulatorAndStore({ now: '2025-11-01T00:00:00Z' });
const range = ['--dataset', 'FUELINST', '--from', '2025-10-20', '--to', '2025-11-01'];

function run(script: string, args: string[]) {
  const child = spawn(process.execPath, [script, ...args], {
    // One window a write, so that which windows committed before the refused one is known.
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', BMRS_API_BASE: ctx.sim.url, BMRS_DUCKDB_PATH: ctx.tmp.db, BMRS_NOW: '2025-11-01T00:00:00Z', BMRS_WRITE_BEHIND: '0' },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise<{ code: number | null; stderr: string }>((r) => child.on('close', (code) => r({ code, stderr })));
}

it('a refused commit ends the run with 70, leaves earlier commits whole and the WAL unreplayed; a re-run completes', async () => {
  const refused = await run(REFUSED, ['2', ...range]);
  expect(refused.code, refused.stderr).toBe(70);
  expect(refused.stderr).toMatch(/DuckDB failed to commit a write to the store: TransactionContext Error: Failed to commit: PRIMARY KEY or UNIQUE constraint violation/);
  expect(refused.stderr).toMatch(/bmrs stopped without touching the store again/);
  // The run stopped there: of the 12 days, the API was asked for the two written and at most the
  // one fetched meanwhile (one window a write, one ahead).
  expect(ctx.sim.requests.length).toBeLessThanOrEqual(3);
  // Winding down would have checkpointed (and removed) the WAL.
  expect(existsSync(`${ctx.tmp.db}.wal`)).toBe(true);
  // The first window's commit, whole; nothing of the refused one.
  const perDay = async () => (await query(ctx.tmp.db, `SELECT strftime(settlementDate, '%Y-%m-%d') AS d, count(*) AS n, count(DISTINCT _hash_key) AS k FROM bmrs_fuelinst GROUP BY 1 ORDER BY 1`)).map((r) => [r.d, r.n, r.k]);
  expect(await perDay()).toEqual([['2025-10-20', 5760, 5760]]);
  expect(await scalar(ctx.tmp.db, "SELECT count(*) FROM _bmrs_ledger WHERE status = 'loaded'")).toBe(1);

  const again = await run(BIN, ['ingest', ...range]);
  expect(again.code, again.stderr).toBe(0);
  // Twelve days, 2025-10-26 of 50 periods (the clocks went back).
  const expected = Array.from({ length: 12 }, (_, i) => `2025-10-${20 + i}`).map((d) => [d, d === '2025-10-26' ? 6000 : 5760, d === '2025-10-26' ? 6000 : 5760]);
  expect(await perDay()).toEqual(expected);
});

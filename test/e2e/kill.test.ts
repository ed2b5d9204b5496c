// A run killed with SIGKILL in the middle of a backfill leaves only whole settlement days behind,
// and the next run completes the range without duplicating anything.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.js';
import { query, scalar, tempDir } from '../support/pipeline.js';

const BIN = new URL('../../bin/bmrs.js', import.meta.url).pathname;
let sim: Awaited<ReturnType<typeof startSimulator>>;
let tmp: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, now: '2025-11-01T00:00:00Z' });
  tmp = await tempDir();
});
afterAll(async () => {
  await sim.close();
  await tmp.cleanup();
});

function ingest(args: string[]) {
  return spawn(process.execPath, [BIN, 'ingest', '-d', 'FUELINST', '--from', '2025-10-01', '--to', '2025-10-15', '--concurrency', '1', ...args], {
    env: { PATH: process.env.PATH ?? '', BMRS_API_BASE: sim.url, BMRS_DUCKDB_PATH: tmp.db, NO_COLOR: '1' },
    stdio: 'ignore',
  });
}

it('SIGKILL mid-run leaves whole days only; the re-run completes without duplicates', async () => {
  // The fifth request waits until released: the process is killed with it in flight, while the
  // four windows before it are being transformed or written (or are written). A kill inside a
  // write's transaction, at a known point, is test/e2e/store-sharing.test.ts's.
  sim.setFault({ kind: 'hold', after: 4 });
  const child = ingest([]);
  while (sim.held < 1) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGKILL');
  await new Promise((r) => child.on('close', r));
  sim.release();
  sim.setFault(null);

  const perDay = await query(tmp.db, 'SELECT settlementDate::VARCHAR AS d, count(*) AS n FROM bmrs_fuelinst GROUP BY 1 ORDER BY 1');
  expect(perDay.length).toBeLessThanOrEqual(4);
  for (const { n } of perDay) expect(n).toBe(5760);

  const rerun = ingest([]);
  const code = await new Promise((r) => rerun.on('close', r));
  expect(code).toBe(0);
  expect(await scalar(tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(14 * 5760);
  expect(await scalar(tmp.db, 'SELECT count(*) - count(DISTINCT _hash_key) FROM bmrs_fuelinst')).toBe(0);
});

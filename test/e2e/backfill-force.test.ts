// backfill --force: every loaded window is fetched again; one whose body is the body it was loaded
// from, its rows all still stored, needs no row work and no write (rowWork.unchanged); a window whose
// stored rows changed since (a row deleted, a foreign row added) or whose body changed goes the whole
// way, and the table ends exactly as a first load leaves it, without a duplicate.
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { makeStore, runBmrs } from '../support/cli.js';
import { query, scalar, useSimulatorAndStore } from '../support/pipeline.js';

const ctx = useSimulatorAndStore({ now: '2025-11-01T00:00:00Z' });
const range = ['-d', 'FUELINST', '--from', '2025-10-20', '--to', '2025-10-24', '--json'];

async function backfill(extra: string[] = []) {
  const r = await runBmrs(['backfill', ...range, ...extra], { BMRS_API_BASE: ctx.sim.url, BMRS_DUCKDB_PATH: ctx.tmp.db, BMRS_NOW: '2025-11-01T00:00:00Z', BMRS_PROGRESS_SECONDS: '0' });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).datasets[0];
}
const hashes = async () => (await query(ctx.tmp.db, 'SELECT _hash_key AS h FROM bmrs_fuelinst ORDER BY 1')).map((r) => r.h);
const attempts = async () => (await query(ctx.tmp.db, 'SELECT attempts AS a FROM _bmrs_ledger ORDER BY window_from')).map((r) => r.a);

it('refetches every window; unchanged ones are verified, not written; a day whose rows changed is written again', async () => {
  const first = await backfill();
  expect(first.rowWork).toMatchObject({ sql: 4, js: 0, unchanged: 0 });
  expect(first.inserted).toBe(4 * 5760);
  const loaded = await hashes();

  ctx.sim.requests.length = 0;
  const again = await backfill(['--force']);
  expect(ctx.sim.requests.filter((q) => q.status === 200)).toHaveLength(4);
  expect(again.rowWork).toMatchObject({ sql: 0, js: 0, unchanged: 4 });
  expect(again).toMatchObject({ fetched: 4 * 5760, inserted: 0, skipped: 4 * 5760 });
  expect(await hashes()).toEqual(loaded);
  expect(await attempts()).toEqual([2, 2, 2, 2]);

  // One row of the 21st deleted; a row no load of the 22nd gave added to the 22nd.
  await makeStore(ctx.tmp.db, [
    "DELETE FROM bmrs_fuelinst WHERE _hash_key = (SELECT min(_hash_key) FROM bmrs_fuelinst WHERE settlementDate = DATE '2025-10-21')",
    `INSERT INTO bmrs_fuelinst SELECT * REPLACE (generation + 1 AS generation, md5(_hash_key) AS _hash_key)
       FROM bmrs_fuelinst WHERE settlementDate = DATE '2025-10-22' LIMIT 1`,
  ]);
  const third = await backfill(['--force']);
  expect(third.rowWork).toMatchObject({ sql: 2, unchanged: 2 });
  expect(third.inserted).toBe(1);
  expect(await scalar(ctx.tmp.db, "SELECT count(*) FROM bmrs_fuelinst WHERE settlementDate = DATE '2025-10-21'")).toBe(5760);
  expect(await scalar(ctx.tmp.db, "SELECT count(*) FROM bmrs_fuelinst WHERE settlementDate = DATE '2025-10-22'")).toBe(5761);

  // A body that differs (here a field the API added) is never taken as unchanged.
  ctx.sim.setFault({ kind: 'extra-field', path: 'settlementDateFrom=2025-10-23' });
  const fourth = await backfill(['--force']);
  expect(fourth.rowWork.unchanged).toBe(2);
  expect(fourth.rowWork.sql + fourth.rowWork.js).toBe(2);
  expect(fourth.inserted).toBe(0);
  expect(await scalar(ctx.tmp.db, 'SELECT count(*) - count(DISTINCT _hash_key) FROM bmrs_fuelinst')).toBe(0);

  // The same body for the 23rd again (unchanged now); the 22nd still holds its foreign row. A stored
  // row of the 20th copied exactly (a duplicate only dedupe-audit removes): the 20th no longer holds
  // just what its load stored, so it goes the whole way too, and nothing is inserted.
  await makeStore(ctx.tmp.db, ["INSERT INTO bmrs_fuelinst SELECT * FROM bmrs_fuelinst WHERE settlementDate = DATE '2025-10-20' LIMIT 1"]);
  const fifth = await backfill(['--force']);
  expect(fifth.rowWork.unchanged).toBe(2);
  expect(fifth.rowWork.sql + fifth.rowWork.js).toBe(2);
  expect(fifth.inserted).toBe(0);
  expect(await scalar(ctx.tmp.db, 'SELECT count(*) - count(DISTINCT _hash_key) FROM bmrs_fuelinst')).toBe(1);
});

it('a ledger entry written before digests existed is refetched the whole way', async () => {
  await backfill();
  await makeStore(ctx.tmp.db, ['UPDATE _bmrs_ledger SET digest = NULL']);
  const again = await backfill(['--force']);
  expect(again.rowWork).toMatchObject({ sql: 4, unchanged: 0 });
  expect(again.inserted).toBe(0);
  // ... and records a digest, so the next --force can skip.
  expect((await backfill(['--force'])).rowWork.unchanged).toBe(4);
});

it('a digest the JS path recorded is the one the store shows', async () => {
  const r = await runBmrs(['backfill', ...range], { BMRS_API_BASE: ctx.sim.url, BMRS_DUCKDB_PATH: ctx.tmp.db, BMRS_NOW: '2025-11-01T00:00:00Z', BMRS_TRANSFORM: 'js' });
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout).datasets[0].rowWork).toMatchObject({ sql: 0, js: 4 });
  expect((await backfill(['--force'])).rowWork).toMatchObject({ sql: 0, js: 0, unchanged: 4 });
});

it('after a --force that verified every window, --repair still sees rows deleted since', async () => {
  await backfill();
  expect((await backfill(['--force'])).rowWork.unchanged).toBe(4);
  expect((await query(ctx.tmp.db, 'SELECT DISTINCT rows_skipped AS s FROM _bmrs_ledger')).map((r) => r.s)).toEqual([5760]);
  await makeStore(ctx.tmp.db, ["DELETE FROM bmrs_fuelinst WHERE settlementDate = DATE '2025-10-21' AND settlementPeriod > 10"]);
  ctx.sim.requests.length = 0;
  const repair = await backfill(['--repair']);
  expect(ctx.sim.requests.map((q) => q.query.settlementDateFrom)).toEqual(['2025-10-21']);
  expect(repair.inserted).toBe(5760 - 10 * 120);
  expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(4 * 5760);
});

it('a digest whose body hash is an MD5 (written before SHA-256) never counts as unchanged', async () => {
  await backfill();
  // Each entry's digest as it was written before: the same fields, the body's MD5 as its hash.
  const days = ['2025-10-20', '2025-10-21', '2025-10-22', '2025-10-23'];
  const statements: string[] = [];
  for (const [i, d] of days.entries()) {
    const body = await (await fetch(`${ctx.sim.url}/datasets/FUELINST/stream?settlementDateFrom=${d}&settlementDateTo=${d}`)).text();
    const md5 = createHash('md5').update(body).digest('hex');
    statements.push(
      `UPDATE _bmrs_ledger SET digest = replace(digest, json_extract_string(digest, '$.body'), '${md5}')
       WHERE window_from = (SELECT window_from FROM _bmrs_ledger ORDER BY window_from LIMIT 1 OFFSET ${i})`,
    );
  }
  await makeStore(ctx.tmp.db, statements);
  expect(await scalar(ctx.tmp.db, "SELECT count(*) FROM _bmrs_ledger WHERE length(json_extract_string(digest, '$.body')) = 32")).toBe(4);
  const again = await backfill(['--force']);
  expect(again.rowWork).toMatchObject({ sql: 4, unchanged: 0 });
  expect(again.inserted).toBe(0);
  // Written again with the new hash: the next --force finds them unchanged.
  expect((await backfill(['--force'])).rowWork).toMatchObject({ sql: 0, unchanged: 4 });
});

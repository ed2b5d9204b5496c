#!/usr/bin/env node
// bench/dedupe: `bmrs dedupe-audit` on a 2.1M-row FUELINST table with 10% duplicates.
// Built once: January 2025 through the real pipeline (the simulator in a child process, `ingest`,
// 178,560 rows), replicated 10 times by SQL with the dates shifted by 31 days each time and the
// `_hash_key` recomputed in SQL (FUELINST's hash text has no floats, so SQL can render it exactly;
// the audit's own recomputation then checks it), then every row whose hash(_hash_key) % 10 = 0
// copied once more with a later `_ingested_utc` (about 10%). Kept in $TMPDIR and reused.
// Then times whole processes (`bin/bmrs.js dedupe-audit`), as an operator runs them: the audit, the
// dry run and --fix, each --fix on a fresh copy of the file. Median, best and worst of --runs.
// Usage: npm run bench:dedupe [-- --db /tmp/bmrs-dedupe-bench.duckdb --runs 3]
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { loadFuelinst } from './load-fuelinst.js';
import { DuckDBInstance } from '@duckdb/node-api';

const { values } = parseArgs({
  options: { db: { type: 'string', default: join(tmpdir(), 'bmrs-dedupe-bench.duckdb') }, runs: { type: 'string', default: '3' } },
});
const db = values.db;
const NOW = '2025-02-01T00:10:00Z';
const COPIES = 10;

const HASH_TEXT = `'{"dataset": "' || dataset || '", "fuelType": "' || fuelType || '", "generation": ' || generation
  || ', "publishTime": "' || strftime(publishTime, '%Y-%m-%d %H:%M:%S') || '", "settlementDate": "' || strftime(settlementDate, '%Y-%m-%d')
  || ' 00:00:00", "settlementPeriod": ' || settlementPeriod || ', "startTime": "' || strftime(startTime, '%Y-%m-%d %H:%M:%S') || '"}'`;

async function sql(path, statements) {
  const instance = await DuckDBInstance.create(path);
  const c = await instance.connect();
  try {
    const out = [];
    for (const s of statements) out.push((await c.runAndReadAll(s)).getRows());
    return out;
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

if (!existsSync(db)) {
  const r = await loadFuelinst(db, NOW, '2025-01-01', '2025-02-01');
  console.log(`loaded January 2025 through ingest: ${r.rows.toLocaleString('en-GB')} rows in ${r.seconds.toFixed(1)} s`);
  const t1 = performance.now();
  const shift = (k) => `INTERVAL ${31 * k} DAY`;
  const copies = Array.from({ length: COPIES }, (_, i) => i + 1).map(
    (k) => `INSERT INTO bmrs_fuelinst SELECT * REPLACE (publishTime + ${shift(k)} AS publishTime, startTime + ${shift(k)} AS startTime,
      CAST(settlementDate + ${shift(k)} AS DATE) AS settlementDate) FROM bmrs_fuelinst WHERE settlementDate < DATE '2025-02-01'`,
  );
  const out = await sql(db, [
    ...copies,
    `UPDATE bmrs_fuelinst SET _hash_key = md5(${HASH_TEXT}) WHERE settlementDate >= DATE '2025-02-01'`,
    `INSERT INTO bmrs_fuelinst SELECT * REPLACE ('2025-03-01T00:00:00+00:00' AS _ingested_utc) FROM bmrs_fuelinst WHERE hash(_hash_key) % 10 = 0`,
    `SELECT count(*), count(*) - count(DISTINCT _hash_key) FROM bmrs_fuelinst`,
    `CHECKPOINT`,
  ]);
  const [[rows, extra]] = out.at(-2);
  console.log(`replicated by SQL and injected duplicates: ${Number(rows).toLocaleString('en-GB')} rows, ${Number(extra).toLocaleString('en-GB')} duplicates, in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
} else {
  console.log(`reusing ${db}`);
}
console.log(`store ${(statSync(db).size / 1024 ** 2).toFixed(0)} MB`);

const bin = new URL('../bin/bmrs.js', import.meta.url).pathname;
const work = join(tmpdir(), `bmrs-dedupe-work-${process.pid}.duckdb`);
const env = { PATH: process.env.PATH, NO_COLOR: '1', BMRS_NOW: '2026-01-01T00:00:00Z' };
function time(label, args, { fresh }) {
  const times = [];
  let last;
  for (let i = 0; i < Number(values.runs); i++) {
    if (fresh || i === 0) {
      rmSync(work, { force: true });
      rmSync(`${work}.wal`, { force: true });
      copyFileSync(db, work);
    }
    const t0 = performance.now();
    last = spawnSync(process.execPath, [bin, 'dedupe-audit', '--dataset', 'FUELINST', '--json', ...args], { env: { ...env, BMRS_DUCKDB_PATH: work }, encoding: 'utf8', maxBuffer: 64 << 20 });
    times.push((performance.now() - t0) / 1000);
    if (last.status !== 0 && last.status !== 1) throw new Error(`dedupe-audit exited ${last.status}: ${last.stderr}`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`${label.padEnd(24)} median ${median.toFixed(2)} s, ${sorted[0].toFixed(2)}-${sorted.at(-1).toFixed(2)} s wall (exit ${last.status}, ${times.length} runs)`);
  return JSON.parse(last.stdout);
}
try {
  const audit = time('audit', [], { fresh: false });
  const [t] = audit.tables;
  console.log(`  ${t.rows.toLocaleString('en-GB')} rows; ${t.duplicates.extraRows.toLocaleString('en-GB')} duplicates in ${t.duplicates.groups.toLocaleString('en-GB')} groups; ${t.hashes.mismatched} of ${t.hashes.checked.toLocaleString('en-GB')} sampled keys mismatched`);
  time('audit --sample 100000', ['--sample', '100000'], { fresh: false });
  time('dry run', ['--dry-run'], { fresh: false });
  const fixed = time('--fix', ['--fix'], { fresh: true });
  console.log(`  removed ${fixed.fixes[0].result.removed.toLocaleString('en-GB')} rows; checks: ${fixed.fixes[0].result.checks.join('; ')}`);
} finally {
  rmSync(work, { force: true });
  rmSync(`${work}.wal`, { force: true });
}

#!/usr/bin/env node
// bench/check: `bmrs check` on a store holding one year of FUELINST (2,102,400 rows).
// The store is built once through the real pipeline (the simulator in a child process, `ingest`
// over 2025, the same code `bmrs backfill` runs) and reused when --db already holds it.
// Then times `bin/bmrs.js check` (a whole process, as a monitor runs it) over the last 7 settlement
// days and over the whole year: median, best and worst of --runs.
// Usage: npm run bench:check [-- --db /tmp/bmrs-check-year.duckdb --runs 3]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { loadFuelinst } from './load-fuelinst.js';

const { values } = parseArgs({
  options: { db: { type: 'string', default: join(tmpdir(), 'bmrs-check-year.duckdb') }, runs: { type: 'string', default: '5' } },
});
const db = values.db;
const NOW = '2026-01-01T00:10:00Z';
const FROM = '2025-01-01', TO = '2026-01-01';

if (!existsSync(db)) {
  const r = await loadFuelinst(db, NOW, FROM, TO);
  console.log(`built ${db}: ${r.rows.toLocaleString('en-GB')} rows in ${r.seconds.toFixed(1)} s`);
} else {
  console.log(`reusing ${db}`);
}

const bin = new URL('../bin/bmrs.js', import.meta.url).pathname;
const env = { PATH: process.env.PATH, NO_COLOR: '1', BMRS_NOW: NOW, BMRS_DUCKDB_PATH: db, BMRS_UPDATE_LOG: join(tmpdir(), `none-${randomUUID()}.log`) };
function time(label, args) {
  const times = [];
  let code;
  for (let i = 0; i < Number(values.runs); i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, 'check', '--dataset', 'FUELINST', '--json', ...args], { env, encoding: 'utf8' });
    times.push((performance.now() - t0) / 1000);
    code = r.status;
    if (r.status !== 0 && r.status !== 1) throw new Error(`check exited ${r.status}: ${r.stderr}`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`${label.padEnd(28)} median ${median.toFixed(2)} s, ${sorted[0].toFixed(2)}-${sorted.at(-1).toFixed(2)} s wall (exit ${code}, ${times.length} runs)`);
}
// Node's own start-up, for scale: the floor under any command.
const t0 = performance.now();
spawnSync(process.execPath, [bin, '--version'], { env });
console.log(`${'bmrs --version'.padEnd(28)} ${((performance.now() - t0) / 1000).toFixed(2)} s wall`);
time('check, last 7 days', []);
time('check, whole year', ['--from', FROM, '--to', '2025-12-31']);

#!/usr/bin/env node
// bench/query: `bmrs query` over a 3-million-row result in each output format, stdout to /dev/null.
// Each run is a child process (bin/bmrs.js, as a user runs it) that reports its own peak RSS
// (process.resourceUsage().maxRSS) on exit through fd 3; prints wall time, rows/s and peak RSS.
// Usage: npm run bench:query [-- --rows 3000000]
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '3000000' } } });
const rows = Number(values.rows);
const sql = `SELECT i, i*1.5 AS x, 'row ' || i AS s FROM range(${rows}) t(i)`;
const BIN = new URL('../bin/bmrs.js', import.meta.url).pathname;
// Runs inside the child before bmrs: on exit, write the peak RSS (KiB) to fd 3.
const REPORT = `data:text/javascript,import { writeSync } from 'node:fs'; process.on('exit', () => writeSync(3, String(process.resourceUsage().maxRSS)));`;

const dir = await mkdtemp(join(tmpdir(), 'bmrs-bench-query-'));
const db = join(dir, 'empty.duckdb');
const instance = await DuckDBInstance.create(db);
instance.closeSync();

function run(flags) {
  const devNull = openSync('/dev/null', 'w');
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', REPORT, BIN, 'query', sql, '--db', db, ...flags], {
    stdio: ['ignore', devNull, 'pipe', 'pipe'],
  });
  closeSync(devNull);
  let stderr = '', rss = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdio[3].on('data', (d) => (rss += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const s = (performance.now() - t0) / 1000;
      if (code !== 0) return reject(new Error(`bmrs query ${flags.join(' ')} exited ${code}: ${stderr}`));
      resolve({ s, rssMiB: Number(rss) / 1024 });
    });
  });
}

console.log(`bmrs query over ${rows.toLocaleString('en-GB')} rows (i BIGINT, x DECIMAL, s VARCHAR), stdout to /dev/null`);
for (const [label, flags] of [
  ['--csv', ['--csv']],
  ['--json', ['--json']],
  ['table', []],
  ['table --limit-rows 0', ['--limit-rows', '0']],
]) {
  const { s, rssMiB } = await run(flags);
  console.log(`${label.padEnd(20)} ${s.toFixed(2).padStart(6)} s  ${Math.round(rows / s).toLocaleString('en-GB').padStart(9)} rows/s  peak RSS ${rssMiB.toFixed(0)} MiB`);
}
await rm(dir, { recursive: true, force: true });

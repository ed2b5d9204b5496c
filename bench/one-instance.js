#!/usr/bin/env node
// bench/one-instance: a prototype of the next step for backfill's footprint, not bmrs's code path.
// One in-memory DuckDB does both the SQL transform (src/transform/sql.ts, the real statements) and
// the store's writes, the store file ATTACHed to it: no second instance, no Parquet staging. One
// connection, one statement after another: transform a batch of 8 FUELINST days, then insert each
// window's kept rows (bounded anti-join on _hash_key) in one transaction. Bodies are fetched from
// the simulator first (bench:stages' fetch stage), so the figures are DuckDB's part alone: wall,
// rows/s, CPU a row and peak RSS of this process (Node, the driver and the one instance).
// Usage: npm run build && node bench/one-instance.js [-- --memory 64MB --days 365]
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { addDays } from '../dist/core/calendar.js';
import { findDataset } from '../dist/core/datasets.js';
import { pyIsoformatUtc } from '../dist/core/py-format.js';
import { planWindows } from '../dist/core/windows.js';
import { openDuckDbStore } from '../dist/sinks/duckdb.js';
import { batchSql, fastKeys } from '../dist/transform/sql.js';

const { values } = parseArgs({ options: { from: { type: 'string', default: '2025-01-01' }, days: { type: 'string', default: '365' }, memory: { type: 'string', default: '128MB' } } });
const spec = findDataset('FUELINST');
const windows = planWindows(spec, { kind: 'days', from: values.from, to: addDays(values.from, Number(values.days)) });
const dir = await mkdtemp(join(tmpdir(), 'bmrs-bench-one-'));
try {
  const stages = new URL('./backfill-stages.js', import.meta.url).pathname;
  const fetched = spawnSync(process.execPath, [stages, '--stage', 'fetch', '--dir', dir, '--from', values.from, '--days', values.days], { stdio: 'inherit' });
  if (fetched.status !== 0) process.exit(fetched.status ?? 1);

  const db = join(dir, 'one.duckdb');
  const store = await openDuckDbStore(db);
  const table = await store.openTable(spec);
  await store.close();

  let peakKb = 0;
  const sample = () => (peakKb = Math.max(peakKb, Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1])));
  setInterval(sample, 20).unref();
  const instance = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: values.memory });
  const c = await instance.connect();
  await c.run(`SET TimeZone = 'UTC'`);
  await c.run(`ATTACH '${db}' AS store`);
  await c.run(`SET checkpoint_threshold = '64MB'`);
  const cols = table.columns.map((x) => `"${x.name}"`).join(', ');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let rows = 0;
  for (let i = 0; i < windows.length; i += 8) {
    const batch = [];
    for (const [j, w] of windows.slice(i, i + 8).entries()) {
      const file = join(dir, `${i + j}.json`);
      batch.push({ window: w, file, windowFrom: pyIsoformatUtc(BigInt(w.from) * 1000n), windowTo: pyIsoformatUtc(BigInt(w.to) * 1000n), ingested: pyIsoformatUtc(BigInt(Date.now()) * 1000n), keys: fastKeys(table, await readFile(file, 'utf8'), true) });
    }
    const sql = batchSql(table, batch, 'stage');
    await c.run(sql.stage);
    await c.runAndReadAll(sql.summary);
    if (sql.periods) await c.runAndReadAll(sql.periods);
    await c.run('BEGIN');
    for (const [wid, b] of batch.entries()) {
      // The window's kept rows as the transform's COPY would stage them, inserted straight in.
      const rowsOf = sql.copy(wid, 'unused').replace(/^COPY \(([\s\S]*)\) TO 'unused' \([^)]*\)$/, '$1');
      const day = b.window.days.from;
      const r = await c.run(
        `INSERT INTO store.main.${table.name} (${cols}) SELECT s.* FROM (${rowsOf}) s
         ANTI JOIN (SELECT _hash_key FROM store.main.${table.name} WHERE settlementDate = DATE '${day}') k ON k._hash_key = s._hash_key`,
      );
      rows += Number(r.rowsChanged);
    }
    await c.run('COMMIT');
    await c.run(sql.drop);
  }
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - t0) / 1000;
  sample();
  const [[n, keys]] = (await c.runAndReadAll(`SELECT count(*), count(DISTINCT _hash_key) FROM store.main.${table.name}`)).getRows();
  console.log(`one instance, memory_limit ${values.memory}: ${rows.toLocaleString('en-GB')} rows in ${wall.toFixed(1)} s = ${Math.round(rows / wall).toLocaleString('en-GB')} rows/s, CPU ${((cpu.user + cpu.system) / rows).toFixed(2)} µs a row, peak RSS ${(peakKb / 1024).toFixed(0)} MiB; table ${Number(n).toLocaleString('en-GB')} rows, ${Number(keys).toLocaleString('en-GB')} distinct _hash_key`);
  c.closeSync();
  instance.closeSync();
} finally {
  await rm(dir, { recursive: true, force: true });
}

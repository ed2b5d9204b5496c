#!/usr/bin/env node
// bench/store: what it costs that the DuckDB store opens the file per write group (so other
// processes can get in between) instead of holding it for the whole run.
//  (a) open + close of a read-write session, on an empty file and on one holding a month of FUELINST;
//  (b) the same for read-only sessions;
//  (c) store.write of N windows one call each (N opens) against one call with the N windows (one open);
//  (d) where a write group's fixed cost goes: open, commit, and close (DuckDB checkpoints the WAL
//      into the file when the last connection closes), with a plain 5,760-row INSERT.
// The month file is filled by the real pipeline against the simulator (a child process), as
// bench/ingest.js does; its windows are kept and replayed for (c) into fresh files.
// Usage: npm run bench:store [-- --opens 50 --reps 5]
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimChild } from './sim-child.js';
import { fixedClock } from '../dist/adapters/clock.js';
import { createHttpClient } from '../dist/adapters/http.js';
import { addDays } from '../dist/core/calendar.js';
import { findDataset } from '../dist/core/datasets.js';
import { ingest } from '../dist/core/ingest.js';
import { openDuckDbStore } from '../dist/sinks/duckdb.js';
import { openSession } from '../dist/sinks/duckdb-open.js';

const { values } = parseArgs({ options: { opens: { type: 'string', default: '50' }, reps: { type: 'string', default: '5' } } });
const OPENS = Number(values.opens);
const REPS = Number(values.reps);
const N = 8;
const MONTH = { from: '2025-10-01', to: '2025-11-01' };
const FUELINST = findDataset('FUELINST');
const OPEN = { waitMs: 5_000 };

const fmt = (n) => Math.round(n).toLocaleString('en-GB');
const ms = (n) => n.toFixed(1).padStart(6);
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const median = (xs) => quantile(xs, 0.5);

const dir = await mkdtemp(join(tmpdir(), 'bmrs-bench-store-'));
const fileOf = (name) => join(dir, `${name}.duckdb`);

// --- fill a month file through the pipeline, keeping the windows it wrote ------------------------
const sim = await startSimChild(`${addDays(MONTH.to, 2)}T00:00:00Z`);
const url = sim.url;
const api = createHttpClient({ base: url, timeoutMs: 60_000, retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000, budgetMs: 10_000 }, userAgent: 'bmrs-bench' });

const month = fileOf('month');
const windows = [];
{
  const real = await openDuckDbStore(month);
  const store = { ...real, write: (group) => (windows.push(...group.filter((w) => w.rows.length > 0)), real.write(group)) };
  const t0 = performance.now();
  const [r] = await ingest(
    { api, store, clock: fixedClock(Date.parse(`${MONTH.to}T00:00:00Z`)), runId: randomUUID() },
    { datasets: [FUELINST], range: { kind: 'days', ...MONTH }, concurrency: 4 },
  );
  await real.close();
  if (r.failures.length) throw new Error(r.failures[0].error.message);
  const rows = await real.countRows(FUELINST.table);
  const s = await openSession(month, 'read', OPEN);
  const [size] = await (await s.connection.run('SELECT * FROM pragma_database_size() WHERE database_name = current_database()')).getRowObjects();
  await s.close();
  console.log(
    `month file: FUELINST ${MONTH.from} .. ${MONTH.to} (exclusive), ${fmt(rows)} rows, ${((await stat(month)).size / 1048576).toFixed(1)} MiB ` +
      `(${size.used_blocks} blocks used, ${size.free_blocks} free), filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}
sim.stop();
windows.sort((a, b) => a.key.from - b.key.from);

// --- (a), (b): open + close --------------------------------------------------------------------
const empty = fileOf('empty');
await (await openSession(empty, 'write', OPEN)).close(); // creates the file (nothing in it)

async function opens(path, mode) {
  for (let i = 0; i < 3; i++) await (await openSession(path, mode, OPEN)).close(); // warm-up
  const times = [];
  for (let i = 0; i < OPENS; i++) {
    const t0 = performance.now();
    const s = await openSession(path, mode, OPEN);
    await s.close();
    times.push(performance.now() - t0);
  }
  return times;
}

console.log(`\nopen + close of a session, ${OPENS} times each (ms)`);
console.log('file                       mode         median    p90    min    max');
for (const [label, path] of [
  ['empty', empty],
  [`month (${fmt(windows.reduce((n, w) => n + w.rows.length, 0))} rows)`, month],
]) {
  for (const mode of ['write', 'read']) {
    const t = await opens(path, mode);
    console.log(`${label.padEnd(26)} ${(mode === 'write' ? 'read-write' : 'read-only').padEnd(10)} ${ms(median(t))} ${ms(quantile(t, 0.9))} ${ms(Math.min(...t))} ${ms(Math.max(...t))}`);
  }
}

// --- (c): N windows as N write calls (N opens) vs one call (one open) ----------------------------
const batch = windows.slice(0, N);
const rows = batch.reduce((n, w) => n + w.rows.length, 0);
let fresh = 0;
async function timed(groups) {
  const store = await openDuckDbStore(fileOf(`write-${++fresh}`));
  await store.openTable(FUELINST); // the table and the ledger exist, as after a run's first open
  const t0 = performance.now();
  let inserted = 0;
  for (const g of groups) for (const r of await store.write(g)) inserted += r.inserted;
  const t = performance.now() - t0;
  await store.close();
  if (inserted !== rows) throw new Error(`inserted ${inserted} of ${rows} rows`);
  return t;
}
const single = [];
const grouped = [];
for (let i = 0; i < REPS; i++) {
  // Alternate the order so drift in the machine's load falls on both.
  if (i % 2) grouped.push(await timed([batch]));
  single.push(await timed(batch.map((w) => [w])));
  if (!(i % 2)) grouped.push(await timed([batch]));
}
const [s, g] = [median(single), median(grouped)];
console.log(`\n${N} windows of ${fmt(batch[0].rows.length)} rows (${fmt(rows)} rows) into a fresh file, median of ${REPS} (range)`);
console.log('write calls                   total ms         rows/s');
console.log(`${`${N} x write([window])`.padEnd(28)} ${ms(s)} (${Math.round(Math.min(...single))}-${Math.round(Math.max(...single))})  ${fmt((rows / s) * 1000).padStart(7)}`);
console.log(`${`1 x write(${N} windows)`.padEnd(28)} ${ms(g)} (${Math.round(Math.min(...grouped))}-${Math.round(Math.max(...grouped))})  ${fmt((rows / g) * 1000).padStart(7)}`);
console.log(`per extra write group: ${((s - g) / (N - 1)).toFixed(1)} ms (a transaction and its commit; the store keeps its write session open between groups)`);

// --- (d): the parts of a write group's fixed cost ------------------------------------------------
const probe = fileOf('probe');
{
  const s = await openSession(probe, 'write', OPEN);
  await s.connection.run(`CREATE TABLE t AS SELECT range AS i, md5(range::VARCHAR) AS h, now() AS ts FROM range(180000)`);
  await s.close();
}
const parts = { open: [], insert: [], commit: [], close: [] };
for (let k = 0; k < 20; k++) {
  const t0 = performance.now();
  const s = await openSession(probe, 'write', OPEN);
  const t1 = performance.now();
  await s.connection.run('BEGIN TRANSACTION');
  await s.connection.run(`INSERT INTO t SELECT range + ${(k + 1) * 1e6}, md5(range::VARCHAR), now() FROM range(5760)`);
  const t2 = performance.now();
  await s.connection.run('COMMIT');
  const t3 = performance.now();
  await s.close();
  const t4 = performance.now();
  parts.open.push(t1 - t0);
  parts.insert.push(t2 - t1);
  parts.commit.push(t3 - t2);
  parts.close.push(t4 - t3);
}
console.log(`\none write group's fixed cost, plain INSERT of 5,760 generated rows into a 180,000-row table, 20 times (ms)`);
console.log(Object.entries(parts).map(([k, t]) => `${k} ${median(t).toFixed(1)} (p90 ${quantile(t, 0.9).toFixed(1)})`).join(', '));

console.log(`\npeak RSS of this process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
await rm(dir, { recursive: true, force: true });

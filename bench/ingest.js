#!/usr/bin/env node
// bench/ingest: one month of FUELINST from the simulator (a child process) into a fresh DuckDB file,
// through the real pipeline (got client, verification, sanitise, hash, DuckDB bulk load). The store
// opens the file per write group (the windows queued behind a write go in one transaction).
// Prints rows/s for the first load and for a reload (every row a duplicate), and peak RSS.
// Usage: npm run bench:ingest [-- --month 2025-10 --concurrency 4]
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

const { values } = parseArgs({ options: { month: { type: 'string', default: '2025-10' }, concurrency: { type: 'string', default: '4' } } });
const from = `${values.month}-01`;
const [y, m] = values.month.split('-').map(Number);
const to = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);

const sim = await startSimChild(`${addDays(to, 2)}T00:00:00Z`);
const url = sim.url;

const dir = await mkdtemp(join(tmpdir(), 'bmrs-bench-'));
const db = join(dir, 'bench.duckdb');
const api = createHttpClient({ base: url, timeoutMs: 60_000, retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000, budgetMs: 10_000 }, userAgent: 'bmrs-bench' });

async function pass(label) {
  const real = await openDuckDbStore(db);
  // Counts the write groups: each one opens the file, writes its windows in one transaction, closes it.
  let groups = 0;
  const store = { ...real, write: (group) => (groups++, real.write(group)) };
  const t0 = performance.now();
  const [r] = await ingest(
    { api, store, clock: fixedClock(Date.parse(`${to}T00:00:00Z`)), runId: randomUUID() },
    { datasets: [findDataset('FUELINST')], range: { kind: 'days', from, to }, concurrency: Number(values.concurrency) },
  );
  const s = (performance.now() - t0) / 1000;
  await real.close();
  if (r.failures.length) throw new Error(r.failures[0].error.message);
  console.log(`${label.padEnd(8)} ${r.fetched.toLocaleString('en-GB')} rows fetched, ${r.inserted.toLocaleString('en-GB')} inserted in ${s.toFixed(2)} s = ${Math.round(r.fetched / s).toLocaleString('en-GB')} rows/s, ${groups} write groups`);
}

console.log(`FUELINST ${from} .. ${to} (exclusive), ${values.concurrency} windows in flight, simulator in a child process`);
await pass('load');
await pass('reload');
const size = (await stat(db)).size;
console.log(`DuckDB file ${(size / 1048576).toFixed(1)} MiB; peak RSS of this process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
sim.stop();
await rm(dir, { recursive: true, force: true });


#!/usr/bin/env node
// bench/backfill-stages: the stages of a FUELINST backfill measured alone, each in its own process
// so that peak RSS is its own: `fetch` (bodies from the simulator to files), `transform` (the SQL
// row work of every window, staged as Parquet) and `store` (the staged windows written in groups).
// Prints wall seconds, CPU µs a row and peak RSS per stage. Where a backfill's time and memory go.
// Usage: npm run bench:stages [-- --from 2025-01-01 --days 365 --group 8 --batch 8]
import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { addDays } from '../dist/core/calendar.js';
import { findDataset } from '../dist/core/datasets.js';
import { planWindows } from '../dist/core/windows.js';

const { values } = parseArgs({
  options: {
    from: { type: 'string', default: '2025-01-01' },
    days: { type: 'string', default: '365' },
    group: { type: 'string', default: '8' },
    batch: { type: 'string', default: '8' },
    stage: { type: 'string' },
    dir: { type: 'string' },
  },
});
const spec = findDataset('FUELINST');
const windows = planWindows(spec, { kind: 'days', from: values.from, to: addDays(values.from, Number(values.days)) });

if (!values.stage) {
  const dir = await mkdtemp(join(tmpdir(), 'bmrs-bench-stages-'));
  console.log(`FUELINST ${windows.length} days from ${values.from}; transform batches of ${values.batch}, store groups of ${values.group}`);
  try {
    for (const stage of ['fetch', 'transform', 'store']) {
      const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, ...process.argv.slice(2), '--stage', stage, '--dir', dir], { stdio: 'inherit' });
      if (r.status !== 0) process.exit(r.status ?? 1);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  process.exit(0);
}

const dir = values.dir;
const rows = { n: 0 };
let peak = 0;
setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20).unref();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const report = () => {
  const c = process.cpuUsage(cpu0);
  console.log(`${values.stage.padEnd(9)} wall ${((performance.now() - t0) / 1000).toFixed(1)} s, CPU ${((c.user + c.system) / rows.n).toFixed(2)} µs a row (${rows.n.toLocaleString('en-GB')} rows), peak RSS ${(Math.max(peak, process.memoryUsage().rss) / 2 ** 20).toFixed(0)} MiB`);
};
const body = (i) => join(dir, `${i}.json`);
const meta = (i) => join(dir, `${i}.meta.json`);

if (values.stage === 'fetch') {
  const { startSimChild } = await import('./sim-child.js');
  const { createHttpClient } = await import('../dist/adapters/http.js');
  const sim = await startSimChild(`${addDays(values.from, Number(values.days) + 2)}T00:00:00Z`);
  const api = createHttpClient({ base: sim.url, timeoutMs: 60_000, retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 50, budgetMs: 10_000 }, userAgent: 'bmrs-bench' });
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < windows.length) {
      const i = next++;
      const text = await api.fetch(windows[i].path, windows[i].query, (b) => b);
      rows.n += JSON.parse(text).length;
      await writeFile(body(i), text);
    }
  }));
  sim.stop();
} else {
  const { openDuckDbStore } = await import('../dist/sinks/duckdb.js');
  const store = await openDuckDbStore(join(dir, 'bench.duckdb'));
  const table = await store.openTable(spec);
  if (values.stage === 'transform') {
    const { duckDbTransform } = await import('../dist/transform/duckdb-transform.js');
    await store.close();
    const transform = duckDbTransform({ batchSize: Number(values.batch) });
    const micros = BigInt(Date.now()) * 1000n;
    let next = 0;
    await Promise.all(Array.from({ length: Number(values.batch) }, async () => {
      while (next < windows.length) {
        const i = next++;
        const r = await transform.prepare(windows[i], table, await readFile(body(i), 'utf8'), micros);
        if ('fallback' in r) throw new Error(`window ${i} fell back to the JS path: ${r.fallback}`);
        rows.n += r.fetched;
        await copyFile(r.staged.path, join(dir, `${i}.parquet`));
        await writeFile(meta(i), JSON.stringify({ count: r.staged.count, bounds: r.bounds, fetched: r.fetched }));
        await r.dispose();
      }
    }));
    await transform.close();
  } else {
    const group = Number(values.group);
    for (let i = 0; i < windows.length; i += group) {
      const writes = [];
      for (let j = i; j < Math.min(i + group, windows.length); j++) {
        const m = JSON.parse(await readFile(meta(j), 'utf8'));
        rows.n += m.count;
        writes.push({ table: table.name, key: { dataset: spec.code, from: windows[j].from, to: windows[j].to }, columns: table.columns, rows: [], staged: { path: join(dir, `${j}.parquet`), count: m.count }, bounds: m.bounds, ledger: { status: 'loaded', fetched: m.fetched, runId: 'bench', at: Date.now() } });
      }
      await store.write(writes);
    }
    await store.close();
  }
}
report();

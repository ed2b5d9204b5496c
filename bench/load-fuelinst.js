// Builds a benchmark store: FUELINST for [from, to) from the simulator (a child process) through the
// real ingest into `db`. Returns the rows inserted and the seconds it took.
import { randomUUID } from 'node:crypto';
import { startSimChild } from './sim-child.js';
import { fixedClock } from '../dist/adapters/clock.js';
import { createHttpClient } from '../dist/adapters/http.js';
import { findDataset } from '../dist/core/datasets.js';
import { ingest } from '../dist/core/ingest.js';
import { openDuckDbStore } from '../dist/sinks/duckdb.js';

export async function loadFuelinst(db, now, from, to) {
  const sim = await startSimChild(now);
  const api = createHttpClient({ base: sim.url, timeoutMs: 120_000, retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000, budgetMs: 10_000 }, userAgent: 'bmrs-bench' });
  const store = await openDuckDbStore(db);
  const t0 = performance.now();
  try {
    const [r] = await ingest(
      { api, store, clock: fixedClock(Date.parse(now)), runId: randomUUID() },
      { datasets: [findDataset('FUELINST')], range: { kind: 'days', from, to }, concurrency: 4 },
    );
    if (r.failures.length) throw new Error(r.failures[0].error.message);
    return { rows: r.inserted, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await store.close();
    sim.stop();
  }
}

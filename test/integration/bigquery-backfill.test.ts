// A one-year FUELINST backfill into the fake BigQuery, through the real backfill command (in
// process, the simulator on port 0): many windows per write, so the load jobs stay a few dozen
// (BigQuery allows 1,500 per table per day) and every row lands once.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runBackfill } from '../../src/cli/backfill/run.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { bigQueryHarness, type BigQueryHarness } from '../support/bigquery.js';
import { fixedClock } from '../../src/adapters/clock.js';
import { createHttpClient } from '../../src/adapters/http.js';
import { findDataset } from '../../src/core/datasets.js';
import { ingest } from '../../src/core/ingest.js';
import { FAST_RETRY, instants } from '../support/pipeline.js';

describe('a year of FUELINST into BigQuery', { timeout: 600_000 }, () => {
  let sim: Simulator;
  let h: BigQueryHarness;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, now: '2025-11-01T00:00:00Z' });
    h = await bigQueryHarness();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await h?.close();
    await sim?.close();
  });

  it('makes at most a few dozen load jobs, stores every row once and records every day', async () => {
    vi.stubEnv('BMRS_API_BASE', sim.url);
    vi.stubEnv('BMRS_NOW', '2025-11-01T00:00:00Z');
    vi.stubEnv('BMRS_RETRY_BASE_MS', '5');
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let code: number;
    try {
      code = await runBackfill({ dataset: ['FUELINST'], from: '2024-11-01', to: '2025-11-01', concurrency: '4', quiet: true, json: true }, async () => h.store);
    } finally {
      out.mockRestore();
    }
    expect(code).toBe(0);
    const loads = h.fake.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/upload/') && r.path.endsWith('/jobs'));
    const merges = h.fake.statements.filter((s) => s.sql.startsWith('MERGE INTO') && s.sql.includes('.bmrs_fuelinst`'));
    expect(loads.length).toBeGreaterThan(0);
    expect(loads.length).toBeLessThanOrEqual(36);
    expect(merges.length).toBe(loads.length);
    // 365 days of 288 readings of 20 fuel types, 2 clock-change days of 276 and 300.
    const rows = Number((await h.fake.engine.conn.runAndReadAll('SELECT count(*), count(DISTINCT _hash_key) FROM uk_energy_prod.bmrs_fuelinst')).getRows()[0][0]);
    const distinct = Number((await h.fake.engine.conn.runAndReadAll('SELECT count(DISTINCT _hash_key) FROM uk_energy_prod.bmrs_fuelinst')).getRows()[0][0]);
    expect(distinct).toBe(rows);
    expect(rows).toBe(await h.store.countRows('bmrs_fuelinst'));
    const ledger = await h.store.ledger({ dataset: 'FUELINST' });
    expect(ledger).toHaveLength(365);
    expect(ledger.every((e) => e.status === 'loaded' && e.inserted === e.fetched && e.inserted > 0)).toBe(true);
    expect(ledger.reduce((n, e) => n + e.inserted, 0)).toBe(rows);
    // No staging table is left behind; no streaming insert was ever sent.
    expect([...h.fake.engine.tables.keys()].filter((k) => k.includes('_bmrs_stage_'))).toEqual([]);
    expect(h.fake.requests.some((r) => r.path.endsWith('/insertAll'))).toBe(false);

    // What the MERGEs cost (docs/bigquery.md, Cost): each reads its staging table whole and, of the
    // target, only _hash_key and settlementDate in the partitions of its own days.
    const perMerge = merges.map((m) => m.bytesProcessed);
    const tableBytes = Number((await h.fake.engine.conn.runAndReadAll(`SELECT sum(strlen(_hash_key) + 2 + 8) FROM uk_energy_prod.bmrs_fuelinst`)).getRows()[0][0]);
    expect(Math.max(...perMerge)).toBeLessThan(tableBytes * 2);
    console.log(`[cost] year backfill: ${loads.length} load jobs, ${merges.length} MERGEs, ${perMerge.reduce((a, b) => a + b, 0)} bytes processed in all, largest MERGE ${Math.max(...perMerge)} bytes, ${rows} rows`);

    // A 5-minute cycle on top of the year: one load and one MERGE, pruned to the window's day.
    const before = h.fake.statements.length;
    const loadsBefore = h.fake.requests.filter((r) => r.path.startsWith('/upload/')).length;
    const reports = await ingest(
      { api: createHttpClient({ base: sim.url, timeoutMs: 5_000, retry: FAST_RETRY, userAgent: 'bmrs-test' }), store: h.store, runId: 'cycle', clock: fixedClock(Date.parse('2025-11-01T00:00:00Z')) },
      { datasets: [findDataset('FUELINST')!], range: instants('2025-10-31T23:50:00Z', '2025-11-01T00:00:00Z'), concurrency: 1 },
    );
    expect(reports[0].failures).toEqual([]);
    const cycle = h.fake.statements.slice(before);
    expect(h.fake.requests.filter((r) => r.path.startsWith('/upload/')).length - loadsBefore).toBe(1);
    const cycleMerge = cycle.filter((m) => m.sql.startsWith('MERGE INTO') && m.sql.includes('.bmrs_fuelinst`'));
    expect(cycleMerge).toHaveLength(1);
    expect(cycleMerge[0].sql).toMatch(/BETWEEN DATE '2025-10-31' AND DATE '2025-11-01'|BETWEEN DATE '2025-11-01' AND DATE '2025-11-01'|BETWEEN DATE '2025-10-31' AND DATE '2025-10-31'/);
    expect(cycleMerge[0].bytesProcessed).toBeLessThan(tableBytes / 50);
    console.log(`[cost] 5-minute cycle: ${cycle.length} statements, ${cycle.map((m) => `${m.sql.split(/\s/)[0]}=${m.bytesProcessed}`).join(' ')}`);
  });
});

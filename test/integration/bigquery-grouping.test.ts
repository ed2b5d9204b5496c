// How windows are grouped into BigQuery writes: a sparse dataset over years (a few rows a day) is
// several writes, never one ledger statement beyond BigQuery's 1,024K characters; a group's
// transient failure is not tried again window by window (each would be a load job of its own).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findDataset } from '../../src/core/datasets.js';
import { TransientError } from '../../src/core/errors.js';
import { writeQueue } from '../../src/core/write-queue.js';
import { openGateway } from '../../src/sinks/bigquery/client.js';
import { recordLedger } from '../../src/sinks/bigquery/ledger.js';
import { DEFAULT_WINDOWS_PER_WRITE } from '../../src/sinks/bigquery/store.js';
import { bigQueryHarness, fakeConfig, NO_WAIT, type BigQueryHarness } from '../support/bigquery.js';
import { dayWindow, fuelinstRaws, windowWrite } from '../contract/store-contract.js';

const FUELINST = findDataset('FUELINST')!;
let h: BigQueryHarness;
beforeEach(async () => {
  h = await bigQueryHarness();
});
afterEach(() => h.close());

const days = (from: string, n: number) => Array.from({ length: n }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));
const loadJobs = () => h.fake.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/upload/') && r.path.endsWith('/jobs'));
const ledgerMerges = () => h.fake.statements.filter((s) => s.sql.startsWith('MERGE INTO `bmrs-test-project.uk_energy_prod._bmrs_ledger`'));

describe('BigQuery write groups', { timeout: 120_000 }, () => {
  it('two years of one-period days are writes of at most 500 windows: 2 load jobs, ledger statements well under 1,024K characters', async () => {
    const t = await h.store.openTable(FUELINST);
    const all = days('2023-01-01', 731);
    const queue = writeQueue(h.store);
    const results = all.map((d) => queue(windowWrite(t, dayWindow(d), fuelinstRaws(d, 1))));
    queue.close();
    expect((await Promise.all(results)).every((r) => r.inserted === 4 && r.skipped === 0)).toBe(true);
    expect(DEFAULT_WINDOWS_PER_WRITE).toBe(500);
    expect(loadJobs()).toHaveLength(2);
    expect(ledgerMerges()).toHaveLength(2);
    expect(Math.max(...h.fake.statements.map((s) => s.sql.length))).toBeLessThan(400_000);
    expect(await h.store.ledger()).toHaveLength(731);
    expect(await h.store.countRows(t.name)).toBe(4 * 731);
  });

  it("the ledger of a group is split into MERGEs under the statement budget, and records every window", async () => {
    const t = await h.store.openTable(FUELINST);
    const g = await openGateway(fakeConfig(h.fake), NO_WAIT);
    const items = days('2024-01-01', 20).map((d) => {
      const w = windowWrite(t, dayWindow(d), []);
      return { key: w.key, record: w.ledger, result: { inserted: 0, skipped: 0 } };
    });
    await recordLedger(g, items, 3_000);
    const merges = ledgerMerges();
    expect(merges.length).toBeGreaterThan(4);
    expect(merges.every((s) => s.sql.length <= 3_000)).toBe(true);
    expect((await h.store.ledger()).map((e) => e.attempts)).toEqual(items.map(() => 1));
  });

  it('a transient failure of a group fails its windows together: the load is not tried again once per window', async () => {
    const t = await h.store.openTable(FUELINST);
    for (let i = 0; i < NO_WAIT.retry.attempts; i++) h.fake.fault({ kind: 'quota-403' });
    const queue = writeQueue(h.store);
    const results = days('2025-10-01', 3).map((d) => queue(windowWrite(t, dayWindow(d), fuelinstRaws(d, 1))).catch((e: unknown) => e));
    queue.close();
    const errors = await Promise.all(results);
    expect(errors.every((e) => e instanceof TransientError)).toBe(true);
    expect(loadJobs()).toHaveLength(NO_WAIT.retry.attempts);
    expect(await h.store.countRows(t.name)).toBe(0);
  });
});

// The BigQuery store's writes at the HTTP boundary of the real client library: the request
// sequence and bodies (staging table, load configuration, job ids, the MERGE with literal date
// bounds, staging cleanup, ledger after the MERGE), and the fault switches of the fake.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findDataset } from '../../src/core/datasets.js';
import { SchemaConflictError, StoreFailure, TransientError } from '../../src/core/errors.js';
import { hashRow } from '../../src/core/hash.js';
import { tableColumns } from '../../src/core/table.js';
import { bigQueryHarness, type BigQueryHarness } from '../support/bigquery.js';
import { dayWindow, fuelinstRaws, windowWrite } from '../contract/store-contract.js';
import type { TableWriteStats } from '../../src/sinks/bigquery/write.js';

const FUELINST = findDataset('FUELINST')!;
let h: BigQueryHarness;
let stats: TableWriteStats[];
beforeEach(async () => {
  stats = [];
  h = await bigQueryHarness({ onWrite: (s) => void stats.push(s) });
});
afterEach(() => h.close());

const brief = () => h.fake.requests.map((r) => `${r.method} ${r.path.replace(`/projects/${h.fake.project}`, '').replace(/^\/bigquery\/v2/, '')}`);
const jobBodies = () => h.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/jobs')).map((r) => (r.path.startsWith('/upload/') ? (r.body as { meta: unknown }).meta : r.body) as { jobReference: { jobId: string }; configuration: Record<string, never> });
const stagingLeft = () => [...h.fake.engine.tables.keys()].filter((k) => k.includes('_bmrs_stage_'));

describe('BigQuery writes', { timeout: 30_000 }, () => {
  it('one window: a staging table, one NDJSON load job, one bounded insert-only MERGE, staging dropped, then the ledger', async () => {
    const t = await h.store.openTable(FUELINST);
    h.fake.requests.length = 0;
    const w = windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 3));
    expect(await h.store.write([w])).toEqual([{ inserted: 12, skipped: 0 }]);
    const seq = brief();
    const at = (pattern: RegExp) => seq.findIndex((s) => pattern.test(s));
    const load = at(/^POST \/upload\/.*\/jobs$/);
    const staging = jobBodies()[0].configuration.load as { destinationTable: { tableId: string }; sourceFormat: string; writeDisposition: string; schema: { fields: { name: string }[] } };
    expect(staging.schema.fields.map((f) => f.name)).toEqual(['_bmrs_w', ...t.columns.map((c) => c.name)]);
    expect(staging).toMatchObject({ sourceFormat: 'NEWLINE_DELIMITED_JSON', writeDisposition: 'WRITE_TRUNCATE', createDisposition: 'CREATE_NEVER' });
    expect(staging.destinationTable.tableId).toMatch(/^_bmrs_stage_bmrs_fuelinst_[0-9a-f]{24}$/);
    expect(at(/^POST \/datasets\/uk_energy_prod\/tables$/)).toBeLessThan(load);
    const created = h.fake.requests.find((r) => r.method === 'POST' && r.path.endsWith('/tables'))!.body as { schema: { fields: { name: string; type: string }[] }; expirationTime: string };
    expect(created.schema.fields.slice(0, 3)).toEqual([{ name: '_bmrs_w', type: 'INTEGER', mode: 'REQUIRED' }, { name: 'dataset', type: 'STRING', mode: 'NULLABLE' }, { name: 'publishTime', type: 'DATETIME', mode: 'NULLABLE' }]);
    expect(Number(created.expirationTime)).toBeGreaterThan(Date.now());
    const merges = h.fake.statements.filter((s) => s.sql.startsWith('MERGE INTO `bmrs-test-project.uk_energy_prod.bmrs_fuelinst`'));
    expect(merges).toHaveLength(1);
    expect(merges[0].sql).toContain("ON T._hash_key = S._hash_key AND T.`settlementDate` BETWEEN DATE '2025-10-27' AND DATE '2025-10-27'");
    expect(merges[0].sql).toContain('QUALIFY ROW_NUMBER() OVER (PARTITION BY _hash_key ORDER BY _bmrs_w) = 1');
    expect(merges[0].sql).toMatch(/WHEN NOT MATCHED THEN INSERT \(`dataset`, .*`_hash_key`\) VALUES \(S\.`dataset`/);
    expect(merges[0].sql).not.toMatch(/WHEN MATCHED|UPDATE|DELETE/);
    expect(merges[0].jobId).toBe(`bmrs_merge_bmrs_fuelinst_${staging.destinationTable.tableId.slice(-24)}`);
    const drop = seq.indexOf(`DELETE /datasets/uk_energy_prod/tables/${staging.destinationTable.tableId}`);
    const ledgerMerge = h.fake.statements.findIndex((s) => s.sql.startsWith('MERGE INTO `bmrs-test-project.uk_energy_prod._bmrs_ledger`'));
    expect(drop).toBeGreaterThan(load);
    expect(h.fake.statements.findIndex((s) => s === merges[0])).toBeLessThan(ledgerMerge);
    expect(stagingLeft()).toEqual([]);
    expect(h.fake.requests.every((r) => r.authorized)).toBe(true);
    expect(seq.some((s) => s.endsWith('/insertAll'))).toBe(false);
    expect(stats).toEqual([{ table: 'bmrs_fuelinst', loadJobs: 1, bytesProcessed: expect.any(Number) }]);
    expect(stats[0].bytesProcessed).toBeGreaterThan(0);
  });

  it('a group of windows is one load job and one MERGE bounded by the whole group, with counts per window', async () => {
    const t = await h.store.openTable(FUELINST);
    const ws = ['2025-10-25', '2025-10-26', '2025-10-27'].map((d) => windowWrite(t, dayWindow(d), fuelinstRaws(d, 2)));
    await h.store.write([ws[1]]);
    h.fake.requests.length = 0;
    expect(await h.store.write(ws)).toEqual([{ inserted: 8, skipped: 0 }, { inserted: 0, skipped: 8 }, { inserted: 8, skipped: 0 }]);
    expect(jobBodies().filter((b) => b.configuration.load)).toHaveLength(1);
    const merge = h.fake.statements.filter((s) => s.sql.startsWith('MERGE INTO') && s.sql.includes('bmrs_fuelinst`')).at(-1)!;
    expect(merge.sql).toContain("T.`settlementDate` BETWEEN DATE '2025-10-25' AND DATE '2025-10-27'");
    expect(await h.store.countRows(t.name)).toBe(24);
    expect((await h.store.ledger()).map((e) => [e.inserted, e.skipped, e.attempts])).toEqual([[8, 0, 1], [0, 8, 2], [8, 0, 1]]);
  });

  it('a 409 on the load job insert (the job was created, its answer lost) attaches to that job: loaded once', async () => {
    const t = await h.store.openTable(FUELINST);
    h.fake.fault({ kind: 'job-insert-409' });
    expect(await h.store.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 2))])).toEqual([{ inserted: 8, skipped: 0 }]);
    const loads = jobBodies().filter((b) => b.configuration.load);
    expect(loads).toHaveLength(1);
    expect(brief()).toContain(`GET /jobs/${loads[0].jobReference.jobId}`);
    expect(await h.store.countRows(t.name)).toBe(8);
  });

  it('a 503 while checking a running job keeps polling that job: one load job, one MERGE, the counts right', async () => {
    const t = await h.store.openTable(FUELINST);
    h.fake.fault({ kind: 'job-running-then-503' });
    h.fake.fault({ kind: 'job-running-then-503', sql: 'MERGE INTO `bmrs-test-project.uk_energy_prod.bmrs_fuelinst`' });
    expect(await h.store.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 2))])).toEqual([{ inserted: 8, skipped: 0 }]);
    const loads = jobBodies().filter((b) => b.configuration.load);
    const merges = h.fake.statements.filter((s) => s.sql.startsWith('MERGE INTO `bmrs-test-project.uk_energy_prod.bmrs_fuelinst`'));
    expect(loads).toHaveLength(1);
    expect(merges).toHaveLength(1);
    // Each was asked for twice: the 503, then DONE.
    for (const id of [loads[0].jobReference.jobId, merges[0].jobId]) expect(brief().filter((r) => r === `GET /jobs/${id}`)).toHaveLength(2);
    expect(await h.store.countRows(t.name)).toBe(8);
    expect((await h.store.ledger()).map((e) => [e.inserted, e.skipped])).toEqual([[8, 0]]);
  });

  it('a concurrent-update conflict on the MERGE is retried as a new job, and the rows land once', async () => {
    const t = await h.store.openTable(FUELINST);
    h.fake.fault({ kind: 'merge-concurrent-update' });
    expect(await h.store.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 2))])).toEqual([{ inserted: 8, skipped: 0 }]);
    const ids = h.fake.statements.filter((s) => s.sql.startsWith('MERGE INTO') && s.sql.includes('bmrs_fuelinst`')).map((s) => s.jobId);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(`${ids[0]}_r2`);
    // The failed job was not asked for again under its own id: one retry, straight to a new job.
    expect(jobBodies().filter((b) => b.jobReference.jobId === ids[0])).toHaveLength(1);
    expect(await h.store.countRows(t.name)).toBe(8);
  });

  it('a quota error (403) that outlasts the retries is transient (exit 75); nothing stored, no ledger entry, no staging left', async () => {
    const t = await h.store.openTable(FUELINST);
    for (let i = 0; i < 3; i++) h.fake.fault({ kind: 'quota-403' });
    const e = await h.store.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 2))]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).exitCode).toBe(75);
    expect((e as Error).message).toMatch(/^BigQuery quota or rate limit while loading bmrs_fuelinst: Quota exceeded/);
    expect(await h.store.countRows(t.name)).toBe(0);
    expect(await h.store.ledger()).toEqual([]);
    expect(stagingLeft()).toEqual([]);
  });

  it('a failed load job is terminal with its message; nothing stored and no ledger entry', async () => {
    const t = await h.store.openTable(FUELINST);
    h.fake.fault({ kind: 'load-error', message: 'Error while reading data, error message: JSON table encountered too many errors' });
    const e = await h.store.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 2))]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StoreFailure);
    expect((e as Error).message).toMatch(/while loading bmrs_fuelinst: Error while reading data/);
    expect(h.fake.statements.filter((s) => s.sql.startsWith('MERGE'))).toEqual([]);
    expect(await h.store.ledger()).toEqual([]);
  });
});

describe('an existing table before its first write', { timeout: 30_000 }, () => {
  const make = async (keyOf: (row: Record<string, unknown>) => string) => {
    await h.createTable(FUELINST.table, tableColumns(FUELINST));
    const rows = fuelinstRaws('2025-10-27', 1).map((r) => ({ ...r, publishTime: String(r.publishTime).replace('T', ' ').replace('Z', ''), startTime: String(r.startTime).replace('T', ' ').replace('Z', '') }));
    await h.insertRaw(FUELINST.table, rows.map((r) => ({ ...r, _hash_key: keyOf(r) }) as never));
  };

  it('is written when a sample of its rows hashes back to their stored _hash_key', async () => {
    await make((r) => hashRow(FUELINST.columns, r as never));
    const t = await h.store.openTable(FUELINST);
    expect(t.created).toBe(false);
    expect(await h.store.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 2))])).toEqual([{ inserted: 4, skipped: 4 }]);
  });

  it('is not sampled again by a later process once bmrs has stored rows in it (each 5-minute cycle would read it)', async () => {
    await make((r) => hashRow(FUELINST.columns, r as never));
    const samples = () => h.fake.statements.filter((s) => s.sql.includes('FARM_FINGERPRINT') && s.sql.includes('bmrs_fuelinst`')).length;
    const t = await h.store.openTable(FUELINST);
    expect(samples()).toBe(1);
    await h.store.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 2))]);
    const { openBigQueryStore } = await import('../../src/sinks/bigquery/store.js');
    const { fakeConfig, NO_WAIT } = await import('../support/bigquery.js');
    const next = await openBigQueryStore(fakeConfig(h.fake), NO_WAIT);
    expect((await next.openTable(FUELINST)).created).toBe(false);
    expect(samples()).toBe(1);
    await next.close();
  });

  it('is refused, naming the table and the mismatch, when its keys were made another way; an explicit setting overrides', async () => {
    await make((r) => hashRow(FUELINST.columns.map((c) => (c.type === 'DATETIME' ? { ...c, type: 'TIMESTAMP' as const } : c)), r as never));
    const e = await h.store.openTable(FUELINST).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SchemaConflictError);
    expect((e as Error).message).toMatch(/^refusing to write uk_energy_prod\.bmrs_fuelinst: 4 of 4 sampled rows have a _hash_key bmrs would compute differently \(4 times hashed with another zone suffix; e\.g\. stored [0-9a-f]{32}, bmrs computes [0-9a-f]{32}\)/);
    expect((e as SchemaConflictError).hint).toMatch(/BMRS_BQ_ACCEPT_HASH_MISMATCH=1/);
    const { openBigQueryStore } = await import('../../src/sinks/bigquery/store.js');
    const { fakeConfig, NO_WAIT } = await import('../support/bigquery.js');
    const forced = await openBigQueryStore(fakeConfig(h.fake), { ...NO_WAIT, acceptHashMismatch: true });
    expect((await forced.openTable(FUELINST)).created).toBe(false);
  });
});

describe('an existing table that lacks a registry column', { timeout: 30_000 }, () => {
  const lacking = () => tableColumns(FUELINST).filter((c) => c.name !== 'generation');
  const fields = () => h.fake.engine.tables.get('uk_energy_prod.bmrs_fuelinst')!.fields;

  it('gets it as a NULLABLE column, with a warning; existing fields keep their descriptions and policy tags; the patch carries the etag', async () => {
    await h.createTable(FUELINST.table, [...lacking(), { name: 'note', type: 'STRING' }]);
    Object.assign(fields().find((f) => f.name === 'fuelType')!, { description: 'fuel type code', policyTags: { names: ['projects/p/locations/eu/taxonomies/1/policyTags/2'] } });
    await h.store.openTable(FUELINST);
    expect(h.warnings).toEqual([
      'uk_energy_prod.bmrs_fuelinst had no column generation (INTEGER): added as NULLABLE; existing rows hold NULL there',
      'uk_energy_prod.bmrs_fuelinst is not partitioned by a column: each MERGE reads _hash_key and its date column over the whole table (docs/bigquery.md, Cost)',
    ]);
    const patches = h.fake.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0].ifMatch).toBe('etag-1');
    const patch = patches[0].body as { schema: { fields: { name: string; type: string; mode: string }[] } };
    expect(patch.schema.fields.map((f) => f.name)).toEqual([...lacking().map((c) => c.name), 'note', 'generation']);
    expect(patch.schema.fields.at(-1)).toEqual({ name: 'generation', type: 'INTEGER', mode: 'NULLABLE' });
    expect(fields().find((f) => f.name === 'note')).toMatchObject({ type: 'STRING' });
    expect(fields().find((f) => f.name === 'fuelType')).toEqual({ name: 'fuelType', type: 'STRING', mode: 'NULLABLE', description: 'fuel type code', policyTags: { names: ['projects/p/locations/eu/taxonomies/1/policyTags/2'] } });
  });

  it('is left unaltered when bmrs refuses the table: a column of the wrong type', async () => {
    await h.createTable(FUELINST.table, lacking().map((c) => (c.name === 'fuelType' ? { ...c, type: 'INTEGER' as const } : c)));
    const before = structuredClone(fields());
    await expect(h.store.openTable(FUELINST)).rejects.toBeInstanceOf(SchemaConflictError);
    expect(h.fake.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(fields()).toEqual(before);
  });

  it('is left unaltered when bmrs refuses the table: sampled keys made another way', async () => {
    await h.createTable(FUELINST.table, lacking());
    const row = { ...fuelinstRaws('2025-10-27', 1)[0] };
    delete (row as Record<string, unknown>).generation;
    const stored = { ...row, publishTime: String(row.publishTime).replace('T', ' ').replace('Z', ''), startTime: String(row.startTime).replace('T', ' ').replace('Z', '') };
    await h.insertRaw(FUELINST.table, [{ ...stored, _hash_key: '0'.repeat(32) } as never]);
    const before = structuredClone(fields());
    const e = await h.store.openTable(FUELINST).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SchemaConflictError);
    expect((e as Error).message).toMatch(/^refusing to write uk_energy_prod\.bmrs_fuelinst: 1 of 1 sampled rows/);
    expect(h.fake.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(fields()).toEqual(before);
  });
});

describe('the BigQuery ledger', { timeout: 30_000 }, () => {
  it('in one MERGE per write: a failed attempt after a load keeps the load and counts the attempt; a new load replaces a failure', async () => {
    const t = await h.store.openTable(FUELINST);
    const ok = windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 1));
    const other = windowWrite(t, dayWindow('2025-10-28'), []);
    await h.store.write([ok, { ...other, ledger: { ...other.ledger, status: 'failed', error: { exitCode: 75, message: 'HTTP 503' } } }]);
    const before = h.fake.statements.length;
    await h.store.write([
      { ...ok, rows: [], ledger: { ...ok.ledger, status: 'failed', at: ok.ledger.at + 5, error: { exitCode: 75, message: 'HTTP 503' } } },
      { ...other, ledger: { ...other.ledger, at: other.ledger.at + 5 } },
    ]);
    expect(h.fake.statements.slice(before).map((s) => s.sql.split(/\s/)[0])).toEqual(['MERGE']);
    const [a, b] = await h.store.ledger();
    expect(a).toMatchObject({ status: 'loaded', inserted: 4, attempts: 2, errorCode: 75, errorMessage: 'HTTP 503', firstAt: ok.ledger.at, updatedAt: ok.ledger.at + 5 });
    expect(b).toMatchObject({ status: 'empty', attempts: 2, errorCode: null, errorMessage: null, firstAt: other.ledger.at });
  });
});

describe('reads of recent rows', { timeout: 30_000 }, () => {
  it("look at the last 3 days' partitions before the run's now, and at the whole table only when those are empty", async () => {
    await h.close();
    h = await bigQueryHarness({ now: () => Date.parse('2025-10-28T00:05:00Z') });
    const t = await h.store.openTable(FUELINST);
    await h.store.write([windowWrite(t, dayWindow('2025-10-20'), fuelinstRaws('2025-10-20', 1)), windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 2))]);
    let before = h.fake.statements.length;
    expect(await h.store.latestRow(FUELINST)).toMatchObject({ settlementDate: '2025-10-27', settlementPeriod: 2 });
    const reads = h.fake.statements.slice(before);
    expect(reads).toHaveLength(1);
    expect(reads[0].sql).toContain("WHERE TRUE AND `settlementDate` BETWEEN DATE '2025-10-25' AND DATE '9999-12-31' ORDER BY `publishTime` DESC");
    await h.fake.engine.conn.run(`DELETE FROM uk_energy_prod.bmrs_fuelinst WHERE settlementDate > DATE '2025-10-24'`);
    before = h.fake.statements.length;
    expect(await h.store.latestRow(FUELINST)).toMatchObject({ settlementDate: '2025-10-20' });
    expect(h.fake.statements.slice(before).map((s) => s.sql.includes("BETWEEN DATE '2025-10-25'"))).toEqual([true, false]);
  });
});

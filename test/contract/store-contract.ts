// The store contract: one suite that every implementation of the store port must pass (DuckDB, the
// fault-injecting memory store, BigQuery when it lands). Each test gets a fresh, empty store.
import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import { periodStart } from '../../src/core/calendar.js';
import { findDataset, type ColumnType } from '../../src/core/datasets.js';
import { DataError, SchemaConflictError, UsageError } from '../../src/core/errors.js';
import { hashRow } from '../../src/core/hash.js';
import { prepareWindow } from '../../src/core/prepare.js';
import type { RawRow, Row } from '../../src/core/rows.js';
import type { LedgerRecord, Store, TableHandle, WindowWrite } from '../../src/core/store.js';
import { datasetsWithTables, tableColumns } from '../../src/core/table.js';
import { planWindows, type Window } from '../../src/core/windows.js';

export interface StoreHarness {
  readonly store: Store;
  /** Creates a table as another writer would have; 'UNWRITABLE' is a type bmrs cannot write (an array). */
  createTable(name: string, columns: readonly { name: string; type: ColumnType | 'UNWRITABLE' }[]): Promise<void>;
  /** Appends rows as they are, bypassing de-duplication. */
  insertRaw(table: string, rows: readonly Row[]): Promise<void>;
  cleanup(): Promise<void>;
}

const FUELINST = findDataset('FUELINST')!;
const FUELS = ['BIOMASS', 'CCGT', 'NUCLEAR', 'WIND'];

/** FUELINST rows as the API sends them: `periods` periods of a day, one reading per fuel each. */
export function fuelinstRaws(day: string, periods: number, generation = 1000): RawRow[] {
  const out: RawRow[] = [];
  for (let p = 1; p <= periods; p++) {
    const start = new Date(periodStart(day, p));
    for (const [i, fuel] of FUELS.entries()) {
      out.push({
        dataset: 'FUELINST',
        publishTime: new Date(start.getTime() + 300_000).toISOString().replace('.000', ''),
        startTime: start.toISOString().replace('.000', ''),
        settlementDate: day,
        settlementPeriod: p,
        fuelType: fuel,
        generation: generation + i,
      });
    }
  }
  return out;
}

export const dayWindow = (day: string): Window => planWindows(FUELINST, { kind: 'days', from: day, to: nextDay(day) })[0];
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const record = (status: LedgerRecord['status'], fetched: number, at = 1_761_955_200_000): LedgerRecord => ({ status, fetched, runId: 'run-1', at });

export function windowWrite(table: TableHandle, window: Window, raws: RawRow[], micros = 1_761_955_200_000_000n): WindowWrite {
  const p = prepareWindow(window, table, raws, micros);
  return {
    table: table.name,
    key: { dataset: window.dataset.code, from: window.from, to: window.to },
    columns: p.columns,
    rows: p.rows,
    bounds: p.bounds,
    ledger: record(p.rows.length ? 'loaded' : 'empty', p.fetched),
  };
}

export interface ContractOptions {
  /** The store adds a registry column an existing table lacks (as NULLABLE) instead of refusing the table (BigQuery). */
  readonly addsMissingColumns?: boolean;
}

export function describeStoreContract(name: string, make: () => Promise<StoreHarness>, options: ContractOptions = {}): void {
  describe(`store contract: ${name}`, () => {
    let h: StoreHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(() => h.cleanup());

    it('opens a missing table by creating it from the registry, then finds it as it is', async () => {
      expect(await h.store.countRows(FUELINST.table)).toBeNull();
      const first = await h.store.openTable(FUELINST);
      expect(first).toMatchObject({ name: 'bmrs_fuelinst', created: true });
      expect(first.columns).toEqual(tableColumns(FUELINST));
      const again = await h.store.openTable(FUELINST);
      expect(again.created).toBe(false);
      expect(again.spec.columns).toEqual(FUELINST.columns);
      expect(await h.store.countRows(FUELINST.table)).toBe(0);
    });

    it('lists its tables (when it can), and datasetsWithTables finds the same datasets either way', async () => {
      expect(await datasetsWithTables(h.store)).toEqual([]);
      await h.store.openTable(FUELINST);
      if (h.store.listTables) expect(await h.store.listTables()).toContain(FUELINST.table);
      expect((await datasetsWithTables(h.store)).map((d) => d.code)).toEqual([FUELINST.code]);
      const { listTables: _, ...probing } = h.store;
      expect((await datasetsWithTables(probing as typeof h.store)).map((d) => d.code)).toEqual([FUELINST.code]);
    });

    it('writes a window with its ledger entry; writing it again adds nothing and counts the attempt', async () => {
      const t = await h.store.openTable(FUELINST);
      const w = windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 3));
      expect(await h.store.write([w])).toEqual([{ inserted: 12, skipped: 0 }]);
      expect(await h.store.write([w])).toEqual([{ inserted: 0, skipped: 12 }]);
      expect(await h.store.countRows(t.name)).toBe(12);
      const [entry] = await h.store.ledger();
      expect(entry).toMatchObject({ ...w.key, status: 'loaded', fetched: 12, inserted: 0, skipped: 12, attempts: 2, errorCode: null, runId: 'run-1' });
      expect(entry.firstAt).toBe(w.ledger.at);
    });

    it('a group is written in order: a later window skips rows an earlier one of the group stored', async () => {
      const t = await h.store.openTable(FUELINST);
      const a = windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 2));
      const b = windowWrite(t, dayWindow('2025-10-28'), fuelinstRaws('2025-10-28', 2));
      const again = { ...a, key: { ...a.key, to: a.key.to + 1 } };
      expect(await h.store.write([a, b, again])).toEqual([{ inserted: 8, skipped: 0 }, { inserted: 8, skipped: 0 }, { inserted: 0, skipped: 8 }]);
      expect((await h.store.ledger()).map((e) => e.status)).toEqual(['loaded', 'loaded', 'loaded']);
    });

    it('a window whose day holds some of its rows writes only the others; a day that holds none takes them all', async () => {
      const t = await h.store.openTable(FUELINST);
      expect(await h.store.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 2))])).toEqual([{ inserted: 8, skipped: 0 }]);
      const more = windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 3));
      const fresh = windowWrite(t, dayWindow('2025-10-28'), fuelinstRaws('2025-10-28', 3));
      expect(await h.store.write([more, fresh])).toEqual([{ inserted: 4, skipped: 8 }, { inserted: 12, skipped: 0 }]);
      expect(await h.store.countRows(t.name)).toBe(24);
      expect(await h.store.duplicateCount(t.name)).toMatchObject({ extraRows: 0 });
    });

    it('a later failed or empty attempt does not undo a load; it is counted and its error kept', async () => {
      const t = await h.store.openTable(FUELINST);
      const w = windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 1));
      await h.store.write([w]);
      const failed: WindowWrite = { ...w, rows: [], ledger: { ...record('failed', 0, w.ledger.at + 1), error: { exitCode: 75, message: 'HTTP 503' } } };
      await h.store.write([failed, { ...w, rows: [], ledger: record('empty', 0, w.ledger.at + 2) }]);
      const [entry] = await h.store.ledger();
      expect(entry).toMatchObject({ status: 'loaded', fetched: 4, inserted: 4, attempts: 3, updatedAt: w.ledger.at + 2 });
      expect(await h.store.countRows(t.name)).toBe(4);
    });

    it('orders the ledger by dataset (byte order), then window', async () => {
      const freq = findDataset('FREQ')!;
      const t = await h.store.openTable(FUELINST);
      await h.store.openTable(freq);
      const w = windowWrite(t, dayWindow('2025-10-27'), []);
      const entries = ['WIND_SOLAR_GEN', 'WINDFOR', 'FUELINST'].map((dataset, i) => ({ ...w, key: { ...w.key, dataset, from: w.key.from - i } }));
      await h.store.write(entries);
      expect((await h.store.ledger()).map((e) => e.dataset)).toEqual(['FUELINST', 'WINDFOR', 'WIND_SOLAR_GEN']);
    });

    it('records empty and failed windows without touching rows; the ledger reads by dataset and range', async () => {
      const t = await h.store.openTable(FUELINST);
      const empty = windowWrite(t, dayWindow('2025-10-25'), []);
      const failed: WindowWrite = { ...windowWrite(t, dayWindow('2025-10-26'), []), ledger: { ...record('failed', 7), error: { exitCode: 65, message: 'rows outside the window' } } };
      await h.store.write([empty, failed]);
      expect(await h.store.countRows(t.name)).toBe(0);
      const entries = await h.store.ledger({ dataset: 'FUELINST' });
      expect(entries.map((e) => [e.status, e.fetched, e.errorCode, e.errorMessage])).toEqual([
        ['empty', 0, null, null],
        ['failed', 7, 65, 'rows outside the window'],
      ]);
      expect(await h.store.ledger({ dataset: 'FUELINST', from: failed.key.from, to: failed.key.to })).toHaveLength(1);
      expect(await h.store.ledger({ dataset: 'FREQ' })).toEqual([]);
    });

    it('reads the latest row and rows per period; stored rows hash back to their _hash_key', async () => {
      const t = await h.store.openTable(FUELINST);
      await h.store.write([windowWrite(t, dayWindow('2025-10-26'), fuelinstRaws('2025-10-26', 50)), windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 2))]);
      const latest = await h.store.latestRow(FUELINST);
      expect(latest).toMatchObject({ settlementDate: '2025-10-27', settlementPeriod: 2, publishTime: '2025-10-27 00:35:00', fuelType: expect.any(String) });
      const counts = await h.store.periodCounts(FUELINST, '2025-10-26', '2025-10-26');
      expect(counts).toHaveLength(50);
      expect(counts.every((c) => c.date === '2025-10-26' && c.rows === 4 && c.keys === 4)).toBe(true);
      // A duplicate and a revision add rows to their period, not natural keys.
      const [one] = (await h.store.sampleRows(t.name, 300)).filter((r) => r.settlementDate === '2025-10-27' && r.settlementPeriod === 1);
      await h.insertRaw(t.name, [{ ...one }, { ...one, generation: 1, _hash_key: 'revision' }]);
      expect(await h.store.periodCounts(FUELINST, '2025-10-27', '2025-10-27')).toEqual([
        { date: '2025-10-27', period: 1, rows: 6, keys: 4 },
        { date: '2025-10-27', period: 2, rows: 4, keys: 4 },
      ]);
      const coverage = await h.store.coverageCounts(FUELINST, '2025-10-26', '2025-10-28');
      expect(coverage.periods).toEqual(await h.store.periodCounts(FUELINST, '2025-10-26', '2025-10-28'));
      expect(coverage.members).toEqual([
        { date: '2025-10-26', members: 4 },
        { date: '2025-10-27', members: 4 },
      ]);
      expect(await h.store.coverageCounts(FUELINST, '2025-10-28', '2025-10-28')).toEqual({ periods: [], members: [] });
      const series = await h.store.meanSeries(FUELINST, '2025-10-26', '2025-10-26', { value: 'generation', by: 'fuelType', perDay: false });
      expect(series).toHaveLength(200);
      expect(series[0]).toEqual({ date: '2025-10-26', period: 1, group: expect.any(String), value: expect.any(Number) });
      const daily = await h.store.meanSeries(FUELINST, '2025-10-26', '2025-10-27', { value: 'generation', by: 'fuelType', perDay: true });
      expect(daily.map((p) => [p.date, p.period])).toEqual([...Array(4).fill(['2025-10-26', null]), ...Array(4).fill(['2025-10-27', null])]);
      const sample = await h.store.sampleRows(t.name, 20);
      expect(sample).toHaveLength(20);
      for (const row of sample) expect(hashRow(t.spec.columns, row)).toBe(row._hash_key);
    });

    it('finds duplicates and NULL keys, and repairs with a verified backup, keeping the latest ingest', async () => {
      const t = await h.store.openTable(FUELINST);
      const w = windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 1));
      await h.store.write([w]);
      const [original] = await h.store.sampleRows(t.name, 1);
      const newer = { ...original, _ingested_utc: '2099-01-01T00:00:00+00:00' };
      await h.insertRaw(t.name, [newer, { ...original }, { ...original, _hash_key: null }]);
      const dups = await h.store.duplicates(t.name, 5);
      expect(dups).toMatchObject({ groups: 1, extraRows: 2, nullKeys: 1, worst: [{ hashKey: original._hash_key, count: 3, lastIngested: '2099-01-01T00:00:00+00:00' }] });
      expect(await h.store.duplicateCount(t.name)).toEqual({ groups: 1, extraRows: 2, nullKeys: 1 });

      const result = await h.store.repair(t.name, { kind: 'dedupe', dropNullKeys: false, backup: 'bmrs_fuelinst_backup_1' });
      expect(result).toMatchObject({ backup: 'bmrs_fuelinst_backup_1', before: 7, backupRows: 7, after: 5, removed: 2, distinctKeys: 4 });
      expect(await h.store.countRows('bmrs_fuelinst_backup_1')).toBe(7);
      expect(await h.store.duplicates(t.name, 5)).toMatchObject({ groups: 0, extraRows: 0, nullKeys: 1 });
      expect(await h.store.duplicateCount(t.name)).toEqual({ groups: 0, extraRows: 0, nullKeys: 1 });
      const kept = (await h.store.sampleRows(t.name, 10)).filter((r) => r._hash_key === original._hash_key);
      expect(kept.map((r) => r._ingested_utc)).toEqual(['2099-01-01T00:00:00+00:00']);
      await expect(h.store.repair(t.name, { kind: 'dedupe', dropNullKeys: true, backup: 'bmrs_fuelinst_backup_1' })).rejects.toBeInstanceOf(UsageError);
      expect(await h.store.countRows(t.name)).toBe(5);
    });

    it('audits keys: malformed ones, and revisions by natural key (never duplicates), over a range of days', async () => {
      const t = await h.store.openTable(FUELINST);
      await h.store.write([windowWrite(t, dayWindow('2025-10-26'), fuelinstRaws('2025-10-26', 2)), windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 2))]);
      const day2 = { column: 'settlementDate', from: '2025-10-27', to: '2025-10-27' };
      const [one] = await h.store.sampleRows(t.name, 1, day2);
      expect(one.settlementDate).toBe('2025-10-27');
      const revised = { ...one, generation: 77, _ingested_utc: '2099-01-01T00:00:00+00:00' };
      await h.insertRaw(t.name, [{ ...revised, _hash_key: hashRow(t.spec.columns, revised) }, { ...one, _hash_key: String(one._hash_key).toUpperCase() }, { ...one }, { ...one, _hash_key: null }]);
      const audit = await h.store.keyAudit(FUELINST, 5);
      expect(audit).toEqual({
        rows: 20,
        malformedKeys: 1,
        malformedExamples: [String(one._hash_key).toUpperCase()],
        revisions: { keys: 1, extraVersions: 1, worst: [{ naturalKey: { startTime: one.startTime, fuelType: one.fuelType }, versions: 2, hashKeys: [one._hash_key, hashRow(t.spec.columns, revised)].sort() }] },
      });
      expect(await h.store.keyAudit(FUELINST, 5, { column: 'settlementDate', from: '2025-10-26', to: '2025-10-26' })).toEqual({ rows: 8, malformedKeys: 0, malformedExamples: [], revisions: { keys: 0, extraVersions: 0, worst: [] } });
      expect(await h.store.duplicates(t.name, 5, day2)).toMatchObject({ groups: 1, extraRows: 1, nullKeys: 1 });
      expect(await h.store.duplicates(t.name, 5, { column: 'settlementDate', from: '2025-10-26', to: '2025-10-26' })).toMatchObject({ groups: 0, extraRows: 0, nullKeys: 0 });
      expect((await h.store.sampleRows(t.name, 100, day2)).map((r) => r.settlementDate)).toEqual(Array(12).fill('2025-10-27'));
    });

    it('repairs a range only (the backup holds the whole table), and restores a backup in place of the table', async () => {
      const t = await h.store.openTable(FUELINST);
      await h.store.write([windowWrite(t, dayWindow('2025-10-26'), fuelinstRaws('2025-10-26', 1)), windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 1))]);
      const rows = await h.store.sampleRows(t.name, 100);
      await h.insertRaw(t.name, rows);
      const range = { column: 'settlementDate', from: '2025-10-27', to: '2025-10-27' };
      const r = await h.store.repair(t.name, { kind: 'dedupe', dropNullKeys: false, backup: 'bmrs_fuelinst__backup_1', range });
      expect(r).toMatchObject({ before: 16, backupRows: 16, after: 12, removed: 4, distinctKeys: 8 });
      expect(await h.store.duplicates(t.name, 0)).toMatchObject({ extraRows: 4 });
      expect(await h.store.duplicates(t.name, 0, range)).toMatchObject({ extraRows: 0 });
      expect(await h.store.countRows('bmrs_fuelinst__backup_1')).toBe(16);

      expect(await h.store.restore(t.name, 'bmrs_fuelinst__backup_1')).toEqual({ table: t.name, backup: 'bmrs_fuelinst__backup_1', before: 12, rows: 16 });
      expect(await h.store.duplicates(t.name, 0)).toMatchObject({ extraRows: 8 });
      expect(await h.store.countRows('bmrs_fuelinst__backup_1')).toBe(16);
      await expect(h.store.restore(t.name, 'bmrs_fuelinst__backup_2')).rejects.toBeInstanceOf(UsageError);
      expect(await h.store.countRows(t.name)).toBe(16);
    });

    it('a restore counts rows without a _hash_key added after the backup (as whole rows, each copy) and refuses them unless forced', async () => {
      const t = await h.store.openTable(FUELINST);
      await h.store.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 1))]);
      const [one, two] = await h.store.sampleRows(t.name, 2);
      await h.insertRaw(t.name, [{ ...one }, { ...two, _hash_key: null }]);
      await h.store.repair(t.name, { kind: 'dedupe', dropNullKeys: false, backup: 'bmrs_fuelinst__backup_1' });
      // The row without a key the backup holds is no newer row: the restore goes ahead.
      expect(await h.store.restore(t.name, 'bmrs_fuelinst__backup_1')).toMatchObject({ before: 5, rows: 6 });
      // A new row without a key, and a second copy of the one the backup holds once.
      await h.insertRaw(t.name, [{ ...one, generation: 7, _hash_key: null }, { ...two, _hash_key: null }]);
      const refused = await h.store.restore(t.name, 'bmrs_fuelinst__backup_1').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DataError);
      expect((refused as Error).message).toMatch(/^restore refused, nothing changed: bmrs_fuelinst holds 2 rows without a _hash_key that are not in bmrs_fuelinst__backup_1 /);
      expect(await h.store.countRows(t.name)).toBe(8);
      expect(await h.store.restore(t.name, 'bmrs_fuelinst__backup_1', { force: true })).toMatchObject({ before: 8, rows: 6 });
      expect(await h.store.countRows(t.name)).toBe(6);
    });

    it('counts a key shared by rows of different content as a conflict only (no copy, no revision), and a repair refuses it, changing nothing', async () => {
      const t = await h.store.openTable(FUELINST);
      await h.store.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 1))]);
      const [one, two] = await h.store.sampleRows(t.name, 2);
      await h.insertRaw(t.name, [{ ...one }, { ...two, generation: -1 }]);
      // One copy (of `one`), one conflict (`two` and its changed row under its key): each counted once.
      expect(await h.store.duplicates(t.name, 5)).toMatchObject({ groups: 1, extraRows: 1, conflicts: 1, worst: [{ hashKey: one._hash_key, count: 2 }] });
      expect((await h.store.duplicates(t.name, 5)).worst).toHaveLength(1);
      expect(await h.store.keyAudit(FUELINST, 5)).toMatchObject({ revisions: { keys: 0, extraVersions: 0, worst: [] } });
      // check's one pass counts every key stored more than once, copies and conflicts alike.
      expect(await h.store.duplicateCount(t.name)).toEqual({ groups: 2, extraRows: 2, nullKeys: 0 });
      const refused = await h.store.repair(t.name, { kind: 'dedupe', dropNullKeys: false, backup: 'bmrs_fuelinst__backup_1' }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DataError);
      expect((refused as Error).message).toBe('repair refused, nothing changed: 1 _hash_key is shared by rows of different content');
      expect(await h.store.countRows(t.name)).toBe(6);
      expect(await h.store.countRows('bmrs_fuelinst__backup_1')).toBeNull();
    });

    it('a natural key with a conflict and a real revision (another key, other content) is a revision of two versions', async () => {
      const t = await h.store.openTable(FUELINST);
      await h.store.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 1))]);
      const [one] = await h.store.sampleRows(t.name, 1);
      const revised = { ...one, generation: 4242 };
      await h.insertRaw(t.name, [{ ...one, generation: -1 }, { ...revised, _hash_key: hashRow(t.spec.columns, revised) }]);
      expect(await h.store.duplicates(t.name, 5)).toMatchObject({ groups: 0, extraRows: 0, conflicts: 1 });
      expect(await h.store.keyAudit(FUELINST, 5)).toMatchObject({ revisions: { keys: 1, extraVersions: 1, worst: [{ versions: 2 }] } });
    });

    it('a malformed key is a bad key, never a duplicate or a conflict, and a repair keeps its rows; one content under two keys is no revision', async () => {
      const t = await h.store.openTable(FUELINST);
      await h.store.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 1))]);
      const [one, two, three] = await h.store.sampleRows(t.name, 3);
      await h.insertRaw(t.name, [
        // the text None as the key of two unrelated rows, an upper-case key stored twice
        { ...one, _hash_key: 'None' }, { ...two, _hash_key: 'None' },
        { ...three, _hash_key: String(three._hash_key).toUpperCase() }, { ...three, _hash_key: String(three._hash_key).toUpperCase() },
        // a real copy, and the same content as `two` under another well-formed key (not a revision)
        { ...one, _ingested_utc: '2099-01-01T00:00:00+00:00' }, { ...two, _hash_key: 'ab'.repeat(16) },
      ]);
      expect(await h.store.duplicates(t.name, 5)).toMatchObject({ groups: 1, extraRows: 1, nullKeys: 0, conflicts: 0, worst: [{ hashKey: one._hash_key, count: 2 }] });
      // check's count agrees with dedupe-audit's
      expect(await h.store.duplicateCount(t.name)).toEqual({ groups: 1, extraRows: 1, nullKeys: 0 });
      expect(await h.store.keyAudit(FUELINST, 5)).toMatchObject({ rows: 10, malformedKeys: 4, revisions: { keys: 0, extraVersions: 0, worst: [] } });
      const r = await h.store.repair(t.name, { kind: 'dedupe', dropNullKeys: true, backup: 'bmrs_fuelinst__backup_1' });
      expect(r).toMatchObject({ before: 10, backupRows: 10, after: 9, removed: 1 });
      expect(await h.store.keyAudit(FUELINST, 5)).toMatchObject({ rows: 9, malformedKeys: 4 });
    });

    it('describes a table as it is, without creating it', async () => {
      expect(await h.store.describeTable(FUELINST)).toBeNull();
      expect(await h.store.countRows(FUELINST.table)).toBeNull();
      await h.createTable(FUELINST.table, tableColumns(FUELINST).map((c) => ({ name: c.name, type: c.type === 'DATETIME' ? 'TIMESTAMP' : c.type })));
      const t = await h.store.describeTable(FUELINST);
      expect(t).toMatchObject({ name: 'bmrs_fuelinst', created: false });
      expect(t!.spec.columns.find((c) => c.name === 'publishTime')?.type).toBe('TIMESTAMP');
    });

    it('an existing table whose times are TIMESTAMP (an instant) gets hashes rendered with +00:00', async () => {
      await h.createTable(FUELINST.table, tableColumns(FUELINST).map((c) => ({ name: c.name, type: c.type === 'DATETIME' ? 'TIMESTAMP' : c.type })));
      const t = await h.store.openTable(FUELINST);
      expect(t.created).toBe(false);
      expect(t.spec.columns.find((c) => c.name === 'publishTime')?.type).toBe('TIMESTAMP');
      const w = windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 1));
      await h.store.write([w]);
      const [row] = await h.store.sampleRows(t.name, 1);
      expect(row.publishTime).toBe('2025-10-27 00:05:00');
      expect(row._hash_key).toBe(hashRow(t.spec.columns, row));
      expect(row._hash_key).not.toBe(hashRow(FUELINST.columns, row));
    });

    it('refuses a table it cannot write correctly, and writes nothing', async () => {
      await h.createTable(FUELINST.table, tableColumns(FUELINST).map((c) => ({ name: c.name, type: c.name === 'generation' ? 'UNWRITABLE' : c.name === 'fuelType' ? 'INTEGER' : c.type })));
      const refused = await h.store.openTable(FUELINST).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(SchemaConflictError);
      expect((refused as Error).message).toMatch(/bmrs_fuelinst cannot be written correctly: fuelType is \w+ where bmrs writes STRING; generation is .* where bmrs writes INTEGER/);
      expect(await h.store.countRows(FUELINST.table)).toBe(0);
    });

    it(options.addsMissingColumns ? 'adds a registry column a table lacks, as NULLABLE, and writes it' : 'refuses a table that lacks a column', async () => {
      await h.createTable(FUELINST.table, tableColumns(FUELINST).filter((c) => c.name !== 'fuelType'));
      if (!options.addsMissingColumns) {
        await expect(h.store.openTable(FUELINST)).rejects.toThrow(/lacks column\(s\) fuelType/);
        return;
      }
      const t = await h.store.openTable(FUELINST);
      expect(t.spec.columns.map((c) => c.name)).toContain('fuelType');
      await h.store.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 1))]);
      const rows = await h.store.sampleRows(t.name, 10);
      expect(rows.map((r) => r.fuelType).sort()).toEqual(['BIOMASS', 'CCGT', 'NUCLEAR', 'WIND']);
    });
  });
}

// dedupe-audit's use case against the fault-injecting memory store: a repair (or a restore) that
// fails at any step leaves the table exactly as it was and no backup; the same run then succeeds.
import { describe, expect, it } from 'vitest';
import { StoreFailure } from '../../src/core/errors.js';
import { findDataset } from '../../src/core/datasets.js';
import { runAudit, runRestore, type AuditOptions } from '../../src/cli/dedupe/run.js';
import { checkDataset, datasetFindings } from '../../src/core/health.js';
import { createMemoryStore, type MemoryFaults } from '../support/memory-store.js';
import { dayWindow, fuelinstRaws, windowWrite } from '../contract/store-contract.js';
import { openDuckDbStore } from '../../src/sinks/duckdb.js';
import type { RepairStep } from '../../src/sinks/duckdb-repair.js';
import { makeStore } from '../support/cli.js';
import { dump } from '../support/dedupe.js';
import { scalar, tempDir } from '../support/pipeline.js';

const FUELINST = findDataset('FUELINST')!;
const NOW = Date.parse('2025-10-28T12:00:00Z');
const BACKUP = 'bmrs_fuelinst__backup_20251028T120000Z';
const fix: AuditOptions = { datasets: [FUELINST], from: undefined, to: undefined, worst: 5, sample: 1000, mode: 'fix', dropNullKeys: true };

async function storeWithDuplicates(faults: MemoryFaults) {
  const store = createMemoryStore({ faults });
  const t = await store.openTable(FUELINST);
  await store.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 4))]);
  const rows = store.tables.get(t.name)!.rows;
  store.insertRaw(t.name, [...rows.slice(0, 5).map((r) => ({ ...r, _ingested_utc: '2099-01-01T00:00:00+00:00' })), { ...rows[0], _hash_key: null }]);
  return store;
}

const snapshot = (store: ReturnType<typeof createMemoryStore>) => JSON.stringify([...store.tables].map(([name, t]) => [name, t.rows]));

describe('dedupe-audit --fix against a failing store', () => {
  it.each(['backup', 'rewrite', 'verify'] as const)('a failure after the %s step leaves the table as it was; the re-run fixes it', async (step) => {
    const faults: MemoryFaults = { failRepairAfter: step };
    const store = await storeWithDuplicates(faults);
    const before = snapshot(store);
    await expect(runAudit(store, fix, NOW)).rejects.toBeInstanceOf(StoreFailure);
    expect(snapshot(store)).toBe(before);
    expect(store.tables.has(BACKUP)).toBe(false);

    delete faults.failRepairAfter;
    const fixed: string[] = [];
    const report = await runAudit(store, fix, NOW, (f) => fixed.push(f.backup));
    expect(fixed).toEqual([BACKUP]);
    expect(report).toMatchObject({ exitCode: 0, findings: [], fixes: [{ removeCopies: 5, removeNullKeys: 1, result: { before: 22, after: 16, removed: 6 } }] });
    expect(store.tables.get('bmrs_fuelinst')!.rows.filter((r) => r._ingested_utc === '2099-01-01T00:00:00+00:00')).toHaveLength(5);
    expect(store.tables.get(BACKUP)!.rows).toHaveLength(22);
  });

  it('a restore that fails leaves the repaired table; the re-run restores it', async () => {
    const faults: MemoryFaults = {};
    const store = await storeWithDuplicates(faults);
    const original = JSON.stringify(store.tables.get('bmrs_fuelinst')!.rows);
    await runAudit(store, fix, NOW);
    const repaired = JSON.stringify(store.tables.get('bmrs_fuelinst')!.rows);
    faults.failRestore = true;
    await expect(runRestore(store, BACKUP)).rejects.toBeInstanceOf(StoreFailure);
    expect(JSON.stringify(store.tables.get('bmrs_fuelinst')!.rows)).toBe(repaired);
    faults.failRestore = false;
    expect(await runRestore(store, BACKUP)).toEqual({ table: 'bmrs_fuelinst', backup: BACKUP, before: 16, rows: 22 });
    expect(JSON.stringify(store.tables.get('bmrs_fuelinst')!.rows)).toBe(original);
  });

  it('rows of different content under one key: the audit names them, --fix refuses before touching any table', async () => {
    const store = await storeWithDuplicates({});
    const [first] = store.tables.get('bmrs_fuelinst')!.rows;
    store.insertRaw('bmrs_fuelinst', [{ ...first, generation: 1 }]);
    const before = snapshot(store);
    const audit = await runAudit(store, { ...fix, mode: 'audit' }, NOW);
    expect(audit.findings.map((f) => f.kind)).toEqual(['duplicates', 'key-conflicts', 'null-keys', 'key-mismatch']);
    await expect(runAudit(store, fix, NOW)).rejects.toThrow('repair refused, nothing changed: 1 _hash_key is shared by rows of different content');
    expect(snapshot(store)).toBe(before);
  });

  it('a key conflict is no duplicate for dedupe-audit, but check still counts the key stored more than once', async () => {
    const store = createMemoryStore();
    const t = await store.openTable(FUELINST);
    await store.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 1))]);
    const [first] = store.tables.get(t.name)!.rows;
    store.insertRaw(t.name, [{ ...first, generation: 1 }]);
    const audit = await runAudit(store, { ...fix, mode: 'audit' }, NOW);
    expect(audit.tables[0].duplicates).toMatchObject({ groups: 0, extraRows: 0, conflicts: 1 });
    expect(audit.findings.map((f) => f.kind)).toEqual(['key-conflicts', 'key-mismatch']);
    const health = await checkDataset(store, FUELINST, { from: '2025-10-27', to: '2025-10-27' }, NOW);
    expect(health.duplicates).toMatchObject({ groups: 1, extraRows: 1, conflicts: 1, worst: [] });
    expect(datasetFindings(health).filter((f) => f.kind === 'duplicates').map((f) => f.message)).toEqual(['FUELINST: 1 duplicate row (1 _hash_key stored more than once)']);
  });

  it('a dry run changes nothing and says what --fix would do', async () => {
    const store = await storeWithDuplicates({});
    const before = snapshot(store);
    const report = await runAudit(store, { ...fix, mode: 'dry-run' }, NOW);
    expect(report).toMatchObject({ exitCode: 1, fixes: [{ backup: BACKUP, removeCopies: 5, removeNullKeys: 1, rowsBefore: 22, rowsAfter: 16, result: null }] });
    expect(snapshot(store)).toBe(before);
  });
});

describe('dedupe-audit --fix on DuckDB failing inside its transaction', () => {
  it.each(['backup', 'rewrite', 'verify'] as const)('an error after the %s step rolls the backup and the rewrite back; the re-run fixes it', async (step) => {
    const tmp = await tempDir();
    let failAt: RepairStep | undefined = step;
    const store = await openDuckDbStore(tmp.db, {
      waitMs: 0,
      afterRepairStep: (s) => {
        if (s === failAt) throw new StoreFailure(`repair failed after its ${s} step (injected)`);
      },
    });
    try {
      const t = await store.openTable(FUELINST);
      await store.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 4))]);
      await store.close();
      await makeStore(tmp.db, [
        `INSERT INTO bmrs_fuelinst SELECT * REPLACE ('2099-01-01T00:00:00+00:00' AS _ingested_utc) FROM bmrs_fuelinst WHERE settlementPeriod = 1`,
        `INSERT INTO bmrs_fuelinst SELECT * REPLACE (NULL AS _hash_key) FROM bmrs_fuelinst WHERE settlementPeriod = 2`,
      ]);
      const before = await dump(tmp.db);
      await expect(runAudit(store, fix, NOW)).rejects.toThrow(`repair failed after its ${step} step (injected)`);
      await store.close();
      expect(await dump(tmp.db)).toEqual(before);
      expect(await scalar(tmp.db, `SELECT count(*) FROM information_schema.tables WHERE table_name = '${BACKUP}'`)).toBe(0);

      failAt = undefined;
      const report = await runAudit(store, fix, NOW);
      await store.close();
      expect(report).toMatchObject({ exitCode: 0, fixes: [{ removeCopies: 4, removeNullKeys: 4, result: { before: before.length, after: before.length - 8 } }] });
      expect(await dump(tmp.db, BACKUP)).toEqual(before);
      expect(await scalar(tmp.db, `SELECT count(*) FROM bmrs_fuelinst WHERE settlementPeriod = 1 AND _ingested_utc <> '2099-01-01T00:00:00+00:00'`)).toBe(0);
    } finally {
      await store.close();
      await tmp.cleanup();
    }
  });
});

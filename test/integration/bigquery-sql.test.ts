// Every GoogleSQL statement the BigQuery store sends, parsed and resolved by ZetaSQL (a real
// GoogleSQL analyzer) against the tables the statement could see; and the BigQuery-only rules of
// table layouts that ZetaSQL does not check, asserted for every dataset in the registry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASETS, findDataset } from '../../src/core/datasets.js';
import { tableColumns } from '../../src/core/table.js';
import { LEDGER_METADATA } from '../../src/sinks/bigquery/ledger.js';
import { MAX_CLUSTERING, newTableMetadata } from '../../src/sinks/bigquery/schema.js';
import { bigQueryHarness, type BigQueryHarness } from '../support/bigquery.js';
import { validateLayout } from '../support/fake-bigquery/tables.js';
import { startAnalyzer, type Analyzer } from '../support/zetasql.js';
import { dayWindow, fuelinstRaws, windowWrite } from '../contract/store-contract.js';

const FUELINST = findDataset('FUELINST')!;
const FREQ = findDataset('FREQ')!;
const day = { column: 'settlementDate', from: '2025-10-27', to: '2025-10-27' };

describe('the BigQuery store GoogleSQL, analysed by ZetaSQL', { timeout: 60_000 }, () => {
  let zeta: Analyzer;
  let h: BigQueryHarness;
  beforeAll(async () => {
    zeta = await startAnalyzer();
    h = await bigQueryHarness();
    // Every kind of statement the store makes: DDL, MERGE (rows and ledger), reads, audit, repair, restore.
    const s = h.store;
    const t = await s.openTable(FUELINST);
    await s.write([windowWrite(t, dayWindow('2025-10-26'), fuelinstRaws('2025-10-26', 2))]);
    await s.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 2)), windowWrite(t, dayWindow('2025-10-28'), fuelinstRaws('2025-10-28', 2))]);
    await h.insertRaw(t.name, (await s.sampleRows(t.name, 3, day)).map((r) => ({ ...r })));
    // A window twice in one group: the ledger is read and folded, then merged whole.
    const again = windowWrite(t, dayWindow('2025-10-29'), fuelinstRaws('2025-10-29', 1));
    await s.write([again, { ...again, rows: [], ledger: { ...again.ledger, status: 'empty' } }]);
    await s.ledger({ dataset: 'FUELINST', from: 0, to: Date.parse('2030-01-01') });
    await s.countRows(t.name);
    await s.latestRow(FUELINST);
    await s.coverageCounts(FUELINST, '2025-10-26', '2025-10-28');
    await s.meanSeries(FUELINST, '2025-10-26', '2025-10-28', { value: 'generation', by: 'fuelType', perDay: true });
    await s.meanSeries(FUELINST, '2025-10-26', '2025-10-28', { value: 'generation', by: 'fuelType', perDay: false });
    await s.duplicates(t.name, 5);
    await s.duplicates(t.name, 5, day);
    await s.duplicateCount(t.name);
    await s.keyAudit(FUELINST, 5, day);
    await h.insertRaw(t.name, [{ ...(await s.sampleRows(t.name, 1))[0], _hash_key: 'NOT-A-KEY' }]);
    await s.keyAudit(FUELINST, 5);
    await s.repair(t.name, { kind: 'dedupe', dropNullKeys: true, backup: 'bmrs_fuelinst__backup_1', range: day });
    await s.repair(t.name, { kind: 'dedupe', dropNullKeys: false, backup: 'bmrs_fuelinst__backup_2' });
    await s.restore(t.name, 'bmrs_fuelinst__backup_1', { force: true });
    // A dataset without settlementDate (partitioned on its event time, a TIMESTAMP), and an existing table with TIMESTAMP times.
    const f = await s.openTable(FREQ);
    await s.latestRow(FREQ);
    await s.sampleRows(f.name, 5, { column: 'measurementTime', from: '2025-10-27', to: '2025-10-28' });
    await s.duplicates(f.name, 5, { column: 'measurementTime', from: '2025-10-27', to: '2025-10-28' });
  });
  afterAll(async () => {
    await h?.close();
    zeta?.stop();
  });

  it('every statement resolves: DDL, MERGE, reads, audit, repair and restore', async () => {
    const kinds = new Set(h.fake.statements.map((st) => st.sql.split(/\s/)[0]));
    expect([...kinds].sort()).toEqual(['INSERT', 'MERGE', 'SELECT', 'WITH']);
    const failures: string[] = [];
    for (const st of h.fake.statements) {
      const problem = await zeta.analyze(st.sql, st.tables, `${h.fake.project}.${h.fake.dataset}`);
      if (problem) failures.push(`${problem}\n  in: ${st.sql.slice(0, 300)}`);
    }
    expect(failures).toEqual([]);
    expect(h.fake.statements.length).toBeGreaterThan(40);
    // Both forms of the ledger's MERGE were among them: per attempt in SQL, and whole entries after a fold.
    const ledgerMerges = h.fake.statements.filter((st) => st.sql.startsWith('MERGE INTO') && st.sql.includes('._bmrs_ledger`'));
    expect(ledgerMerges.some((st) => st.sql.includes("WHEN MATCHED AND S.status IN ('failed', 'empty')"))).toBe(true);
    expect(ledgerMerges.some((st) => !st.sql.includes('WHEN MATCHED AND'))).toBe(true);
  });

  it('the analyzer is a real check: it rejects an unknown column and a wrong argument type', async () => {
    const tables = { bmrs_fuelinst: tableColumns(FUELINST).map((c) => ({ name: c.name, type: c.type })) };
    const prefix = `${h.fake.project}.${h.fake.dataset}`;
    expect(await zeta.analyze(`SELECT generation FROM \`${prefix}.bmrs_fuelinst\``, tables, prefix)).toBeNull();
    expect(await zeta.analyze(`SELECT generaton FROM \`${prefix}.bmrs_fuelinst\``, tables, prefix)).toMatch(/Unrecognized name: generaton/);
    expect(await zeta.analyze(`SELECT COUNTIF(generation) FROM \`${prefix}.bmrs_fuelinst\``, tables, prefix)).toMatch(/No matching signature/);
    expect(await zeta.analyze(`SELECT COUNT(*) FROM \`${prefix}.bmrs_fuelinst\` QUALIFY TRUE`, tables, prefix)).toMatch(/QUALIFY/);
  });

  it('tables bmrs creates follow the rules ZetaSQL does not check: day partitions on a date or time column, at most 4 clustering columns', () => {
    for (const d of DATASETS) {
      const meta = newTableMetadata(d);
      const fields = meta.schema!.fields as { name: string; type: string }[];
      expect(validateLayout({ fields, timePartitioning: meta.timePartitioning as never, clustering: meta.clustering as never }), d.code).toBeNull();
      expect(meta.clustering!.fields!.length).toBeLessThanOrEqual(MAX_CLUSTERING);
      expect(meta.clustering!.fields!.at(-1)).toBe('_hash_key');
      expect(['DATE', 'DATETIME', 'TIMESTAMP']).toContain(fields.find((f) => f.name === meta.timePartitioning!.field)!.type);
    }
    expect(validateLayout({ fields: LEDGER_METADATA.schema.fields, clustering: LEDGER_METADATA.clustering })).toBeNull();
    // The fake enforces them as BigQuery does: a layout that breaks them is refused.
    expect(validateLayout({ fields: [{ name: 'x', type: 'STRING' }], timePartitioning: { type: 'DAY', field: 'x' } })).toMatch(/must be DATE, DATETIME or TIMESTAMP/);
    expect(validateLayout({ fields: ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, type: 'STRING' })), clustering: { fields: ['a', 'b', 'c', 'd', 'e'] } })).toMatch(/up to 4/);
  });

  it("a repair's work tables are made in the table's image (schema, partitioning, clustering) and filled by INSERT ... SELECT", () => {
    expect(h.fake.statements.filter((st) => st.sql.startsWith('CREATE'))).toEqual([]);
    const requests = h.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/tables'));
    const created = requests.map((r) => r.body as { tableReference: { tableId: string }; schema: { fields: unknown[] }; timePartitioning?: { field: string }; clustering?: { fields: string[] } });
    const works = created.filter((b) => b.tableReference.tableId === 'bmrs_fuelinst__bmrs_rewrite');
    expect(works.length).toBeGreaterThan(0);
    const table = created.find((b) => b.tableReference.tableId === 'bmrs_fuelinst')!;
    for (const w of works) expect(w).toMatchObject({ schema: table.schema, timePartitioning: { type: 'DAY', field: 'settlementDate' }, clustering: { fields: ['startTime', 'fuelType', '_hash_key'] } });
    expect(created.find((b) => b.tableReference.tableId === 'bmrs_fuelinst')).toMatchObject({ timePartitioning: { type: 'DAY', field: 'settlementDate' }, clustering: { fields: ['startTime', 'fuelType', '_hash_key'] } });
    expect(created.find((b) => b.tableReference.tableId === 'bmrs_freq')).toMatchObject({ timePartitioning: { type: 'DAY', field: 'measurementTime' }, clustering: { fields: ['_hash_key'] } });
  });
});

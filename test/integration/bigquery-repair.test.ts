// dedupe-audit --fix on BigQuery keeps the table as it was made: the rewrite goes into a work
// table created with the table's own schema (REQUIRED modes, descriptions), partitioning and
// clustering, by INSERT ... SELECT, and the copy over the table carries that schema.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findDataset } from '../../src/core/datasets.js';
import { bigQueryHarness, type BigQueryHarness } from '../support/bigquery.js';
import { dayWindow, fuelinstRaws, windowWrite } from '../contract/store-contract.js';

const FUELINST = findDataset('FUELINST')!;
let h: BigQueryHarness;
beforeEach(async () => {
  h = await bigQueryHarness();
});
afterEach(() => h.close());

describe('dedupe-audit --fix on BigQuery', { timeout: 30_000 }, () => {
  it('removes the extra copies and keeps REQUIRED modes, descriptions, partitioning and clustering', async () => {
    const t = await h.store.openTable(FUELINST);
    await h.store.write([windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 2))]);
    const meta = h.fake.engine.tables.get('uk_energy_prod.bmrs_fuelinst')!;
    Object.assign(meta.fields.find((f) => f.name === '_hash_key')!, { mode: 'REQUIRED', description: 'bmrs row key' });
    Object.assign(meta.fields.find((f) => f.name === 'fuelType')!, { description: 'fuel type code' });
    const before = structuredClone(meta);
    await h.fake.engine.conn.run('INSERT INTO uk_energy_prod.bmrs_fuelinst SELECT * FROM uk_energy_prod.bmrs_fuelinst LIMIT 3');

    const r = await h.store.repair(t.name, { kind: 'dedupe', dropNullKeys: false, backup: 'bmrs_fuelinst__backup_1' });
    expect(r).toMatchObject({ before: 11, after: 8, removed: 3 });
    expect(await h.store.countRows(t.name)).toBe(8);
    const after = h.fake.engine.tables.get('uk_energy_prod.bmrs_fuelinst')!;
    expect(after.fields).toEqual(before.fields);
    expect(after.timePartitioning).toEqual(before.timePartitioning);
    expect(after.clustering).toEqual(before.clustering);
    const sql = h.fake.statements.map((s) => s.sql);
    expect(sql.some((s) => /^CREATE TABLE/.test(s))).toBe(false);
    expect(sql.filter((s) => s.startsWith('INSERT INTO `bmrs-test-project.uk_energy_prod.bmrs_fuelinst__bmrs_rewrite`'))).toHaveLength(1);
  });
});

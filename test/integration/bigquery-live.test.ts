// Opt-in: the BigQuery store against a real project (docs/bigquery.md, Verifying against a real
// project). Runs only when BMRS_TEST_BQ_PROJECT names a project the Application Default Credentials
// can create datasets in; it makes a dataset of its own and deletes it at the end.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { findDataset } from '../../src/core/datasets.js';
import { hashRow } from '../../src/core/hash.js';
import type { Store } from '../../src/core/store.js';
import { openBigQueryStore } from '../../src/sinks/bigquery/store.js';
import { dayWindow, fuelinstRaws, windowWrite } from '../contract/store-contract.js';

const project = process.env.BMRS_TEST_BQ_PROJECT;
const location = process.env.BMRS_TEST_BQ_LOCATION ?? 'EU';
const FUELINST = findDataset('FUELINST')!;

describe.skipIf(!project)('BigQuery store against a real project (BMRS_TEST_BQ_PROJECT)', { timeout: 600_000 }, () => {
  const dataset = `bmrs_live_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let store: Store | undefined;
  afterAll(async () => {
    await store?.close();
    const { BigQuery } = await import('@google-cloud/bigquery');
    await new BigQuery({ projectId: project, location }).dataset(dataset).delete({ force: true }).catch(() => undefined);
  });

  it('creates the table, writes a window once, finds no duplicate, and its rows hash back', async () => {
    const { BigQuery } = await import('@google-cloud/bigquery');
    await new BigQuery({ projectId: project, location }).createDataset(dataset, { location });
    store = await openBigQueryStore({ project: project!, dataset, location, apiEndpoint: undefined, hasCredentialsFile: false });
    const t = await store.openTable(FUELINST);
    expect(t.created).toBe(true);
    const w = windowWrite(t, dayWindow('2025-10-27'), fuelinstRaws('2025-10-27', 3));
    expect(await store.write([w])).toEqual([{ inserted: 12, skipped: 0 }]);
    expect(await store.write([w])).toEqual([{ inserted: 0, skipped: 12 }]);
    expect(await store.countRows(t.name)).toBe(12);
    expect(await store.duplicateCount(t.name)).toEqual({ groups: 0, extraRows: 0, nullKeys: 0 });
    expect((await store.ledger())[0]).toMatchObject({ status: 'loaded', attempts: 2, inserted: 0, skipped: 12 });
    for (const row of await store.sampleRows(t.name, 12)) expect(hashRow(t.spec.columns, row)).toBe(row._hash_key);
  });
});

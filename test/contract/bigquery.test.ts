// The store contract against the BigQuery store, through the real client library and the fake
// BigQuery REST server (BigQuery cannot run here; docs/bigquery.md, Testing).
import { bigQueryHarness } from '../support/bigquery.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract(
  'BigQuery (fake REST server)',
  async () => {
    const h = await bigQueryHarness();
    return { store: h.store, createTable: h.createTable, insertRaw: h.insertRaw, cleanup: h.close };
  },
  { addsMissingColumns: true },
);

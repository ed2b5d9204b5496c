// The BigQuery store against the fake BigQuery REST server, through the real client library.
import type { BigQueryConfig } from '../../src/config.js';
import type { ColumnType } from '../../src/core/datasets.js';
import type { Row } from '../../src/core/rows.js';
import type { Store } from '../../src/core/store.js';
import { openBigQueryStore, type BigQueryStoreOptions } from '../../src/sinks/bigquery/store.js';
import { startFakeBigQuery, type FakeBigQuery } from './fake-bigquery/server.js';

/** Retries at once: no wall clock in the tests. */
export const NO_WAIT = { retry: { attempts: 3, baseDelayMs: 0 }, sleep: async () => undefined };

export function fakeConfig(fake: FakeBigQuery): BigQueryConfig {
  return { project: fake.project, dataset: fake.dataset, location: 'EU', apiEndpoint: fake.url, hasCredentialsFile: false };
}

export interface BigQueryHarness {
  fake: FakeBigQuery;
  store: Store;
  warnings: string[];
  createTable(name: string, columns: readonly { name: string; type: ColumnType | 'UNWRITABLE' }[]): Promise<void>;
  insertRaw(table: string, rows: readonly Row[]): Promise<void>;
  close(): Promise<void>;
}

export async function bigQueryHarness(options: BigQueryStoreOptions = {}): Promise<BigQueryHarness> {
  const fake = await startFakeBigQuery();
  const warnings: string[] = [];
  const store = await openBigQueryStore(fakeConfig(fake), { ...NO_WAIT, warn: (m) => void warnings.push(m), ...options });
  return {
    fake,
    store,
    warnings,
    createTable: (name, columns) =>
      fake.engine.createTable(fake.dataset, name, {
        fields: columns.map((c) => (c.type === 'UNWRITABLE' ? { name: c.name, type: 'INTEGER', mode: 'REPEATED' } : { name: c.name, type: c.type, mode: 'NULLABLE' })),
      }),
    async insertRaw(table, rows) {
      for (const row of rows) {
        const names = Object.keys(row);
        const values = names.map((n) => (typeof row[n] === 'bigint' ? String(row[n]) : row[n])) as (string | number | boolean | null)[];
        const prepared = await fake.engine.conn.prepare(`INSERT INTO "${fake.dataset}"."${table}" (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`);
        values.forEach((v, i) => (v === null ? prepared.bindNull(i + 1) : typeof v === 'number' ? prepared.bindDouble(i + 1, v) : typeof v === 'boolean' ? prepared.bindBoolean(i + 1, v) : prepared.bindVarchar(i + 1, v)));
        await prepared.run();
      }
    },
    async close() {
      await store.close();
      await fake.close();
    },
  };
}

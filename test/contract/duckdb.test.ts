// The store contract against a real DuckDB file.
import { openSession } from '../../src/sinks/duckdb-open.js';
import { duckType, quoteIdent } from '../../src/sinks/duckdb-schema.js';
import { openDuckDbStore } from '../../src/sinks/duckdb.js';
import { tempDir } from '../support/pipeline.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('DuckDB', async () => {
  const tmp = await tempDir();
  const store = await openDuckDbStore(tmp.db, { waitMs: 0 });
  const sql = async (text: string, params?: Record<string, string | number | boolean | null>) => {
    // The store keeps its write session between writes; one process must not open the file twice.
    await store.close();
    const s = await openSession(tmp.db, 'write', { waitMs: 0 });
    try {
      await s.connection.run(text, params);
    } finally {
      await s.close();
    }
  };
  return {
    store,
    createTable: (name, columns) =>
      sql(`CREATE TABLE ${quoteIdent(name)} (${columns.map((c) => `${quoteIdent(c.name)} ${c.type === 'UNWRITABLE' ? 'INTEGER[]' : duckType(c.type)}`).join(', ')})`),
    async insertRaw(table, rows) {
      for (const row of rows) {
        const names = Object.keys(row);
        const params = Object.fromEntries(names.map((n, i) => [`p${i}`, typeof row[n] === 'bigint' ? String(row[n]) : (row[n] as string | number | boolean | null)]));
        await sql(`INSERT INTO ${quoteIdent(table)} (${names.map(quoteIdent).join(', ')}) VALUES (${names.map((_, i) => `$p${i}`).join(', ')})`, params);
      }
    },
    async cleanup() {
      await store.close();
      await tmp.cleanup();
    },
  };
});

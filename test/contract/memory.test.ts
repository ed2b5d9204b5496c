// The store contract against the fault-injecting memory store (with no faults set), so that the
// fault tests exercise a store that otherwise behaves exactly as the contract says.
import { createMemoryStore } from '../support/memory-store.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('memory', async () => {
  const store = createMemoryStore();
  return {
    store,
    createTable: async (name, columns) =>
      store.createTable(name, columns.map((c) => (c.type === 'UNWRITABLE' ? { name: c.name, type: null, storeType: 'ARRAY<INT64>' } : { name: c.name, type: c.type }))),
    insertRaw: async (table, rows) => store.insertRaw(table, rows),
    cleanup: async () => undefined,
  };
});

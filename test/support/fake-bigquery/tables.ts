// BigQuery's table rules that ZetaSQL does not check, enforced by the fake as BigQuery does (a 400):
// a day-partitioned table's partition column is a DATE, DATETIME or TIMESTAMP; at most four
// clustering columns, each an existing column of a clusterable type. And copy jobs.
import type { Engine, FakeTable } from './engine.js';

const PARTITION_TYPES = new Set(['DATE', 'DATETIME', 'TIMESTAMP']);
const CLUSTER_TYPES = new Set(['STRING', 'INTEGER', 'INT64', 'BOOLEAN', 'BOOL', 'DATE', 'DATETIME', 'TIMESTAMP', 'NUMERIC']);

/** The problem with a table's layout, in BigQuery's words, or null. */
export function validateLayout(t: FakeTable): string | null {
  const field = (name: string) => t.fields.find((f) => f.name === name);
  const p = t.timePartitioning?.field;
  if (p !== undefined) {
    const f = field(p);
    if (!f) return `The field specified for partitioning cannot be found in the schema: ${p}`;
    if (!PARTITION_TYPES.has(f.type)) return `Partitioning field ${p} has type ${f.type}; it must be DATE, DATETIME or TIMESTAMP`;
  }
  const c = t.clustering?.fields ?? [];
  if (c.length > 4) return `Too many clustering fields: ${c.length}, only up to 4 are allowed`;
  for (const name of c) {
    const f = field(name);
    if (!f) return `The field specified for clustering cannot be found in the schema: ${name}`;
    if (!CLUSTER_TYPES.has(f.type) || f.mode === 'REPEATED') return `Clustering is not supported on field ${name} of type ${f.type}`;
  }
  return null;
}

interface CopyConfig {
  sourceTable: { tableId: string };
  destinationTable: { tableId: string };
  writeDisposition?: string;
}

/** A copy job: the destination made (or, with WRITE_TRUNCATE, replaced) as the source, layout included. */
export async function runCopy(engine: Engine, dataset: string, c: CopyConfig): Promise<{ reason: string; message: string } | null> {
  const src = engine.tables.get(engine.key(dataset, c.sourceTable.tableId));
  if (!src) return { reason: 'notFound', message: `Not found: Table ${dataset}.${c.sourceTable.tableId}` };
  const dst = c.destinationTable.tableId;
  const existing = engine.tables.get(engine.key(dataset, dst));
  if (existing && c.writeDisposition !== 'WRITE_TRUNCATE' && (await engine.numRows(dataset, dst)) > 0) {
    return { reason: 'duplicate', message: `Already Exists: Table ${dataset}.${dst}` };
  }
  await engine.conn.run('BEGIN TRANSACTION');
  try {
    await engine.conn.run(`DROP TABLE IF EXISTS "${dataset}"."${dst}"`);
    await engine.conn.run(`CREATE TABLE "${dataset}"."${dst}" AS SELECT * FROM "${dataset}"."${c.sourceTable.tableId}"`);
    await engine.conn.run('COMMIT');
  } catch (e) {
    await engine.conn.run('ROLLBACK');
    return { reason: 'invalid', message: (e as Error).message.split('\n')[0] };
  }
  engine.tables.set(engine.key(dataset, dst), { ...structuredClone(src), expirationTime: undefined });
  return null;
}

// A dataset's table layout: its content columns in API key order, then the eight metadata columns
// of the existing warehouse (docs/compatibility.md section 1), all STRING. And the check that an
// existing table can be written correctly: its own column types drive sanitising and hashing.
import { DATASETS, type Column, type ColumnType, type DatasetSpec } from './datasets.js';
import { SchemaConflictError } from './errors.js';
import type { Store, TableHandle } from './store.js';

export const METADATA_COLUMNS: readonly Column[] = Object.freeze(
  ['_dataset', '_window_from_utc', '_window_to_utc', '_ingested_utc', '_source_columns', '_source_api', '_hash_source_cols', '_hash_key'].map(
    (name) => Object.freeze({ name, type: 'STRING' as const }),
  ),
);

const cache = new WeakMap<DatasetSpec, readonly Column[]>();

/** The registry's table layout: what a new table is created with. */
export function tableColumns(d: DatasetSpec): readonly Column[] {
  let cols = cache.get(d);
  if (!cols) cache.set(d, (cols = Object.freeze([...d.columns, ...METADATA_COLUMNS])));
  return cols;
}

/** A column as a store reports it: its type in our terms, or null for a type bmrs cannot write. */
export interface ActualColumn {
  readonly name: string;
  readonly type: ColumnType | null;
  /** The store's own name for the type, for messages. */
  readonly storeType: string;
  /** NOT NULL: refused when bmrs does not fill the column (a column the registry does not know). */
  readonly required?: boolean;
}

const TIMES: ReadonlySet<ColumnType> = new Set(['DATE', 'DATETIME', 'TIMESTAMP']);

/**
 * Whether values of the registry type can be written into a column of the table's type with the
 * hash the old system would have computed for that table. Time types convert into one another
 * (a time in a DATE column must be midnight, checked per value); INTEGER and FLOAT likewise (a
 * fraction in an INTEGER column fails its window). Anything else would change values or hashes.
 */
export function canWrite(registry: ColumnType, table: ColumnType): boolean {
  if (registry === table) return true;
  if (TIMES.has(registry) && TIMES.has(table)) return true;
  return (registry === 'INTEGER' || registry === 'FLOAT') && (table === 'INTEGER' || table === 'FLOAT');
}

/**
 * The handle for an existing (or just created) table, or SchemaConflictError naming every column
 * that stops us. Extra content columns of a known type are kept (nullable; an API field of that
 * name fills them, as the old system did); extra columns of other types are left alone.
 */
export function resolveTable(dataset: DatasetSpec, name: string, actual: readonly ActualColumn[], created: boolean): TableHandle {
  const byName = new Map(actual.map((c) => [c.name, c]));
  const problems: string[] = [];
  const missing: string[] = [];
  for (const want of [...dataset.columns, ...METADATA_COLUMNS]) {
    const have = byName.get(want.name);
    if (!have) missing.push(want.name);
    else if (have.type === null || !canWrite(want.type, have.type)) {
      problems.push(`${want.name} is ${have.storeType} where bmrs writes ${want.type}`);
    }
  }
  if (missing.length) problems.unshift(`lacks column(s) ${missing.join(', ')}`);
  const ours = new Set([...dataset.columns, ...METADATA_COLUMNS].map((c) => c.name));
  const required = actual.filter((c) => c.required && !ours.has(c.name)).map((c) => c.name);
  if (required.length) problems.push(`${required.join(', ')} ${required.length > 1 ? 'are' : 'is'} NOT NULL but not filled by bmrs`);
  if (problems.length) {
    throw new SchemaConflictError(`table ${name} cannot be written correctly: ${problems.join('; ')}`, {
      hint: 'bmrs never alters an existing table and wrote nothing; fix the column types or point the store at a new location',
    });
  }
  const content: Column[] = [];
  for (const c of actual) {
    if (c.name.startsWith('_') || c.type === null) continue;
    content.push(Object.freeze({ name: c.name, type: c.type }));
  }
  // Keep the registry's order for its own columns (it is the API's key order), extras after.
  const registered = new Set(dataset.columns.map((c) => c.name));
  const ordered = [
    ...dataset.columns.map((c) => content.find((x) => x.name === c.name)!),
    ...content.filter((c) => !registered.has(c.name)),
  ];
  const spec: DatasetSpec = Object.freeze({ ...dataset, columns: Object.freeze(ordered) });
  return Object.freeze({ name, spec, columns: tableColumns(spec), created });
}

/** The registry's datasets whose table exists in the store: what check and dedupe-audit look at by default. */
export async function datasetsWithTables(store: Store): Promise<DatasetSpec[]> {
  if (store.listTables) {
    const tables = new Set(await store.listTables());
    return DATASETS.filter((d) => tables.has(d.table));
  }
  const present: DatasetSpec[] = [];
  for (const d of DATASETS) if ((await store.countRows(d.table)) !== null) present.push(d);
  return present;
}

// A dataset's table layout: its content columns in API key order, then the eight metadata columns
// of the existing warehouse (compatibility.md section 1), all STRING.
import type { Column, DatasetSpec } from './datasets.js';

export const METADATA_COLUMNS: readonly Column[] = Object.freeze(
  ['_dataset', '_window_from_utc', '_window_to_utc', '_ingested_utc', '_source_columns', '_source_api', '_hash_source_cols', '_hash_key'].map(
    (name) => Object.freeze({ name, type: 'STRING' as const }),
  ),
);

const cache = new WeakMap<DatasetSpec, readonly Column[]>();

export function tableColumns(d: DatasetSpec): readonly Column[] {
  let cols = cache.get(d);
  if (!cols) cache.set(d, (cols = Object.freeze([...d.columns, ...METADATA_COLUMNS])));
  return cols;
}

// The DuckDB driver, loaded through `require`: Node's ESM loader reads the package's CommonJS files
// to find their named exports, which doubles its load time (about 0.2 s instead of 0.1 s per
// process; docs/benchmarks.md, bench:update). Types still come from the package.
import { createRequire } from 'node:module';
import type * as DuckDB from '@duckdb/node-api';

export const duckdb = createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckDB;

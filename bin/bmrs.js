#!/usr/bin/env node
// CommonJS (bin/package.json), so that these settings come before Node starts anything else: an ES
// module entry is itself read through libuv's thread pool, which is then already made.
//
// libuv's thread pool is two threads unless UV_THREADPOOL_SIZE says otherwise: DuckDB runs each
// statement on one of them (the transform's and the store's side by side), and with Node's default
// four a year's backfill ran 24% slower with 25-40 MB more peak RSS (two threads' allocator caches
// more; docs/benchmarks.md, "Eighth sitting").
//
// V8's young generation is kept at its first size (no growth): with the SQL transform, response
// bodies stream to files and what the JS thread allocates is small and short-lived, so collecting
// it sooner frees the sockets' buffers with it; a year's backfill peaked 15-30 MB lower at the same
// speed (docs/benchmarks.md, "Fifth sitting"). Set before anything is allocated (set later, the
// generation has grown already); a run on the JS path sets V8's default back (cli/compose.ts).
//
// DuckDB's allocator (jemalloc, built into libduckdb.so, which reads DUCKDB_JE_MALLOC_CONF when it
// is loaded) gives the pages it purges back to the kernel at once (MADV_DONTNEED) instead of first
// marking them lazily free (MADV_FREE) for a second, DuckDB's default: lazily freed pages still
// count in RSS until the kernel needs them, about 22 MiB of a year's backfill at its peak. The
// peak fell by about 10 MiB on average for 3% of the speed (docs/benchmarks.md, "Tenth sitting").
// A value the user sets is kept.
'use strict';
process.env.UV_THREADPOOL_SIZE ??= '2';
process.env.DUCKDB_JE_MALLOC_CONF ??= 'muzzy_decay_ms:0';
require('node:v8').setFlagsFromString('--semi-space-growth-factor=1');

void (async () => {
  const { main } = await import('../dist/cli/main.js');
  const { finish } = await import('../dist/cli/finish.js');
  finish(await main());
})();

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
'use strict';
process.env.UV_THREADPOOL_SIZE ??= '2';
require('node:v8').setFlagsFromString('--semi-space-growth-factor=1');

void (async () => {
  const { main } = await import('../dist/cli/main.js');
  const { finish } = await import('../dist/cli/finish.js');
  finish(await main());
})();

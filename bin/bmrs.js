#!/usr/bin/env node
// V8's young generation is kept at its first size (no growth): with the SQL transform, response
// bodies stream to files and what the JS thread allocates is small and short-lived, so collecting
// it sooner frees the sockets' buffers with it; a year's backfill peaked 15-30 MB lower at the same
// speed (docs/benchmarks.md, "Fifth sitting"). Set before anything is allocated (set later, the
// generation has grown already); a run on the JS path sets V8's default back (cli/compose.ts).
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
const { main } = await import('../dist/cli/main.js');
const { finish } = await import('../dist/cli/finish.js');
finish(await main());

#!/usr/bin/env node
// V8's young generation is kept at its first size (no growth): response bodies stream to files, so
// what the JS thread allocates is small and short-lived, and collecting it sooner frees the
// sockets' buffers with it; a year's backfill peaked 15-30 MB lower at the same speed
// (docs/benchmarks.md). Set here, before anything is allocated, rather than as a flag in the
// shebang (`env -S` is missing from BusyBox, so Alpine could not start bmrs at all).
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main();

#!/usr/bin/env -S node --max-semi-space-size=1
// V8's young generation capped at 1 MB a semi-space: response bodies stream to files, so what the
// JS thread allocates is small and short-lived, and collecting it sooner frees the sockets' buffers
// with it; a year's backfill peaked about 20-40 MB lower, at the same speed (docs/benchmarks.md).
import { main } from '../dist/cli/main.js';
process.exitCode = await main();

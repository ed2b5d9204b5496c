// `bmrs dedupe-audit` with the DuckDB store's repair hook: the process kills itself with SIGKILL
// inside the repair's transaction, right after the named step (backup, rewrite or verify).
// Usage: node dedupe-killed-between.mjs STEP <dedupe-audit flags...>   (environment as for bin/bmrs.js)
import { runDedupeAudit } from '../../dist/cli/commands/dedupe-audit.js';
import { openDuckDbStore } from '../../dist/sinks/duckdb.js';

const [step, ...args] = process.argv.slice(2);
await runDedupeAudit({ fix: args.includes('--fix'), json: true }, (config) =>
  openDuckDbStore(config.duckdbPath, {
    waitMs: config.storeWaitMs,
    afterRepairStep: (s) => {
      if (s === step) process.kill(process.pid, 'SIGKILL');
    },
  }),
);

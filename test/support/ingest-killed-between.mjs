// `bmrs ingest` with the DuckDB store's test hook: the process kills itself with SIGKILL inside the
// Nth window's transaction, after the window's rows and before its ledger entry.
// Usage: node ingest-killed-between.mjs N <ingest flags...>   (environment as for bin/bmrs.js)
import { runIngest } from '../../dist/cli/ingest/run.js';
import { openDuckDbStore } from '../../dist/sinks/duckdb.js';

const [n, ...args] = process.argv.slice(2);
const opt = (name) => args[args.indexOf(name) + 1];
let seen = 0;
process.exitCode = await runIngest(
  { dataset: [opt('--dataset')], from: opt('--from'), to: opt('--to'), concurrency: '1', quiet: true },
  (config) =>
    openDuckDbStore(config.duckdbPath, {
      waitMs: config.storeWaitMs,
      afterRows: () => {
        if (++seen === Number(n)) process.kill(process.pid, 'SIGKILL');
      },
    }),
);

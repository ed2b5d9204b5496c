// `bmrs ingest` whose Nth write's COMMIT DuckDB refuses for real: inside that write's transaction
// (the store's test hook, before the COMMIT), another connection of the engine commits a ledger row
// with the key of the write's first window, so DuckDB fails the commit on the ledger's primary key.
// The process then ends as bin/bmrs.js ends it (cli/finish.ts).
// Usage: node ingest-commit-refused.mjs N <ingest flags...>   (environment as for bin/bmrs.js)
import { runIngest } from '../../dist/cli/ingest/run.js';
import { finish } from '../../dist/cli/finish.js';
import { acquireEngine } from '../../dist/sinks/duckdb-engine.js';
import { openDuckDbStore } from '../../dist/sinks/duckdb.js';

const [n, ...args] = process.argv.slice(2);
const opt = (name) => args[args.indexOf(name) + 1];
let seen = 0;
const run = () =>
  runIngest(
    { dataset: [opt('--dataset')], from: opt('--from'), to: opt('--to'), concurrency: '1', quiet: true },
    (config) =>
      openDuckDbStore(config.duckdbPath, {
        waitMs: config.storeWaitMs,
        beforeCommit: async ([key]) => {
          if (++seen !== Number(n)) return;
          const engine = await acquireEngine();
          const c = await engine.instance.connect();
          const path = config.duckdbPath.replaceAll("'", "''");
          const name = (await c.runAndReadAll(`SELECT database_name FROM duckdb_databases() WHERE path = '${path}'`)).getRows()[0][0];
          const at = (ms) => `to_timestamp(${ms} / 1000)`;
          await c.run(`INSERT INTO ${name}._bmrs_ledger VALUES ('${key.dataset}', ${at(key.from)}, ${at(key.to)}, 'failed', 0, 0, 0, 1, 70, 'written by the test', NULL, 'test', now(), now(), NULL)`);
          c.closeSync();
        },
      }),
  );
// As cli/main.ts reports a known error: its message, and its exit code.
finish(
  await run().catch((e) => {
    process.stderr.write(`error: ${e.message}\n`);
    return e.exitCode ?? 70;
  }),
);

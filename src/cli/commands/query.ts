import { Command } from 'commander';
import { loadStorePath } from '../../config.js';
import { csvCell, table, writeJson } from '../render.js';

export function queryCommand(): Command {
  return new Command('query')
    .description('run read-only SQL against the store (the file is opened read-only: a query cannot change data)')
    .argument('<sql>', 'one SQL statement, e.g. "SELECT count(*) FROM bmrs_fuelinst"')
    .option('--db <path>', 'DuckDB file (env BMRS_DUCKDB_PATH; default data/bmrs.duckdb)')
    .option('--json', 'print rows as a JSON array of objects')
    .option('--csv', 'print rows as CSV with a header')
    .addHelpText('after', `
Examples:
  bmrs query "SELECT settlementDate, count(DISTINCT settlementPeriod) AS periods FROM bmrs_fuelinst GROUP BY 1 ORDER BY 1"
  bmrs query "SELECT _hash_key, count(*) FROM bmrs_fuelinst GROUP BY 1 HAVING count(*) > 1" --json`)
    .action(async (sql: string, opts: { db?: string; json?: boolean; csv?: boolean }) => {
      const { runQuery } = await import('../../sinks/duckdb-query.js');
      const { columns, rows } = await runQuery(loadStorePath({ db: opts.db }), sql);
      if (opts.json) return writeJson(rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]]))));
      if (opts.csv) {
        process.stdout.write([columns, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n');
        return;
      }
      process.stdout.write(table(columns, rows.map((r) => r.map((v) => (v === null ? 'NULL' : String(v))))));
    });
}

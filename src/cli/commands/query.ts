import { Command, InvalidArgumentError, Option } from 'commander';
import { loadBigQueryConfig, loadSink, loadStorePath, loadStoreWaitMs } from '../../config.js';
import type { QueryStream } from '../../sinks/duckdb-query.js';
import { UsageError } from '../../core/errors.js';
import { num, plural, style } from '../render.js';
import { writer } from '../stdout.js';
import { dbOption, sinkOption } from './options.js';

const DEFAULT_TABLE_ROWS = 100;

export function queryCommand(): Command {
  return new Command('query')
    .description('run read-only SQL against the store (the file is opened read-only: a query cannot change data)')
    .argument('<sql>', 'one SQL statement, e.g. "SELECT count(*) FROM bmrs_fuelinst"')
    .addOption(dbOption())
    .addOption(sinkOption())
    .addOption(new Option('--json', 'print every row: one JSON array of objects, one object per line').conflicts('csv'))
    .addOption(new Option('--csv', 'print every row as CSV with a header (NULL is an empty field)'))
    .addOption(
      new Option('--limit-rows <n>', `rows the table shows (default ${DEFAULT_TABLE_ROWS}; 0 shows all)`)
        .argParser(rowCount)
        .conflicts(['json', 'csv']),
    )
    .addHelpText('after', `
With --sink bigquery (or BMRS_SINK=bigquery) the statement runs in BigQuery as GoogleSQL, on the
dataset BMRS_BQ_PROJECT.BMRS_BQ_DATASET (the default dataset: FROM bmrs_fuelinst works);
anything but a SELECT is refused by a dry run before it runs, and it is billed as any query.

The store is opened read-only, beside other readers; while a writer holds it (an ingest between
its groups lets go when asked), the query waits up to BMRS_STORE_WAIT_SECONDS (default 30).

One statement per run: several statements, or none (empty SQL, only comments), are a usage error.

The table shows NULL as ∅ (dimmed on a colour terminal), so it differs from the text 'NULL' and
from an empty string. It shows the first ${DEFAULT_TABLE_ROWS} rows unless --limit-rows says otherwise, and says
on stderr how many it left out; columns are sized from the first 1,000 rows shown.
--csv and --json print every row, streamed: any result size runs in constant memory. In --json,
64-bit integers are numbers when no digit is lost (otherwise strings), and a repeated column name
gets a suffix (x, x_2) so that no value is lost. A query that fails part-way exits 2 with what it
printed so far incomplete (the --json array is left unclosed). A reader that stops early (| head)
ends the query quietly with exit 0.

Examples:
  bmrs query "SELECT settlementDate, count(DISTINCT settlementPeriod) AS periods FROM bmrs_fuelinst GROUP BY 1 ORDER BY 1"
  bmrs query "SELECT _hash_key, count(*) FROM bmrs_fuelinst GROUP BY 1 HAVING count(*) > 1" --json
  bmrs query "SELECT * FROM bmrs_fuelinst" --csv > fuelinst.csv`)
    .action(async (sql: string, opts: { db?: string; sink?: string; json?: boolean; csv?: boolean; limitRows?: number }) => {
      if (sql.trim() === '') {
        throw new UsageError('no SQL statement given', { hint: 'bmrs query "SELECT count(*) FROM bmrs_fuelinst"' });
      }
      const { writeCsv, writeJsonRows, writeTable, uniqueKeys } = await import('../query-output.js');
      const q = await openQuery(sql, opts);
      const write = writer();
      try {
        if (opts.csv) return await writeCsv(q, write);
        if (opts.json) {
          const keys = uniqueKeys(q.columns);
          const renamed = q.columns.map((c, i) => [c, keys[i]]).filter(([c, k]) => c !== k);
          if (renamed.length) {
            process.stderr.write(`${style.dim(`note: repeated column names renamed in the JSON keys: ${renamed.map(([c, k]) => `${c} -> ${k}`).join(', ')}`)}\n`);
          }
          return await writeJsonRows(q, write);
        }
        const { shown, total, complete } = await writeTable(q, write, opts.limitRows ?? DEFAULT_TABLE_ROWS);
        if (complete && shown < total) {
          process.stderr.write(`${style.dim(`note: showed ${num(shown)} of ${plural(total, 'row')}, left out ${num(total - shown)} (--limit-rows 0 shows all; --csv or --json print every row)`)}\n`);
        }
      } finally {
        q.close();
      }
    });
}

async function openQuery(sql: string, opts: { db?: string; sink?: string }): Promise<QueryStream> {
  if (loadSink({ sink: opts.sink }) === 'bigquery') {
    const { streamBigQuery } = await import('../../sinks/bigquery/query.js');
    return streamBigQuery(loadBigQueryConfig(), sql);
  }
  const { streamQuery } = await import('../../sinks/duckdb-query.js');
  const waitMs = loadStoreWaitMs();
  return streamQuery(loadStorePath({ db: opts.db }), sql, {
    waitMs,
    onWait: (holder) => process.stderr.write(`${style.dim(`waiting up to ${Math.round(waitMs / 1000)} s for the store, held by ${holder}`)}\n`),
  });
}

function rowCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number (0 shows every row)');
  return Number(value);
}

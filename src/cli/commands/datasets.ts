import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { DATASETS, type DatasetSpec } from '../../core/datasets.js';
import { num, style, table, writeJson } from '../render.js';

interface DatasetsOptions {
  json?: boolean;
  db?: string;
}

export function datasetsCommand(): Command {
  return new Command('datasets')
    .description('list every dataset bmrs knows: group, window family and parameters, stream, cadence, table, rows in the store')
    .option('--json', 'print the full registry records, each with `rows` (null: no table or no store)')
    .option('--db <path>', 'DuckDB file whose tables are counted (env BMRS_DUCKDB_PATH; default data/bmrs.duckdb)')
    .action(async (opts: DatasetsOptions) => {
      const counts = await rowCounts(opts.db);
      if (opts.json) return writeJson(DATASETS.map((d) => ({ ...d, rows: counts?.get(d.table) ?? null })));
      const rows = DATASETS.map((d) => [
        d.code,
        d.group ?? '',
        d.family,
        windowText(d),
        d.stream ? 'yes' : 'no',
        cadenceText(d),
        d.table,
        counts === undefined ? '?' : (counts.get(d.table) ?? null) === null ? '-' : num(counts.get(d.table)!),
      ]);
      process.stdout.write(table(['DATASET', 'GROUP', 'FAMILY', 'WINDOW', 'STREAM', 'CADENCE', 'TABLE', 'ROWS'], rows));
      if (counts === undefined) process.stdout.write(style.dim('ROWS ?: there is no store to count (bmrs ingest creates it)\n'));
    });
}

/**
 * Row count per table of the store; undefined when there is no store file. The tables are listed in
 * one read where the store can (listTables), so only the tables that exist are counted.
 */
async function rowCounts(db: string | undefined): Promise<Map<string, number | null> | undefined> {
  const config = loadConfig({ db });
  if (!existsSync(config.duckdbPath)) return undefined;
  const { openDefaultStore } = await import('../compose.js');
  const store = await openDefaultStore(config, () => undefined);
  try {
    const out = new Map<string, number | null>();
    const present = store.listTables ? new Set(await store.listTables()) : undefined;
    for (const d of DATASETS) out.set(d.table, present && !present.has(d.table) ? null : await store.countRows(d.table));
    return out;
  } finally {
    await store.close();
  }
}

function windowText(d: DatasetSpec): string {
  const sq = d.settlementQuery;
  const limit = d.maxWindowMinutes === null ? '' : ` (max ${duration(d.maxWindowMinutes)}${d.stream && !d.limitOnStream ? ' without stream' : ''})`;
  if (sq && 'pathParam' in sq) return `${d.path}${limit}`;
  if (sq && 'rangeParams' in sq) return `${sq.rangeParams.dateFrom}/${sq.rangeParams.periodFrom}..${sq.rangeParams.dateTo}/${sq.rangeParams.periodTo}${limit}`;
  const days = sq && 'dateParams' in sq && d.family !== 'settlement' ? `, days: ${sq.dateParams.from}/To` : sq && 'periodParams' in sq ? ' + settlementPeriodFrom/To' : '';
  return `${d.params.from}/${d.params.to}${days}${limit}`;
}

/** The published cadence: the rate where a source states it; else event-driven, or the rate marked assumed. */
export function cadenceText(d: DatasetSpec): string {
  const r = d.rate;
  if (!r || d.published === 'event-driven') return 'event-driven';
  const every = r.everyMinutes >= 1440 ? 'daily' : r.everyMinutes < 1 ? `${r.everyMinutes * 60} s` : `${r.everyMinutes} min`;
  const text = r.rows > 1 ? `${every} x ${r.rows}${r.setColumn ? ` ${r.setColumn}` : ''}` : every;
  return d.published === 'assumed' ? `${text} (assumed)` : text;
}

function duration(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? '1 day' : `${minutes / 1440} days`;
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

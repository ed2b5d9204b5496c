// The store the configuration names, each loaded only when chosen: the DuckDB path never imports
// the BigQuery client library, and the BigQuery path never opens a DuckDB file.
import type { Config } from '../config.js';
import type { Store } from '../core/store.js';

export async function openConfiguredStore(config: Config, onWait: (holder: string) => void): Promise<Store> {
  if (config.sink === 'bigquery') {
    const { openBigQueryStore } = await import('../sinks/bigquery/store.js');
    return openBigQueryStore(config.bigquery!, {
      acceptHashMismatch: config.bigquery!.acceptHashMismatch,
      now: config.now === undefined ? Date.now : () => config.now!,
      // What the run cost, on stderr (stdout carries the reports): load jobs are free, queries are billed by bytes.
      onClose: (s) =>
        process.stderr.write(`note: BigQuery ${s.location}: ${s.loadJobs} load job(s), ${s.queries} query job(s), ${(s.bytesProcessed / 1e6).toFixed(1)} MB processed\n`),
    });
  }
  const { openDuckDbStore } = await import('../sinks/duckdb.js');
  return openDuckDbStore(config.duckdbPath, { waitMs: config.storeWaitMs, onWait });
}

/** Where the store is, for messages: the DuckDB file or project.dataset. */
export function storeLocation(config: Config): string {
  return config.sink === 'bigquery' ? `${config.bigquery!.project}.${config.bigquery!.dataset}` : config.duckdbPath;
}

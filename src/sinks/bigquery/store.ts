// The BigQuery store: the port's second implementation (docs/bigquery.md). Existing tables are
// written as they are (their schema drives values and `_hash_key`); before the first write into a
// table bmrs did not create (and has not yet stored rows in, per the ledger), a sample of its rows
// is hashed again and a mismatch refuses the write (writing would duplicate); only a table that
// passed the type and hash checks gets a registry column it lacks, as NULLABLE, with a warning.
import { randomUUID } from 'node:crypto';
import type { BigQueryConfig } from '../../core/bigquery-config.js';
import { checkKeys, KIND_WORDS } from '../../core/dedupe.js';
import type { DatasetSpec } from '../../core/datasets.js';
import { SchemaConflictError } from '../../core/errors.js';
import type { Store, StoreCapabilities, TableHandle, WindowWrite, WriteResult } from '../../core/store.js';
import { resolveTable } from '../../core/table.js';

import { duplicateCount, duplicates, keyAudit } from './audit.js';
import { openGateway, type BqClientOptions, type Field, type Gateway, type TableInfo } from './client.js';
import { checkKeyFile } from './credentials.js';
import { ensureLedger, hasLoaded, readLedger, recordLedger } from './ledger.js';
import { countRows, coverageCounts, latestRow, meanSeries, periodCounts, sampleRows } from './reads.js';
import { repairTable, restoreTable } from './repair.js';
import { actualColumns, newTableMetadata } from './schema.js';
import { writeTable, type TableWriteStats } from './write.js';

export interface BigQueryStoreOptions extends BqClientOptions {
  /** Warnings (a column added to an existing table); default: stderr. */
  readonly warn?: (message: string) => void;
  /** Rows of an existing table hashed again before its first write (default 200). */
  readonly hashSample?: number;
  /** Write even when the sampled rows' keys do not match (BMRS_BQ_ACCEPT_HASH_MISMATCH=1). */
  readonly acceptHashMismatch?: boolean;
  /** Rows per write: one load job and one MERGE (default 250,000). */
  readonly rowsPerWrite?: number;
  /** Windows per write, whatever their rows (default 500): a sparse dataset's years are several writes. */
  readonly windowsPerWrite?: number;
  /** Per-table statistics of each write, for reports. */
  readonly onWrite?: (stats: TableWriteStats) => void;
  /** The run's "now" (BMRS_NOW or the clock), from which reads of recent partitions count back. */
  readonly now?: () => number;
  /** On close, what this store's jobs did: load jobs, queries (MERGEs included) and bytes processed. */
  readonly onClose?: (summary: JobSummary) => void;
}

export interface JobSummary {
  readonly location: string;
  readonly loadJobs: number;
  readonly queries: number;
  readonly bytesProcessed: number;
}

export const DEFAULT_ROWS_PER_WRITE = 250_000;
export const DEFAULT_WINDOWS_PER_WRITE = 500;

export async function openBigQueryStore(config: BigQueryConfig, options: BigQueryStoreOptions = {}): Promise<Store> {
  if (config.hasCredentialsFile) await checkKeyFile(process.env.GOOGLE_APPLICATION_CREDENTIALS);
  const g = await openGateway(config, options);
  await g.checkDataset();
  const warn = options.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  const checked = new Set<string>();
  const now = options.now ?? Date.now;
  const warnedUnpartitioned = new Set<string>();
  const storeId = randomUUID();
  let writes = 0;

  const info = async (d: DatasetSpec): Promise<TableInfo | null> => g.getTable(d.table);

  /** Registry content columns the table lacks, as the NULLABLE fields bmrs would add (it never drops or retypes one). */
  const missingFields = (d: DatasetSpec, t: TableInfo) => {
    const have = new Set(t.fields.map((f) => f.name));
    return d.columns.filter((c) => !have.has(c.name)).map((c) => ({ name: c.name, type: c.type, mode: 'NULLABLE' }));
  };

  /** Adds them, once the table passed the type and hash checks: a table bmrs refuses is left as it was. */
  async function addMissing(d: DatasetSpec, missing: readonly Field[]): Promise<void> {
    if (missing.length === 0) return;
    await g.addFields(d.table, missing);
    warn(`${g.config.dataset}.${d.table} had no column ${missing.map((c) => `${c.name} (${c.type})`).join(', ')}: added as NULLABLE; existing rows hold NULL there`);
  }

  /** Hashes a sample of an existing table's rows again: a mismatch means our keys would not match its keys. */
  async function checkHashes(table: TableHandle): Promise<void> {
    if (checked.has(table.name)) return;
    // A table bmrs has written before passed this check then: each 5-minute process need not read the sample again.
    if (await hasLoaded(g, table.spec.code)) {
      checked.add(table.name);
      return;
    }
    // Recent partitions first: the check runs in every process that writes (every 5 minutes), so it must not scan the table.
    const blank = Object.fromEntries(table.spec.columns.map((c) => [c.name, null]));
    // A column about to be added reads NULL, as it will once added.
    const rows = (await sampleRows(g, table.name, options.hashSample ?? 200, undefined, now())).map((r) => ({ ...blank, ...r }));
    const result = checkKeys(table.spec.columns, rows);
    if (result.mismatched > 0 && !options.acceptHashMismatch) {
      const ex = result.examples[0];
      const kinds = Object.entries(result.byKind).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${KIND_WORDS[k as keyof typeof KIND_WORDS]}`).join(', ');
      throw new SchemaConflictError(
        `refusing to write ${g.config.dataset}.${table.name}: ${result.mismatched} of ${result.checked} sampled rows have a _hash_key bmrs would compute differently (${kinds}; e.g. stored ${ex.storedKey}, bmrs computes ${ex.recomputedKey}), so rows already there would be stored again`,
        { hint: 'bmrs dedupe-audit shows the mismatches (docs/bigquery.md, Migrating); to write anyway pass --accept-hash-mismatch (or set BMRS_BQ_ACCEPT_HASH_MISMATCH=1)' },
      );
    }
    checked.add(table.name);
  }

  const capabilities: StoreCapabilities = {
    parallelWrites: false,
    preferredRowsPerWrite: options.rowsPerWrite ?? DEFAULT_ROWS_PER_WRITE,
    maxWindowsPerWrite: options.windowsPerWrite ?? DEFAULT_WINDOWS_PER_WRITE,
    transactions: false,
    readsStaged: false,
    fillGroups: true,
  };

  return {
    name: 'bigquery',
    location: `${config.project}.${config.dataset}`,
    capabilities,

    async openTable(d) {
      let t = await info(d);
      const created = t === null && (await g.createTable(d.table, newTableMetadata(d)));
      t ??= await info(d);
      if (!t) throw new SchemaConflictError(`table ${d.table} could not be created in ${config.project}.${config.dataset}`);
      const missing = created ? [] : missingFields(d, t);
      const handle = resolveTable(d, d.table, actualColumns([...t.fields, ...missing]), created);
      await ensureLedger(g);
      if (created) checked.add(d.table);
      else await checkHashes(handle);
      await addMissing(d, missing);
      if (!created && !t.partitionField && !warnedUnpartitioned.has(d.table)) {
        warnedUnpartitioned.add(d.table);
        warn(`${g.config.dataset}.${d.table} is not partitioned by a column: each MERGE reads _hash_key and its date column over the whole table (docs/bigquery.md, Cost)`);
      }
      return handle;
    },

    async describeTable(d) {
      const t = await info(d);
      return t ? resolveTable(d, d.table, actualColumns(t.fields), false) : null;
    },

    async write(group: readonly WindowWrite[]): Promise<WriteResult[]> {
      const results: WriteResult[] = group.map(() => ({ inserted: 0, skipped: 0 }));
      const byTable = new Map<string, { index: number; write: WindowWrite }[]>();
      group.forEach((write, index) => {
        if (write.rows.length === 0) return;
        const list = byTable.get(write.table) ?? [];
        list.push({ index, write });
        byTable.set(write.table, list);
      });
      const writeId = `${group[0]?.ledger.runId ?? ''}/${storeId}/${++writes}`;
      for (const [table, windows] of byTable) {
        const { results: got, stats } = await writeTable(g, table, windows[0].write.columns, windows, writeId);
        for (const [i, r] of got) results[i] = r;
        options.onWrite?.(stats);
      }
      // After the MERGEs: the ledger never claims rows that are not stored.
      await recordLedger(g, group.map((w, i) => ({ key: w.key, record: w.ledger, result: results[i] })));
      return results;
    },

    ledger: (query = {}) => readLedger(g, query),
    countRows: (table) => countRows(g, table),
    latestRow: (d) => latestRow(g, d, now()),
    periodCounts: (d, from, to) => periodCounts(g, d, from, to),
    coverageCounts: (d, from, to) => coverageCounts(g, d, from, to),
    meanSeries: (d, from, to, sq) => meanSeries(g, d, from, to, sq),
    duplicates: (table, worst, range) => duplicates(g, table, worst, range),
    duplicateCount: (table) => duplicateCount(g, table),
    keyAudit: (d, worst, range) => keyAudit(g, d, worst, range),
    sampleRows: (table, limit, range) => sampleRows(g, table, limit, range),
    repair: (table, req) => repairTable(g, table, req),
    restore: (table, backup, opts) => restoreTable(g, table, backup, opts?.force === true),
    async close() {
      const jobs = g.jobs.splice(0);
      if (jobs.length === 0) return;
      options.onClose?.({
        location: `${config.project}.${config.dataset}`,
        loadJobs: jobs.filter((j) => j.kind === 'load').length,
        queries: jobs.filter((j) => j.kind === 'query').length,
        bytesProcessed: jobs.reduce((n, j) => n + j.bytesProcessed, 0),
      });
    },
  };
}

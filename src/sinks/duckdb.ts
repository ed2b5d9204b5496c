// The embedded default store: one DuckDB file. A write group holds the file only while it writes:
// one transaction in which each window's rows go through DuckDB's bulk path (a CSV file read by
// read_csv, then an anti-join on `_hash_key` bounded by the window's dates) together with its
// ledger entry. Rows already stored are skipped, and a window lands whole or not at all.
// docs/storage.md has the measurements behind this choice (no primary key: 3-6x smaller files).
import type { DuckDBConnection } from '@duckdb/node-api';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DATASETS, type Column, type DatasetSpec } from '../core/datasets.js';
import { UsageError } from '../core/errors.js';
import { rowCount, type Store, type WindowKey, type WindowWrite, type WriteResult } from '../core/store.js';
import { resolveTable } from '../core/table.js';
import { toCsv } from './csv.js';
import { ensureLedger, readLedger, upsertLedger } from './duckdb-ledger.js';
import { failing, inTransaction, markSpent, openSession, useProfile, type Mode, type OpenOptions, type Session } from './duckdb-open.js';
import { fileSessions } from './duckdb-hold.js';
import { heavyTask, solo } from './duckdb-engine.js';
import { acquireScratch, type Scratch } from './duckdb-scratch.js';
import { countRows, duplicates, keySet, latestRow, periodCounts, sampleRows } from './duckdb-reads.js';
import { coverageCounts, duplicateCount, meanSeries } from './duckdb-health.js';
import { repairTable, type RepairStep } from './duckdb-repair.js';
import { keyAudit, restoreTable } from './duckdb-dedupe.js';
import { createTableIfMissing, describeTable, duckType, listTables, quoteIdent, tableExists } from './duckdb-schema.js';
import { makeDirs } from '../platform/dirs.js';

export interface DuckDbStoreOptions extends Partial<OpenOptions> {
  /** Test hook: called inside a write's transaction after a window's rows, before its ledger entry. */
  readonly afterRows?: (key: WindowKey) => void | Promise<void>;
  /** Test hook: called inside a write's transaction after its ledger entries, before the COMMIT. */
  readonly beforeCommit?: (keys: readonly WindowKey[]) => void | Promise<void>;
  /** Test hook: called inside a repair's transaction after each of its steps. */
  readonly afterRepairStep?: (step: RepairStep) => void | Promise<void>;
}

export const DEFAULT_WAIT_MS = 30_000;

/** The store at `path` (created on first write). Nothing is opened until a method needs the file. */
export async function openDuckDbStore(path: string, options: DuckDbStoreOptions = {}): Promise<Store> {
  try {
    await makeDirs(dirname(path));
  } catch (e) {
    throw new UsageError(`cannot create the folder for the store ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      hint: 'point --db or BMRS_DUCKDB_PATH at a writable location',
    });
  }
  const open: OpenOptions = { waitMs: options.waitMs ?? DEFAULT_WAIT_MS, onWait: options.onWait };
  const sessions = fileSessions(path, open);
  const session = <T>(mode: Mode, task: (c: DuckDBConnection) => Promise<T>): Promise<T> => sessions.use(mode, (c) => failing(path, task(c)));
  /** A store not made yet reads as empty (a read-only open would fail on a missing file). */
  const read = <T>(task: (c: DuckDBConnection) => Promise<T>, none: T): Promise<T> => (existsSync(path) ? session('read', task) : Promise.resolve(none));
  // Made now, so that a TMPDIR that cannot hold it stops the run before anything is fetched.
  let scratch: Scratch | undefined = acquireScratch();
  /** Tables written since this store's last checkpoint (checkpointIfHeavy). */
  const dirtyTables = new Set<string>();
  /** The store types of the columns `keySet` bounds by, per table (duckdb-reads.ts). */
  const boundsTypes = new Map<string, string>();
  let seq = 0;

  async function writeRows(c: DuckDBConnection, w: WindowWrite): Promise<WriteResult> {
    const count = rowCount(w);
    if (count === 0) return { inserted: 0, skipped: 0 };
    let file: string;
    let source: string;
    /** The source's parameters: its file, and a staged window's constants. */
    const scan: Record<string, string> = {};
    if (w.staged) {
      // Staged by the SQL transform: typed columns, cast to the table's own types; its constants
      // (StagedRows.constants) come as parameters, one value for every row.
      file = w.staged.path;
      const constants = w.staged.constants ?? {};
      const cell = (col: Column, i: number) => {
        if (!(col.name in constants)) return quoteIdent(col.name);
        scan[`k${i}`] = constants[col.name];
        return `$k${i}`;
      };
      source = `(SELECT ${w.columns.map((col, i) => `CAST(${cell(col, i)} AS ${duckType(col.type)}) AS ${quoteIdent(col.name)}`).join(', ')} FROM read_parquet($file))`;
    } else {
      scratch ??= acquireScratch();
      file = join(scratch.dir, `batch-${++seq}.csv`);
      await writeFile(file, toCsv(w.rows));
      const struct = w.columns.map((col) => `${quoteIdent(col.name)}: '${duckType(col.type)}'`).join(', ');
      // An 8 MB read buffer (DuckDB's default is 32 MB, four fifths of the store engine's limit on its own).
      source = `read_csv($file, header = false, auto_detect = false, quote = '"', escape = '"', allow_quoted_nulls = false, buffer_size = 8388608, columns = {${struct}})`;
    }
    const t = quoteIdent(w.table);
    scan.file = file;
    // Rows with equal _hash_key have equal content, so a stored duplicate shares the window's
    // bounds column (settlementDate): bounding the anti-join keeps its cost flat as the table grows.
    let stored = t;
    let bounds: Record<string, string> = {};
    if (w.bounds) {
      const type = duckType(w.columns.find((col) => col.name === w.bounds!.column)!.type);
      stored = `(SELECT _hash_key FROM ${t} WHERE ${quoteIdent(w.bounds.column)} BETWEEN CAST($lo AS ${type}) AND CAST($hi AS ${type}))`;
      bounds = { lo: w.bounds.min, hi: w.bounds.max };
    }
    const columns = w.columns.map((col) => quoteIdent(col.name)).join(', ');
    try {
      // No stored row within the bounds (a first load): no stored duplicate either, and the rows go
      // in without the anti-join. Its hash table of the window's rows left DuckDB a handle per block
      // until the engine closed (14 MB of the heap after three years), and its output came in hash
      // order; in the API's order the file stores times as runs, a quarter smaller
      // (docs/benchmarks.md, "Twelfth sitting").
      const found = w.bounds && (await c.runAndReadAll(`SELECT EXISTS (SELECT 1 FROM ${stored} stored) AS found`, bounds));
      const fresh = found?.getRowObjects()[0].found === false;
      const res = fresh
        ? await c.run(`INSERT INTO ${t} (${columns}) SELECT ${columns} FROM ${source} s`, scan)
        : await c.run(
            `INSERT INTO ${t} (${columns})
             SELECT ${w.columns.map((col) => `s.${quoteIdent(col.name)}`).join(', ')}
             FROM ${source} s
             ANTI JOIN ${stored} stored ON stored._hash_key = s._hash_key`,
            { ...scan, ...bounds },
          );
      return { inserted: res.rowsChanged, skipped: count - res.rowsChanged };
    } finally {
      // A staged file belongs to the transform, which removes it once the write has settled.
      if (!w.staged) await rm(file, { force: true });
    }
  }

  return {
    name: 'duckdb',
    location: path,
    capabilities: { parallelWrites: false, preferredRowsPerWrite: 250_000, transactions: true, readsStaged: true, fillStagedGroups: true },

    openTable: (d: DatasetSpec) =>
      // A table we cannot write is refused inside the transaction: nothing of this open remains.
      session('write', (c) =>
        inTransaction(c, async () => {
          const created = await createTableIfMissing(c, d);
          const table = resolveTable(d, d.table, await describeTable(c, d.table, d, true), created);
          await ensureLedger(c);
          return table;
        }),
      ),

    describeTable: (d) =>
      read(async (c) => ((await tableExists(c, d.table)) ? resolveTable(d, d.table, await describeTable(c, d.table, d, false), false) : null), null),

    write: (group) =>
      session('write', async (c) => {
        await useProfile(c, 'write');
        const results = await heavyTask('store', () => inTransaction(c, async () => {
          await ensureLedger(c);
          const out: WriteResult[] = [];
          for (const w of group) {
            out.push(await writeRows(c, w));
            await options.afterRows?.(w.key);
          }
          await upsertLedger(c, group.map((w, i) => ({ key: w.key, rec: w.ledger, result: out[i] })));
          await options.beforeCommit?.(group.map((w) => w.key));
          return out;
        }));
        for (const w of group) if (rowCount(w) > 0) dirtyTables.add(w.table);
        // After the commit: a checkpoint that fails (the pool full) must not fail a write whose rows
        // are stored; the WAL's own threshold checkpoints them later.
        const done = await checkpointIfHeavy(c, dirtyTables.size).catch((e: unknown) => {
          if (/invalidated/i.test((e as Error)?.message ?? '')) markSpent(c);
          return false;
        });
        if (done) dirtyTables.clear();
        return results;
      }),

    ledger: (q = {}) => read((c) => readLedger(c, q), []),
    keySet: (table, bounds) => read((c) => keySet(c, table, bounds, boundsTypes), { count: 0, xor: '0' }),
    listTables: () => read((c) => listTables(c), []),
    countRows: (table) => read((c) => countRows(c, table), null),
    latestRow: (d) => read((c) => latestRow(c, d), null),
    periodCounts: (d, from, to) => read((c) => periodCounts(c, d, from, to), []),
    coverageCounts: (d, from, to) => read((c) => coverageCounts(c, d, from, to), { periods: [], members: [] }),
    meanSeries: (d, from, to, q) => read((c) => meanSeries(c, d, from, to, q), []),
    duplicateCount: (table) => session('read', (c) => duplicateCount(c, table)),
    duplicates: (table, worst, range) => session('read', (c) => duplicates(c, table, worst, range)),
    keyAudit: (d, worst, range) => session('read', (c) => keyAudit(c, d, worst, range)),
    sampleRows: (table, limit, range) => session('read', (c) => sampleRows(c, table, limit, DATASETS.find((d) => d.table === table), range)),
    repair: (table, req) =>
      session('write', async (c) => {
        await useProfile(c, 'whole');
        return repairTable(c, table, req, options.afterRepairStep);
      }),
    restore: (table, backup, opts) =>
      session('write', async (c) => {
        await useProfile(c, 'whole');
        return restoreTable(c, table, backup, opts?.force === true);
      }),

    /** Lets go of the file and the scratch folder; the store opens them again if it is used again. */
    async close() {
      await sessions.release();
      scratch?.remove();
      scratch = undefined;
    },
  };
}

/** Opens the store read-only, so a query cannot change data; waits like any other open. */
export async function openDuckDbReadOnly(path: string, options: Partial<OpenOptions> = {}): Promise<Session> {
  return openSession(path, 'read', { waitMs: options.waitMs ?? DEFAULT_WAIT_MS, onWait: options.onWait }, true);
}

/**
 * Rows written since the last checkpoint stay in DuckDB's buffers (spilled at best) until DuckDB
 * checkpoints them (at 32 MB of WAL): a few rows into each of eighty tables (`--dataset all`) hold a
 * block per column each and exhaust the store engine's 40 MB limit long before that. Once more than
 * a few tables hold such rows, checkpoint when they pass 16 MB (`duckdb_memory()` is the store
 * engine's: its other attached files count too, at worst an early checkpoint). Not for one or a few
 * tables (a backfill): there a checkpoint every group or two rewrote the tail row group each time
 * and doubled the write's CPU (bench:stages, 6.3 against 13.9 µs a row), and the WAL threshold
 * keeps their rows within the limit.
 */
const IN_MEMORY_LIMIT = 16 * 1024 * 1024;
const FEW_TABLES = 4;
/** Checkpoints when `tables` (written since the last checkpoint) are many and their rows heavy; true when it did. */
async function checkpointIfHeavy(c: DuckDBConnection, tables: number): Promise<boolean> {
  if (tables <= FEW_TABLES) return false;
  const reader = await c.runAndReadAll("SELECT coalesce(sum(memory_usage_bytes), 0)::BIGINT FROM duckdb_memory() WHERE tag = 'IN_MEMORY_TABLE'");
  if (Number(reader.getRows()[0][0]) <= IN_MEMORY_LIMIT) return false;
  await solo(() => c.run('CHECKPOINT'));
  return true;
}

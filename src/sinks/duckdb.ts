// The embedded default sink: one DuckDB file. Each batch goes through DuckDB's native bulk path
// (a CSV file read by read_csv) and an anti-join on `_hash_key` bounded by the batch's date
// range, inside one transaction: rows already stored are skipped and a batch lands whole or not at
// all. storage.md has the measurements behind this choice (no primary key: 3-6x smaller files).
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DatasetSpec } from '../core/datasets.js';
import { DataError, TransientError, UsageError } from '../core/errors.js';
import type { Batch, Sink, WriteResult } from '../core/ports.js';
import { toCsv } from './csv.js';
import { duckType, quoteIdent, tableColumns } from './schema.js';

export interface DuckDbStore extends Sink {
  readonly connection: DuckDBConnection;
}

/** Opens (creating if needed) the store read-write. One writer per file: a second gets TransientError. */
export async function openDuckDbSink(path: string): Promise<DuckDbStore> {
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create the folder for the store ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      hint: 'point --db or BMRS_DUCKDB_PATH at a writable location',
    });
  }
  const instance = await openInstance(path, {});
  const connection = await instance.connect();
  const scratch = await mkdtemp(join(tmpdir(), 'bmrs-duckdb-'));
  let seq = 0;
  const ready = new Set<string>();

  return {
    name: 'duckdb',
    connection,
    async ensureTable(d: DatasetSpec) {
      if (ready.has(d.code)) return;
      const cols = tableColumns(d);
      const defs = cols.map((c) => `${quoteIdent(c.name)} ${duckType(c.type)}`).join(', ');
      await connection.run(`CREATE TABLE IF NOT EXISTS ${quoteIdent(d.table)} (${defs})`);
      const existing = await connection.runAndReadAll(
        `SELECT column_name FROM information_schema.columns WHERE table_name = $t`,
        { t: d.table },
      );
      const have = new Set(existing.getRows().map((r) => String(r[0])));
      const missing = cols.filter((c) => !have.has(c.name)).map((c) => c.name);
      if (missing.length) {
        throw new DataError(`table ${d.table} in ${path} lacks column(s) ${missing.join(', ')}`, {
          hint: 'bmrs never alters an existing table; point --db at a new file or add the columns yourself',
        });
      }
      ready.add(d.code);
    },
    async write(batch: Batch): Promise<WriteResult> {
      if (batch.rows.length === 0) return { inserted: 0, skipped: 0 };
      const d = batch.window.dataset;
      const cols = batch.columns;
      const file = join(scratch, `batch-${++seq}.csv`);
      await writeFile(file, toCsv(batch.rows));
      const names = cols.map((c) => quoteIdent(c.name)).join(', ');
      const struct = cols.map((c) => `${quoteIdent(c.name)}: '${duckType(c.type)}'`).join(', ');
      const t = quoteIdent(d.table);
      const params: Record<string, string> = { file };
      // Rows with equal _hash_key have equal content, so a stored duplicate shares the batch's
      // bounds column (settlementDate): bounding the anti-join keeps its cost flat as the table grows.
      let stored = t;
      if (batch.bounds) {
        const col = cols.find((c) => c.name === batch.bounds!.column)!;
        const type = duckType(col.type);
        stored = `(SELECT _hash_key FROM ${t} WHERE ${quoteIdent(col.name)} BETWEEN CAST($lo AS ${type}) AND CAST($hi AS ${type}))`;
        params.lo = String(batch.bounds.min);
        params.hi = String(batch.bounds.max);
      }
      try {
        await connection.run('BEGIN TRANSACTION');
        const res = await connection.run(
          `INSERT INTO ${t} (${names}) SELECT ${cols.map((c) => `s.${quoteIdent(c.name)}`).join(', ')}
           FROM read_csv($file, header = false, auto_detect = false, quote = '"', escape = '"', allow_quoted_nulls = false, columns = {${struct}}) s
           ANTI JOIN ${stored} stored ON stored._hash_key = s._hash_key`,
          params,
        );
        await connection.run('COMMIT');
        return { inserted: res.rowsChanged, skipped: batch.rows.length - res.rowsChanged };
      } catch (e) {
        await connection.run('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        await rm(file, { force: true });
      }
    },
    async close() {
      connection.closeSync();
      instance.closeSync();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** Opens the store read-only, so a query cannot change data. */
export async function openDuckDbReadOnly(path: string): Promise<{ connection: DuckDBConnection; close(): void }> {
  // No external access either: COPY ... TO or read_csv cannot reach the file system from a query.
  const instance = await openInstance(path, { access_mode: 'READ_ONLY', enable_external_access: 'false' });
  const connection = await instance.connect();
  return { connection, close: () => (connection.closeSync(), instance.closeSync()) };
}

async function openInstance(path: string, options: Record<string, string>): Promise<DuckDBInstance> {
  try {
    return await DuckDBInstance.create(path, options);
  } catch (e) {
    const msg = (e as Error).message;
    if (/Conflicting lock|Could not set lock/i.test(msg)) {
      const pid = /PID (\d+)/.exec(msg)?.[1];
      throw new TransientError(`the store ${path} is in use by another process${pid ? ` (PID ${pid})` : ''}`, {
        hint: 'another bmrs run is writing; this run changed nothing, try again when it has finished',
      });
    }
    if (options.access_mode === 'READ_ONLY' && /No such file|does not exist|Cannot open/i.test(msg)) {
      throw new UsageError(`there is no store at ${path}`, { hint: 'run bmrs ingest first, or point --db / BMRS_DUCKDB_PATH at your store' });
    }
    if (/Is a directory|not a valid DuckDB database|Permission denied|Read-only file system|Cannot open file/i.test(msg)) {
      throw new UsageError(`cannot open ${path} as a DuckDB store: ${msg.split('\n')[0]}`, {
        hint: 'point --db or BMRS_DUCKDB_PATH at a DuckDB file (it is created if missing)',
      });
    }
    throw e;
  }
}

// The embedded default sink: one DuckDB file. Each batch goes through DuckDB's native bulk path
// (an NDJSON file read by read_json) and an anti-join on `_hash_key` bounded by the batch's date
// range, inside one transaction: rows already stored are skipped and a batch lands whole or not at
// all. storage.md has the measurements behind this choice (no primary key: 3-6x smaller files).
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DatasetSpec } from '../core/datasets.js';
import { DataError, TransientError, UsageError } from '../core/errors.js';
import type { Batch, Sink, StoredRow, WriteResult } from '../core/ports.js';
import { duckType, quoteIdent, tableColumns } from './schema.js';

export interface DuckDbStore extends Sink {
  readonly connection: DuckDBConnection;
}

/** Opens (creating if needed) the store read-write. One writer per file: a second gets TransientError. */
export async function openDuckDbSink(path: string): Promise<DuckDbStore> {
  await mkdir(dirname(path), { recursive: true });
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
      const file = join(scratch, `batch-${++seq}.ndjson`);
      await writeFile(file, toNdjson(cols.map((c) => c.name), batch.rows));
      const names = cols.map((c) => quoteIdent(c.name)).join(', ');
      const struct = cols.map((c) => `${quoteIdent(c.name)}: '${duckType(c.type)}'`).join(', ');
      const t = quoteIdent(d.table);
      const params: Record<string, string> = { file };
      let bound = '';
      if (batch.bounds) {
        const col = cols.find((c) => c.name === batch.bounds!.column)!;
        bound = ` AND t.${quoteIdent(col.name)} BETWEEN CAST($lo AS ${duckType(col.type)}) AND CAST($hi AS ${duckType(col.type)})`;
        params.lo = String(batch.bounds.min);
        params.hi = String(batch.bounds.max);
      }
      try {
        await connection.run('BEGIN TRANSACTION');
        const res = await connection.run(
          `INSERT INTO ${t} (${names}) SELECT ${names} FROM read_json($file, format = 'newline_delimited', columns = {${struct}}) s
           WHERE NOT EXISTS (SELECT 1 FROM ${t} t WHERE t._hash_key = s._hash_key${bound})`,
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
  const instance = await openInstance(path, { access_mode: 'READ_ONLY' });
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
    throw e;
  }
}

/** NDJSON for read_json. Strings that need no escaping skip JSON.stringify (most of them). */
function toNdjson(names: readonly string[], rows: readonly StoredRow[]): string {
  const keys = names.map((n, i) => `${i ? ',' : '{'}${JSON.stringify(n)}:`);
  const parts: string[] = [];
  for (const row of rows) {
    for (let i = 0; i < keys.length; i++) {
      const v = row[i];
      parts.push(keys[i], v === null || v === undefined ? 'null' : typeof v === 'string' ? jsonString(v) : String(v));
    }
    parts.push('}\n');
  }
  return parts.join('');
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029]/;

function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

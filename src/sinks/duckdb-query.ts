// Read-only SQL for `bmrs query`: one statement, its result read chunk by chunk (about 2,048 rows
// each) so that memory stays flat whatever the size of the result.
import type { DuckDBConnection, DuckDBDataChunk, DuckDBResult } from '@duckdb/node-api';
import { duckdb } from './duckdb-driver.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { UsageError } from '../core/errors.js';
import type { OpenOptions } from './duckdb-open.js';
import { openDuckDbReadOnly } from './duckdb.js';

/** A value as JSON would carry it (LIST and STRUCT values arrive as arrays and objects). */
export type QueryValue = string | number | boolean | null | QueryValue[] | { [key: string]: QueryValue };

/** One chunk of the result; `rows()` converts it, so a caller that only counts rows converts nothing. */
export interface QueryChunk {
  readonly rowCount: number;
  rows(): QueryValue[][];
}

export interface QueryStream {
  readonly columns: readonly string[];
  /** The chunks in order; each is read from DuckDB only when asked for. */
  chunks(): AsyncIterable<QueryChunk>;
  close(): void;
}

// Each chunk's native memory (about 100 KB) is freed only when V8 collects its small JS wrapper,
// and V8 does not count that memory: reading 30 million rows while converting few of them (the
// table counts the rows it leaves out) grew RSS to 500 MB. A young-generation collection every
// 32 chunks (about 65,000 rows, well under a millisecond) keeps it flat at about 100 MB.
const CHUNKS_PER_COLLECTION = 32;
const collectChunks = exposeGc();

function exposeGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as ((o?: { type: 'minor' | 'major' }) => void) | undefined;
    return gc && (() => gc({ type: 'minor' }));
  } catch {
    return undefined;
  }
}

const INTEGER_TYPES = new Set(['BIGINT', 'HUGEINT', 'UBIGINT', 'UHUGEINT']);

/** Opens the store read-only and starts one statement; the caller reads the chunks and closes. */
export async function streamQuery(path: string, sql: string, open: Partial<OpenOptions> = {}): Promise<QueryStream> {
  const session = await openDuckDbReadOnly(path, open);
  const { connection } = session;
  // Closing a read-only instance does its work at once; a failure to close it changes nothing stored.
  const close = () => void session.close().catch(() => undefined);
  try {
    const result = await start(connection, sql);
    // DuckDB's JSON form writes 64-bit integers as strings; counts and MW values read better as
    // numbers, so convert them wherever no digit is lost.
    const wide = result.columnTypes().map((t) => INTEGER_TYPES.has(t.toString()));
    return { columns: result.columnNames(), chunks: () => readChunks(connection, sql, result, wide), close };
  } catch (e) {
    close();
    throw e;
  }
}

/** The whole result in memory: for tests and small lookups, never for `bmrs query` output. */
export async function runQuery(path: string, sql: string): Promise<{ columns: string[]; rows: QueryValue[][] }> {
  const q = await streamQuery(path, sql);
  try {
    const rows: QueryValue[][] = [];
    for await (const chunk of q.chunks()) for (const r of chunk.rows()) rows.push(r);
    return { columns: [...q.columns], rows };
  } finally {
    q.close();
  }
}

async function start(connection: DuckDBConnection, sql: string): Promise<DuckDBResult> {
  let count: number;
  let statements;
  try {
    statements = await connection.extractStatements(sql);
    count = statements.count;
  } catch (e) {
    // Only whitespace, comments or ';' leave DuckDB nothing to extract, and its binding then
    // reports a bare native error; a syntax error comes as "Failed to extract statements: ...".
    const msg = (e as Error).message;
    if (!/^Failed to extract statements: /.test(msg)) {
      throw new UsageError('no SQL statement given', { hint: 'bmrs query "SELECT count(*) FROM bmrs_fuelinst"' });
    }
    throw queryError(new Error(msg.replace(/^Failed to extract statements: /, '')));
  }
  if (count !== 1) {
    throw new UsageError(`bmrs query runs one statement at a time; this SQL holds ${count}`, {
      hint: 'run each statement with its own bmrs query, or combine them into one SELECT',
    });
  }
  try {
    const prepared = await statements.prepare(0);
    try {
      return await prepared.stream();
    } finally {
      prepared.destroySync();
    }
  } catch (e) {
    throw queryError(e);
  }
}

async function* readChunks(connection: DuckDBConnection, sql: string, result: DuckDBResult, wide: boolean[]): AsyncGenerator<QueryChunk> {
  let rows = 0;
  for (let n = 1; ; n++) {
    let chunk: DuckDBDataChunk | null;
    try {
      chunk = await result.fetchChunk();
    } catch (e) {
      throw queryError(e);
    }
    if (!chunk || chunk.rowCount === 0) break;
    const c = chunk;
    rows += c.rowCount;
    yield { rowCount: c.rowCount, rows: () => convert(c, wide) };
    if (n % CHUNKS_PER_COLLECTION === 0) collectChunks?.();
  }
  // A streamed result that fails part-way (a bad cast in row 500,001) ends like one that is
  // complete: the driver returns an empty chunk and does not pass on the error. Only the result's
  // type, INVALID once it has failed, tells the two apart.
  if (result.returnType === duckdb.ResultReturnType.INVALID) throw await failedPartWay(connection, sql, rows);
}

/** The reason, found by running the statement again into one aggregate row (constant memory). */
async function failedPartWay(connection: DuckDBConnection, sql: string, rows: number): Promise<UsageError> {
  const where = `after ${rows.toLocaleString('en-GB')} rows`;
  try {
    await connection.run(`SELECT count(*) FROM (${sql.replace(/;\s*$/, '')}\n) AS t WHERE hash(t) IS NOT NULL`);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    if (!/^(Parser|Binder) Error/.test(msg)) return new UsageError(`query failed ${where}: ${msg}`, { hint: 'the output before the failure is incomplete' });
  }
  return new UsageError(`query failed ${where} (DuckDB did not say why)`, { hint: 'the output before the failure is incomplete' });
}

function convert(chunk: DuckDBDataChunk, wide: boolean[]): QueryValue[][] {
  const rows = chunk.convertRows(duckdb.JsonDuckDBValueConverter) as QueryValue[][];
  for (const r of rows) {
    for (let i = 0; i < r.length; i++) {
      const v = r[i];
      if (wide[i] && typeof v === 'string' && Number.isSafeInteger(Number(v))) r[i] = Number(v);
    }
  }
  return rows;
}

function queryError(e: unknown): UsageError {
  const msg = (e as Error).message;
  if (/read-only mode/i.test(msg)) {
    return new UsageError('bmrs query opens the store read-only and cannot change data', { hint: 'use bmrs ingest to load data' });
  }
  return new UsageError(`query failed: ${msg.split('\n')[0]}`, { hint: 'bmrs datasets lists the tables (bmrs_<code>)' });
}

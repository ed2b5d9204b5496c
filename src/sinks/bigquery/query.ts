// `bmrs query` on BigQuery: one read-only statement (a dry run first: anything but a SELECT is
// refused before it runs, as the DuckDB store opens its file read-only), its result read page by
// page (10,000 rows each) so memory stays flat; values in the same JSON-ready forms as DuckDB's.
import type { BigQueryConfig } from '../../core/bigquery-config.js';
import { UsageError } from '../../core/errors.js';
import type { QueryChunk, QueryStream, QueryValue } from '../duckdb-query.js';
import { makeClient } from './client.js';
import { bqError, reasons } from './errors.js';

interface RawField {
  name: string;
  type: string;
  mode?: string;
  fields?: RawField[];
}
type RawCell = { v: unknown };

const PAGE = 10_000;

function value(v: unknown, f: RawField): QueryValue {
  if (v === null || v === undefined) return null;
  if (f.mode === 'REPEATED') return (v as RawCell[]).map((x) => value(x.v, { ...f, mode: 'NULLABLE' }));
  if (f.type === 'RECORD' || f.type === 'STRUCT') {
    const cells = (v as { f: RawCell[] }).f;
    return Object.fromEntries((f.fields ?? []).map((sub, i) => [sub.name, value(cells[i]?.v, sub)]));
  }
  const text = String(v);
  switch (f.type) {
    case 'INTEGER':
    case 'INT64':
      return Number.isSafeInteger(Number(text)) ? Number(text) : text;
    case 'FLOAT':
    case 'FLOAT64':
      return Number(text);
    case 'BOOLEAN':
    case 'BOOL':
      return text === 'true';
    case 'TIMESTAMP': {
      const micros = BigInt(text);
      const ms = Number(micros / 1000n);
      const frac = String(micros % 1_000_000n).padStart(6, '0');
      return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}${frac === '000000' ? '' : `.${frac}`}+00`;
    }
    case 'DATETIME':
      return text.replace('T', ' ');
    default:
      return text;
  }
}

export async function streamBigQuery(config: BigQueryConfig, sql: string): Promise<QueryStream> {
  const bq = await makeClient(config);
  try {
    const base = { query: sql, useLegacySql: false, location: config.location, defaultDataset: { projectId: config.project, datasetId: config.dataset } };
    const [dry] = await bq.createQueryJob({ ...base, dryRun: true });
    const type = (dry.metadata?.statistics?.query as { statementType?: string } | undefined)?.statementType;
    if (type !== 'SELECT') {
      throw new UsageError(`bmrs query runs only a SELECT on BigQuery, got ${type ?? 'an unknown statement'}`, { hint: 'a query cannot change data; use the BigQuery console or bq for anything else' });
    }
    const [job] = await bq.createQueryJob(base);
    await job.promise();
    const first = await job.getQueryResults({ autoPaginate: false, skipParsing: true, maxResults: PAGE });
    const fields = ((first[2] as { schema?: { fields?: RawField[] } } | undefined)?.schema?.fields ?? []) as RawField[];
    async function* chunks(): AsyncIterable<QueryChunk> {
      let page: unknown = first;
      for (;;) {
        const [rows, next] = page as [{ f: RawCell[] }[], { pageToken?: string } | null];
        const list = rows ?? [];
        yield { rowCount: list.length, rows: () => list.map((r) => r.f.map((c, i) => value(c.v, fields[i]))) };
        if (!next?.pageToken) return;
        page = await job.getQueryResults({ ...next, autoPaginate: false, skipParsing: true, maxResults: PAGE });
      }
    }
    return { columns: fields.map((f) => f.name), chunks, close: () => undefined };
  } catch (e) {
    // The user's SQL, not ours: an invalid statement is theirs to fix (exit 2), as on DuckDB.
    if (reasons(e).some((r) => r === 'invalidQuery' || r === 'invalid')) throw new UsageError(`the query failed: ${String((e as Error).message).split('\n')[0]}`);
    throw bqError(e, 'running the query');
  }
}

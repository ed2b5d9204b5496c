// The fake BigQuery's storage and SQL: tables live in an in-memory DuckDB (one schema per dataset),
// their BigQuery metadata (schema with modes, partitioning, clustering) beside them. GoogleSQL is
// rewritten into DuckDB's dialect for the constructs the store emits; anything else fails loudly,
// as an unknown construct should. The real check of the GoogleSQL is ZetaSQL's (test/support/zetasql.ts).
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';

export interface FakeField {
  name: string;
  type: string;
  mode?: string;
  description?: string;
  policyTags?: { names: string[] };
}

export interface FakeTable {
  fields: FakeField[];
  timePartitioning?: { type: string; field?: string };
  clustering?: { fields: string[] };
  expirationTime?: string;
  description?: string;
  /** Bumped by each schema patch; a patch whose If-Match differs fails 412. */
  etag?: number;
}

const TO_DUCK: Record<string, string> = {
  STRING: 'VARCHAR', INTEGER: 'BIGINT', INT64: 'BIGINT', FLOAT: 'DOUBLE', FLOAT64: 'DOUBLE', BOOLEAN: 'BOOLEAN', BOOL: 'BOOLEAN',
  DATE: 'DATE', DATETIME: 'TIMESTAMP', TIMESTAMP: 'TIMESTAMPTZ', NUMERIC: 'DECIMAL(38,9)', JSON: 'JSON',
};

export function duckTypeOf(f: FakeField): string {
  const base = TO_DUCK[f.type];
  if (!base) throw new Error(`the fake has no type ${f.type}`);
  return f.mode === 'REPEATED' ? `${base}[]` : base;
}

function bqTypeOf(duck: string): FakeField {
  if (duck.endsWith('[]')) return { ...bqTypeOf(duck.slice(0, -2)), mode: 'REPEATED' };
  if (duck === 'VARCHAR') return { name: '', type: 'STRING' };
  if (/INT|HUGEINT/.test(duck)) return { name: '', type: 'INTEGER' };
  if (duck === 'DOUBLE' || duck === 'FLOAT' || duck.startsWith('DECIMAL')) return { name: '', type: 'FLOAT' };
  if (duck === 'BOOLEAN') return { name: '', type: 'BOOLEAN' };
  if (duck === 'DATE') return { name: '', type: 'DATE' };
  if (duck === 'TIMESTAMP') return { name: '', type: 'DATETIME' };
  if (duck === 'TIMESTAMP WITH TIME ZONE') return { name: '', type: 'TIMESTAMP' };
  return { name: '', type: 'STRING' };
}

const MACROS = [
  `CREATE MACRO timestamp_millis(x) AS make_timestamptz(CAST(x AS BIGINT) * 1000)`,
  `CREATE MACRO unix_millis(x) AS epoch_ms(x)`,
  `CREATE MACRO farm_fingerprint(x) AS hash(x)`,
  `CREATE MACRO regexp_contains(s, p) AS regexp_matches(s, p)`,
  `CREATE MACRO bq_date(x) AS CAST(x AS DATE)`,
];

/** A statement of the store's GoogleSQL in DuckDB's dialect, and the layout a CREATE TABLE asked for. */
export function translate(sql: string, dataset: string): { sql: string; layout?: { partition?: string; clustering?: string[] } } {
  let out = sql.replace(/`([^`.]+)\.([^`.]+)\.([^`]+)`/g, (_, _p, d: string, t: string) => `"${d}"."${t}"`).replace(/`([^`]+)`/g, '"$1"');
  let layout: { partition?: string; clustering?: string[] } | undefined;
  const create = /^CREATE TABLE (\S+)((?:\s+PARTITION BY .+?)?(?:\s+CLUSTER BY .+?)?(?:\s+OPTIONS \(.*?\))?) AS\n/s.exec(out);
  if (create) {
    const part = /PARTITION BY (?:DATE\()?"?(\w+)"?\)?/.exec(create[2])?.[1];
    const clus = /CLUSTER BY (.+?)(?:\s+OPTIONS|$)/s.exec(create[2])?.[1];
    layout = { partition: part, clustering: clus?.split(',').map((s) => s.trim().replace(/"/g, '')) };
    out = `CREATE TABLE ${create[1]} AS\n${out.slice(create[0].length)}`;
  }
  out = out
    .replace(/\*\s+EXCEPT\s*\(/g, '* EXCLUDE (')
    .replace(/\bTIMESTAMP '/g, "TIMESTAMPTZ '")
    .replace(/\bDATETIME '/g, "TIMESTAMP '")
    .replace(/\bAS INT64\)/g, 'AS BIGINT)')
    .replace(/\bAS FLOAT64\)/g, 'AS DOUBLE)')
    .replace(/\bDATE\(/g, 'bq_date(');
  void dataset;
  return { sql: out, layout };
}

export interface ResultSet {
  fields: FakeField[];
  rows: { f: { v: unknown }[] }[];
}

/** A DuckDB value in the REST API's JSON form (TIMESTAMP as int64 microseconds: the client asks for useInt64Timestamp). */
function restValue(v: DuckDBValue, f: FakeField): unknown {
  if (v === null) return null;
  if (f.mode === 'REPEATED') return ((v as { items: DuckDBValue[] }).items ?? []).map((x) => ({ v: restValue(x, { ...f, mode: 'NULLABLE' }) }));
  if (f.type === 'TIMESTAMP') return String((v as { micros: bigint }).micros);
  if (f.type === 'DATETIME') return String(v).replace(' ', 'T');
  if (f.type === 'FLOAT') return String(Number(v));
  return String(v);
}

export class Engine {
  private constructor(
    readonly conn: DuckDBConnection,
    private readonly instance: DuckDBInstance,
  ) {}

  readonly tables = new Map<string, FakeTable>();

  static async create(): Promise<Engine> {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    await conn.run(`SET TimeZone = 'UTC'`);
    for (const m of MACROS) await conn.run(m);
    return new Engine(conn, instance);
  }

  key = (dataset: string, table: string) => `${dataset}.${table}`;

  /** The dataset as a schema, also the default one (a query's `defaultDataset`). */
  async ensureDataset(dataset: string): Promise<void> {
    await this.conn.run(`CREATE SCHEMA IF NOT EXISTS "${dataset}"`);
    await this.conn.run(`SET schema = '${dataset}'`);
  }

  async createTable(dataset: string, table: string, meta: FakeTable): Promise<void> {
    await this.conn.run(`CREATE TABLE "${dataset}"."${table}" (${meta.fields.map((f) => `"${f.name}" ${duckTypeOf(f)}`).join(', ')})`);
    this.tables.set(this.key(dataset, table), meta);
  }

  async dropTable(dataset: string, table: string): Promise<void> {
    await this.conn.run(`DROP TABLE IF EXISTS "${dataset}"."${table}"`);
    this.tables.delete(this.key(dataset, table));
  }

  async numRows(dataset: string, table: string): Promise<number> {
    return Number((await this.conn.runAndReadAll(`SELECT count(*) FROM "${dataset}"."${table}"`)).getRows()[0][0]);
  }

  /** Fields of a table made by a statement, from DuckDB's column types. */
  async fieldsOf(dataset: string, table: string): Promise<FakeField[]> {
    const r = await this.conn.runAndReadAll(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '${dataset}' AND table_name = '${table}' ORDER BY ordinal_position`,
    );
    return r.getRows().map(([n, t]) => ({ ...bqTypeOf(String(t)), name: String(n), mode: bqTypeOf(String(t)).mode ?? 'NULLABLE' }));
  }

  async select(sql: string): Promise<ResultSet> {
    const r = await this.conn.runAndReadAll(sql);
    const fields = r.columnNames().map((name, i) => ({ ...bqTypeOf(r.columnTypes()[i].toString()), name, mode: bqTypeOf(r.columnTypes()[i].toString()).mode ?? 'NULLABLE' }));
    return { fields, rows: r.getRows().map((row) => ({ f: row.map((v, i) => ({ v: restValue(v, fields[i]) })) })) };
  }

  async run(sql: string): Promise<number> {
    return (await this.conn.run(sql)).rowsChanged;
  }

  /** Appends NDJSON rows to a table (a load job), typed by the table's schema. */
  async loadJson(dataset: string, table: string, file: string, truncate: boolean): Promise<number> {
    const meta = this.tables.get(this.key(dataset, table))!;
    const cols = meta.fields.map((f) => `"${f.name}": '${duckTypeOf(f)}'`).join(', ');
    await this.conn.run('BEGIN TRANSACTION');
    try {
      if (truncate) await this.conn.run(`DELETE FROM "${dataset}"."${table}"`);
      const r = await this.conn.run(`INSERT INTO "${dataset}"."${table}" BY NAME SELECT * FROM read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited', columns = {${cols}})`);
      await this.conn.run('COMMIT');
      return r.rowsChanged;
    } catch (e) {
      await this.conn.run('ROLLBACK');
      throw e;
    }
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

// A fake BigQuery REST server on 127.0.0.1 (port 0) for the real `@google-cloud/bigquery` client:
// the routes and response fields /work/shared/docs/storage.md lists, every request recorded, every
// statement recorded with the tables it could see (for ZetaSQL), and fault switches. Jobs run at
// once and answer DONE, so the client's polling ends; tests still run under a timeout.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { err, multipart, readBody, send } from './http.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, translate, type FakeField, type FakeTable, type ResultSet } from './engine.js';
import { bytesProcessed } from './bytes.js';
import { runCopy, validateLayout } from './tables.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** Whether an Authorization header came with it (its value is not kept). */
  authorized: boolean;
  /** The If-Match header (an etag), when sent. */
  ifMatch?: string;
}

export interface RecordedStatement {
  sql: string;
  jobId: string;
  bytesProcessed: number;
  /** The dataset's tables and their fields when the statement ran (the catalog ZetaSQL analyses it against). */
  tables: Record<string, FakeField[]>;
}

export type Fault =
  | { kind: 'load-error'; message: string }
  | { kind: 'job-insert-409' }
  | { kind: 'merge-concurrent-update' }
  | { kind: 'quota-403' }
  /** The next job whose query starts with `sql` (any job without it) answers RUNNING to its insert, then 503 to the first jobs.get; it has run. */
  | { kind: 'job-running-then-503'; sql?: string };

interface Job {
  resource: Record<string, unknown>;
  result?: ResultSet;
  affected?: number;
}

export interface FakeBigQuery {
  readonly url: string;
  readonly project: string;
  readonly dataset: string;
  readonly requests: RecordedRequest[];
  readonly statements: RecordedStatement[];
  readonly engine: Engine;
  /** Queues a fault for the next request it applies to. */
  fault(f: Fault): void;
  close(): Promise<void>;
}

export async function startFakeBigQuery(options: { project?: string; dataset?: string; location?: string; datasetExists?: boolean } = {}): Promise<FakeBigQuery> {
  const project = options.project ?? 'bmrs-test-project';
  const dataset = options.dataset ?? 'uk_energy_prod';
  const location = options.location ?? 'EU';
  const engine = await Engine.create();
  if (options.datasetExists !== false) await engine.ensureDataset(dataset);
  const tmp = await mkdtemp(join(tmpdir(), 'fake-bq-'));
  const requests: RecordedRequest[] = [];
  const statements: RecordedStatement[] = [];
  const faults: Fault[] = [];
  const jobs = new Map<string, Job>();
  const flaky = new Set<string>();
  let seq = 0;

  const takeFault = (kind: Fault['kind'], applies: (f: Fault) => boolean = () => true): Fault | undefined => {
    const i = faults.findIndex((f) => f.kind === kind && applies(f));
    return i < 0 ? undefined : faults.splice(i, 1)[0];
  };
  const tableMeta = (name: string) => engine.tables.get(engine.key(dataset, name));
  const resource = (name: string, meta: FakeTable, numRows: number) => ({
    kind: 'bigquery#table', id: `${project}:${dataset}.${name}`, tableReference: { projectId: project, datasetId: dataset, tableId: name },
    schema: { fields: meta.fields }, timePartitioning: meta.timePartitioning, clustering: meta.clustering, expirationTime: meta.expirationTime,
    description: meta.description, numRows: String(numRows), location, etag: `etag-${meta.etag ?? 1}`,
  });
  const snapshot = () => Object.fromEntries([...engine.tables].filter(([k]) => k.startsWith(`${dataset}.`)).map(([k, m]) => [k.slice(dataset.length + 1), m.fields.map((f) => ({ ...f }))]));

  function jobResource(id: string, configuration: unknown, error?: { reason: string; message: string }, stats: Record<string, unknown> = {}) {
    const now = String(Date.now());
    return {
      kind: 'bigquery#job', id: `${project}:${location}.${id}`, jobReference: { projectId: project, jobId: id, location }, configuration,
      status: { state: 'DONE', ...(error ? { errorResult: error, errors: [error] } : {}) },
      statistics: { creationTime: now, startTime: now, endTime: now, ...stats },
    };
  }

  async function runQuery(id: string, sql: string): Promise<Job> {
    const t = translate(sql, dataset);
    const tables = snapshot();
    const { bytes } = await bytesProcessed(engine, dataset, sql);
    statements.push({ sql, jobId: id, bytesProcessed: bytes, tables });
    const config = { query: { query: sql, useLegacySql: false } };
    if (/^MERGE/.test(sql) && takeFault('merge-concurrent-update')) {
      return { resource: jobResource(id, config, { reason: 'invalidQuery', message: `Could not serialize access to table ${project}:${dataset} due to concurrent update` }) };
    }
    try {
      const stats = (extra: Record<string, unknown>) => ({ totalBytesProcessed: String(bytes), query: { totalBytesProcessed: String(bytes), totalBytesBilled: String(Math.max(bytes, bytes > 0 ? 10 << 20 : 0)), ...extra } });
      if (/^(SELECT|WITH)\b/.test(sql)) {
        const result = await engine.select(t.sql);
        return { resource: jobResource(id, config, undefined, stats({ statementType: 'SELECT' })), result };
      }
      const affected = await engine.run(t.sql);
      const created = /^CREATE TABLE "(\w+)"\."(\w+)"/.exec(t.sql);
      if (created) {
        const meta: FakeTable = { fields: await engine.fieldsOf(created[1], created[2]) };
        if (t.layout?.partition) meta.timePartitioning = { type: 'DAY', field: t.layout.partition };
        if (t.layout?.clustering) meta.clustering = { fields: t.layout.clustering };
        const bad = validateLayout(meta);
        if (bad) {
          await engine.dropTable(created[1], created[2]);
          return { resource: jobResource(id, config, { reason: 'invalid', message: bad }) };
        }
        engine.tables.set(engine.key(created[1], created[2]), meta);
      }
      const type = sql.split(/\s/)[0];
      return { resource: jobResource(id, config, undefined, stats({ statementType: type, numDmlAffectedRows: String(affected) })), affected, result: { fields: [], rows: [] } };
    } catch (e) {
      return { resource: jobResource(id, config, { reason: 'invalidQuery', message: (e as Error).message.split('\n')[0] }) };
    }
  }

  async function insertJob(id: string, configuration: Record<string, unknown>, data?: Buffer): Promise<Job> {
    if (configuration.dryRun && configuration.query) {
      const sql = String((configuration.query as { query: string }).query).trim();
      const first = sql.split(/\s/)[0].toUpperCase();
      const statementType = first === 'WITH' ? 'SELECT' : first === 'CREATE' ? 'CREATE_TABLE_AS_SELECT' : first;
      return { resource: jobResource(id, configuration, undefined, { query: { statementType, totalBytesProcessed: String((await bytesProcessed(engine, dataset, sql)).bytes) } }) };
    }
    if (configuration.query) return runQuery(id, String((configuration.query as { query: string }).query));
    if (configuration.copy) {
      const error = await runCopy(engine, dataset, configuration.copy as never);
      return { resource: jobResource(id, configuration, error ?? undefined) };
    }
    const load = configuration.load as { destinationTable: { tableId: string }; writeDisposition?: string };
    const fault = takeFault('load-error');
    if (fault && fault.kind === 'load-error') return { resource: jobResource(id, configuration, { reason: 'invalid', message: fault.message }) };
    const table = load.destinationTable.tableId;
    if (!tableMeta(table)) return { resource: jobResource(id, configuration, { reason: 'notFound', message: `Not found: Table ${project}:${dataset}.${table}` }) };
    const file = join(tmp, `load-${++seq}.ndjson`);
    await writeFile(file, data ?? Buffer.alloc(0));
    try {
      const n = await engine.loadJson(dataset, table, file, load.writeDisposition === 'WRITE_TRUNCATE');
      return { resource: jobResource(id, configuration, undefined, { load: { outputRows: String(n), inputFileBytes: String(data?.length ?? 0) } }) };
    } catch (e) {
      return { resource: jobResource(id, configuration, { reason: 'invalid', message: (e as Error).message.split('\n')[0] }) };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const upload = url.pathname.startsWith('/upload/');
    const parsed = upload ? multipart(raw, String(req.headers['content-type'])) : null;
    const body = parsed ? { meta: parsed.meta, bytes: parsed.data.length } : raw.length ? (JSON.parse(raw.toString('utf8')) as unknown) : null;
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body, authorized: /^Bearer \S+/.test(String(req.headers.authorization ?? '')), ...(req.headers['if-match'] ? { ifMatch: String(req.headers['if-match']) } : {}) });
    const base = `/bigquery/v2/projects/${project}`;
    const path = url.pathname.replace(/^\/upload/, '');
    if (!path.startsWith(base)) return err(res, 404, 'notFound', `Not found: Project ${path}`);
    const rest = path.slice(base.length);
    const isJobInsert = req.method === 'POST' && rest === '/jobs';
    if (isJobInsert && takeFault('quota-403')) return err(res, 403, 'quotaExceeded', 'Quota exceeded: Your table exceeded quota for imports or query appends per table');
    let m: RegExpExecArray | null;
    if ((m = /^\/datasets\/([^/]+)$/.exec(rest))) {
      if (m[1] !== dataset || !(await datasetExists())) return err(res, 404, 'notFound', `Not found: Dataset ${project}:${m[1]}`);
      return send(res, 200, { kind: 'bigquery#dataset', datasetReference: { projectId: project, datasetId: dataset }, location });
    }
    if ((m = /^\/datasets\/([^/]+)\/tables(?:\/([^/]+))?$/.exec(rest))) {
      if (m[1] !== dataset || !(await datasetExists())) return err(res, 404, 'notFound', `Not found: Dataset ${project}:${m[1]}`);
      const name = m[2] ?? (body as { tableReference: { tableId: string } }).tableReference.tableId;
      const meta = tableMeta(name);
      if (req.method === 'POST') {
        if (meta) return err(res, 409, 'duplicate', `Already Exists: Table ${project}:${dataset}.${name}`);
        const b = body as FakeTable;
        const fresh: FakeTable = { fields: b.fields ?? (b as unknown as { schema: { fields: FakeField[] } }).schema.fields, timePartitioning: b.timePartitioning, clustering: b.clustering, expirationTime: b.expirationTime, description: b.description };
        const bad = validateLayout(fresh);
        if (bad) return err(res, 400, 'invalid', bad);
        await engine.createTable(dataset, name, fresh);
        return send(res, 200, resource(name, fresh, 0));
      }
      if (!meta) return err(res, 404, 'notFound', `Not found: Table ${project}:${dataset}.${name}`);
      if (req.method === 'GET') return send(res, 200, resource(name, meta, await engine.numRows(dataset, name)));
      if (req.method === 'DELETE') {
        await engine.dropTable(dataset, name);
        res.writeHead(204).end();
        return;
      }
      if (req.method === 'PATCH' || req.method === 'PUT') {
        const fields = (body as { schema: { fields: FakeField[] } }).schema.fields;
        const ifMatch = req.headers['if-match'];
        if (ifMatch !== undefined && ifMatch !== `etag-${meta.etag ?? 1}`) return err(res, 412, 'conditionNotMet', `Precondition check failed: table ${name} has changed`);
        const problem = meta.fields.find((f, i) => fields[i]?.name !== f.name || fields[i]?.type !== f.type);
        if (problem) return err(res, 400, 'invalid', `Provided Schema does not match Table ${project}:${dataset}.${name}. Field ${problem.name} has changed type or was removed`);
        for (const f of fields.slice(meta.fields.length)) {
          if (f.mode === 'REQUIRED') return err(res, 400, 'invalid', `Cannot add required field ${f.name}`);
          await engine.run(`ALTER TABLE "${dataset}"."${name}" ADD COLUMN "${f.name}" ${(await import('./engine.js')).duckTypeOf(f)}`);
        }
        meta.fields = fields;
        meta.etag = (meta.etag ?? 1) + 1;
        return send(res, 200, resource(name, meta, await engine.numRows(dataset, name)));
      }
    }
    if (rest === '/jobs' && req.method === 'POST') {
      const meta = (parsed ? parsed.meta : body) as { jobReference: { jobId: string }; configuration: Record<string, unknown> };
      const id = meta.jobReference.jobId;
      if (jobs.has(id)) return err(res, 409, 'duplicate', `Already Exists: Job ${project}:${location}.${id}`);
      const job = await insertJob(id, meta.configuration, parsed?.data);
      jobs.set(id, job);
      if (takeFault('job-insert-409')) return err(res, 409, 'duplicate', `Already Exists: Job ${project}:${location}.${id}`);
      const query = String((meta.configuration.query as { query?: string } | undefined)?.query ?? '');
      if (takeFault('job-running-then-503', (f) => f.kind === 'job-running-then-503' && query.startsWith(f.sql ?? ''))) {
        flaky.add(id);
        return send(res, 200, { ...job.resource, status: { state: 'RUNNING' } });
      }
      return send(res, 200, job.resource);
    }
    if ((m = /^\/jobs\/([^/]+)$/.exec(rest)) && req.method === 'GET') {
      const job = jobs.get(m[1]);
      if (flaky.delete(m[1])) return err(res, 503, 'backendError', 'Service Unavailable');
      return job ? send(res, 200, job.resource) : err(res, 404, 'notFound', `Not found: Job ${project}:${location}.${m[1]}`);
    }
    if ((m = /^\/queries\/([^/]+)$/.exec(rest)) && req.method === 'GET') {
      const job = jobs.get(m[1]);
      if (!job) return err(res, 404, 'notFound', `Not found: Job ${m[1]}`);
      const r = job.result ?? { fields: [], rows: [] };
      const stats = job.resource.statistics as { query?: { totalBytesProcessed?: string } };
      return send(res, 200, {
        kind: 'bigquery#getQueryResultsResponse', jobReference: (job.resource as { jobReference: unknown }).jobReference, jobComplete: true,
        schema: { fields: r.fields }, rows: r.rows, totalRows: String(r.rows.length), totalBytesProcessed: stats.query?.totalBytesProcessed ?? '0',
        ...(job.affected !== undefined ? { numDmlAffectedRows: String(job.affected) } : {}),
      });
    }
    return err(res, 400, 'invalid', `the fake has no route ${req.method} ${url.pathname}`);
  }

  async function datasetExists(): Promise<boolean> {
    const r = await engine.conn.runAndReadAll(`SELECT 1 FROM information_schema.schemata WHERE schema_name = '${dataset}'`);
    return r.currentRowCount > 0;
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => err(res, 500, 'internalError', (e as Error).message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`, project, dataset, requests, statements, engine,
    fault: (f) => void faults.push(f),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      engine.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

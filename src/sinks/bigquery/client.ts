// The one place that talks to BigQuery: the real `@google-cloud/bigquery` client (imported lazily by
// the store's opener, so the DuckDB path never loads it), its jobs awaited, their statistics kept.
// Retries are ours (the client's own are off), so they are counted, bounded and testable; jobs carry
// ids we choose, so a retried insert that finds its job already there (409) attaches to it.
import type { BigQuery, Job, TableMetadata } from '@google-cloud/bigquery';
import { randomUUID } from 'node:crypto';
import type { BigQueryConfig } from '../../core/bigquery-config.js';
import { TransientError, UsageError } from '../../core/errors.js';
import { bqError, isAlreadyExists, isNotFound, isTransient, statusOf } from './errors.js';

export interface Field {
  readonly name: string;
  readonly type: string;
  readonly mode?: string;
}

export interface TableInfo {
  readonly fields: readonly Field[];
  readonly partitionField: string | null;
  readonly clustering: readonly string[];
  readonly numRows: number;
  /** The schema, partitioning and clustering as the API gave them (descriptions, modes, policy tags), for a table made in its image. */
  readonly layout: Pick<TableMetadata, 'schema' | 'timePartitioning' | 'clustering'>;
}

export interface QueryOutcome {
  readonly rows: Record<string, unknown>[];
  readonly bytesProcessed: number;
  readonly affectedRows: number;
  readonly jobId: string;
}

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
}

/** What the store records about its jobs, for reports and the docs' cost estimates. */
export interface JobLog {
  readonly kind: 'query' | 'load' | 'copy';
  readonly jobId: string;
  readonly bytesProcessed: number;
}

export interface BqClientOptions {
  readonly retry?: RetryPolicy;
  /** Test hook: the wait between retries (default: a timer). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface Gateway {
  readonly config: BigQueryConfig;
  /** `project.dataset.table` in backticks. */
  ref(table: string): string;
  getTable(table: string): Promise<TableInfo | null>;
  /** False when it already existed. */
  createTable(table: string, metadata: TableMetadata): Promise<boolean>;
  /** Appends the fields the table lacks, keeping every existing field as it is (description, policy tags, RECORD); the patch carries the etag read. */
  addFields(table: string, fields: readonly Field[]): Promise<void>;
  deleteTable(table: string): Promise<void>;
  /** UsageError (exit 2) naming the dataset and project when the dataset does not exist. */
  checkDataset(): Promise<void>;
  query(sql: string, doing: string, jobId?: string): Promise<QueryOutcome>;
  /** A load of NDJSON into `table`, replacing its rows, with the table's own schema given explicitly. */
  load(table: string, file: string, jobId: string, doing: string, fields: readonly Field[]): Promise<void>;
  copy(from: string, to: string, writeDisposition: 'WRITE_EMPTY' | 'WRITE_TRUNCATE', doing: string): Promise<void>;
  /** Runs `task` again on transient failures, up to the policy's attempts; maps the last error. */
  retrying<T>(doing: string, task: (attempt: number) => Promise<T>): Promise<T>;
  readonly jobs: JobLog[];
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1_000 };
const POLL_MS = 250;

interface JobStatus {
  state?: string;
  errorResult?: { reason?: string; message?: string };
  errors?: { reason?: string; message?: string }[];
}

/** A job that finished with an error: its errors in the API's shape, for errors.ts. */
class JobFailure extends Error {
  constructor(readonly errors: { reason?: string; message?: string }[]) {
    super(errors[0]?.message ?? 'the job failed');
  }
}
const jobFailure = (s: JobStatus) => new JobFailure(s.errors?.length ? s.errors : [s.errorResult!]);
type Outcome = { job: Job } | { failure: unknown };

export async function makeClient(config: BigQueryConfig): Promise<BigQuery> {
  const { BigQuery } = await import('@google-cloud/bigquery');
  const base = { projectId: config.project, location: config.location, autoRetry: false, maxRetries: 0 };
  if (config.apiEndpoint === undefined) return new BigQuery(base);
  if (config.hasCredentialsFile) return new BigQuery({ ...base, apiEndpoint: config.apiEndpoint });
  // An emulator accepts any token; auth is not skipped for a custom endpoint, so send a fixed one.
  const { OAuth2Client } = await import('google-auth-library');
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'bmrs-emulator-token', expiry_date: Date.now() + 10 * 365 * 86_400_000 });
  return new BigQuery({ ...base, apiEndpoint: config.apiEndpoint, authClient });
}

export async function openGateway(config: BigQueryConfig, options: BqClientOptions = {}): Promise<Gateway> {
  const bq = await makeClient(config);
  const dataset = bq.dataset(config.dataset, { location: config.location });
  const policy = options.retry ?? DEFAULT_RETRY;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const jobs: JobLog[] = [];

  async function retrying<T>(doing: string, task: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await task(attempt);
      } catch (e) {
        if (!isTransient(e) || attempt >= policy.attempts) throw bqError(e, doing);
        await sleep(policy.baseDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  /**
   * Inserts a job under an id we choose and waits for it. A transient failure before the job ran
   * (a lost response, a 5xx) retries with the same id, so a job that was in fact created answers
   * 409 and is attached to, never run twice. A failed status check (jobs.get) keeps polling the same
   * job: it may still be running. Only a job that is DONE with a retryable error runs again, as a new job.
   */
  async function runJob(doing: string, base: string, start: (id: string) => Promise<Job>): Promise<Job> {
    for (let n = 1; ; n++) {
      const id = n === 1 ? base : `${base}_r${n}`;
      const outcome = await retrying(doing, async (): Promise<Outcome> => {
        let job: Job;
        try {
          job = await start(id);
        } catch (e) {
          // A job that ran and failed at once comes back as the insert's error.
          if ((e as { response?: { status?: { state?: string } } }).response?.status?.state === 'DONE') return { failure: e };
          if (!isAlreadyExists(e)) throw e;
          job = bq.job(id, { location: config.location });
        }
        return awaitJob(job, doing);
      });
      if ('job' in outcome) return outcome.job;
      if (!isTransient(outcome.failure) || n >= policy.attempts) throw bqError(outcome.failure, doing);
      await sleep(policy.baseDelayMs * 2 ** (n - 1));
    }
  }

  /** The job once DONE, or its error if it failed; status-check errors are retried on the same job. */
  async function awaitJob(job: Job, doing: string): Promise<Outcome> {
    for (let poll = 0; ; poll++) {
      const status = (job.metadata as { status?: JobStatus } | undefined)?.status;
      if (status?.state === 'DONE') return status.errorResult ? { failure: jobFailure(status) } : { job };
      if (poll > 0) await sleep(Math.min(POLL_MS * 2 ** (poll - 1), 5_000));
      await retrying(`checking the status of job ${job.id} (${doing})`, () => job.getMetadata());
    }
  }

  const stats = (job: Job) => {
    const s = job.metadata?.statistics as { totalBytesProcessed?: string; query?: { totalBytesProcessed?: string; numDmlAffectedRows?: string } } | undefined;
    return { bytes: Number(s?.query?.totalBytesProcessed ?? s?.totalBytesProcessed ?? 0), affected: Number(s?.query?.numDmlAffectedRows ?? 0) };
  };

  return {
    config,
    jobs,
    retrying,
    ref: (table) => `\`${config.project}.${config.dataset}.${table}\``,

    getTable: (table) =>
      retrying(`reading the metadata of ${table}`, async () => {
        try {
          const [m] = await dataset.table(table).getMetadata();
          return {
            fields: ((m.schema?.fields ?? []) as Field[]).map((f) => ({ name: f.name, type: f.type, mode: f.mode })),
            partitionField: m.timePartitioning?.field ?? null,
            clustering: m.clustering?.fields ?? [],
            numRows: Number(m.numRows ?? 0),
            layout: { schema: m.schema, timePartitioning: m.timePartitioning, clustering: m.clustering },
          };
        } catch (e) {
          if (isNotFound(e)) return null;
          throw e;
        }
      }),

    createTable: (table, metadata) =>
      retrying(`creating ${table}`, async () => {
        try {
          await dataset.createTable(table, metadata);
          return true;
        } catch (e) {
          if (isAlreadyExists(e)) return false;
          throw e;
        }
      }),

    addFields: (table, fields) =>
      retrying(`adding columns to ${table}`, async () => {
        const [m] = await dataset.table(table).getMetadata();
        const have = (m.schema?.fields ?? []) as Field[];
        const names = new Set(have.map((f) => f.name));
        const add = fields.filter((f) => !names.has(f.name));
        if (add.length === 0) return;
        try {
          await dataset.table(table).setMetadata({ schema: { fields: [...have, ...add] }, etag: m.etag });
        } catch (e) {
          // Changed since we read it: read it again.
          if (statusOf(e) === 412) throw new TransientError(`${table} changed while bmrs added columns to it`);
          throw e;
        }
      }),

    checkDataset: () =>
      retrying(`looking up dataset ${config.dataset}`, async () => {
        try {
          await dataset.getMetadata();
        } catch (e) {
          if (!isNotFound(e)) throw e;
          throw new UsageError(`BigQuery dataset ${config.dataset} does not exist in project ${config.project} (or this account cannot see it)`, {
            hint: `check BMRS_BQ_DATASET and BMRS_BQ_PROJECT for a misspelling; to create it: bq mk --location=${config.location} --dataset ${config.project}:${config.dataset} (docs/bigquery.md, Setup)`,
          });
        }
      }),

    deleteTable: (table) =>
      retrying(`dropping ${table}`, async () => {
        try {
          await dataset.table(table).delete();
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }),

    async query(sql, doing, jobId) {
      const job = await runJob(doing, jobId ?? newId('q'), async (id) => (await bq.createQueryJob({ query: sql, useLegacySql: false, location: config.location, jobId: id }))[0]);
      const { bytes, affected } = stats(job);
      jobs.push({ kind: 'query', jobId: job.id!, bytesProcessed: bytes });
      const [rows] = (await retrying(doing, () => job.getQueryResults({ autoPaginate: true, wrapIntegers: true }))) as unknown as [Record<string, unknown>[]];
      return { rows: rows ?? [], bytesProcessed: bytes, affectedRows: affected, jobId: job.id! };
    },

    async load(table, file, jobId, doing, fields) {
      const job = await runJob(doing, jobId, async (id) =>
        (await dataset.table(table).createLoadJob(file, { sourceFormat: 'NEWLINE_DELIMITED_JSON', writeDisposition: 'WRITE_TRUNCATE', createDisposition: 'CREATE_NEVER', schema: { fields: [...fields] }, jobId: id }))[0],
      );
      jobs.push({ kind: 'load', jobId: job.id!, bytesProcessed: 0 });
    },

    async copy(from, to, writeDisposition, doing) {
      const job = await runJob(doing, newId('copy'), async (id) =>
        (await dataset.table(from).createCopyJob(dataset.table(to), { writeDisposition, createDisposition: 'CREATE_IF_NEEDED', jobId: id }))[0],
      );
      jobs.push({ kind: 'copy', jobId: job.id!, bytesProcessed: 0 });
    },
  };
}

const newId = (kind: string) => `bmrs_${kind}_${randomUUID().replace(/-/g, '')}`;

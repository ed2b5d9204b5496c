// The only reader of process.env. Precedence: command-line flag > environment (.env included) > default.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseInstant } from './core/calendar.js';
import type { BigQueryConfig } from './core/bigquery-config.js';
import { UsageError } from './core/errors.js';
import type { ProxyEnv, RetryPolicy } from './core/ports.js';
import { DEFAULT_UPDATE_LOG } from './core/update-log.js';

export const DEFAULT_API_BASE = 'https://data.elexon.co.uk/bmrs/api/v1';
export const DEFAULT_DUCKDB_PATH = 'data/bmrs.duckdb';
/** BMRS_MEMORY_TARGET_MIB's default (src/sinks/duckdb-governor.ts). */
export const DEFAULT_MEMORY_TARGET_MIB = 256;

export interface Config {
  readonly apiBase: string;
  readonly sink: 'duckdb' | 'bigquery';
  readonly duckdbPath: string;
  /** The BigQuery store's settings when `sink` is bigquery (BMRS_BQ_*), else undefined. */
  readonly bigquery: BigQueryConfig | undefined;
  /** Fixed "now" (BMRS_NOW), or undefined for the system clock. */
  readonly now: number | undefined;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** How long to wait for a store another process holds (BMRS_STORE_WAIT_SECONDS). */
  readonly storeWaitMs: number;
  /** Off a terminal and under --json, a progress line every this many ms; 0: none (BMRS_PROGRESS_SECONDS). */
  readonly progressMs: number;
  /**
   * Who does the row work (BMRS_TRANSFORM): 'sql' (default) lets DuckDB verify, sanitise and hash
   * where it can be exact, the JS path doing the rest; 'js' keeps every window on the JS path.
   */
  readonly transform: 'sql' | 'js';
  /**
   * Windows that may be in the pipeline (transformed, or waiting for the store) beside those being
   * fetched (BMRS_WRITE_BEHIND); undefined: the runner's default for the concurrency, 0: at most
   * `concurrency` windows, each from its request to its commit.
   */
  readonly writeBehind: number | undefined;
  /**
   * While the SQL transform loads, DuckDB gives its allocators' free pages back whenever the
   * process's resident memory passes this many MiB (BMRS_MEMORY_TARGET_MIB, default 256; 0: never).
   */
  readonly memoryTargetMiB: number;
  /** HTTPS_PROXY, HTTP_PROXY, NO_PROXY, the lower-case form first (as curl); the HTTP client picks. */
  readonly proxy: ProxyEnv;
}

export type { BigQueryConfig } from './core/bigquery-config.js';

export const DEFAULT_BQ_DATASET = 'uk_energy_prod';
export const DEFAULT_BQ_LOCATION = 'EU';

// BigQuery's own rules for names: project ids (with an optional domain prefix) and dataset ids.
const PROJECT_ID = /^(?:[a-z][a-z0-9.-]*:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const DATASET_ID = /^[A-Za-z0-9_]{1,1024}$/;
const LOCATION = /^[A-Za-z][A-Za-z0-9-]*$/;

/** The BigQuery store's settings, checked: one clear line (exit 2) for anything missing or malformed. */
export function loadBigQueryConfig(env: NodeJS.ProcessEnv = process.env): BigQueryConfig {
  loadDotEnv(env);
  const text = (name: string) => (env[name] === undefined || env[name]!.trim() === '' ? undefined : env[name]!.trim());
  const project = text('BMRS_BQ_PROJECT');
  if (project === undefined) {
    throw new UsageError('the BigQuery store needs a project: BMRS_BQ_PROJECT is not set', { hint: 'set BMRS_BQ_PROJECT to your Google Cloud project id, e.g. BMRS_BQ_PROJECT=my-energy-project (docs/bigquery.md)' });
  }
  if (!PROJECT_ID.test(project)) {
    throw new UsageError(`BMRS_BQ_PROJECT is not a Google Cloud project id: ${project}`, { hint: 'a project id is 6 to 30 lower-case letters, digits and hyphens, starting with a letter (the id, not the display name)' });
  }
  const dataset = text('BMRS_BQ_DATASET') ?? DEFAULT_BQ_DATASET;
  if (!DATASET_ID.test(dataset)) {
    throw new UsageError(`BMRS_BQ_DATASET is not a BigQuery dataset id: ${dataset}`, { hint: `letters, digits and underscores only, e.g. BMRS_BQ_DATASET=${DEFAULT_BQ_DATASET}` });
  }
  const location = text('BMRS_BQ_LOCATION') ?? DEFAULT_BQ_LOCATION;
  if (!LOCATION.test(location)) {
    throw new UsageError(`BMRS_BQ_LOCATION is not a BigQuery location: ${location}`, { hint: 'for example EU, US or europe-west2: the location of the dataset' });
  }
  const endpoint = text('BMRS_BQ_API_ENDPOINT');
  if (endpoint !== undefined) checkEndpoint(endpoint);
  const accept = text('BMRS_BQ_ACCEPT_HASH_MISMATCH');
  if (accept !== undefined && accept !== '0' && accept !== '1') {
    throw new UsageError(`BMRS_BQ_ACCEPT_HASH_MISMATCH must be 1 or 0, got: ${accept}`, { hint: 'set it to 1 only after reading docs/bigquery.md, Migrating: writing with mismatched keys stores rows twice' });
  }
  return {
    project,
    dataset,
    location,
    apiEndpoint: endpoint?.replace(/\/+$/, ''),
    hasCredentialsFile: text('GOOGLE_APPLICATION_CREDENTIALS') !== undefined,
    acceptHashMismatch: accept === '1',
  };
}

function checkEndpoint(text: string): void {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`BMRS_BQ_API_ENDPOINT is not an http(s) URL: ${text}`, { hint: 'for a local emulator, e.g. BMRS_BQ_API_ENDPOINT=http://127.0.0.1:9050 (the scheme is required)' });
  }
}

export interface ConfigFlags {
  readonly db?: string;
  readonly apiBase?: string;
  readonly sink?: string;
  readonly now?: string;
  /** --accept-hash-mismatch: as BMRS_BQ_ACCEPT_HASH_MISMATCH=1. */
  readonly acceptHashMismatch?: boolean;
}

let envLoaded = false;

/** Loads ./.env once (Node's own loader), never overriding variables already set. */
function loadDotEnv(env: NodeJS.ProcessEnv): void {
  if (envLoaded || env !== process.env) return;
  envLoaded = true;
  if (!existsSync('.env')) return;
  try {
    process.loadEnvFile('.env');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = isDirectory('.env') ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (e as Error).message.split('\n')[0];
    throw new UsageError(`cannot read .env in ${process.cwd()}: ${why}`, {
      hint: 'make .env a readable file of NAME=value lines, or remove it (bmrs reads it only when it exists)',
    });
  }
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  loadDotEnv(env);
  const apiBase = checkUrl(flags.apiBase ?? env.BMRS_API_BASE ?? DEFAULT_API_BASE, flags.apiBase !== undefined ? '--api-base' : 'BMRS_API_BASE');
  const sink = loadSink(flags, env);
  const nowText = flags.now ?? env.BMRS_NOW;
  let now: number | undefined;
  if (nowText !== undefined && nowText !== '') {
    now = parseInstant(nowText);
    if (Number.isNaN(now)) throw new UsageError(`BMRS_NOW is not an ISO instant with a zone: ${nowText}`, { hint: 'for example BMRS_NOW=2025-10-27T12:00:00Z' });
  }
  return {
    apiBase: apiBase.replace(/\/+$/, ''),
    sink,
    duckdbPath: loadStorePath(flags, env),
    bigquery: sink === 'bigquery' ? { ...loadBigQueryConfig(env), ...(flags.acceptHashMismatch ? { acceptHashMismatch: true } : {}) } : undefined,
    now,
    timeoutMs: intVar(env, 'BMRS_HTTP_TIMEOUT_MS', 60_000, 1),
    storeWaitMs: loadStoreWaitMs(env),
    progressMs: intVar(env, 'BMRS_PROGRESS_SECONDS', 10, 0) * 1000,
    transform: loadTransform(env),
    memoryTargetMiB: intVar(env, 'BMRS_MEMORY_TARGET_MIB', DEFAULT_MEMORY_TARGET_MIB, 0),
    writeBehind: env.BMRS_WRITE_BEHIND === undefined || env.BMRS_WRITE_BEHIND === '' ? undefined : intVar(env, 'BMRS_WRITE_BEHIND', 0, 0),
    retry: {
      attempts: intVar(env, 'BMRS_RETRY_ATTEMPTS', 6, 1),
      baseDelayMs: intVar(env, 'BMRS_RETRY_BASE_MS', 1_000, 0),
      maxDelayMs: intVar(env, 'BMRS_RETRY_MAX_DELAY_MS', 30_000, 0),
      budgetMs: intVar(env, 'BMRS_RETRY_BUDGET_MS', 180_000, 0),
    },
    proxy: { httpProxy: envVar(env, 'HTTP_PROXY'), httpsProxy: envVar(env, 'HTTPS_PROXY'), noProxy: envVar(env, 'NO_PROXY') },
  };
}

/** --sink, else BMRS_SINK, else duckdb. */
export function loadSink(flags: Pick<ConfigFlags, 'sink'> = {}, env: NodeJS.ProcessEnv = process.env): 'duckdb' | 'bigquery' {
  loadDotEnv(env);
  const given = flags.sink ?? env.BMRS_SINK;
  const sink = (given === undefined || given.trim() === '' ? 'duckdb' : given).trim().toLowerCase();
  if (sink === 'duckdb' || sink === 'bigquery') return sink;
  const source = flags.sink !== undefined ? '--sink' : 'BMRS_SINK';
  throw new UsageError(`${source} must be duckdb or bigquery, got: ${given}`, { hint: `${source === '--sink' ? '--sink bigquery' : 'BMRS_SINK=bigquery'} writes to BigQuery (docs/bigquery.md); leave it out for the DuckDB file` });
}

function loadTransform(env: NodeJS.ProcessEnv): 'sql' | 'js' {
  const v = (env.BMRS_TRANSFORM ?? '').trim().toLowerCase();
  if (v === '' || v === 'sql') return 'sql';
  if (v === 'js') return 'js';
  throw new UsageError(`BMRS_TRANSFORM must be sql or js, got: ${env.BMRS_TRANSFORM}`, { hint: 'unset it for the default (sql, with the JS path wherever SQL cannot be exact)' });
}

/** BMRS_EXIT_WITH_PARENT=1: set by `bmrs update` for its child ingest (src/cli/signals.ts). */
export function exitsWithParent(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.BMRS_EXIT_WITH_PARENT === '1';
}

/** Only the store's path: what read-only commands need, so unrelated settings cannot break them. */
export function loadStorePath(flags: Pick<ConfigFlags, 'db'> = {}, env: NodeJS.ProcessEnv = process.env): string {
  loadDotEnv(env);
  if (flags.db !== undefined) return checkStorePath(flags.db, '--db');
  if (env.BMRS_DUCKDB_PATH !== undefined) return checkStorePath(env.BMRS_DUCKDB_PATH, 'BMRS_DUCKDB_PATH');
  return DEFAULT_DUCKDB_PATH;
}

/** BMRS_STORE_WAIT_SECONDS: how long to wait for a store another process holds (default 30 s). */
export function loadStoreWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  loadDotEnv(env);
  return intVar(env, 'BMRS_STORE_WAIT_SECONDS', 30, 0) * 1000;
}

/** BMRS_UPDATE_LOG: the real-time job's log (default logs/realtime_updates.log). */
export function loadUpdateLogPath(env: NodeJS.ProcessEnv = process.env): string {
  loadDotEnv(env);
  return env.BMRS_UPDATE_LOG || DEFAULT_UPDATE_LOG;
}

/** What `bmrs update` takes from the environment; its flags win over each of these. */
export interface UpdateEnv {
  /** BMRS_UPDATE_LOG: the update-cycle log (default logs/realtime_updates.log). */
  readonly logFile?: string;
  /** BMRS_UPDATE_DATASETS: comma-separated dataset codes. */
  readonly datasets?: string;
  /** BMRS_PING_URL: a healthchecks.io-style URL. */
  readonly pingUrl?: string;
  /** BMRS_UPDATE_TIMEOUT_SECONDS: the child ingest is killed after this long. */
  readonly timeoutSeconds?: number;
  /** BMRS_UPDATE_LOG_MAX_BYTES: the log is rotated before it grows past this size. */
  readonly logMaxBytes?: number;
}

export function loadUpdateEnv(env: NodeJS.ProcessEnv = process.env): UpdateEnv {
  loadDotEnv(env);
  const text = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const int = (name: string, min: number) => (text(name) === undefined ? undefined : intVar(env, name, 0, min));
  return {
    logFile: text('BMRS_UPDATE_LOG'),
    datasets: text('BMRS_UPDATE_DATASETS'),
    pingUrl: text('BMRS_PING_URL'),
    timeoutSeconds: int('BMRS_UPDATE_TIMEOUT_SECONDS', 1),
    logMaxBytes: int('BMRS_UPDATE_LOG_MAX_BYTES', 1024),
  };
}

/** The environment a child bmrs process runs with: this one's (.env included), plus `overrides`. */
export function childEnv(overrides: Record<string, string>, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  loadDotEnv(env);
  return { ...env, ...overrides };
}

/** The store must be a file: DuckDB opens '' and ':memory:…' in memory, and the rows vanish at exit. */
function checkStorePath(path: string, source: '--db' | 'BMRS_DUCKDB_PATH'): string {
  const fix = (file: string) =>
    source === '--db' ? `name a DuckDB file, e.g. --db ${file}` : `set BMRS_DUCKDB_PATH to a DuckDB file, e.g. BMRS_DUCKDB_PATH=${file}`;
  const orDefault = source === '--db' ? ', or leave --db out' : ', or unset it';
  if (path.trim() === '') {
    throw new UsageError(`${source} is empty: the store must be a file path`, { hint: `${fix(DEFAULT_DUCKDB_PATH)}${orDefault} for the default ${DEFAULT_DUCKDB_PATH}` });
  }
  if (path.trim().startsWith(':memory:')) {
    throw new UsageError(`${source} ${path} is an in-memory database: everything loaded would be lost when bmrs exits`, { hint: fix(DEFAULT_DUCKDB_PATH) });
  }
  if (isDirectory(path)) {
    throw new UsageError(`${source} ${path} is a folder, not a DuckDB file`, { hint: fix(join(path, 'bmrs.duckdb')) });
  }
  return path;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false; // unreadable: opening the store reports it
  }
}

function checkUrl(text: string, source: '--api-base' | 'BMRS_API_BASE'): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || /\s/.test(text)) {
    throw new UsageError(`${source} is not an http(s) URL: ${text}`, { hint: `for example ${source === '--api-base' ? '--api-base ' : 'BMRS_API_BASE='}${DEFAULT_API_BASE}` });
  }
  return text;
}

/** The lower-case form of a variable, else the upper-case one; empty counts as unset. */
function envVar(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name.toLowerCase()] || env[name] || undefined;
}

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`${name} must be a whole number of at least ${min}, got: ${v}`);
  return Number(v);
}

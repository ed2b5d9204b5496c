// For the `bmrs dedupe-audit` tests: the CLI run against a test's store, and rows read back in the
// pipeline's own cell form so a test can hash a changed copy (a revision, an old-system key).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { findDataset } from '../../src/core/datasets.js';
import type { Row } from '../../src/core/rows.js';
import { query } from './pipeline.js';
import type { CheckContext, CheckResult } from './check.js';
import { sql } from './check.js';

export const BIN = new URL('../../bin/bmrs.js', import.meta.url).pathname;
export const FUELINST = findDataset('FUELINST')!;

export function dedupeEnv(ctx: CheckContext, env: Record<string, string | undefined> = {}): Record<string, string> {
  const full: Record<string, string | undefined> = { PATH: process.env.PATH ?? '', NO_COLOR: '1', BMRS_DUCKDB_PATH: ctx.tmp.db, ...env };
  return Object.fromEntries(Object.entries(full).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Runs `node <script> args` (bin/bmrs.js dedupe-audit by default) and parses stdout when it is JSON. */
export function runNode(ctx: CheckContext, argv: string[], env: Record<string, string | undefined> = {}): Promise<CheckResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: ctx.tmp.dir, env: dedupeEnv(ctx, env) });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : null), stdout, stderr, json });
    });
  });
}

export const dedupe = (ctx: CheckContext, args: string[], env: Record<string, string | undefined> = {}) => runNode(ctx, [BIN, 'dedupe-audit', ...args], env);

const CELLS = `dataset, strftime(publishTime, '%Y-%m-%d %H:%M:%S') AS publishTime, strftime(startTime, '%Y-%m-%d %H:%M:%S') AS startTime,
  strftime(settlementDate, '%Y-%m-%d') AS settlementDate, settlementPeriod, fuelType, generation`;
const META = ['_dataset', '_window_from_utc', '_window_to_utc', '_ingested_utc', '_source_columns', '_source_api', '_hash_source_cols', '_hash_key'];

/** Stored FUELINST rows (content and metadata) as cells, as sampleRows reads them. */
export async function fuelRows(db: string, where: string): Promise<Row[]> {
  const rows = await query(db, `SELECT ${CELLS}, ${META.join(', ')} FROM bmrs_fuelinst WHERE ${where} ORDER BY startTime, fuelType`);
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : (v as Row[string])])));
}

const lit = (v: Row[string]) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : String(v));

/** Inserts rows given as cells (times as text, cast by DuckDB). */
export function insertRows(db: string, rows: readonly Row[]): Promise<void> {
  const names = Object.keys(rows[0]);
  return sql(db, `INSERT INTO bmrs_fuelinst (${names.map((n) => `"${n}"`).join(', ')}) VALUES ${rows.map((r) => `(${names.map((n) => lit(r[n])).join(', ')})`).join(', ')}`);
}

/** Every row of the table as text, in one order: what "as it was" is compared with. */
export async function dump(db: string, table = 'bmrs_fuelinst'): Promise<string[]> {
  const rows = await query(db, `SELECT * FROM ${table} ORDER BY ALL`);
  return rows.map((r) => JSON.stringify(Object.values(r), (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

export const tmpFile = (ctx: CheckContext, name: string) => join(ctx.tmp.dir, name);

// The CLI with --sink bigquery, as a user runs it (bin/bmrs.js in a child process), against the
// simulator and the fake BigQuery REST server: ingest, check, dedupe-audit, query; configuration
// errors; and the DuckDB path never loading the BigQuery client library.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { startFakeBigQuery, type FakeBigQuery } from '../support/fake-bigquery/server.js';
import { BIN, baseEnv, runBmrs, type CliResult } from '../support/cli.js';
import { tempDir, type TempDir } from '../support/pipeline.js';

const SPY = new URL('../support/import-spy.mjs', import.meta.url).pathname;
let sim: Simulator;
let fake: FakeBigQuery;
let tmp: TempDir;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, now: '2025-11-01T00:00:00Z' });
  fake = await startFakeBigQuery();
  tmp = await tempDir();
});
afterAll(async () => {
  await fake?.close();
  await sim?.close();
  await tmp?.cleanup();
});

const bqEnv = () => ({ BMRS_API_BASE: sim.url, BMRS_NOW: '2025-11-01T00:00:00Z', BMRS_SINK: 'bigquery', BMRS_BQ_PROJECT: fake.project, BMRS_BQ_API_ENDPOINT: fake.url, BMRS_RETRY_BASE_MS: '5', BMRS_DUCKDB_PATH: join(tmp.dir, 'never.duckdb') });
const json = (r: CliResult) => JSON.parse(r.stdout) as Record<string, unknown>;

function spied(args: string[], env: Record<string, string>, log: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', SPY, BIN, ...args], { env: baseEnv({ ...env, BMRS_IMPORT_LOG: log }), stdio: 'ignore' });
    child.on('close', resolve);
  });
}

describe('bmrs --sink bigquery', { timeout: 120_000 }, () => {
  it('ingests, skips what is stored, checks, audits and queries through the store port', async () => {
    const first = await runBmrs(['ingest', '-d', 'FUELINST', '--from', '2025-10-26', '--to', '2025-10-28', '--json', '-q'], bqEnv());
    expect(first.code, first.stderr).toBe(0);
    expect(json(first)).toMatchObject({ store: `${fake.project}.uk_energy_prod` });
    expect(first.stderr).toMatch(/^note: BigQuery bmrs-test-project\.uk_energy_prod: 1 load job\(s\), \d+ query job\(s\), \d+\.\d MB processed$/m);
    const again = await runBmrs(['ingest', '--sink', 'bigquery', '-d', 'FUELINST', '--from', '2025-10-26', '--to', '2025-10-28', '--json', '-q'], bqEnv());
    expect(again.code, again.stderr).toBe(0);
    const count = await runBmrs(['query', 'SELECT count(*) AS n, count(DISTINCT _hash_key) AS k FROM bmrs_fuelinst', '--json'], bqEnv());
    expect(count.code, count.stderr).toBe(0);
    expect(JSON.parse(count.stdout)).toEqual([{ n: 11760, k: 11760 }]);

    const check = await runBmrs(['check', '-d', 'FUELINST', '--from', '2025-10-26', '--to', '2025-10-27', '--json'], bqEnv());
    expect(check.code, check.stderr).toBe(0);
    // The store is not a local file: no disk is checked for it (not the working folder's).
    expect(json(check)).toMatchObject({ store: `${fake.project}.uk_energy_prod`, operations: { disk: null } });

    const clean = await runBmrs(['dedupe-audit', '-d', 'FUELINST', '--json'], bqEnv());
    expect(clean.code, clean.stderr).toBe(0);
    await fake.engine.conn.run(`INSERT INTO uk_energy_prod.bmrs_fuelinst SELECT * FROM uk_energy_prod.bmrs_fuelinst LIMIT 3`);
    const found = await runBmrs(['dedupe-audit', '-d', 'FUELINST', '--json'], bqEnv());
    expect(found.code).toBe(1);
    const fixed = await runBmrs(['dedupe-audit', '-d', 'FUELINST', '--fix', '--json'], bqEnv());
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(JSON.parse((await runBmrs(['query', 'SELECT count(*) AS n FROM bmrs_fuelinst', '--json'], bqEnv())).stdout)).toEqual([{ n: 11760 }]);
    expect([...fake.engine.tables.keys()].some((k) => /bmrs_fuelinst__backup_20251101T000000Z$/.test(k))).toBe(true);
  });

  it('the 5-minute job (bmrs update) runs on BigQuery: one cycle completed, fresh, its ingest child on the same store', async () => {
    const log = join(tmp.dir, 'realtime_updates.log');
    const before = fake.requests.filter((r) => r.path.startsWith('/upload/')).length;
    const r = await runBmrs(['update', '--datasets', 'FUELINST', '--log-file', log, '--json'], { ...bqEnv(), BMRS_NOW: '2025-10-28T00:05:00Z', BMRS_DUCKDB_PATH: join(tmp.dir, 'update', 'lock.duckdb') });
    expect(r.code, r.stderr).toBe(0);
    expect(json(r)).toMatchObject({ ok: true, store: `${fake.project}.uk_energy_prod` });
    expect(await readFile(log, 'utf8')).toMatch(/✅ Update cycle completed/);
    expect(fake.requests.filter((x) => x.path.startsWith('/upload/')).length - before).toBe(1);
  });

  it('query refuses anything but a SELECT before it runs, and reports a bad query as a usage error', async () => {
    const del = await runBmrs(['query', 'DELETE FROM bmrs_fuelinst WHERE TRUE'], bqEnv());
    expect(del.code).toBe(2);
    expect(del.stderr).toMatch(/^error: bmrs query runs only a SELECT on BigQuery, got DELETE/m);
    const bad = await runBmrs(['query', 'SELECT nope FROM bmrs_fuelinst'], bqEnv());
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('missing or wrong configuration: one clear line and exit 2, no stack', async () => {
    const cases: [Record<string, string | undefined>, string[], RegExp][] = [
      [{ BMRS_BQ_PROJECT: undefined }, ['ingest', '-d', 'FUELINST'], /^error: the BigQuery store needs a project: BMRS_BQ_PROJECT is not set$/m],
      [{ BMRS_BQ_PROJECT: 'My Project' }, ['check'], /^error: BMRS_BQ_PROJECT is not a Google Cloud project id: My Project$/m],
      [{ BMRS_BQ_DATASET: 'uk-energy' }, ['dedupe-audit'], /^error: BMRS_BQ_DATASET is not a BigQuery dataset id: uk-energy$/m],
      [{ BMRS_BQ_API_ENDPOINT: '127.0.0.1:9050' }, ['query', 'SELECT 1'], /^error: BMRS_BQ_API_ENDPOINT is not an http\(s\) URL: 127\.0\.0\.1:9050$/m],
      [{ BMRS_SINK: 'sqlite' }, ['ingest', '-d', 'FUELINST'], /^error: BMRS_SINK must be duckdb or bigquery, got: sqlite$/m],
      [{ BMRS_BQ_DATASET: 'uk_energy_prd' }, ['dedupe-audit'], /^error: BigQuery dataset uk_energy_prd does not exist in project bmrs-test-project/m],
      [{ BMRS_BQ_DATASET: 'uk_energy_prd' }, ['check'], /^error: BigQuery dataset uk_energy_prd does not exist in project bmrs-test-project/m],
      [{ GOOGLE_APPLICATION_CREDENTIALS: join(tmp.dir, 'no-such-key.json') }, ['check'], /^error: BigQuery credentials: the key file GOOGLE_APPLICATION_CREDENTIALS names does not exist$/m],
    ];
    for (const [env, args, message] of cases) {
      const r = await runBmrs(args, { ...bqEnv(), ...env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).not.toContain(tmp.dir);
    }
  });

  it('the DuckDB path never imports the BigQuery client library; the BigQuery path does', async () => {
    const duck = join(tmp.dir, 'duck.log');
    const env = { BMRS_API_BASE: sim.url, BMRS_NOW: '2025-11-01T00:00:00Z', BMRS_DUCKDB_PATH: join(tmp.dir, 'lazy.duckdb') };
    expect(await spied(['ingest', '-d', 'FUELINST', '--from', '2025-10-26', '--to', '2025-10-27', '-q'], env, duck)).toBe(0);
    const duckLog = await readFile(duck, 'utf8');
    expect(duckLog).toMatch(/dist\/sinks\/duckdb\.js/);
    expect(duckLog).not.toMatch(/@google-cloud\/bigquery|google-auth-library/);
    const bq = join(tmp.dir, 'bq.log');
    expect(await spied(['ingest', '-d', 'FUELINST', '--from', '2025-10-26', '--to', '2025-10-27', '-q'], bqEnv(), bq)).toBe(0);
    expect(await readFile(bq, 'utf8')).toMatch(/@google-cloud\/bigquery/);
  });
});

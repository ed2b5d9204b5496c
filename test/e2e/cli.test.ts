// Spawns bin/bmrs.js (the compiled CLI, as a user runs it) against the simulator and checks stdout,
// stderr, the DuckDB file and the exit code.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSession } from '../../src/sinks/duckdb-open.js';
import { countRows, query, useSimulatorAndStore } from '../support/pipeline.js';

const BIN = new URL('../../bin/bmrs.js', import.meta.url).pathname;

const ctx = useSimulatorAndStore({ now: '2025-11-01T00:00:00Z' });

interface Result { code: number | null; stdout: string; stderr: string }

function bmrs(args: string[], env: Record<string, string | undefined> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ctx.tmp.dir,
      env: definedOnly({
        PATH: process.env.PATH ?? '',
        NO_COLOR: '1',
        BMRS_API_BASE: ctx.sim.url,
        BMRS_DUCKDB_PATH: ctx.tmp.db,
        BMRS_NOW: '2025-11-01T00:00:00Z',
        BMRS_RETRY_BASE_MS: '5',
        BMRS_RETRY_ATTEMPTS: '3',
        ...env,
      }),
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

describe('bmrs ingest', () => {
  it('loads a settlement day, prints a one-line summary, exits 0; a re-run inserts 0', async () => {
    const r = await bmrs(['ingest', '--dataset', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ FUELINST: 1 window, 5,760 fetched, 5,760 inserted, 0 skipped as duplicates in [\d.]+s -> bmrs_fuelinst/);
    expect(await countRows(ctx.tmp.db)).toBe(5760);
    const again = await bmrs(['ingest', '--only', 'FUELINST', '--start', '2025-10-27', '--end', '2025-10-28', '--json']);
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout);
    expect(report).toMatchObject({ ok: true, exitCode: 0, datasets: [{ dataset: 'FUELINST', inserted: 0, skipped: 5760, failures: [] }] });
  });

  it('keeps raw responses with --archive', async () => {
    const r = await bmrs(['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-29', '--archive', join(ctx.tmp.dir, 'raw')]);
    expect(r.code).toBe(0);
    expect(readdirSync(join(ctx.tmp.dir, 'raw', 'FUELINST')).sort()).toEqual([
      '20251027T000000Z_20251028T000000Z.json.gz',
      '20251028T000000Z_20251029T000000Z.json.gz',
    ]);
  });

  it('--data-dir keeps raw responses in the old script layout: the body as received, named by the window start in UTC', async () => {
    const dir = join(ctx.tmp.dir, 'old');
    const r = await bmrs(['ingest', '--only', 'FUELINST', '--start', '2025-10-26', '--end', '2025-10-28', '--data-dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // 2025-10-26 starts at local midnight, still BST: 23:00 UTC the evening before.
    expect(readdirSync(join(dir, 'FUELINST')).sort()).toEqual(['2025-10-25_230000.json', '2025-10-27_000000.json']);
    const body = await (await fetch(`${ctx.sim.url}/datasets/FUELINST/stream?settlementDateFrom=2025-10-27&settlementDateTo=2025-10-27`)).text();
    expect(JSON.parse(body)).toHaveLength(5760);
    expect(readFileSync(join(dir, 'FUELINST', '2025-10-27_000000.json'), 'utf8')).toBe(body);
  });

  it('--dry-run prints the plan and fetches nothing', async () => {
    ctx.sim.requests.length = 0;
    const r = await bmrs(['ingest', '-d', 'FUELINST', '--from', '2025-10-26', '--to', '2025-10-28', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('FUELINST -> bmrs_fuelinst: 2 windows');
    expect(r.stdout).toContain('/datasets/FUELINST/stream?settlementDateFrom=2025-10-26&settlementDateTo=2025-10-26');
    expect(ctx.sim.requests).toHaveLength(0);
  });

  it('exits 65 when verification fails, naming the window, with nothing stored', async () => {
    ctx.sim.setFault({ kind: 'type-drift' });
    const json = await bmrs(['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28', '--json']);
    // The report says how many rows arrived before the window was rejected.
    expect(JSON.parse(json.stdout).datasets[0].failures).toMatchObject([{ exitCode: 65, fetched: 5760 }]);
    const r = await bmrs(['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28']);
    expect(r.code).toBe(65);
    expect(r.stdout).toMatch(/^✗ FUELINST: .*1 failed/);
    expect(r.stderr).toMatch(/error: FUELINST settlement day 2025-10-27 \[2025-10-27T00:00:00Z, 2025-10-28T00:00:00Z\): .*generation/);
    expect(await countRows(ctx.tmp.db)).toBe(0);
  });

  it('exits 75 when retries run out', async () => {
    ctx.sim.setFault({ kind: 'status', status: 503 });
    const r = await bmrs(['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28', '--json']);
    expect(r.code).toBe(75);
    expect(JSON.parse(r.stdout).datasets[0].failures[0]).toMatchObject({ settlementDate: '2025-10-27', error: 'TransientError', retryable: true, exitCode: 75 });
  });

  it('says an unreachable API once per run, not once per window', async () => {
    const r = await bmrs(['ingest', '-d', 'FUELINST,MID', '--from', '2025-10-01', '--to', '2025-10-11'], { BMRS_API_BASE: 'http://bmrs-test.invalid' });
    expect(r.code).toBe(75);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: FUELINST settlement day 2025-10-01 .* and 19 more windows: cannot reach bmrs-test.invalid: .*BMRS_API_BASE$/);
  });

  it('exits 75 without touching the store when a writer holds it past the wait', async () => {
    const holder = await openSession(ctx.tmp.db, 'write', { waitMs: 0 });
    try {
      const r = await bmrs(['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28'], { BMRS_STORE_WAIT_SECONDS: '1' });
      expect(r.code).toBe(75);
      expect(r.stderr).toContain(`waiting up to 1 s for the store, held by a writer (PID ${process.pid}`);
      expect(r.stderr).toMatch(new RegExp(`^error: the store .* is in use by a writer \\(PID ${process.pid}.*; waited \\d`, 'm'));
    } finally {
      await holder.close();
    }
    expect(await countRows(ctx.tmp.db).catch(() => 0)).toBe(0);
  });
});

describe('settled days are checked against the settlement calendar', () => {
  it('a past day the API answers half of: stored, named, recorded as incomplete, exit 1', async () => {
    ctx.sim.setNow('2025-10-27T12:00:00Z');
    try {
      const r = await bmrs(['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^! FUELINST: .*2,880 inserted.*1 day incomplete/);
      expect(r.stderr).toContain('incomplete: FUELINST settlement day 2025-10-27: periods 25-48 missing (24 of 48)');
      const [entry] = await query(ctx.tmp.db, `SELECT status, detail, rows_inserted FROM _bmrs_ledger`);
      expect(entry).toEqual({ status: 'incomplete', detail: 'periods 25-48 missing (24 of 48)', rows_inserted: 2880 });
      const json = await bmrs(['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28', '--json', '--allow-incomplete']);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout).datasets[0].incomplete).toMatchObject([{ settlementDate: '2025-10-27', periods: 48, missingPeriods: expect.arrayContaining([25, 48]) }]);
    } finally {
      ctx.sim.setNow('2025-11-01T00:00:00Z');
    }
  });

  it('a past day answered with no rows at all is incomplete, not "0 fetched, ok"', async () => {
    ctx.sim.setNow('2025-10-20T00:00:00Z');
    try {
      const r = await bmrs(['ingest', '-d', 'MID', '--from', '2025-10-26', '--to', '2025-10-27', '--json']);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).datasets[0]).toMatchObject({ fetched: 0, incomplete: [{ settlementDate: '2025-10-26', summary: 'periods 1-50 missing (50 of 50)' }] });
    } finally {
      ctx.sim.setNow('2025-11-01T00:00:00Z');
    }
  });

  it('a day whose publication is not over yet stays partial, exit 0', async () => {
    // Ten minutes after the day ended, inside FUELINST's 30-minute publication lag.
    const r = await bmrs(['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28', '--json'], { BMRS_NOW: '2025-10-28T00:10:00Z' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).datasets[0]).toMatchObject({ partial: true, incomplete: [] });
  });
});

describe('--json: stdout always carries one report with the exit code', () => {
  it.each<[string, string[], Record<string, string>, number, RegExp]>([
    ['a usage error', ['ingest', '-d', 'NOPE', '--json'], {}, 2, /unknown dataset: NOPE/],
    ['an unknown flag', ['ingest', '-d', 'FUELINST', '--nope', '--json'], {}, 2, /unknown option '--nope'/],
    ['a configuration error', ['ingest', '-d', 'FUELINST', '--json'], { BMRS_RETRY_ATTEMPTS: 'x' }, 2, /BMRS_RETRY_ATTEMPTS must be a whole number/],
  ])('%s', async (_name, args, env, code, message) => {
    const r = await bmrs(args, env);
    expect(r.code).toBe(code);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, exitCode: code, error: { message: expect.stringMatching(message) } });
  });

  it('a store held past the wait', async () => {
    const holder = await openSession(ctx.tmp.db, 'write', { waitMs: 0 });
    try {
      const r = await bmrs(['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28', '--json'], { BMRS_STORE_WAIT_SECONDS: '0' });
      expect(r.code).toBe(75);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, exitCode: 75, error: { name: 'StoreBusyError', message: expect.stringMatching(/in use by a writer/) } });
    } finally {
      await holder.close();
    }
  });
});

describe('a table bmrs cannot write', () => {
  it('fails its own dataset only (65); the others load and the --json report is whole', async () => {
    const s = await openSession(ctx.tmp.db, 'write', { waitMs: 0 });
    await s.connection.run('CREATE TABLE bmrs_mid (dataset VARCHAR, startTime TIMESTAMPTZ, price DOUBLE)');
    await s.close();
    const r = await bmrs(['ingest', '-d', 'FUELINST,MID', '--from', '2025-10-27', '--to', '2025-10-28', '--json']);
    expect(r.code).toBe(65);
    const report = JSON.parse(r.stdout);
    expect(report.datasets.map((d: { dataset: string; inserted: number }) => [d.dataset, d.inserted])).toEqual([['FUELINST', 5760], ['MID', 0]]);
    expect(report.datasets[1].failures).toMatchObject([{ error: 'SchemaConflictError', exitCode: 65, message: expect.stringMatching(/^table bmrs_mid cannot be written correctly: lacks column\(s\) dataProvider, settlementDate/) }]);
    expect(ctx.sim.requests.every((q) => q.path.startsWith('/datasets/FUELINST'))).toBe(true);
  });
});

describe('usage errors: one clear line, exit 2, no stack trace', () => {
  it.each([
    [['ingest', '-d', 'FUELINST', '--from', '2025-02-30', '--to', '2025-03-02'], /--from 2025-02-30 is not a date/],
    [['ingest', '-d', 'FUELINST', '--from', '2025-10-28', '--to', '2025-10-27'], /--from 2025-10-28 is not before --to 2025-10-27/],
    [['ingest', '-d', 'NOPE', '--from', '2025-10-27', '--to', '2025-10-28'], /unknown dataset: NOPE/],
    [['ingest', '--from', '2025-10-27', '--to', '2025-10-28'], /no dataset given/],
    [['ingest', '-d', 'FUELINST', '--bogus'], /unknown option '--bogus'/],
    [['ingest', '-d', 'FUELINST', '--concurrency', 'lots'], /--concurrency must be a whole number/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['ingest', '-d', 'FUELINST', '--from', '2025-11-02', '--to', '2025-11-03'], /--from 2025-11-02 is not before now \(2025-11-01T00:00:00Z\)/],
    [['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28', '--db', '/etc/passwd/x.duckdb'], /cannot create the folder for the store/],
    [['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28', '--db', '/tmp'], /--db \/tmp is a folder, not a DuckDB file/],
    // Node's recursive mkdir never returns under /proc or /sys: refused before it is tried.
    [['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28', '--db', '/proc/nope/x.duckdb'], /the store \/proc\/nope\/x.duckdb: it is inside \/proc/],
    [['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28', '--archive', '/sys/nope'], /archive folder \/sys\/nope: it is inside \/sys/],
    [['update', '--log-file', '/proc/nope/updates.log'], /update log \/proc\/nope\/updates.log: it is inside \/proc/],
    [['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28', '--archive', '/etc/passwd/raw'], /cannot write the archive folder/],
  ])('bmrs %j', async (args, message) => {
    const r = await bmrs(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [{ BMRS_NOW: 'yesterday' }, /BMRS_NOW is not an ISO instant/],
    [{ BMRS_API_BASE: 'http://x y' }, /BMRS_API_BASE is not an http\(s\) URL/],
    [{ BMRS_API_BASE: 'ftp://example.org' }, /BMRS_API_BASE is not an http\(s\) URL/],
    [{ BMRS_HTTP_TIMEOUT_MS: '0' }, /BMRS_HTTP_TIMEOUT_MS must be a whole number of at least 1/],
    [{ BMRS_RETRY_ATTEMPTS: 'x' }, /BMRS_RETRY_ATTEMPTS must be a whole number/],
    [{ BMRS_SINK: 'bigquery' }, /the BigQuery store needs a project: BMRS_BQ_PROJECT is not set/],
    [{ BMRS_SINK: 'sqlite' }, /BMRS_SINK must be duckdb or bigquery, got: sqlite/],
  ])('a bad environment variable %j', async (env, message) => {
    const r = await bmrs(['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the store must be a file: an in-memory store would lose every row at exit', () => {
  const day = ['-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28'];
  it.each<[string, string[], Record<string, string>, RegExp, RegExp]>([
    ['--db "" (BMRS_DUCKDB_PATH is good: the flag wins)', ['ingest', ...day, '--db', ''], {}, /error: --db is empty/, /hint: name a DuckDB file, e\.g\. --db data\/bmrs\.duckdb/],
    ['--db "  "', ['ingest', ...day, '--db', '  '], {}, /error: --db is empty/, /--db data\/bmrs\.duckdb/],
    ['--db :memory:', ['ingest', ...day, '--db', ':memory:'], {}, /error: --db :memory: is an in-memory database/, /--db data\/bmrs\.duckdb/],
    ['--db :memory:named', ['ingest', ...day, '--db', ':memory:named'], {}, /error: --db :memory:named is an in-memory database/, /--db /],
    ['BMRS_DUCKDB_PATH=', ['ingest', ...day], { BMRS_DUCKDB_PATH: '' }, /error: BMRS_DUCKDB_PATH is empty/, /hint: set BMRS_DUCKDB_PATH to a DuckDB file.*or unset it/],
    ['BMRS_DUCKDB_PATH=:memory:', ['ingest', ...day], { BMRS_DUCKDB_PATH: ':memory:' }, /error: BMRS_DUCKDB_PATH :memory: is an in-memory database/, /BMRS_DUCKDB_PATH=data\/bmrs\.duckdb/],
    ['query --db ""', ['query', 'SELECT 1', '--db', ''], {}, /error: --db is empty/, /--db /],
    ['query --db :memory:', ['query', 'SELECT 1', '--db', ':memory:'], {}, /error: --db :memory: is an in-memory database/, /--db /],
    ['query with BMRS_DUCKDB_PATH=', ['query', 'SELECT 1'], { BMRS_DUCKDB_PATH: '' }, /error: BMRS_DUCKDB_PATH is empty/, /BMRS_DUCKDB_PATH/],
  ])('%s: exit 2 before anything is fetched, naming where the value came from', async (_name, args, env, message, hint) => {
    const r = await bmrs(args, env);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(hint);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
    expect(ctx.sim.requests).toHaveLength(0);
  });

  it('an existing folder, from --db or BMRS_DUCKDB_PATH, for ingest and query', async () => {
    const viaFlag = await bmrs(['ingest', ...day, '--db', ctx.tmp.dir]);
    expect(viaFlag.code).toBe(2);
    expect(viaFlag.stderr).toContain(`error: --db ${ctx.tmp.dir} is a folder, not a DuckDB file`);
    expect(viaFlag.stderr).toContain(`hint: name a DuckDB file, e.g. --db ${join(ctx.tmp.dir, 'bmrs.duckdb')}`);
    const viaEnv = await bmrs(['query', 'SELECT 1'], { BMRS_DUCKDB_PATH: ctx.tmp.dir });
    expect(viaEnv.code).toBe(2);
    expect(viaEnv.stderr).toContain(`error: BMRS_DUCKDB_PATH ${ctx.tmp.dir} is a folder, not a DuckDB file`);
    expect(ctx.sim.requests).toHaveLength(0);
  });
});

describe('flags: a mistake names the flag that was used, and nothing is fetched', () => {
  const day = ['-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28'];
  it.each<[string, string[], RegExp, RegExp]>([
    ['--api-base ftp://x', ['ingest', ...day, '--api-base', 'ftp://x'], /error: --api-base is not an http\(s\) URL: ftp:\/\/x/, /hint: for example --api-base https:\/\//],
    ['--archive ""', ['ingest', ...day, '--archive', ''], /error: --archive is empty/, /hint: name a folder for the raw responses/],
    ['--data-dir ""', ['ingest', ...day, '--data-dir', ' '], /error: --data-dir is empty/, /hint: name a folder/],
    ['--from with --start', ['ingest', ...day, '--start', '2025-10-27'], /error: --start is the old name of --from: give one of them, not both/, /hint: keep --from and drop --start/],
    ['--to with --end', ['ingest', ...day, '--end', '2025-10-29'], /error: --end is the old name of --to/, /hint: keep --to and drop --end/],
    ['--dataset with --only', ['ingest', ...day, '--only', 'MID'], /error: --only is the old name of --dataset/, /hint: keep --dataset and drop --only/],
    ['--archive with --data-dir', ['ingest', ...day, '--archive', 'a', '--data-dir', 'b'], /error: --data-dir is the old name of --archive/, /hint: keep --archive and drop --data-dir/],
  ])('%s: exit 2', async (_name, args, message, hint) => {
    const r = await bmrs(args);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(hint);
    expect(r.stderr).not.toMatch(/BMRS_API_BASE|\n\s+at /);
    expect(r.code).toBe(2);
    expect(ctx.sim.requests).toHaveLength(0);
    expect(readdirSync(ctx.tmp.dir)).toEqual([]);
  });

  it('the old names alone still work', async () => {
    const r = await bmrs(['ingest', '--only', 'FUELINST', '--start', '2025-10-27', '--end', '2025-10-28', '--data-dir', join(ctx.tmp.dir, 'raw'), '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('settlementDateFrom=2025-10-27&settlementDateTo=2025-10-27');
  });

  const notes: [string, string[], RegExp][] = [
    ['--overwrite', ['--overwrite'], /^note: --overwrite: rows are never overwritten or duplicated: rows already stored \(same _hash_key\) are skipped$/],
    ['--log-level DEBUG', ['--log-level', 'DEBUG'], /^note: --log-level: has no effect: bmrs prints only failures and warnings; use --quiet .*, --json /],
    ['--include-offline', ['--include-offline'], /^note: --include-offline: has no effect: bmrs leaves out none of the rows the API returns/],
    ['--bm-units', ['--bm-units'], /^note: --bm-units: has no effect: bmrs fetches each dataset whole, every BM unit included/],
    ['--bm-units T_DRAXX-1', ['--bm-units', 'T_DRAXX-1'], /^note: --bm-units: has no effect/],
  ];
  it.each(notes)('the old %s is accepted with one note on stderr; the --json report stays clean on stdout', async (_name, flags, note) => {
    const r = await bmrs(['ingest', ...day, ...flags, '--json']);
    expect(r.code).toBe(0);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(note);
    // Operators count log lines that contain "error".
    expect(lines[0]).not.toMatch(/error/i);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, datasets: [{ dataset: 'FUELINST', inserted: 5760 }] });
  });

  it('--overwrite overwrites nothing: a loaded day is skipped by _hash_key', async () => {
    expect((await bmrs(['ingest', ...day])).code).toBe(0);
    const r = await bmrs(['ingest', ...day, '--overwrite', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ datasets: [{ inserted: 0, skipped: 5760 }] });
    expect(await countRows(ctx.tmp.db)).toBe(5760);
  });

  it('the old flags are hidden from the options in --help, and no note comes before a usage error', async () => {
    const help = await bmrs(['ingest', '--help']);
    const options = help.stdout.slice(0, help.stdout.indexOf('Dates select'));
    for (const flag of ['--only', '--start', '--end', '--data-dir', '--overwrite', '--log-level', '--include-offline', '--bm-units']) expect(options).not.toContain(flag);
    const bad = await bmrs(['ingest', '-d', 'FUELINST', '--from', '2025-02-30', '--to', '2025-03-02', '--overwrite', '--bm-units']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --from 2025-02-30 is not a date/);
    expect(bad.stderr).not.toContain('note:');
  });

  it('accepts an instant with a space instead of the T', async () => {
    const r = await bmrs(['ingest', '-d', 'FUELINST', '--from', '2025-10-27 12:00:00Z', '--to', '2025-10-27 12:30:00Z', '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[2025-10-27T12:00:00Z, 2025-10-27T12:30:00Z)  GET');
    expect(r.stdout).toContain('publishDateTimeFrom=2025-10-27T12%3A00%3A00Z&publishDateTimeTo=2025-10-27T12%3A30%3A00Z');
  });
});

describe('configuration', () => {
  it('reads .env from the working directory; the environment wins over it, a flag over both', async () => {
    writeFileSync(join(ctx.tmp.dir, '.env'), `BMRS_NOW=2025-10-20T00:00:00Z\nBMRS_DUCKDB_PATH=${join(ctx.tmp.dir, 'from-env-file.duckdb')}\n`);
    const fromFile = await bmrs(['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28'], { BMRS_NOW: undefined });
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toMatch(/not before now \(2025-10-20T00:00:00Z\)/);
    // BMRS_NOW=2025-11-01 from the environment beats the file's 2025-10-20; the store path comes from the file.
    const envWins = await bmrs(['ingest', '-d', 'FUELINST', '--from', '2025-10-25', '--to', '2025-10-26'], { BMRS_DUCKDB_PATH: undefined });
    expect(envWins.code).toBe(0);
    expect(readdirSync(ctx.tmp.dir)).toContain('from-env-file.duckdb');
    const flagWins = await bmrs(['ingest', '-d', 'FUELINST', '--from', '2025-10-19', '--to', '2025-10-20', '--db', join(ctx.tmp.dir, 'flag.duckdb')], { BMRS_DUCKDB_PATH: undefined });
    expect(flagWins.code).toBe(0);
    expect(readdirSync(ctx.tmp.dir)).toContain('flag.duckdb');
  });
});

describe('bmrs query and datasets', () => {
  it('query reads, and cannot write', async () => {
    await bmrs(['ingest', '-d', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-28']);
    const r = await bmrs(['query', 'SELECT fuelType, count(*) AS n FROM bmrs_fuelinst GROUP BY 1 ORDER BY 1 LIMIT 2', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ fuelType: 'BIOMASS', n: 288 }, { fuelType: 'CCGT', n: 288 }]);
    const csv = await bmrs(['query', "SELECT 'a,b' AS x, 1 AS y", '--csv']);
    expect(csv.stdout).toBe('x,y\n"a,b",1\n');
    const del = await bmrs(['query', 'DELETE FROM bmrs_fuelinst']);
    expect(del.code).toBe(2);
    expect(del.stderr).toMatch(/read-only/);
    const copy = await bmrs(['query', `COPY bmrs_fuelinst TO '${join(ctx.tmp.dir, 'out.csv')}'`]);
    expect(copy.code).toBe(2);
    expect(readdirSync(ctx.tmp.dir)).not.toContain('out.csv');
    expect(await countRows(ctx.tmp.db)).toBe(5760);
  });

  it('query against a missing store is a usage error', async () => {
    const r = await bmrs(['query', 'SELECT 1'], { BMRS_DUCKDB_PATH: join(ctx.tmp.dir, 'nope.duckdb') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no store at/);
  });

  it('datasets lists the registry, with the rows each table holds', async () => {
    const r = await bmrs(['datasets', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { code: string; table: string; rows: number | null }[];
    expect(list.map((d) => d.code)).toContain('FUELINST');
    expect(list.find((d) => d.code === 'WIND_SOLAR_GEN')?.table).toBe('bmrs_wind_solar_gen');
    expect(list.every((d) => d.rows === null)).toBe(true);
    // Every /datasets endpoint of the document, and the four other routes.
    const doc = JSON.parse(readFileSync(new URL('../../spec/openapi-insights-2026-08.json', import.meta.url), 'utf8')) as { paths: Record<string, unknown> };
    const endpoints = Object.keys(doc.paths).filter((p) => /^\/datasets\/[A-Za-z0-9_]+$/.test(p));
    expect(endpoints).toHaveLength(82);
    expect((list as unknown as { path: string; kind: string }[]).filter((d) => d.kind === 'dataset').map((d) => d.path).sort()).toEqual(endpoints.sort());
    expect(list).toHaveLength(86);
    const human = await bmrs(['datasets']);
    expect(human.stdout).toMatch(/FUELINST\s+realtime\s+publish\s+publishDateTimeFrom\/publishDateTimeTo, days: settlementDateFrom\/To\s+yes\s+5 min x 20 fuelType\s+bmrs_fuelinst\s+\?/);
    expect((await bmrs(['ingest', '-d', 'MID', '--from', '2025-10-27', '--to', '2025-10-28'])).code).toBe(0);
    const after = JSON.parse((await bmrs(['datasets', '--json'])).stdout) as { code: string; rows: number | null }[];
    expect(after.filter((d) => d.rows !== null)).toEqual([expect.objectContaining({ code: 'MID', rows: 96 })]);
    expect((await bmrs(['datasets'])).stdout).toMatch(/\nMID\s.*bmrs_mid\s+96\n/);
  });

  it('ingest --dataset all loads a settlement day of every dataset into its own table, complete', async () => {
    const r = await bmrs(['ingest', '--dataset', 'all', '--from', '2025-10-27', '--to', '2025-10-28', '--json', '-q']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { datasets: { dataset: string; inserted: number; failures: unknown[]; incomplete: unknown[] }[] };
    expect(report.datasets).toHaveLength(86);
    expect(report.datasets.filter((d) => d.failures.length > 0 || d.incomplete.length > 0 || d.inserted === 0)).toEqual([]);
    const listed = JSON.parse((await bmrs(['datasets', '--json'])).stdout) as { code: string; rows: number | null }[];
    const inserted = new Map(report.datasets.map((d) => [d.dataset, d.inserted]));
    expect(listed.map((d) => [d.code, d.rows])).toEqual(listed.map((d) => [d.code, inserted.get(d.code)]));
  });

  it('ingest --dataset all and --group pick datasets from the registry; an unknown group is exit 2', async () => {
    const all = await bmrs(['ingest', '--dataset', 'all', '--from', '2025-10-27', '--to', '2025-10-28', '--dry-run', '--json']);
    expect(all.code).toBe(0);
    const planned = (JSON.parse(all.stdout) as { dataset: string }[]).map((d) => d.dataset);
    const registry = (JSON.parse((await bmrs(['datasets', '--json'])).stdout) as { code: string; group: string }[]);
    expect(planned.sort()).toEqual(registry.map((d) => d.code).sort());
    const forecast = await bmrs(['ingest', '--group', 'forecast', '--from', '2025-10-27', '--to', '2025-10-28', '--dry-run', '--json']);
    const groupPlanned = (JSON.parse(forecast.stdout) as { dataset: string }[]).map((d) => d.dataset);
    expect(groupPlanned.sort()).toEqual(registry.filter((d) => d.group === 'forecast').map((d) => d.code).sort());
    expect(groupPlanned).toContain('NDF');
    const bad = await bmrs(['ingest', '--group', 'weather', '--from', '2025-10-27', '--to', '2025-10-28']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown group: weather/);
  });

  it('backfill and check take --group as ingest does; an unknown group is exit 2 with one line', async () => {
    const plan = await bmrs(['backfill', '--group', 'remit', '--from', '2025-10-27', '--to', '2025-10-28', '--plan', '--json']);
    expect(plan.code).toBe(0);
    const planned = JSON.stringify(JSON.parse(plan.stdout));
    expect(planned).toContain('REMIT');
    expect(planned).not.toContain('FUELINST');
    for (const args of [['backfill', '--from', '2025-10-27', '--to', '2025-10-28'], ['check']]) {
      const bad = await bmrs([...args, '--group', 'weather']);
      expect(bad.code, args[0]).toBe(2);
      expect(bad.stderr, args[0]).toMatch(/unknown group: weather/);
    }
  });

  it('dedupe-audit takes --group too, added to --dataset: only those tables are audited', async () => {
    expect((await bmrs(['ingest', '--dataset', 'FUELINST,REMIT', '--from', '2025-10-27', '--to', '2025-10-28', '-q'])).code).toBe(0);
    const audited = async (...args: string[]) => {
      const r = await bmrs(['dedupe-audit', ...args, '--json']);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { tables: { dataset: string }[] }).tables.map((t) => t.dataset).sort();
    };
    expect(await audited()).toEqual(['FUELINST', 'REMIT']);
    expect(await audited('--group', 'remit')).toEqual(['REMIT']);
    expect(await audited('--group', 'remit', '--dataset', 'FUELINST')).toEqual(['FUELINST', 'REMIT']);
    const bad = await bmrs(['dedupe-audit', '--group', 'weather']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown group: weather/);
  });

  it('--help teaches', async () => {
    const r = await bmrs(['ingest', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--from 2025-10-27 --to 2025-10-28');
  });
});



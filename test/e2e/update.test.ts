// `bmrs update` end to end: bin/bmrs.js spawned as cron would, its `bmrs ingest` child, a
// simulator of its own per test on a fixed clock, and a temporary store and log per test. No test
// sleeps: each waits for a state it can observe (a held request, a line on stderr, a lock).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreBusyError } from '../../src/core/errors.js';
import { summariseUpdateLog } from '../../src/core/update-log.js';
import { openSession } from '../../src/sinks/duckdb-open.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { scalar, tempDir, type TempDir } from '../support/pipeline.js';

const BIN = new URL('../../bin/bmrs.js', import.meta.url).pathname;
const LOCK = new URL('../../dist/cli/update/lock.js', import.meta.url).pathname;
const SPY = new URL('../support/import-spy.mjs', import.meta.url).pathname;
const NOON = '2025-11-01T12:00:00Z';
const at = (hhmm: string) => `2025-11-01T${hhmm}:00Z`;

let sim: Simulator;
let tmp: TempDir;
let logFile: string;
const started: ChildProcess[] = [];

beforeEach(async () => {
  sim = await startSimulator({ port: 0, now: NOON });
  tmp = await tempDir();
  logFile = join(tmp.dir, 'logs', 'realtime_updates.log');
});
afterEach(async () => {
  // No process a test started outlives it.
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await sim.close();
  await tmp.cleanup();
});

type Started = ChildProcess & { out: { stdout: string; stderr: string }; done: Promise<number | null> };

function start(args: string[], env: Record<string, string> = {}, script: string | null = BIN): Started {
  const child = spawn(process.execPath, [...(script === null ? [] : [script]), ...args], {
    cwd: tmp.dir,
    env: {
      PATH: process.env.PATH ?? '',
      NO_COLOR: '1',
      TZ: 'UTC',
      BMRS_API_BASE: sim.url,
      BMRS_DUCKDB_PATH: tmp.db,
      BMRS_NOW: NOON,
      BMRS_UPDATE_LOG: logFile,
      BMRS_RETRY_BASE_MS: '5',
      BMRS_RETRY_ATTEMPTS: '2',
      ...env,
    },
  });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => (out.stdout += d));
  child.stderr!.on('data', (d) => (out.stderr += d));
  started.push(child);
  const done = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return Object.assign(child, { out, done });
}

async function update(args: string[] = [], env: Record<string, string> = {}) {
  const c = start(['update', ...args], env);
  const code = await c.done;
  return { code, ...c.out };
}

/** One cycle of FUELINST at `now` (the simulator's clock and BMRS_NOW), its --json report parsed. */
async function cycleAt(now: string, args: string[] = [], env: Record<string, string> = {}) {
  sim.setNow(now);
  const r = await update(['--datasets', 'FUELINST', '--json', ...args], { BMRS_NOW: now, ...env });
  return { ...r, report: JSON.parse(r.stdout) };
}

/** Resolves once `test` holds (polled; no outcome depends on how long anything takes). */
async function until(test: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await test())) await new Promise((r) => setTimeout(r, 20));
}

const logText = () => readFileSync(logFile, 'utf8');
const instants = () => scalar(tmp.db, 'SELECT count(DISTINCT publishTime) FROM bmrs_fuelinst');
const firstInstant = async () => String(await scalar(tmp.db, "SELECT epoch(min(publishTime)) FROM bmrs_fuelinst"));

describe('bmrs update: windows', () => {
  it('a run inserts the last 15 minutes; a run 5 minutes later inserts only the new instant', async () => {
    const first = await cycleAt(NOON);
    expect(first.code, first.stderr).toBe(0);
    expect(first.report.windows).toEqual([{ dataset: 'FUELINST', from: at('11:45'), to: NOON, latest: null, capped: false }]);
    // 11:45, 11:50, 11:55: three publications of 20 fuel types.
    expect(first.report.ingest.report.datasets[0]).toMatchObject({ dataset: 'FUELINST', inserted: 60 });
    expect(await instants()).toBe(3);
    expect(await firstInstant()).toBe(String(Date.parse(at('11:45')) / 1000));
    expect(first.report.freshness[0]).toMatchObject({ dataset: 'FUELINST', stale: false, ageMinutes: 5 });

    const second = await cycleAt(at('12:05'));
    expect(second.code, second.stderr).toBe(0);
    // From the latest stored row (11:55) less the 10-minute overlap.
    expect(second.report.windows[0]).toMatchObject({ from: at('11:45'), to: at('12:05'), latest: at('11:55') });
    expect(second.report.ingest.report.datasets[0]).toMatchObject({ inserted: 20, skipped: 60 });
    expect(await instants()).toBe(4);
  });

  it('with the default datasets each is fetched over its own window: FUELINST only its last 15 minutes', async () => {
    sim.setNow(NOON);
    const r = await update(['--json'], { BMRS_NOW: NOON });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const fuelinst = report.ingest.report.datasets.find((d: { dataset: string }) => d.dataset === 'FUELINST');
    // 11:45 .. 12:00 inclusive (the API's bounds); the 12:00 instant belongs to the next window.
    expect(fuelinst).toMatchObject({ fetched: 80, inserted: 60, outside: 20 });
    const asked = sim.requests.filter((q) => q.path.startsWith('/datasets/FUELINST')).map((q) => q.query);
    expect(asked).toEqual([{ publishDateTimeFrom: '2025-11-01T11:45:00Z', publishDateTimeTo: '2025-11-01T12:00:00Z' }]);
    expect(report.windows.map((w: { dataset: string }) => w.dataset)).toEqual(['FUELINST', 'WIND_SOLAR_GEN', 'MID']);
  });

  it('after a 3-hour outage the next run fills the whole gap', async () => {
    expect((await cycleAt(NOON)).code).toBe(0);
    const after = await cycleAt(at('15:00'));
    expect(after.code, after.stderr).toBe(0);
    expect(after.report.ingest.report.datasets[0].inserted).toBe(36 * 20);
    // 11:45 .. 14:55 every 5 minutes: 39 instants, none missing.
    expect(await instants()).toBe(39);
    expect(after.report.windows[0].capped).toBe(false);
  });

  it('beyond the cap it loads the cap and prints the backfill command that loads the rest', async () => {
    expect((await cycleAt(NOON)).code).toBe(0);
    sim.setNow(at('15:00'));
    const r = await update(['--datasets', 'FUELINST', '--max-catch-up-hours', '1'], { BMRS_NOW: at('15:00') });
    expect(r.code, r.stderr).toBe(0);
    const command = `bmrs backfill --dataset FUELINST --from ${at('11:45')} --to ${at('14:00')}`;
    expect(r.stdout).toMatch(/WARNING - FUELINST: last row 2025-11-01 11:55 UTC, 3 h 15 min to catch up, more than the cap of 1 h: loading the last 1 h only/);
    expect(r.stdout).toContain(`to load the rest run: ${command}`);
    expect(await instants()).toBe(3 + 12);
    // The printed command is the exact one.
    const backfill = start(command.split(' ').slice(1), { BMRS_NOW: at('15:00') });
    expect(await backfill.done, backfill.out.stderr).toBe(0);
    expect(await instants()).toBe(39);
  });

  it('default datasets: FUELINST, WIND_SOLAR_GEN and MID load and are fresh', async () => {
    const r = await update();
    expect(r.code, r.stderr).toBe(0);
    for (const table of ['bmrs_fuelinst', 'bmrs_wind_solar_gen', 'bmrs_mid']) expect(await scalar(tmp.db, `SELECT count(*) FROM ${table}`)).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/INFO - MID: latest 2025-11-01 11:30 UTC, settlement date 2025-11-01 period 24, 30 min old \(threshold 120\)/);
    expect(r.stdout.match(/✅ Update cycle completed/g)).toHaveLength(1);
    expect(r.stdout).toBe(logText());
  });
});

describe('bmrs update: overlap and sharing', () => {
  it('two concurrent runs: one works, the other exits 75 at once naming the holder', async () => {
    sim.setFault({ kind: 'hold' });
    const first = start(['update', '--datasets', 'FUELINST']);
    try {
      await until(() => sim.held >= 1);
      const second = await update(['--datasets', 'FUELINST']);
      expect(second.code).toBe(75);
      expect(second.stderr).toBe('');
      const lines = second.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`WARNING - skipped: another bmrs update is running \\(PID ${first.pid}, running since `));
      expect(lines[0]).not.toMatch(/error/i);
    } finally {
      sim.release();
    }
    expect(await first.done, first.out.stderr).toBe(0);
    expect(logText().match(/✅ Update cycle completed/g)).toHaveLength(1);
  });

  it('a lock left by a killed run is taken over once it is stale', async () => {
    const holder = start(['--input-type=module', '-e', `const { acquireUpdateLock } = await import(${JSON.stringify(LOCK)}); const r = await acquireUpdateLock(process.argv[1]); console.log(r.ok); setInterval(() => {}, 1e6);`, tmp.db], {}, null);
    await until(() => holder.out.stdout.includes('true'));
    holder.kill('SIGKILL');
    await holder.done;
    // Within the stale minute a killed holder cannot be told from a slow one.
    const skipped = await update(['--datasets', 'FUELINST']);
    expect(skipped.code).toBe(75);
    expect(skipped.stdout).toMatch(new RegExp(`PID ${holder.pid}, running since .*, which is no longer running \\(killed\\?\\); its lock is taken over once it is 60 s old`));
    // A minute later (the next cron run is five): the lock has not been refreshed, it is stale.
    const old = new Date(Date.now() - 120_000);
    utimesSync(`${tmp.db}.update.lock`, old, old);
    const r = await update(['--datasets', 'FUELINST']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`WARNING - took over the update lock left by PID ${holder.pid}, running since .*, which is no longer running`));
    expect(existsSync(`${tmp.db}.update.lock`)).toBe(false);
  });

  it('completes while another process holds the store read-only, waiting for it', async () => {
    expect((await cycleAt(NOON)).code).toBe(0);
    const q = start(['query', 'SELECT sum(i) FROM range(1000000000000) t(i)']);
    await until(() => openSession(tmp.db, 'write', { waitMs: 0 }).then(async (s) => (await s.close(), false), (e: unknown) => e instanceof StoreBusyError));
    sim.setNow(at('12:05'));
    const u = start(['update', '--datasets', 'FUELINST'], { BMRS_NOW: at('12:05'), BMRS_STORE_WAIT_SECONDS: '300' });
    await until(() => u.out.stderr.includes('waiting up to 300 s for the store'));
    expect(u.out.stderr).toContain(`held by a reader (PID ${q.pid}`);
    q.kill('SIGTERM');
    expect(await u.done, u.out.stderr).toBe(0);
    expect(u.out.stdout).toMatch(/FUELINST: \d+ fetched, 20 inserted, 60 already stored/);
    expect(await instants()).toBe(4);
  });
});

describe('bmrs update: failures', () => {
  it('a failing ingest (API 503 after retries) exits 75 with an ERROR line and no completed marker', async () => {
    sim.setFault({ kind: 'status', status: 503 });
    const r = await update(['--datasets', 'FUELINST']);
    expect(r.code).toBe(75);
    const log = logText();
    expect(log).toMatch(/ - ERROR - ❌ Update cycle failed: bmrs ingest exited 75: FUELINST \[2025-11-01T11:45:00Z, 2025-11-01T12:00:00Z\): .*503/);
    expect(log).not.toContain('✅');
    expect(log.split('\n').filter((l) => /error/i.test(l))).toHaveLength(1);
    expect(summariseUpdateLog(log, Date.parse(NOON))).toMatchObject({ cyclesLastHour: 0, errorsLast24h: 1 });
  });

  it('rows outside the window (data) exit 65 with the child code', async () => {
    sim.setFault({ kind: 'out-of-window' });
    const r = await update(['--datasets', 'FUELINST', '--json']);
    expect(r.code).toBe(65);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, exitCode: 65, ingest: { exitCode: 65, timedOut: false } });
    expect(logText()).toMatch(/ERROR - ❌ Update cycle failed: bmrs ingest exited 65/);
  });

  it('a cycle whose ingest failed for one dataset still checks and logs freshness; the failure code wins', async () => {
    sim.setFault({ kind: 'status', status: 400, path: 'MID' });
    const r = await update(['--datasets', 'FUELINST,MID', '--json']);
    expect(r.code, r.stderr).toBe(65);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ ok: false, exitCode: 65, ingest: { exitCode: 65 } });
    expect(report.freshness).toEqual([
      expect.objectContaining({ dataset: 'FUELINST', stale: false, ageMinutes: 5 }),
      expect.objectContaining({ dataset: 'MID', hasRows: false, stale: true }),
    ]);
    const lines = logText().trim().split('\n');
    expect(lines.some((l) => / - INFO - FUELINST: latest 2025-11-01 11:55 UTC, .*: fresh$/.test(l))).toBe(true);
    expect(lines.some((l) => / - WARNING - MID: no rows in bmrs_mid: stale$/.test(l))).toBe(true);
    // One ERROR line, the cycle's last; no completed marker.
    expect(lines.filter((l) => /error/i.test(l))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/ - ERROR - ❌ Update cycle failed: bmrs ingest exited 65: MID /);
    expect(logText()).not.toContain('✅');
  });

  it('a hanging ingest is killed with its process group at the timeout: exit 75', async () => {
    sim.setFault({ kind: 'hold' });
    try {
      const r = await update(['--datasets', 'FUELINST', '--timeout-seconds', '1', '--json'], { BMRS_HTTP_TIMEOUT_MS: '600000' });
      expect(r.code).toBe(75);
      const report = JSON.parse(r.stdout);
      expect(report.ingest).toMatchObject({ exitCode: 75, timedOut: true });
      expect(() => process.kill(report.ingest.pid, 0)).toThrow(/ESRCH/);
      // Its process group too (test/integration/update-child.test.ts: a grandchild ends with it).
      expect(() => process.kill(-report.ingest.pid, 0)).toThrow(/ESRCH/);
      expect(logText()).toMatch(/ERROR - ❌ Update cycle failed: bmrs ingest exited 75: bmrs ingest did not finish within 1 s and was killed with its process group/);
    } finally {
      sim.release();
    }
  });

  it('stopped with SIGTERM, it ends its child with it and lets go of the lock', async () => {
    sim.setFault({ kind: 'hold' });
    const u = start(['update', '--datasets', 'FUELINST'], { BMRS_HTTP_TIMEOUT_MS: '600000' });
    await until(() => sim.held >= 1);
    u.kill('SIGTERM');
    expect(await u.done).toBe(143);
    // The child's held request is dropped by the child going away, not released by the test.
    await until(() => sim.held === 0);
    expect(existsSync(`${tmp.db}.update.lock`)).toBe(false);
  });

  it('killed with SIGKILL, its child ingest does not outlive it (no timeout would stop it then)', async () => {
    sim.setFault({ kind: 'hold' });
    const u = start(['update', '--datasets', 'FUELINST'], { BMRS_HTTP_TIMEOUT_MS: '600000' });
    await until(() => sim.held >= 1);
    u.kill('SIGKILL');
    await u.done;
    // The child sees it has been handed to init, and stops: its held request is dropped.
    await until(() => sim.held === 0);
  });

  it('--help teaches: the cycle, the log markers, exit codes, examples', async () => {
    const r = await update(['--help']);
    expect(r.code).toBe(0);
    for (const text of ['--check-only', '--ping-url', '✅ Update cycle completed', 'Exit codes: 0 loaded and fresh', 'Examples:', 'bmrs cron install', 'docs/update.md']) expect(r.stdout).toContain(text);
  });

  it('a user mistake is one line and a hint, exit 2, nothing logged', async () => {
    const r = await update(['--datasets', 'FUELINST,NOPE']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown dataset: NOPE\nhint: /);
    expect(existsSync(logFile)).toBe(false);
    expect((await update(['--minutes-back', 'soon'])).stderr).toMatch(/^error: --minutes-back must be a whole number of at least 1, got: soon\n/);
  });
});

describe('bmrs update: log, freshness, ping', () => {
  it('keeps the markers across size rotation and loses no line', async () => {
    const env = { BMRS_UPDATE_LOG_MAX_BYTES: '1024' };
    const times = ['12:00', '12:05', '12:10', '12:15'];
    let printed = '';
    for (const t of times) {
      sim.setNow(at(t));
      const r = await update(['--datasets', 'FUELINST'], { ...env, BMRS_NOW: at(t) });
      expect(r.code, r.stderr).toBe(0);
      printed += r.stdout;
    }
    const rotated = readdirSync(join(tmp.dir, 'logs')).filter((f) => /^realtime_updates\.log\.\d$/.test(f)).length;
    expect(rotated).toBeGreaterThanOrEqual(2);
    // Oldest first (.3, .2, .1, then the log itself): exactly the lines printed, in order.
    const files = [...Array.from({ length: rotated }, (_, i) => `${logFile}.${rotated - i}`), logFile];
    for (const f of files) expect(statSync(f).size).toBeLessThanOrEqual(1024);
    const all = files.map((f) => readFileSync(f, 'utf8')).join('');
    expect(all).toBe(printed);
    expect(summariseUpdateLog(all, Date.parse(at('12:15')))).toMatchObject({ cyclesLastHour: 4, errorsLast24h: 0 });
  });

  it('--check-only reads freshness only and exits 1 when stale', async () => {
    const session = await openSession(tmp.db, 'write', { waitMs: 0 });
    await session.close();
    const empty = await update(['--check-only', '--datasets', 'FUELINST']);
    expect(empty.code).toBe(1);
    expect(empty.stdout).toBe('FUELINST: no rows in bmrs_fuelinst: stale\n');
    expect((await cycleAt(NOON)).code).toBe(0);
    const fresh = await update(['--check-only', '--datasets', 'FUELINST']);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toBe('FUELINST: latest 2025-11-01 11:55 UTC, settlement date 2025-11-01 period 24, 5 min old (threshold 30), ingested 5 min after it: fresh\n');
    const later = await update(['--check-only', '--datasets', 'FUELINST'], { BMRS_NOW: at('13:00') });
    expect(later.code).toBe(1);
    expect(later.stdout).toMatch(/65 min old \(threshold 30\).*: stale\n$/);
    expect(sim.requests).toHaveLength(1);
  });

  it('--check-only on a store path that does not exist is a usage error (exit 2), and creates nothing', async () => {
    const missing = join(tmp.dir, 'nonexist.duckdb');
    const r = await update(['--check-only', '--db', missing]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^error: there is no store at ${missing.replace(/[.]/g, '\\.')}\nhint: [^\n]+\n$`));
    const json = await update(['--check-only', '--db', missing, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { name: 'UsageError', message: `there is no store at ${missing}` } });
    expect(existsSync(missing)).toBe(false);
    // BMRS_DUCKDB_PATH as well; a normal cycle on the same missing path still creates the store (first run).
    expect((await update(['--check-only'])).code).toBe(2);
    expect(existsSync(tmp.db)).toBe(false);
    expect(existsSync(logFile)).toBe(false);
    expect((await cycleAt(NOON)).code).toBe(0);
    expect(existsSync(tmp.db)).toBe(true);
    expect((await update(['--check-only', '--datasets', 'FUELINST'])).code).toBe(0);
  });

  it('a cycle that loads but finds the data stale exits 1, still completed, no error line', async () => {
    // MID's latest period here is 11:30; with a 10-minute threshold it is stale.
    const r = await update(['--datasets', 'MID', '--stale-minutes', '10']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/WARNING - MID: latest .* 30 min old \(threshold 10\).*: stale/);
    expect(r.stdout).toMatch(/✅ Update cycle completed/);
    expect(r.stdout).not.toMatch(/error/i);
  });

  it('pings start and success, start and fail; a ping that fails never fails the cycle', async () => {
    const pings = await pingServer();
    try {
      expect((await update(['--datasets', 'FUELINST', '--ping-url', `${pings.url}/abc`])).code).toBe(0);
      expect(pings.paths).toEqual(['GET /abc/start', 'GET /abc']);
      pings.paths.length = 0;
      sim.setFault({ kind: 'status', status: 503 });
      expect((await update(['--datasets', 'FUELINST'], { BMRS_PING_URL: `${pings.url}/abc` })).code).toBe(75);
      expect(pings.paths).toEqual(['GET /abc/start', 'GET /abc/fail']);
    } finally {
      await new Promise((r) => pings.server.close(r));
    }
    sim.setFault(null);
    const r = await update(['--datasets', 'FUELINST', '--ping-url', pings.url]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/WARNING - monitoring ping \(start\) not delivered: ECONNREFUSED/);
    expect(r.stdout).not.toMatch(/error/i);
  });
});

describe('bmrs update: what it loads', () => {
  it('on the DuckDB path neither the parent nor its child ingest loads the BigQuery SDK', async () => {
    // NODE_OPTIONS reaches the child too (it inherits the environment), so both log their imports.
    const spyLog = join(tmp.dir, 'imports.log');
    const r = await update(['--datasets', 'FUELINST'], { NODE_OPTIONS: `--import=${SPY}`, BMRS_IMPORT_LOG: spyLog });
    expect(r.code, r.stderr).toBe(0);
    const loaded = readFileSync(spyLog, 'utf8');
    expect(loaded).toMatch(/dist\/cli\/update\/run\.js/);
    expect(loaded).toMatch(/dist\/cli\/ingest\//);
    expect(loaded).toMatch(/dist\/sinks\/duckdb\.js/);
    expect(loaded).not.toMatch(/@google-cloud\/bigquery|google-auth-library|dist\/sinks\/bigquery/);
  });
});

async function pingServer(): Promise<{ server: Server; url: string; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(`${req.method} ${req.url}`);
    res.end('OK');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

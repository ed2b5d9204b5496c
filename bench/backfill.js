#!/usr/bin/env node
// bench/backfill: `bmrs backfill` of FUELINST from the simulator (a child process) into a fresh
// DuckDB file, end to end through the CLI (its own process, as a user runs it): the first load, then
// the same range again with --force (every row already stored). Prints rows/s, wall seconds and the
// bmrs process's peak RSS for each, then checks the table: exactly the expected rows, no _hash_key
// twice. `--years 3` shows whether the footprint grows with the range.
// Usage: npm run bench:backfill [-- --from 2025-01-01 --years 1 --concurrency 4 --transform sql|js]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { machinePace } from './pace.js';
import { startSimChild } from './sim-child.js';
import { addDays, periodsInDay } from '../dist/core/calendar.js';

const { values } = parseArgs({
  options: {
    from: { type: 'string', default: '2025-01-01' },
    years: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '4' },
    transform: { type: 'string', default: 'sql' },
  },
});
const from = values.from;
const to = `${Number(from.slice(0, 4)) + Number(values.years)}${from.slice(4)}`;
const bin = new URL('../bin/bmrs.js', import.meta.url).pathname;

// FUELINST: 6 readings per settlement period for each of the simulator's 20 fuel types.
let expected = 0;
for (let d = from; d < to; d = addDays(d, 1)) expected += periodsInDay(d) * 6 * 20;

const sim = await startSimChild(`${addDays(to, 2)}T00:00:00Z`);
const dir = await mkdtemp(join(tmpdir(), 'bmrs-bench-backfill-'));
const db = join(dir, 'bench.duckdb');

/** Runs bmrs, sampling its peak RSS (VmHWM) from /proc while it runs. */
function bmrs(args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, BMRS_API_BASE: sim.url, BMRS_DUCKDB_PATH: db, BMRS_NOW: `${addDays(to, 2)}T00:00:00Z`, BMRS_TRANSFORM: values.transform, BMRS_PROGRESS_SECONDS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let peakKb = 0;
    let cpuTicks = 0;
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
        // utime + stime (fields 14 and 15), in clock ticks: the CPU the process used, every thread.
        const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
        cpuTicks = Math.max(cpuTicks, Number(stat[11]) + Number(stat[12]));
      } catch {
        // exited between samples
      }
    };
    // CPU by thread name: the JS thread (node), libuv's pool (DuckDB statements run there), V8's
    // helpers (GC), DuckDB's own workers.
    const threads = new Map();
    const sampleThreads = () => {
      try {
        for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
          const st = readFileSync(`/proc/${child.pid}/task/${tid}/stat`, 'utf8');
          const comm = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
          const f = st.slice(st.lastIndexOf(') ') + 2).split(' ');
          threads.set(tid, { comm, ticks: Number(f[11]) + Number(f[12]) });
        }
      } catch {
        // exited between samples
      }
    };
    const timer = setInterval(() => {
      sample();
      sampleThreads();
    }, 20);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      clearInterval(timer);
      const wall = (performance.now() - t0) / 1000;
      if (code !== 0) reject(new Error(`bmrs ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
      // Threads are all named after the process: the JS thread is the one whose id is the PID.
      const byName = [...threads].map(([tid, { comm, ticks }]) => [tid === String(child.pid) ? 'JS' : `${comm}:${tid}`, ticks / 100]).filter(([, sec]) => sec >= 0.1);
      if (code !== 0) reject(new Error(`bmrs ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`));
      else resolve({ wall, peakMb: peakKb / 1024, cpu: cpuTicks / 100, byThread: byName.sort((a, b) => b[1] - a[1]), report: JSON.parse(out) });
    });
  });
}

/** CPU seconds the simulator (another process on the same cores) has used so far. */
function simCpu() {
  const stat = readFileSync(`/proc/${sim.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(stat[11]) + Number(stat[12])) / 100;
}

async function pass(label, extra) {
  const simBefore = simCpu();
  const r = await bmrs(['backfill', '--dataset', 'FUELINST', '--from', from, '--to', to, '--concurrency', values.concurrency, '--json', ...extra]);
  const ds = r.report.datasets?.[0] ?? {};
  const fetched = ds.fetched ?? 0;
  console.log(
    `${label.padEnd(10)} ${fetched.toLocaleString('en-GB')} rows fetched, ${(ds.inserted ?? 0).toLocaleString('en-GB')} inserted in ${r.wall.toFixed(1)} s = ${Math.round(fetched / r.wall).toLocaleString('en-GB')} rows/s; CPU ${r.cpu.toFixed(1)} s (${((r.cpu * 1e6) / Math.max(1, fetched)).toFixed(1)} µs a row); peak RSS ${r.peakMb.toFixed(0)} MiB; row work: ${ds.rowWork?.sql ?? 0} windows by SQL, ${ds.rowWork?.js ?? 0} by JS, ${ds.rowWork?.unchanged ?? 0} unchanged${ds.rowWork?.reasons?.length ? ` (${ds.rowWork.reasons.join('; ')})` : ''}; memory governor: ${r.report.memory?.purges ?? 0} purges (target ${r.report.memory?.targetMiB ?? '-'} MiB); the simulator's CPU ${(simCpu() - simBefore).toFixed(1)} s`,
  );
  console.log(`           CPU by thread: ${r.byThread.map(([n, sec]) => `${n} ${sec.toFixed(1)} s`).join(', ')}`);
  return r;
}

async function check() {
  const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const c = await inst.connect();
  const [[rows, keys]] = (await c.runAndReadAll('SELECT count(*), count(DISTINCT _hash_key) FROM bmrs_fuelinst')).getRows();
  c.closeSync();
  inst.closeSync();
  const ok = Number(rows) === expected && Number(keys) === expected;
  console.log(`table: ${Number(rows).toLocaleString('en-GB')} rows, ${Number(keys).toLocaleString('en-GB')} distinct _hash_key, expected ${expected.toLocaleString('en-GB')}: ${ok ? 'exact, no duplicates' : 'WRONG'}`);
  if (!ok) process.exitCode = 1;
}

console.log(`bmrs backfill FUELINST ${from} .. ${to} (exclusive), --concurrency ${values.concurrency}, BMRS_TRANSFORM=${values.transform}, simulator in a child process; ${(await import('node:os')).cpus().length} CPUs`);
console.log(`machine pace before: ${(await machinePace()).text}`);
const first = await pass('load', []);
await check();
const again = await pass('--force', ['--force']);
await check();
console.log(`machine pace after:  ${(await machinePace()).text}`);
console.log(`--force re-run ${(first.wall / again.wall).toFixed(2)}x faster than the first load; DuckDB file ${((await stat(db)).size / 1048576).toFixed(1)} MiB`);
sim.stop();
await rm(dir, { recursive: true, force: true });

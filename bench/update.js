#!/usr/bin/env node
// bench/update: the wall time of one `bmrs update` cycle (parent + `bmrs ingest` child, FUELINST,
// WIND_SOLAR_GEN and MID, a DuckDB write, the freshness check), run as cron runs it
// (bin/bmrs.js in a child process), against the simulator in another process. Steady state: each
// cycle 5 minutes after the previous one, so each loads what 5 minutes published. Next to it, the
// bare cost of starting Node twice, and where the rest goes (from the cycle's own --json report).
// Last, the packages each of the two processes loads (from --cpu-prof), to show that nothing heavy
// (a cloud SDK) is loaded on the DuckDB path.
// Usage: npm run bench:update [-- --cycles 10]
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimChild } from './sim-child.js';

const { values } = parseArgs({ options: { cycles: { type: 'string', default: '10' } } });
const BIN = new URL('../bin/bmrs.js', import.meta.url).pathname;
const START = Date.parse('2025-11-01T12:00:00Z');
const sim = await startSimChild('2025-11-03T00:00:00Z');
const dir = await mkdtemp(join(tmpdir(), 'bmrs-bench-update-'));
const db = join(dir, 'bench.duckdb');

const ROOT = new URL('..', import.meta.url).pathname;

function run(args, env = {}, cwd = dir) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, {
      cwd,
      env: { PATH: process.env.PATH, NO_COLOR: '1', BMRS_API_BASE: sim.url, BMRS_DUCKDB_PATH: db, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - t0) / 1000 }));
  });
}

const at = (k) => new Date(START + k * 300_000).toISOString();
async function cycle(k, env = {}) {
  const r = await run([BIN, 'update', '--json'], { BMRS_NOW: at(k), ...env });
  if (r.code !== 0) throw new Error(`cycle ${k} exited ${r.code}: ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  const inserted = report.ingest.report.datasets.reduce((n, d) => n + d.inserted, 0);
  return { wall: r.seconds, inCycle: report.seconds, child: report.ingest.seconds, inserted };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};
const fmt = (x) => `${x.min.toFixed(2)} / ${x.median.toFixed(2)} / ${x.max.toFixed(2)} s`;
async function timed(label, args, n = Number(values.cycles)) {
  const xs = [];
  for (let i = 0; i < n; i++) {
    // From the checkout, so that bare imports resolve in its node_modules.
    const r = await run(args, {}, ROOT);
    if (r.code !== 0) throw new Error(`${label} exited ${r.code}: ${r.stderr}`);
    xs.push(r.seconds);
  }
  console.log(`${label.padEnd(44)} ${fmt(stats(xs))}  (min / median / max)`);
  return stats(xs);
}

process.on('exit', () => sim.stop());
const first = await cycle(0);
console.log(`first cycle, empty store: ${first.wall.toFixed(2)} s wall, ${first.inserted} rows inserted (3 h 15 min of wind-and-solar, 2 h 15 min of MID, 15 min of FUELINST)`);
const cycles = [];
for (let k = 1; k <= Number(values.cycles); k++) cycles.push(await cycle(k));
console.log(`\nsteady state, ${cycles.length} cycles 5 minutes apart (${Math.round(cycles.reduce((n, c) => n + c.inserted, 0) / cycles.length)} rows inserted per cycle):`);
const wall = stats(cycles.map((c) => c.wall));
console.log(`${'one update cycle (parent + child)'.padEnd(44)} ${fmt(wall)}`);
console.log(`${'  the child ingest, spawn to exit'.padEnd(44)} ${fmt(stats(cycles.map((c) => c.child)))}`);
console.log(`${'  parent after its start: lock, reads, log'.padEnd(44)} ${fmt(stats(cycles.map((c) => c.inCycle - c.child)))}`);
console.log(`${'  parent start (Node, imports, config)'.padEnd(44)} ${fmt(stats(cycles.map((c) => c.wall - c.inCycle)))}`);

console.log('\nbaselines:');
const node = await timed('node -e 0', ['-e', '0']);
console.log(`${'starting Node twice'.padEnd(44)} ${(2 * node.min).toFixed(2)} s (2 x min)`);
await timed('bmrs --version (Node, commander, main)', [BIN, '--version']);
await timed("import('@duckdb/node-api') (ESM)", ['--input-type=module', '-e', "await import('@duckdb/node-api')"]);
await timed("require('@duckdb/node-api') (CommonJS)", ['-e', "require('@duckdb/node-api')"]);
await timed("import('got')", ['--input-type=module', '-e', "await import('got')"]);

// Which packages each process loads: the scripts its CPU profile saw. NODE_OPTIONS may not carry
// --cpu-prof, so the parent is profiled on its own and the child's command is run the same way.
const prof = join(dir, 'prof');
const k = Number(values.cycles) + 1;
const parent = await run(['--cpu-prof', `--cpu-prof-dir=${join(prof, 'parent')}`, BIN, 'update', '--json'], { BMRS_NOW: at(k) });
const window = JSON.parse(parent.stdout).windows;
const from = window.map((w) => w.from).sort()[0];
await run(['--cpu-prof', `--cpu-prof-dir=${join(prof, 'child')}`, BIN, 'ingest', '--dataset', window.map((w) => w.dataset).join(','), '--from', from, '--to', at(k), '--json'], { BMRS_NOW: at(k) });
console.log('\npackages loaded per process (from --cpu-prof):');
for (const who of ['parent', 'child']) {
  const [f] = await readdir(join(prof, who));
  const { nodes } = JSON.parse(await readFile(join(prof, who, f), 'utf8'));
  const urls = new Set(nodes.map((n) => n.callFrame.url).filter(Boolean));
  const pkgs = new Set([...urls].map((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1]).filter(Boolean));
  console.log(`  ${who === 'parent' ? 'bmrs update (parent)' : 'bmrs ingest (child) '}: ${[...pkgs].sort().join(', ')}`);
}

sim.stop();
await rm(dir, { recursive: true, force: true });

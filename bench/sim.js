// Simulator throughput: one full year of FUELINST through /datasets/FUELINST/stream, consumed as a
// stream by a client. Reports wire throughput (rows counted in the bytes as they arrive) and
// parse-inclusive throughput (the whole body decoded and JSON.parse'd), plus peak RSS.
// Run: npm run bench:sim. By default the simulator runs in a child process (bin/elexon-sim.js, as in
// the end-to-end tests) so its peak RSS can be read on its own; `--in-process` runs it here instead.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../dist/sim/index.js';

const NOW = '2026-01-02T00:00:00Z';

const YEAR = [
  ['settlement dates', 'settlementDateFrom=2025-01-01&settlementDateTo=2025-12-31'],
  ['publish window', 'publishDateTimeFrom=2025-01-01T00:00:00Z&publishDateTimeTo=2025-12-31T23:59:59Z'],
];
const MARKER = Buffer.from('"dataset"');

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

function countMarkers(buf, carry) {
  // Counts `"dataset"` occurrences, including one split across chunk boundaries.
  const joined = carry.length ? Buffer.concat([carry, buf]) : buf;
  let n = 0;
  for (let i = joined.indexOf(MARKER); i !== -1; i = joined.indexOf(MARKER, i + MARKER.length)) n++;
  return { n, carry: joined.subarray(Math.max(0, joined.length - (MARKER.length - 1))) };
}

async function wire(url) {
  const t0 = performance.now();
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  let rows = 0;
  let bytes = 0;
  let carry = Buffer.alloc(0);
  for await (const chunk of res.body) {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    bytes += buf.length;
    const r = countMarkers(buf, carry);
    rows += r.n;
    carry = r.carry;
  }
  return { rows, bytes, seconds: (performance.now() - t0) / 1000 };
}

async function parsed(url) {
  const t0 = performance.now();
  const res = await fetch(url);
  const text = await res.text();
  const rows = JSON.parse(text).length;
  return { rows, bytes: Buffer.byteLength(text), seconds: (performance.now() - t0) / 1000 };
}

const fmt = (label, r) =>
  `${label.padEnd(34)} rows ${String(r.rows).padStart(9)}  ${r.seconds.toFixed(2).padStart(6)} s  ` +
  `${Math.round(r.rows / r.seconds).toLocaleString('en-GB').padStart(10)} rows/s  ${(r.bytes / 1e6 / r.seconds).toFixed(1).padStart(6)} MB/s`;

/** Peak RSS (VmHWM) of another process, in MB, where /proc exists. */
function peakRssOf(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function startChild() {
  const bin = fileURLToPath(new URL('../bin/elexon-sim.js', import.meta.url));
  const child = spawn(process.execPath, [bin, '--port', '0', '--now', NOW], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`elexon-sim exited with ${code}`)));
  });
  const url = /^listening on (\S+)$/.exec(first)?.[1];
  if (!url) throw new Error(`unexpected first line: ${first}`);
  return {
    url,
    peakRss: () => peakRssOf(child.pid),
    close: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))),
  };
}

const inProcess = process.argv.includes('--in-process');
const sim = inProcess ? await startSimulator({ now: NOW }) : await startChild();
let simRss;
try {
  for (const [label, query] of YEAR) {
    const url = `${sim.url}/datasets/FUELINST/stream?${query}`;
    console.log(fmt(`${label}, wire`, await wire(url)));
    console.log(fmt(`${label}, parse-inclusive`, await parsed(url)));
  }
  simRss = sim.peakRss?.();
} finally {
  clearInterval(sampler);
  await sim.close();
}
const mb = (n) => `${n.toFixed(0)} MB`;
if (inProcess) console.log(`peak RSS ${mb(peakRss / 1024 / 1024)} (simulator and client in one process)`);
else {
  console.log(`peak RSS simulator ${simRss === undefined ? 'n/a' : mb(simRss)}, client ${mb(peakRss / 1024 / 1024)} (the parse-inclusive client holds the whole body)`);
}

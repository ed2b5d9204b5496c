// Simulator throughput: one full year of FUELINST through /datasets/FUELINST/stream, consumed as a
// stream by a client in the same process (so both sides share this machine's cores).
// Reports wire throughput (rows counted in the bytes as they arrive) and parse-inclusive throughput
// (the whole body decoded and JSON.parse'd), plus peak RSS. Run: npm run bench:sim
import { startSimulator } from '../dist/sim/index.js';

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

const sim = await startSimulator({ now: '2026-01-02T00:00:00Z' });
try {
  for (const [label, query] of YEAR) {
    const url = `${sim.url}/datasets/FUELINST/stream?${query}`;
    console.log(fmt(`${label}, wire`, await wire(url)));
    console.log(fmt(`${label}, parse-inclusive`, await parsed(url)));
  }
} finally {
  clearInterval(sampler);
  await sim.close();
}
console.log(`peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB (simulator and client in one process)`);

// The machine's pace at the moment a benchmark runs: three fixed pieces of work, each on one thread.
// On a shared VM the same build runs a year's backfill anywhere from 90k to 145k rows/s within a day
// (docs/benchmarks.md, "Twelfth sitting"), so a figure means little without the pace beside it.
// - DuckDB: md5 of 2,000,000 strings of about 160 bytes (the transform's kind of work), best of 3;
// - page faults: the first touch of a fresh 128 MiB buffer (a backfill takes 300-450k faults);
// - memory: 1 GiB copied between two buffers already touched, best of 3.
import { DuckDBInstance } from '@duckdb/node-api';

export async function machinePace() {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const c = await instance.connect();
  let md5Ms = Infinity;
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    await c.run(`SELECT sum(hash(md5(repeat('x', 150) || i::VARCHAR))) FROM range(2000000) r(i)`);
    md5Ms = Math.min(md5Ms, performance.now() - t);
  }
  c.closeSync();
  instance.closeSync();
  const t = performance.now();
  Buffer.alloc(128 * 2 ** 20, 1);
  const touchMs = performance.now() - t;
  const a = Buffer.alloc(256 * 2 ** 20, 1);
  const b = Buffer.alloc(256 * 2 ** 20, 2);
  let copyMs = Infinity;
  for (let k = 0; k < 3; k++) {
    const t1 = performance.now();
    for (let i = 0; i < 4; i++) a.copy(b);
    copyMs = Math.min(copyMs, performance.now() - t1);
  }
  return {
    md5Ms,
    touchMs,
    copyMs,
    text: `DuckDB md5 of 2M strings ${md5Ms.toFixed(0)} ms, first touch of 128 MiB ${touchMs.toFixed(0)} ms, 1 GiB copied ${copyMs.toFixed(0)} ms`,
  };
}

// The memory governor's real purge (src/sinks/duckdb-governor.ts): `SET memory_limit` on an instance
// of its own has DuckDB give the process's free allocator pages back, runs beside another instance's
// statements, and leaves that instance's memory limit as it was.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { duckdb } from '../../src/sinks/duckdb-driver.js';
import { createGovernor } from '../../src/sinks/duckdb-governor.js';

const PURGE = new URL('../support/governor-purge.mjs', import.meta.url).pathname;

it('a purge gives back the pages a dropped table left with the allocator', async () => {
  // jemalloc never purges by itself in that process: whatever goes back, the governor's purge gave.
  const { stdout } = await promisify(execFile)(process.execPath, [PURGE], {
    env: { ...process.env, DUCKDB_JE_MALLOC_CONF: 'dirty_decay_ms:-1,muzzy_decay_ms:0' },
  });
  const r = JSON.parse(stdout) as { before: number; after: number; purges: number };
  expect(r.purges).toBe(1);
  // The table's million rows took about 60 MiB; at least a third of that comes back.
  expect(r.before - r.after).toBeGreaterThan(20);
});

it('purges beside a statement of another instance, whose limit stays; none after stop', async () => {
  const engine = await duckdb.DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '48MB' });
  const c = await engine.connect();
  try {
    const g = createGovernor({ targetBytes: 0, minGapMs: 0 });
    const busy = c.run('SELECT count(DISTINCT md5(range::VARCHAR)) FROM range(200000)');
    await g.tick();
    await busy;
    expect(g.purges).toBe(1);
    await g.tick();
    expect(g.purges).toBe(2);
    await g.stop();
    const limit = (await c.runAndReadAll("SELECT current_setting('memory_limit') AS m")).getRowObjects()[0].m;
    expect(limit).toBe('45.7 MiB'); // 48 MB, as DuckDB shows it
    expect(Number((await c.runAndReadAll('SELECT 41 + 1 AS x')).getRowObjects()[0].x)).toBe(42);
    await g.tick();
    expect(g.purges).toBe(2);
  } finally {
    c.closeSync();
    engine.closeSync();
  }
});

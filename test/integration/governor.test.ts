// The memory governor's real purge (src/sinks/duckdb-governor.ts): `SET memory_limit` on an instance
// of its own, which has DuckDB purge the process's allocators, runs beside another instance's
// statements and leaves that instance's memory limit as it was.
import { expect, it } from 'vitest';
import { duckdb } from '../../src/sinks/duckdb-driver.js';
import { createGovernor } from '../../src/sinks/duckdb-governor.js';

it('purges through its own instance, beside a statement of another, whose limit stays', async () => {
  const engine = await duckdb.DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '48MB' });
  const c = await engine.connect();
  try {
    // Memory to give back: a table made and dropped.
    await c.run('CREATE TABLE t AS SELECT range AS i, md5(range::VARCHAR) AS h FROM range(300000)');
    await c.run('DROP TABLE t');
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
    // Stopped: no more purges, and its instance is closed.
    await g.tick();
    expect(g.purges).toBe(2);
  } finally {
    c.closeSync();
    engine.closeSync();
  }
});

// The governor's purge in a process whose jemalloc never gives pages back by itself
// (DUCKDB_JE_MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:0, set by the test): a table made and
// dropped leaves its pages with the allocator, and only a purge can return them. Prints one JSON
// line: the RSS in MiB before and after one governor purge, and the purges counted.
import { duckdb } from '../../dist/sinks/duckdb-driver.js';
import { createGovernor } from '../../dist/sinks/duckdb-governor.js';

const mib = () => process.memoryUsage.rss() / 1048576;
const engine = await duckdb.DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '200MB' });
const c = await engine.connect();
await c.run('CREATE TABLE t AS SELECT range AS i, md5(range::VARCHAR) AS h FROM range(1000000)');
await c.run('DROP TABLE t');
const before = mib();
const g = createGovernor({ targetBytes: 0 });
await g.tick();
const after = mib();
await g.stop();
c.closeSync();
engine.closeSync();
console.log(JSON.stringify({ before, after, purges: g.purges }));

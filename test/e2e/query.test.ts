// bmrs query end to end: large results in every output format. Each test gets its own temporary
// store, made with the DuckDB API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeStore, runBmrs } from '../support/cli.js';
import { tempDir, type TempDir } from '../support/pipeline.js';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir();
  await makeStore(tmp.db, [
    "CREATE TABLE t AS SELECT * FROM (VALUES (1, NULL, 'NULL', ''), (2, 'a', NULL, 'b')) v(id, x, y, z)",
  ]);
});
afterEach(() => tmp.cleanup());

const query = (args: string[], env: Record<string, string | undefined> = {}) =>
  runBmrs(['query', ...args], { BMRS_DUCKDB_PATH: tmp.db, ...env });

describe('large results', () => {
  it('the table shows the first 100 rows of 130,000 and says on stderr how many it left out', async () => {
    const r = await query(['SELECT * FROM range(130000)']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(101);
    expect(lines[0]).toBe('range');
    expect(lines[100]).toBe('99');
    expect(r.stderr).toMatch(/showed 100 of 130,000 rows, left out 129,900/);
  });

  it('--limit-rows N shows N rows; 0 shows every row, aligned to the widest of the first 1,000', async () => {
    const three = await query(['SELECT i, repeat(\'x\', i::INT) AS s FROM range(5) t(i)', '--limit-rows', '3']);
    expect(three.stdout).toBe('i  s\n0\n1  x\n2  xx\n');
    expect(three.stderr).toMatch(/showed 3 of 5 rows, left out 2/);
    const all = await query(['SELECT * FROM range(130000)', '--limit-rows', '0']);
    expect(all.code).toBe(0);
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(130001);
    expect(all.stderr).toBe('');
    const bad = await query(['SELECT 1', '--limit-rows', 'some']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--limit-rows .*must be a whole number/);
  });

  it('--json streams one valid array over many chunks; 64-bit integers are numbers when safe', async () => {
    const r = await query(['SELECT i, i::HUGEINT * 10000000000000 AS big FROM range(5000) t(i)', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { i: number; big: number | string }[];
    expect(rows).toHaveLength(5000);
    expect(rows[4999]).toEqual({ i: 4999, big: '49990000000000000' });
    expect(rows[9]).toEqual({ i: 9, big: 90000000000000 });
    expect(JSON.parse((await query(['SELECT * FROM range(0)', '--json'])).stdout)).toEqual([]);
  });

  it('--csv streams every row with one header', async () => {
    const r = await query(['SELECT i, \'a,b\' AS s FROM range(5000) t(i)', '--csv']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5001);
    expect(lines[0]).toBe('i,s');
    expect(lines[5000]).toBe('4999,"a,b"');
  });

  it('a query that fails part-way is an error, not a silently short result', async () => {
    const sql = "SELECT CAST(CASE WHEN i > 500000 THEN 'x' ELSE '1' END AS INT) AS v FROM range(1000000) t(i)";
    const r = await query([sql, '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/query failed after [\d,]+ rows: Conversion Error/);
    expect(() => JSON.parse(r.stdout)).toThrow();
  });
});

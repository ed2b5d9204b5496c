// bmrs query end to end: large results, every output format, the SQL it refuses. Each test gets
// its own temporary store, made with the DuckDB API.
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

describe('what query accepts', () => {
  it.each([
    [['SELECT 1; SELECT 2'], /one statement at a time; this SQL holds 2/],
    [[''], /no SQL statement given/],
    [['  \n '], /no SQL statement given/],
    [['--', '-- only a comment'], /no SQL statement given/],
    [['SELECT 1', '--json', '--csv'], /option '--json' cannot be used with option '--csv'/],
    [['SELECT 1', '--csv', '--limit-rows', '5'], /option '--limit-rows <n>' cannot be used with option '--csv'/],
  ])('bmrs query %j is a usage error', async (args, message) => {
    const r = await query(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // With --json, stdout carries the error report a script can read; otherwise nothing.
    if (args.includes('--json')) expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, exitCode: 2 });
    else expect(r.stdout).toBe('');
  });

  it('the table shows NULL as ∅, apart from the text NULL and the empty string', async () => {
    const r = await query(['SELECT * FROM t ORDER BY id']);
    expect(r.stdout).toBe('id  x  y     z\n1   ∅  NULL\n2   a  ∅     b\n');
    const csv = await query(['SELECT * FROM t ORDER BY id', '--csv']);
    expect(csv.stdout).toBe('id,x,y,z\n1,,NULL,\n2,a,,b\n');
    const json = await query(['SELECT * FROM t ORDER BY id', '--json']);
    expect(JSON.parse(json.stdout)[0]).toEqual({ id: 1, x: null, y: 'NULL', z: '' });
  });

  it('--json keeps every column of repeated names: x, x_2 (skipping names in use), and says so', async () => {
    const r = await query(['SELECT 1 AS x, 2 AS x, 3 AS x_2, 4 AS x', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ x: 1, x_3: 2, x_2: 3, x_4: 4 }]);
    expect(r.stderr).toMatch(/repeated column names renamed in the JSON keys: x -> x_3, x -> x_4/);
  });
});

// The table's own column types drive hashing: a TIMESTAMP (instant) column hashes with +00:00 where
// a DATETIME does not, and a store made by bmrs 0.1 keeps loading without a single new row.
import { createHash } from 'node:crypto';
import { copyFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { findDataset } from '../../src/core/datasets.js';
import { tableColumns } from '../../src/core/table.js';
import { openSession } from '../../src/sinks/duckdb-open.js';
import { duckType, quoteIdent } from '../../src/sinks/duckdb-schema.js';
import { days, query, runPipeline, scalar, useSimulatorAndStore } from '../support/pipeline.js';

const ctx = useSimulatorAndStore({ now: '2025-11-01T00:00:00Z' });
const FIXTURE = new URL('../fixtures/stores/bmrs-0.1.0.duckdb', import.meta.url).pathname;
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

async function sql(db: string, text: string): Promise<void> {
  const s = await openSession(db, 'write', { waitMs: 0 });
  try {
    await s.connection.run(text);
  } finally {
    await s.close();
  }
}

describe('hashing follows the table, not the registry', () => {
  it('FUELINST into a table whose times are TIMESTAMPTZ: the hash text carries +00:00 on them', async () => {
    const cols = tableColumns(findDataset('FUELINST')!).map((c) => `${quoteIdent(c.name)} ${c.type === 'DATETIME' ? 'TIMESTAMPTZ' : duckType(c.type)}`);
    await sql(ctx.tmp.db, `CREATE TABLE bmrs_fuelinst (${cols.join(', ')})`);
    const [r] = await runPipeline({ api: ctx.sim.url, db: ctx.tmp.db, datasets: ['FUELINST'], range: days('2025-10-27', '2025-10-28') });
    expect(r).toMatchObject({ inserted: 5760, failures: [] });
    const rows = await query(
      ctx.tmp.db,
      `SELECT fuelType, generation, strftime(publishTime, '%Y-%m-%d %H:%M:%S') AS p, strftime(startTime, '%Y-%m-%d %H:%M:%S') AS s,
              settlementPeriod AS sp, _hash_key FROM bmrs_fuelinst ORDER BY publishTime, fuelType LIMIT 3`,
    );
    for (const row of rows) {
      // docs/compatibility.md section 2, by hand: keys sorted, DATE without a suffix, TIMESTAMP with +00:00.
      const text = `{"dataset": "FUELINST", "fuelType": "${row.fuelType}", "generation": ${row.generation}, "publishTime": "${row.p}+00:00", ` +
        `"settlementDate": "2025-10-27 00:00:00", "settlementPeriod": ${row.sp}, "startTime": "${row.s}+00:00"}`;
      expect(row._hash_key).toBe(md5(text));
    }
  });

  it.each([
    ['REAL', 'generation', 'REAL', 'FLOAT'],
    ['a 32-bit INTEGER', 'generation', 'INTEGER', 'INTEGER'],
    ['DECIMAL', 'generation', 'DECIMAL(18,3)', 'DECIMAL(18,3)'],
  ])('%s is refused: it would round or overflow what was hashed', async (_name, column, type, shown) => {
    const cols = tableColumns(findDataset('FUELINST')!).map((c) => `${quoteIdent(c.name)} ${c.name === column ? type : duckType(c.type)}`);
    await sql(ctx.tmp.db, `CREATE TABLE bmrs_fuelinst (${cols.join(', ')})`);
    const [r] = await runPipeline({ api: ctx.sim.url, db: ctx.tmp.db, datasets: ['FUELINST'], range: days('2025-10-27', '2025-10-28') });
    expect(r.failures.map((f) => f.error.message)).toEqual([expect.stringMatching(new RegExp(`${column} is ${shown.replace(/[()]/g, '\\$&')} where bmrs writes`))]);
  });

  it('an extra NOT NULL column that bmrs would leave empty is refused', async () => {
    const cols = tableColumns(findDataset('FUELINST')!).map((c) => `${quoteIdent(c.name)} ${duckType(c.type)}`);
    await sql(ctx.tmp.db, `CREATE TABLE bmrs_fuelinst (${cols.join(', ')}, region VARCHAR NOT NULL)`);
    const [r] = await runPipeline({ api: ctx.sim.url, db: ctx.tmp.db, datasets: ['FUELINST'], range: days('2025-10-27', '2025-10-28') });
    expect(r.failures[0]?.error.message).toMatch(/region is NOT NULL but not filled by bmrs/);
  });

  it('a table with a type bmrs cannot write is refused before any row is written', async () => {
    const cols = tableColumns(findDataset('FUELINST')!).map((c) => `${quoteIdent(c.name)} ${c.name === 'generation' ? 'VARCHAR' : duckType(c.type)}`);
    await sql(ctx.tmp.db, `CREATE TABLE bmrs_fuelinst (${cols.join(', ')})`);
    const [r] = await runPipeline({ api: ctx.sim.url, db: ctx.tmp.db, datasets: ['FUELINST'], range: days('2025-10-27', '2025-10-28') });
    expect(r.failures.map((f) => [f.error.name, f.error.exitCode])).toEqual([['SchemaConflictError', 65]]);
    expect(r.failures[0].error.message).toMatch(/generation is VARCHAR where bmrs writes INTEGER/);
    expect(ctx.sim.requests).toHaveLength(0);
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(0);
    // The refusal rolled back everything that open did: no ledger, no recorded column types.
    expect(await scalar(ctx.tmp.db, `SELECT count(*) FROM information_schema.tables WHERE table_name LIKE '\_bmrs\_%' ESCAPE '\\'`)).toBe(0);
  });
});

describe('a store made by bmrs 0.1.0', () => {
  it('loads the same day again without one new row, and records what its TIMESTAMP columns mean', async () => {
    await copyFile(FIXTURE, ctx.tmp.db);
    const before = await query(ctx.tmp.db, 'SELECT (SELECT count(*) FROM bmrs_fuelinst) AS f, (SELECT count(*) FROM bmrs_mid) AS m');
    expect(before).toEqual([{ f: 6000, m: 100 }]);
    const reports = await runPipeline({ api: ctx.sim.url, db: ctx.tmp.db, datasets: ['FUELINST', 'MID'], range: days('2025-10-26', '2025-10-27') });
    expect(reports.map((r) => [r.dataset, r.inserted, r.skipped, r.failures.length])).toEqual([
      ['FUELINST', 0, 6000, 0],
      ['MID', 0, 100, 0],
    ]);
    const recorded = await query(ctx.tmp.db, `SELECT table_name || '.' || column_name AS c, logical_type AS t FROM _bmrs_columns ORDER BY 1`);
    expect(recorded).toEqual([
      { c: 'bmrs_fuelinst.publishTime', t: 'DATETIME' },
      { c: 'bmrs_fuelinst.startTime', t: 'DATETIME' },
      { c: 'bmrs_mid.settlementDate', t: 'TIMESTAMP' },
      { c: 'bmrs_mid.startTime', t: 'TIMESTAMP' },
    ]);
    // The next day lands beside the old rows, hashed the way 0.1.0 hashed them (MID times with +00:00).
    const [mid] = await runPipeline({ api: ctx.sim.url, db: ctx.tmp.db, datasets: ['MID'], range: days('2025-10-27', '2025-10-28') });
    expect(mid).toMatchObject({ inserted: 96, failures: [] });
    const [row] = await query(ctx.tmp.db, `SELECT dataProvider, price, volume, settlementPeriod AS sp, startTime::VARCHAR AS s, _hash_key FROM bmrs_mid WHERE settlementDate = '2025-10-27' ORDER BY startTime LIMIT 1`);
    const float = (v: unknown) => (Number.isInteger(v) ? `${v}.0` : String(v));
    const text = `{"dataProvider": "${row.dataProvider}", "dataset": "MID", "price": ${float(row.price)}, "settlementDate": "2025-10-27 00:00:00+00:00", ` +
      `"settlementPeriod": ${row.sp}, "startTime": "${row.s}+00:00", "volume": ${float(row.volume)}}`;
    expect(row._hash_key).toBe(md5(text));
  });
});

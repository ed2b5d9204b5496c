// The real pipeline against the simulator and a temporary DuckDB file: exact day counts,
// idempotence, overlapping windows, boundaries, and the stored metadata.
import { describe, expect, it } from 'vitest';
import { findDataset } from '../../src/core/datasets.js';
import { hashRow } from '../../src/core/hash.js';
import type { Row } from '../../src/core/rows.js';
import { countRows, days, instants, query, runPipeline, scalar, useSimulatorAndStore } from '../support/pipeline.js';

const ctx = useSimulatorAndStore({ seed: 7, now: '2025-11-01T00:00:00Z' });

const run = (datasets: string[], range: ReturnType<typeof days>, extra: object = {}) =>
  runPipeline({ api: ctx.sim.url, db: ctx.tmp.db, datasets, range, ...extra });

describe('ingest FUELINST by settlement day', () => {
  it('loads 2025-10-27 exactly: 5,760 rows, 288 per fuel type, last one published at midnight', async () => {
    const [r] = await run(['FUELINST'], days('2025-10-27', '2025-10-28'));
    expect(r.failures).toEqual([]);
    expect(r).toMatchObject({ windows: 1, fetched: 5760, inserted: 5760, skipped: 0 });
    expect(await countRows(ctx.tmp.db)).toBe(5760);
    const perFuel = await query(ctx.tmp.db, 'SELECT fuelType, count(*) AS n FROM bmrs_fuelinst GROUP BY 1');
    expect(perFuel).toHaveLength(20);
    expect(new Set(perFuel.map((r) => Number(r.n)))).toEqual(new Set([288]));
    const [span] = await query(
      ctx.tmp.db,
      `SELECT min(settlementDate)::VARCHAR AS d0, max(settlementDate)::VARCHAR AS d1, min(settlementPeriod) AS p0,
              max(settlementPeriod) AS p1, max(publishTime)::VARCHAR AS lastPublish FROM bmrs_fuelinst`,
    );
    expect(span).toEqual({ d0: '2025-10-27', d1: '2025-10-27', p0: 1, p1: 48, lastPublish: '2025-10-28 00:00:00' });
  });

  it('loads the 50-period day 2025-10-26 as 6,000 rows and a second run inserts nothing', async () => {
    const [first] = await run(['FUELINST'], days('2025-10-26', '2025-10-27'));
    expect(first).toMatchObject({ fetched: 6000, inserted: 6000, skipped: 0 });
    const [second] = await run(['FUELINST'], days('2025-10-26', '2025-10-27'));
    expect(second).toMatchObject({ fetched: 6000, inserted: 0, skipped: 6000 });
    expect(await countRows(ctx.tmp.db)).toBe(6000);
    expect(await scalar(ctx.tmp.db, 'SELECT max(settlementPeriod) FROM bmrs_fuelinst')).toBe(50);
  });

  it('the 46-period day 2025-03-30 has 5,520 rows', async () => {
    const [r] = await run(['FUELINST'], days('2025-03-30', '2025-03-31'));
    expect(r.inserted).toBe(5520);
  });
});

describe('overlapping runs never duplicate', () => {
  it('days, then an instant window across them, then a wider day range', async () => {
    await run(['FUELINST'], days('2025-10-26', '2025-10-28'));
    const [overlap] = await run(['FUELINST'], instants('2025-10-26T12:00:00Z', '2025-10-27T12:00:00Z'));
    expect(overlap.fetched).toBeGreaterThan(0);
    expect(overlap.inserted).toBe(0);
    const [wider] = await run(['FUELINST'], days('2025-10-25', '2025-10-29'));
    expect(wider.inserted).toBe(5760 * 2);
    expect(await countRows(ctx.tmp.db)).toBe(6000 + 5760 * 3);
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) - count(DISTINCT _hash_key) FROM bmrs_fuelinst')).toBe(0);
  });

  it('consecutive instant windows share their boundary instant but load it once', async () => {
    await run(['FUELINST'], instants('2025-10-27T10:00:00Z', '2025-10-27T10:30:00Z'));
    await run(['FUELINST'], instants('2025-10-27T10:30:00Z', '2025-10-27T11:00:00Z'));
    // publishTime in [10:00, 11:00): 12 publications x 20 fuel types.
    expect(await countRows(ctx.tmp.db)).toBe(240);
    expect(await scalar(ctx.tmp.db, "SELECT count(*) FROM bmrs_fuelinst WHERE publishTime = '2025-10-27 10:30:00'")).toBe(20);
    expect(await scalar(ctx.tmp.db, "SELECT count(*) FROM bmrs_fuelinst WHERE publishTime = '2025-10-27 11:00:00'")).toBe(0);
  });

  it('concurrent windows of a multi-day range land exactly once each', async () => {
    const [r] = await run(['FUELINST'], days('2025-10-13', '2025-10-20'), { concurrency: 4 });
    expect(r).toMatchObject({ windows: 7, inserted: 5760 * 7, failures: [] });
    const perDay = await query(ctx.tmp.db, 'SELECT settlementDate::VARCHAR AS d, count(*) AS n FROM bmrs_fuelinst GROUP BY 1 ORDER BY 1');
    expect(perDay.map((r) => Number(r.n))).toEqual(Array(7).fill(5760));
  });
});

describe('stored rows', () => {
  it('carry the old system metadata formats and a _hash_key that matches the row content', async () => {
    await run(['FUELINST'], days('2025-10-27', '2025-10-28'));
    const rows = await query(
      ctx.tmp.db,
      `SELECT dataset, strftime(publishTime, '%Y-%m-%dT%H:%M:%SZ') AS publishTime, strftime(startTime, '%Y-%m-%dT%H:%M:%SZ') AS startTime,
              settlementDate::VARCHAR AS settlementDate, settlementPeriod, fuelType, generation,
              _dataset, _window_from_utc, _window_to_utc, _ingested_utc, _source_columns, _source_api, _hash_source_cols, _hash_key
       FROM bmrs_fuelinst ORDER BY publishTime, fuelType LIMIT 3`,
    );
    const cols = "['dataset', 'publishTime', 'startTime', 'settlementDate', 'settlementPeriod', 'fuelType', 'generation']";
    for (const r of rows) {
      expect(r).toMatchObject({
        _dataset: 'FUELINST',
        _window_from_utc: '2025-10-27T00:00:00+00:00',
        _window_to_utc: '2025-10-28T00:00:00+00:00',
        _ingested_utc: '2025-11-01T00:00:00+00:00',
        _source_columns: cols,
        _source_api: 'BMRS',
        _hash_source_cols: cols,
      });
      const content: Row = {
        dataset: r.dataset as string,
        publishTime: (r.publishTime as string).replace('T', ' ').replace('Z', ''),
        startTime: (r.startTime as string).replace('T', ' ').replace('Z', ''),
        settlementDate: r.settlementDate as string,
        settlementPeriod: Number(r.settlementPeriod),
        fuelType: r.fuelType as string,
        generation: Number(r.generation),
      };
      expect(r._hash_key).toBe(hashRow(findDataset('FUELINST')!.columns, content));
    }
  });
});

// The 50-period day 2025-10-26: counts follow from the calendar (25 hours, 50 periods), not from
// how the simulator happens to generate values. null: a count the calendar does not fix.
const DAY50: [string, number | null][] = [
  ['FUELHH', 50 * 20], ['FREQ', 25 * 240], ['MID', 50 * 2], ['INDO', 50], ['ITSDO', 50], ['TEMP', 1],
  ['WINDFOR', null], ['BOD', null], ['BOALF', null], ['NETBSAD', 50], ['DISBSAD', null], ['WIND_SOLAR_GEN', 50 * 3],
];

describe('every registry dataset loads the 50-period day 2025-10-26 exactly', () => {
  it.each(DAY50)('%s', async (code, expected) => {
    const d = findDataset(code)!;
    const [r] = await run([code], days('2025-10-26', '2025-10-27'));
    expect(r.failures.map((f) => f.error.message)).toEqual([]);
    if (expected !== null) expect(r.inserted).toBe(expected);
    expect(r.inserted).toBeGreaterThan(0);
    expect(await countRows(ctx.tmp.db, d.table)).toBe(r.inserted);
    expect(await scalar(ctx.tmp.db, `SELECT count(*) - count(DISTINCT _hash_key) FROM ${d.table}`)).toBe(0);
    const cols = d.columns.map((c) => c.name);
    if (cols.includes('settlementDate')) {
      const [days_] = await query(ctx.tmp.db, `SELECT min(settlementDate)::DATE::VARCHAR AS d0, max(settlementDate)::DATE::VARCHAR AS d1 FROM ${d.table}`);
      expect(days_).toEqual({ d0: '2025-10-26', d1: '2025-10-26' });
    }
    if (cols.includes('settlementPeriod')) {
      expect(await scalar(ctx.tmp.db, `SELECT count(DISTINCT settlementPeriod) FROM ${d.table}`)).toBe(50);
    }
    const [again] = await run([code], days('2025-10-26', '2025-10-27'));
    expect(again.inserted).toBe(0);
  });
});

// Real and hand-made bodies served by the simulator's replay mode, through the whole pipeline.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { startSimulator } from '../../src/sim/index.js';
import { days, instants, query, runPipeline, scalar, tempDir } from '../support/pipeline.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(() => tmp.cleanup());

/** Starts a replay simulator over `files` ({ 'FUELINST/a.json': body }) for the test body. */
async function withReplay(files: Record<string, string>, body: (url: string) => Promise<void>): Promise<void> {
  const dir = join(tmp.dir, 'replay');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name.split('/')[0]), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const sim = await startSimulator({ port: 0, dataDir: dir, now: '2026-06-01T00:00:00Z' });
  try {
    await body(sim.url);
  } finally {
    await sim.close();
  }
}

const fuelRow = (over: Record<string, unknown>) =>
  JSON.stringify({
    dataset: 'FUELINST', publishTime: '2025-10-25T10:00:00Z', startTime: '2025-10-25T09:55:00Z', settlementDate: '2025-10-25',
    // 09:55Z lies in period 22 both on the 25th (10:55 BST) and on the 26th (its day starts at 23:00Z).
    settlementPeriod: 22, fuelType: 'WIND', generation: 1000, ...over,
  });

describe('the real FUELINST stream sample of 2024-02-12', () => {
  it('lands with the old system\'s _hash_key for every row (MD5s computed with Python)', async () => {
    const dir = join(tmp.dir, 'replay', 'FUELINST');
    mkdirSync(dir, { recursive: true });
    copyFileSync(new URL('../fixtures/elexon/FUELINST_reutils_2024-02-12_stream.json', import.meta.url), join(dir, 'sample.json'));
    const sim = await startSimulator({ port: 0, dataDir: join(tmp.dir, 'replay'), now: '2026-06-01T00:00:00Z' });
    try {
      const [r] = await runPipeline({ api: sim.url, db: tmp.db, datasets: ['FUELINST'], range: instants('2024-02-12T17:50:00Z', '2024-02-12T17:55:00Z') });
      expect(r).toMatchObject({ fetched: 19, inserted: 19, failures: [] });
    } finally {
      await sim.close();
    }
    const keys = await query(tmp.db, "SELECT fuelType, _hash_key FROM bmrs_fuelinst WHERE fuelType IN ('BIOMASS', 'CCGT', 'PS', 'WIND') ORDER BY 1");
    expect(keys).toEqual([
      { fuelType: 'BIOMASS', _hash_key: 'd0a3676970ee09e4ceae3cc7e1e0ec98' },
      { fuelType: 'CCGT', _hash_key: '5f05856f74e8270294ce44f1fa10a1d4' },
      { fuelType: 'PS', _hash_key: '834377f660471eed7ab3e3fa721c3f7c' },
      { fuelType: 'WIND', _hash_key: '68412341c24cb514e81a49b376696c9e' },
    ]);
  });
});

describe('edge values', () => {
  it('a row without a settlement date is not inserted again on re-runs', async () => {
    await withReplay({ 'FUELINST/a.json': `[${fuelRow({ fuelType: 'X' })},${fuelRow({ fuelType: 'Y', settlementDate: null })}]` }, async (url) => {
      const range = instants('2025-10-25T09:00:00Z', '2025-10-25T11:00:00Z');
      for (let i = 0; i < 3; i++) await runPipeline({ api: url, db: tmp.db, datasets: ['FUELINST'], range, now: '2026-06-01T00:00:00Z' });
    });
    expect(await scalar(tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(2);
  });

  it('an integer beyond 64 bits fails its window (exit 65), the next window still lands', async () => {
    const bad = fuelRow({ generation: 7 }).replace('"generation":7', '"generation":99999999999999999999');
    const good = fuelRow({ publishTime: '2025-10-26T10:00:00Z', startTime: '2025-10-26T09:55:00Z', settlementDate: '2025-10-26' });
    await withReplay({ 'FUELINST/a.json': `[${bad},${good}]` }, async (url) => {
      const [r] = await runPipeline({ api: url, db: tmp.db, datasets: ['FUELINST'], range: days('2025-10-25', '2025-10-27'), now: '2026-06-01T00:00:00Z', concurrency: 1 });
      expect(r.failures).toHaveLength(1);
      expect(r.failures[0].error).toBeInstanceOf(DataError);
      expect(r.failures[0].error.message).toMatch(/generation \(INTEGER\) cannot hold 99999999999999999999/);
      expect(r.inserted).toBe(1);
    });
  });

  it('-0.0 is stored as -0.0, so the stored value matches the hashed one', async () => {
    const mid = '{"dataset":"MID","startTime":"2025-10-25T09:00:00Z","dataProvider":"N2EXMIDP","settlementDate":"2025-10-25","settlementPeriod":21,"price":-0.0,"volume":1e-05}';
    await withReplay({ 'MID/a.json': `{"data":[${mid}]}` }, async (url) => {
      await runPipeline({ api: url, db: tmp.db, datasets: ['MID'], range: days('2025-10-25', '2025-10-26'), now: '2026-06-01T00:00:00Z' });
    });
    const [row] = await query(tmp.db, "SELECT signbit(price) AS negative, volume FROM bmrs_mid");
    expect(row).toEqual({ negative: true, volume: 0.00001 });
  });
});

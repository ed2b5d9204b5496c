// Every registry dataset through the real pipeline (got client, DuckDB, ingest use case) against
// the simulator: the 50-period day 2025-10-26 and the normal day 2025-10-27 land with the counts the
// registry's rate implies, and the wrong-window trap (the simulator answering with its default
// window whatever was asked) fails the window with nothing stored. One simulator and one store for
// the file; each dataset has its own table, so the datasets run concurrently.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/adapters/clock.js';
import { createHttpClient } from '../../src/adapters/http.js';
import { addDays, periodsInDay, settlementDayStart } from '../../src/core/calendar.js';
import { DATASETS, type DatasetSpec } from '../../src/core/datasets.js';
import { ingest } from '../../src/core/ingest.js';
import type { Store } from '../../src/core/store.js';
import { planWindows, windowUrl } from '../../src/core/windows.js';
import { openDuckDbStore } from '../../src/sinks/duckdb.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { FAST_RETRY, tempDir, type TempDir } from '../support/pipeline.js';

const NOW = '2025-11-01T00:00:00Z';
const TRAP_DAY = '2025-10-20';
let sim: Simulator;
let tmp: TempDir;
let store: Store;

beforeAll(async () => {
  tmp = await tempDir();
  sim = await startSimulator({ port: 0, seed: 7, now: NOW });
  // The trap, per dataset: its TRAP_DAY request (exactly that URL) is answered with the default window.
  sim.setFault(DATASETS.map((d) => ({ kind: 'ignore-window' as const, path: windowUrl('', planWindows(d, { kind: 'days', from: TRAP_DAY, to: addDays(TRAP_DAY, 1) })[0]) })));
  store = await openDuckDbStore(tmp.db);
});
afterAll(async () => {
  await store?.close();
  await sim?.close();
  await tmp?.cleanup();
});

const load = (d: DatasetSpec, day: string) =>
  ingest(
    {
      api: createHttpClient({ base: sim.url, timeoutMs: 10_000, retry: FAST_RETRY, userAgent: 'bmrs-test' }),
      store,
      runId: 'every-dataset',
      clock: fixedClock(Date.parse(NOW)),
    },
    { datasets: [d], range: { kind: 'days', from: day, to: addDays(day, 1) }, concurrency: 1 },
  ).then(([r]) => r);

/** Rows one settlement day holds by the registry's rate: a batch per interval (one a day for daily ones); null without a rate. */
function expectedRows(d: DatasetSpec, day: string): number | null {
  const r = d.rate;
  if (!r) return null;
  if (r.everyMinutes >= 1440) return r.rows;
  return ((periodsInDay(day) * 30) / r.everyMinutes) * r.rows;
}

/**
 * A day's stored rows (by their window label): how many, and the span of the column its window is
 * checked on. Read through the store's own session: a second DuckDB instance on the file would
 * replay the write-ahead log into memory of its own.
 */
async function rowsOfDay(d: DatasetSpec, day: string): Promise<{ n: number; byDate: boolean; lo: string | null; hi: string | null }> {
  const [w] = planWindows(d, { kind: 'days', from: day, to: addDays(day, 1) });
  const byDate = w.accept.by === 'settlementDate' || w.keep.by === 'settlementDate';
  const col = byDate || !('field' in d.eventTime) ? 'settlementDate' : d.eventTime.field;
  const label = new Date(w.from).toISOString().replace('.000Z', '+00:00');
  if ((await store.countRows(d.table)) === null) return { n: 0, byDate, lo: null, hi: null };
  const values = (await store.sampleRows(d.table, 1_000_000)).filter((r) => r._window_from_utc === label).map((r) => String(r[col])).sort();
  return { n: values.length, byDate, lo: values[0] ?? null, hi: values.at(-1) ?? null };
}

const ms = (s: string): number => Date.parse(`${s.slice(0, 19).replace(' ', 'T')}Z`);

describe.concurrent.each(DATASETS.map((d) => [d.code, d] as const))('%s', (_code, d) => {
  it.each([['2025-10-26', 50], ['2025-10-27', 48]] as const)('loads %s (%i periods) with the counts its rate implies', async (day, periods) => {
    expect(periodsInDay(day)).toBe(periods);
    const r = await load(d, day);
    expect(r.failures.map((f) => f.error.message)).toEqual([]);
    const expected = expectedRows(d, day);
    if (expected === null) expect(r.inserted).toBeGreaterThan(0);
    else expect(r.inserted).toBe(expected);
    const stored = await rowsOfDay(d, day);
    expect(stored.n).toBe(r.inserted);
    // Everything stored lies in the day: by settlement date, or by event time within its local bounds.
    if (stored.lo === null || stored.hi === null) throw new Error(`${d.code}: no rows stored for ${day}`);
    if (stored.byDate) expect([stored.lo.slice(0, 10), stored.hi.slice(0, 10)]).toEqual([day, day]);
    else {
      expect(ms(stored.lo)).toBeGreaterThanOrEqual(settlementDayStart(day));
      expect(ms(stored.hi)).toBeLessThan(settlementDayStart(addDays(day, 1)));
    }
  });

});

// After the loads: a failed window lets go of the store's write session (duckdb-hold.ts).
describe.concurrent.each(DATASETS.map((d) => [d.code, d] as const))('%s', (_code, d) => {
  it('catches the simulator ignoring the window: the window fails and nothing is stored', async () => {
    const r = await load(d, TRAP_DAY);
    expect(r.inserted).toBe(0);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0].error.message).toMatch(/outside the requested window/);
    expect((await rowsOfDay(d, TRAP_DAY)).n).toBe(0);
  });
});

describe('the simulator reads the document, not the registry', () => {
  it('a registry entry naming the wrong event time fails its window (generic rows are published an hour after what they describe)', async () => {
    const agpt = DATASETS.find((d) => d.code === 'AGPT')!;
    const right = await load({ ...agpt, table: 'bmrs_agpt_right' }, '2025-10-15');
    expect(right.failures).toEqual([]);
    const wrong: DatasetSpec = { ...agpt, table: 'bmrs_agpt_wrong', eventTime: { field: 'startTime' } };
    const r = await load(wrong, '2025-10-15');
    expect(r.inserted).toBe(0);
    expect(r.failures[0].error.message).toMatch(/outside the requested window/);
  });

  it('a registry entry with a wrong parameter name fails its window instead of loading the wrong rows', async () => {
    const ndf = DATASETS.find((d) => d.code === 'NDF')!;
    const wrong: DatasetSpec = { ...ndf, code: 'NDF', table: 'bmrs_ndf_wrong', params: { from: 'publishFrom', to: 'publishTo' } };
    const r = await load(wrong, '2025-10-15');
    expect(r.inserted).toBe(0);
    expect(r.failures[0].error.message).toMatch(/outside the requested window/);
    const mid = DATASETS.find((d) => d.code === 'MID')!;
    const noPeriods: DatasetSpec = { ...mid, table: 'bmrs_mid_wrong', settlementQuery: { periodParams: { from: 'periodFrom', to: 'periodTo' } } };
    // Without its period bounds the simulator reads from/to as instants: the one instant 00:00Z
    // (period 3 of 2025-10-15) comes back, and only completeness can tell the day is not whole.
    const m = await load(noPeriods, '2025-10-15');
    expect(m.failures).toEqual([]);
    expect(m.inserted).toBe(2);
    expect(m.incomplete).toMatchObject([{ date: '2025-10-15', periods: 48 }]);
    expect(m.incomplete[0].missingPeriods).toHaveLength(47);
  });
});

// Backfill planning against the ledger: which due windows each mode fetches, the --plan summary,
// expected rows on clock-change days, and the interleaved order across datasets.
import { describe, expect, it } from 'vitest';
import { planBackfill, type BackfillMode } from '../../src/core/backfill-plan.js';
import { settlementDayStart } from '../../src/core/calendar.js';
import { findDataset } from '../../src/core/datasets.js';
import { planIngest, type DatasetPlan } from '../../src/core/plan.js';
import type { LedgerEntry, LedgerStatus } from '../../src/core/store.js';
import type { Range, Window } from '../../src/core/windows.js';

const ds = (code: string) => findDataset(code)!;
const days = (from: string, to: string): Range => ({ kind: 'days', from, to });
const label = (w: Window) => `${w.dataset.code} ${w.days ? w.days.from : new Date(w.from).toISOString()}`;
const entry = (dataset: string, from: number, to: number, status: LedgerStatus): LedgerEntry => ({
  dataset, from, to, status, fetched: 0, inserted: 0, skipped: 0, attempts: 1,
  errorCode: null, errorMessage: null, detail: null, runId: 'r1', firstAt: 0, updatedAt: 0,
});
const entries = (plan: DatasetPlan, states: readonly (LedgerStatus | null)[], all = plan.due): LedgerEntry[] =>
  all.flatMap((w, i) => (states[i] ? [entry(plan.dataset.code, w.from, w.to, states[i])] : []));
const plan1 = (code: string, range: Range, now: number) => planIngest([ds(code)], range, now)[0];
const picked = (mode: BackfillMode, plans: DatasetPlan[], ledger: LedgerEntry[], now: number) =>
  planBackfill(plans, ledger, mode, now).datasets.flatMap((d) => d.windows.map(label));

// 2025-07-01..07 by day; now is midday on the 6th: the 6th is due but its publication is not over,
// the 7th is pending. MID over three hours of 1 July: instants, so never a settled whole day.
const NOW = settlementDayStart('2025-07-06') + 12 * 3_600_000;
const ALL_DAYS = days('2025-07-01', '2025-07-08');
const FUELINST = plan1('FUELINST', ALL_DAYS, NOW);
const BOD = plan1('BOD', ALL_DAYS, NOW);
const MID = plan1('MID', { kind: 'instants', from: Date.parse('2025-07-01T00:00:00Z'), to: Date.parse('2025-07-01T03:00:00Z') }, NOW);
const FUELINST_ALL = [...FUELINST.due, ...planIngest([ds('FUELINST')], ALL_DAYS, Infinity)[0].due.slice(6)];
const LEDGER = [
  // 01 loaded, 02 empty (settled), 03 incomplete, 04 failed, 05 missing, 06 empty (not over), 07 failed (pending)
  ...entries(FUELINST, ['loaded', 'empty', 'incomplete', 'failed', null, 'empty', 'failed'], FUELINST_ALL),
  // BOD has no cadence: an empty day is a normal answer.
  ...entries(BOD, ['loaded', 'empty', 'failed', null, null, null]),
  ...entries(MID, MID.due.map(() => 'empty')),
];
const fuel = (...ds: string[]) => ds.map((d) => `FUELINST 2025-07-${d}`);
const bod = (...ds: string[]) => ds.map((d) => `BOD 2025-07-${d}`);
const MID_ALL = MID.due.map(label);

describe('planBackfill: which windows each mode fetches', () => {
  it.each<[BackfillMode, string[]]>([
    ['resume', [...fuel('02', '03', '04', '05'), ...bod('03', '04', '05', '06'), ...MID_ALL]],
    ['repair', [...fuel('02', '03', '04', '05'), ...bod('03', '04', '05', '06')]],
    ['force', [...fuel('01', '02', '03', '04', '05', '06'), ...bod('01', '02', '03', '04', '05', '06'), ...MID_ALL]],
  ])('%s', (mode, expected) => {
    expect(MID_ALL.length).toBeGreaterThan(0);
    expect(picked(mode, [FUELINST, BOD, MID], LEDGER, NOW)).toEqual(expected);
  });

  it('summarises the due windows by ledger state, the pending ones apart', () => {
    const plan = planBackfill([FUELINST, BOD, MID], LEDGER, 'resume', NOW, { FUELINST: 20, MID: 2 });
    expect(plan.datasets.map((d) => d.summary)).toEqual([
      { dataset: 'FUELINST', planned: 7, due: 6, pending: 1, loaded: 1, empty: 2, incomplete: 1, failed: 1, missing: 1, toFetch: 4, requests: 4, expectedRows: 4 * 48 * 6 * 20 },
      { dataset: 'BOD', planned: 7, due: 6, pending: 1, loaded: 1, empty: 1, incomplete: 0, failed: 1, missing: 3, toFetch: 4, requests: 4, expectedRows: null },
      { dataset: 'MID', planned: MID_ALL.length, due: MID_ALL.length, pending: 0, loaded: 0, empty: MID_ALL.length, incomplete: 0, failed: 0, missing: 0, toFetch: MID_ALL.length, requests: MID_ALL.length, expectedRows: null },
    ]);
  });

  it.each<[string, boolean, (w: Window) => LedgerEntry]>([
    ['the same dataset and bounds', false, (w) => entry('FUELINST', w.from, w.to, 'loaded')],
    ['another dataset, same bounds', true, (w) => entry('FUELHH', w.from, w.to, 'loaded')],
    ['a later start', true, (w) => entry('FUELINST', w.from + 1, w.to, 'loaded')],
    ['an earlier end', true, (w) => entry('FUELINST', w.from, w.to - 1, 'loaded')],
    ['the next day', true, (w) => entry('FUELINST', w.to, w.to + (w.to - w.from), 'loaded')],
  ])('a loaded entry of %s matches only when code and both bounds agree (picked: %s)', (_, stillPicked, make) => {
    const plan = plan1('FUELINST', days('2025-07-01', '2025-07-02'), NOW);
    const result = planBackfill([plan], [make(plan.due[0])], 'resume', NOW).datasets[0];
    expect(result.windows.map(label)).toEqual(stillPicked ? ['FUELINST 2025-07-01'] : []);
    expect(result.summary.missing).toBe(stillPicked ? 1 : 0);
  });

  it.each<BackfillMode>(['resume', 'repair', 'force'])('%s never picks a pending window, whatever the ledger says', (mode) => {
    const all = planIngest([ds('FUELINST')], ALL_DAYS, Infinity)[0].due;
    const ledger = all.map((w) => entry('FUELINST', w.from, w.to, 'failed'));
    const windows = planBackfill([FUELINST], ledger, mode, NOW).datasets[0].windows;
    expect(windows.map(label)).toEqual(fuel('01', '02', '03', '04', '05', '06'));
    expect(windows.every((w) => w.from < NOW)).toBe(true);
  });

  it('takes each dataset oldest first, whatever the order of its due windows', () => {
    const reversed: DatasetPlan = { ...FUELINST, due: [...FUELINST.due].reverse() };
    expect(picked('force', [reversed], [], NOW)).toEqual(fuel('01', '02', '03', '04', '05', '06'));
  });
});

describe('planBackfill: expected rows', () => {
  const settledNow = settlementDayStart('2026-01-01');
  it.each<[string, Range, Record<string, number>, number | null]>([
    ['FUELINST', days('2025-03-30', '2025-03-31'), { FUELINST: 20 }, 46 * 6 * 20],
    ['FUELINST', days('2025-10-26', '2025-10-27'), { FUELINST: 20 }, 50 * 6 * 20],
    ['FUELINST', days('2025-07-16', '2025-07-17'), { FUELINST: 20 }, 48 * 6 * 20],
    ['FUELINST', days('2025-03-29', '2025-04-01'), { FUELINST: 20 }, (48 + 46 + 48) * 6 * 20],
    // 213 days across both changes: the short and the long day cancel out.
    ['FUELINST', days('2025-03-29', '2025-10-28'), { FUELINST: 20 }, 213 * 48 * 6 * 20],
    ['MID', days('2025-10-26', '2025-10-27'), { MID: 2 }, 50 * 1 * 2],
    ['NETBSAD', days('2025-03-30', '2025-03-31'), {}, 46],
    ['FUELINST', days('2025-03-30', '2025-03-31'), { MID: 2 }, null],
    ['BOD', days('2025-03-30', '2025-03-31'), { BOD: 5 }, null],
  ])('%s %j with set sizes %j: %s', (code, range, sizes, expected) => {
    const plan = planBackfill([plan1(code, range, settledNow)], [], 'force', settledNow, sizes);
    expect(plan.datasets[0].summary.expectedRows).toBe(expected);
  });
});

describe('planBackfill: order across datasets', () => {
  const range = days('2025-07-01', '2025-07-04');
  it.each<[string[], string[]]>([
    [['FUELINST', 'FUELHH'], ['FUELINST 2025-07-01', 'FUELHH 2025-07-01', 'FUELINST 2025-07-02', 'FUELHH 2025-07-02', 'FUELINST 2025-07-03', 'FUELHH 2025-07-03']],
    [['FUELHH', 'FUELINST'], ['FUELHH 2025-07-01', 'FUELINST 2025-07-01', 'FUELHH 2025-07-02', 'FUELINST 2025-07-02', 'FUELHH 2025-07-03', 'FUELINST 2025-07-03']],
  ])('by window start, ties in the plans order: %j', (codes, expected) => {
    const plans = planIngest(codes.map(ds), range, NOW);
    expect(planBackfill(plans, [], 'force', NOW).order.map(label)).toEqual(expected);
  });

  it('skips what a dataset does not fetch', () => {
    const plans = planIngest([ds('FUELINST'), ds('FUELHH')], range, NOW);
    const ledger = [entry('FUELINST', plans[0].due[1].from, plans[0].due[1].to, 'loaded')];
    expect(planBackfill(plans, ledger, 'resume', NOW).order.map(label)).toEqual([
      'FUELINST 2025-07-01', 'FUELHH 2025-07-01', 'FUELHH 2025-07-02', 'FUELINST 2025-07-03', 'FUELHH 2025-07-03',
    ]);
  });
});

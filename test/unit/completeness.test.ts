// Settled days against the settlement calendar: every period, and the cadence's rows in each.
import { describe, expect, it } from 'vitest';
import { describeGaps, findGaps, isSettled } from '../../src/core/completeness.js';
import { findDataset } from '../../src/core/datasets.js';
import type { RawRow } from '../../src/core/rows.js';
import type { TableHandle } from '../../src/core/store.js';
import { resolveTable, tableColumns } from '../../src/core/table.js';
import { dayWindow, fuelinstRaws, windowWrite } from '../contract/store-contract.js';

const FUELINST = findDataset('FUELINST')!;
const table: TableHandle = resolveTable(FUELINST, FUELINST.table, tableColumns(FUELINST).map((c) => ({ ...c, storeType: c.type })), false);

/** Six 5-minute readings per period per fuel, as FUELINST publishes them. */
function fiveMinuteRaws(day: string, periods: number): RawRow[] {
  return fuelinstRaws(day, periods).flatMap((r) =>
    [0, 1, 2, 3, 4, 5].map((i) => ({ ...r, startTime: shift(String(r.startTime), i * 5), publishTime: shift(String(r.startTime), i * 5 + 5) })),
  );
}
const shift = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString().replace('.000', '');

function gaps(day: string, raws: ReturnType<typeof fiveMinuteRaws>) {
  const w = windowWrite(table, dayWindow(day), raws);
  return findGaps(table.spec, w.columns, w.rows, day);
}

describe('findGaps', () => {
  it.each([
    ['2025-10-27', 48],
    ['2025-03-30', 46],
    ['2025-10-26', 50],
  ])('a full %s (%i periods) is complete', (day, periods) => {
    expect(gaps(day, fiveMinuteRaws(day, periods))).toBeNull();
  });

  it('names the missing periods of a half day, against 50 on the long day', () => {
    const g = gaps('2025-10-26', fiveMinuteRaws('2025-10-26', 24))!;
    expect(g).toMatchObject({ date: '2025-10-26', periods: 50, missingPeriods: Array.from({ length: 26 }, (_, i) => 25 + i), shortPeriods: [] });
    expect(describeGaps(g)).toBe('periods 25-50 missing (26 of 50)');
  });

  it('an empty answer misses every period', () => {
    expect(describeGaps(gaps('2025-03-30', [])!)).toBe('periods 1-46 missing (46 of 46)');
  });

  it('a period short of one fuel reading is short, and a revision does not make up for it', () => {
    const raws = fiveMinuteRaws('2025-10-27', 48);
    const dropped = raws.findIndex((r) => r.settlementPeriod === 7 && r.fuelType === 'WIND');
    const revision = { ...raws[dropped + 1], generation: 1 };
    raws.splice(dropped, 1, revision);
    const g = gaps('2025-10-27', raws)!;
    expect(g.shortPeriods).toEqual([{ period: 7, rows: 23, expected: 24 }]);
    expect(describeGaps(g)).toBe('period 7 has 23 of 24 rows');
  });
});

describe('isSettled', () => {
  const w = dayWindow('2025-10-27');
  it('waits for the publication lag after the day ends', () => {
    expect(isSettled(FUELINST, w, w.to)).toBe(false);
    expect(isSettled(FUELINST, w, w.to + 30 * 60_000)).toBe(true);
  });
  it('judges only whole days of datasets with a cadence', () => {
    expect(isSettled(findDataset('BOD')!, w, w.to + 86_400_000)).toBe(false);
    expect(isSettled(FUELINST, { ...w, days: undefined }, w.to + 86_400_000)).toBe(false);
  });
});

// Rows that contradict themselves fail their window (exit 65) and are named; revisions are stored.
import { describe, expect, it } from 'vitest';
import { DATASETS, findDataset } from '../../src/core/datasets.js';
import { DataError } from '../../src/core/errors.js';
import { prepareWindow } from '../../src/core/prepare.js';
import type { RawRow } from '../../src/core/rows.js';
import { resolveTable, tableColumns } from '../../src/core/table.js';
import { planWindows } from '../../src/core/windows.js';
import { dayWindow, fuelinstRaws } from '../contract/store-contract.js';

const FUELINST = findDataset('FUELINST')!;
const table = resolveTable(FUELINST, FUELINST.table, tableColumns(FUELINST).map((c) => ({ ...c, storeType: c.type })), false);
const prepare = (raws: RawRow[], day = '2025-10-27') => prepareWindow(dayWindow(day), table, raws, 0n);

describe('rows that contradict themselves', () => {
  it.each<[string, string, Partial<RawRow>, RegExp]>([
    ['period 0', '2025-10-27', { settlementPeriod: 0 }, /settlementPeriod 0 is not a period of 2025-10-27 \(1-48\)/],
    ['period 99', '2025-10-27', { settlementPeriod: 99 }, /settlementPeriod 99 is not a period of 2025-10-27 \(1-48\)/],
    ['period 47 on the 46-period day', '2025-03-30', { settlementPeriod: 47 }, /not a period of 2025-03-30 \(1-46\)/],
    ['a period that is not its startTime\'s', '2025-10-27', { settlementPeriod: 3 }, /startTime 2025-10-27 00:30:00 lies in settlement period 2 of 2025-10-27 \(Europe\/London\), not period 3 of 2025-10-27/],
    ['a publishTime days from its settlement date', '2025-10-27', { publishTime: '2025-11-30T00:05:00Z' }, /publishTime 2025-11-30 00:05:00 is days away from its settlement date 2025-10-27/],
    ['a row of another dataset', '2025-10-27', { dataset: 'FUELHH' }, /its dataset field says FUELHH, not FUELINST/],
    ['a null in the natural key', '2025-10-27', { fuelType: null }, /natural key field fuelType is null/],
  ])('%s fails the window, naming the row', (_name, day, change, message) => {
    const raws = fuelinstRaws(day, 2);
    raws[5] = { ...raws[5], ...change } as RawRow;
    const e = (() => {
      try {
        prepare(raws, day);
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(DataError);
    expect((e as Error).message).toMatch(/^FUELINST row 5 \(publishTime=.*\): /);
    expect((e as Error).message).toMatch(message);
  });

  it('the API\'s own period for 23:30 UTC on the long day (period 50) is accepted', () => {
    const raws = fuelinstRaws('2025-10-26', 50);
    expect(raws.at(-1)).toMatchObject({ startTime: '2025-10-26T23:30:00Z', settlementPeriod: 50 });
    expect(prepare(raws, '2025-10-26').rows).toHaveLength(200);
  });
});

describe('revisions', () => {
  it('two rows with one natural key and other content are both stored, and counted', () => {
    const raws = fuelinstRaws('2025-10-27', 1);
    const p = prepare([...raws, { ...raws[0], generation: 1234 }, { ...raws[1] }]);
    expect(p.rows).toHaveLength(5);
    expect(p).toMatchObject({ revisions: 1, repeated: 1 });
  });
});

describe('publishTime near the settlement date: only where the registry says so', () => {
  const AGPT = findDataset('AGPT')!;
  const agpt = resolveTable(AGPT, AGPT.table, tableColumns(AGPT).map((c) => ({ ...c, storeType: c.type })), false);
  const [window] = planWindows(AGPT, { kind: 'days', from: '2025-10-27', to: '2025-10-28' });
  const revision = (publishTime: string): RawRow => ({
    dataset: 'AGPT', documentId: 'NGET-EMFIP-AGPT-1', documentRevisionNumber: 2, publishTime, businessType: 'Production',
    psrType: 'Biomass', quantity: 512.5, startTime: '2025-10-19T23:00:00Z', settlementDate: '2025-10-20', settlementPeriod: 1,
  });

  it('the registry marks FUELINST, FUELHH and the demand outturns, and not the transparency documents or forecasts', () => {
    const marked = DATASETS.filter((d) => d.publishNearSettlement).map((d) => d.code).sort();
    expect(marked).toEqual(['DEMAND_OUTTURN', 'FUELHH', 'FUELINST', 'INDO', 'ITSDO']);
  });

  it('an AGPT revision published a week after its settlement date loads', () => {
    const p = prepareWindow(window, agpt, [revision('2025-10-27T09:30:00Z')], 0n);
    expect(p.rows).toHaveLength(1);
    expect(p.rows[0]).toEqual(expect.arrayContaining(['2025-10-20 00:00:00', '2025-10-27 09:30:00']));
  });

  it('the same row under a dataset that carries the check fails its window', () => {
    const strict = resolveTable({ ...AGPT, publishNearSettlement: true }, AGPT.table, tableColumns(AGPT).map((c) => ({ ...c, storeType: c.type })), false);
    expect(() => prepareWindow(window, strict, [revision('2025-10-27T09:30:00Z')], 0n)).toThrow(/publishTime 2025-10-27 09:30:00 is days away from its settlement date 2025-10-20/);
  });
});

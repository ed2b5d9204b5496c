// Rows with a nested array (GEN_PER_TYPE's `data`) become one row per element; an array field of a
// flat dataset (REMIT's outageProfile) is kept as its JSON text.
import { describe, expect, it } from 'vitest';
import { findDataset } from '../../src/core/datasets.js';
import { decodeRows } from '../../src/core/decode.js';
import { DataError } from '../../src/core/errors.js';
import { sanitiseRow } from '../../src/core/sanitise.js';

const perType = findDataset('GEN_PER_TYPE')!;
const body = (rows: unknown[]) => JSON.stringify({ metadata: { datasets: ['AGPT'] }, data: rows });

describe('nested rows', () => {
  it('flattens each element into a row with the parent fields, in the registry column order', () => {
    const rows = decodeRows(perType, false, body([
      { startTime: '2025-10-26T12:00:00Z', settlementPeriod: 27, data: [
        { businessType: 'Production', psrType: 'Biomass', quantity: 1200.5 },
        { businessType: 'Production', psrType: 'Nuclear', quantity: 4100 },
      ] },
      { startTime: '2025-10-26T11:30:00Z', settlementPeriod: 26, data: [] },
    ]), 'application/json');
    expect(rows).toEqual([
      { startTime: '2025-10-26T12:00:00Z', settlementPeriod: 27, businessType: 'Production', psrType: 'Biomass', quantity: 1200.5 },
      { startTime: '2025-10-26T12:00:00Z', settlementPeriod: 27, businessType: 'Production', psrType: 'Nuclear', quantity: 4100 },
    ]);
    expect(Object.keys(rows[0])).toEqual(perType.columns.map((c) => c.name));
  });

  it('refuses a row without its nested array, or with an element that is not an object', () => {
    expect(() => decodeRows(perType, false, body([{ startTime: '2025-10-26T12:00:00Z', settlementPeriod: 27 }]), 'application/json')).toThrow(DataError);
    expect(() => decodeRows(perType, false, body([{ startTime: 'x', settlementPeriod: 1, data: [1] }]), 'application/json')).toThrow(/data\[0\] is/);
  });

  it('a flat dataset keeps its rows as they are, and an array field as JSON text', () => {
    const remit = findDataset('REMIT')!;
    const [raw] = decodeRows(remit, true, JSON.stringify([{ outageProfile: [{ startTime: '2025-10-26T12:00:00Z', capacity: 10.5 }] }]), 'application/json');
    expect(raw.outageProfile).toEqual([{ startTime: '2025-10-26T12:00:00Z', capacity: 10.5 }]);
    expect(sanitiseRow(remit, raw).outageProfile).toBe('[{"startTime":"2025-10-26T12:00:00Z","capacity":10.5}]');
  });
});

import { describe, expect, it } from 'vitest';
import { findDataset, type ColumnType, type DatasetSpec } from '../../src/core/datasets.js';
import { DataError } from '../../src/core/errors.js';
import type { Cell, JsonValue } from '../../src/core/rows.js';
import { normaliseInstant, sanitiseRow, sourceColumns, unknownFields } from '../../src/core/sanitise.js';

const FUELINST = findDataset('FUELINST') as DatasetSpec;

/** A one-column dataset so each case exercises one type. */
const specs = new Map<ColumnType, DatasetSpec>();
function specOf(type: ColumnType): DatasetSpec {
  let spec = specs.get(type);
  if (spec === undefined) {
    spec = { ...FUELINST, code: 'TEST', columns: [{ name: 'value', type }] };
    specs.set(type, spec);
  }
  return spec;
}

describe('sanitiseRow converts each type', () => {
  const cases: [ColumnType, JsonValue, Cell][] = [
    ['STRING', 'BIOMASS', 'BIOMASS'],
    ['STRING', '', ''],
    ['STRING', 'é€😀', 'é€😀'],
    ['STRING', 12, '12'],
    ['STRING', 1.5, '1.5'],
    ['STRING', 12345678901234567890n, '12345678901234567890'],
    ['STRING', true, 'true'],
    ['INTEGER', 2249, 2249],
    ['INTEGER', -300, -300],
    ['INTEGER', 2249.0, 2249],
    ['INTEGER', -0, 0],
    ['INTEGER', 1234567890123456789n, 1234567890123456789n],
    ['INTEGER', 9223372036854775807n, 9223372036854775807n],
    ['INTEGER', -9223372036854775808n, -9223372036854775808n],
    ['INTEGER', 42n, 42],
    ['INTEGER', 1e18, 1000000000000000000n],
    ['INTEGER', '2249', 2249],
    ['INTEGER', '-300', -300],
    ['INTEGER', '1234567890123456789', 1234567890123456789n],
    ['FLOAT', 85.5, 85.5],
    ['FLOAT', 5, 5],
    ['FLOAT', -0, -0],
    ['FLOAT', 12345678901234567890n, 12345678901234567000],
    ['FLOAT', '1e-05', 1e-5],
    ['FLOAT', '-12.25', -12.25],
    ['BOOLEAN', true, true],
    ['BOOLEAN', false, false],
    ['BOOLEAN', 'true', true],
    ['BOOLEAN', 'false', false],
    ['DATE', '2024-02-12', '2024-02-12'],
    ['DATE', '2024-02-29', '2024-02-29'],
    ['DATE', '2024-02-12T00:00:00Z', '2024-02-12'],
    ['DATE', '2024-02-13T00:00:00+00:00', '2024-02-13'],
    ['DATE', '2024-02-13T01:00:00+01:00', '2024-02-13'],
    ['DATETIME', '2024-02-12T17:50:00Z', '2024-02-12 17:50:00'],
    ['DATETIME', '2024-02-12T17:50:00.123Z', '2024-02-12 17:50:00.123000'],
    ['DATETIME', '2024-02-12T17:50:00.000Z', '2024-02-12 17:50:00'],
    ['DATETIME', '2024-02-12T17:50:00.1234567Z', '2024-02-12 17:50:00.123456'],
    ['DATETIME', '2024-02-12T18:50:00+01:00', '2024-02-12 17:50:00'],
    ['DATETIME', '2024-02-12T17:50:00-00:00', '2024-02-12 17:50:00'],
    ['DATETIME', '2024-02-12', '2024-02-12 00:00:00'],
    ['TIMESTAMP', '2023-07-12 05:00:00Z', '2023-07-12 05:00:00'],
    ['TIMESTAMP', '2022-08-02T00:00Z', '2022-08-02 00:00:00'],
    ['TIMESTAMP', '2024-02-12t17:50:00z', '2024-02-12 17:50:00'],
    ['TIMESTAMP', '2025-03-30T00:30:00+01:00', '2025-03-29 23:30:00'],
    ['TIMESTAMP', '2024-03-01T00:30:00.5+01:00', '2024-02-29 23:30:00.500000'],
    ['TIMESTAMP', '2023-03-01T00:30:00+01:00', '2023-02-28 23:30:00'],
    ['TIMESTAMP', '2024-01-01T00:00:00+00:30', '2023-12-31 23:30:00'],
    ['TIMESTAMP', '2024-12-31T20:00:00-05:00', '2025-01-01 01:00:00'],
    ['TIMESTAMP', '2024-02-29T23:00:00-01:00', '2024-03-01 00:00:00'],
  ];
  it.each(cases)('%s %s -> %s', (type, value, expected) => {
    expect(sanitiseRow(specOf(type), { value }).value).toStrictEqual(expected);
  });
});

describe('sanitiseRow rejects values that do not fit', () => {
  const cases: [ColumnType, JsonValue][] = [
    ['STRING', { a: 1 }],
    ['STRING', ['a']],
    ['INTEGER', 1234.5],
    ['INTEGER', 9223372036854775808n],
    ['INTEGER', -9223372036854775809n],
    ['INTEGER', '99999999999999999999'],
    ['INTEGER', 1e20],
    ['INTEGER', '1234.5'],
    ['INTEGER', '2249.0'],
    ['INTEGER', ' 12'],
    ['INTEGER', '+12'],
    ['INTEGER', 'abc'],
    ['INTEGER', ''],
    ['INTEGER', true],
    ['INTEGER', Infinity],
    ['INTEGER', [1]],
    ['FLOAT', 'abc'],
    ['FLOAT', ''],
    ['FLOAT', 'NaN'],
    ['FLOAT', '1e400'],
    ['FLOAT', Infinity],
    ['FLOAT', NaN],
    ['FLOAT', false],
    ['FLOAT', { x: 1 }],
    ['BOOLEAN', 'yes'],
    ['BOOLEAN', 'True'],
    ['BOOLEAN', 1],
    ['BOOLEAN', 0],
    ['DATE', '2025-02-30'],
    ['DATE', '2023-02-29'],
    ['DATE', '2024-13-01'],
    ['DATE', '2024-02-12T17:50:00Z'],
    ['DATE', '2024-02-13T00:00:00+01:00'],
    ['DATE', '12/02/2024'],
    ['DATE', 20240212],
    ['DATETIME', '2024-02-12T17:50:00'],
    ['DATETIME', '2023-07-21 09:00'],
    ['DATETIME', '2024-02-30T17:50:00Z'],
    ['DATETIME', '2024-02-12T24:00:00Z'],
    ['DATETIME', '2024-02-12T17:60:00Z'],
    ['DATETIME', '2024-02-12T17:50:60Z'],
    ['DATETIME', '2024-02-12T17:50:00+24:00'],
    ['DATETIME', '2024-02-12T17:50:00+0100'],
    ['DATETIME', '0000-01-01T00:00:00Z'],
    ['DATETIME', '0001-01-01T00:30:00+01:00'],
    ['DATETIME', '9999-12-31T23:30:00-01:00'],
    ['DATETIME', 'yesterday'],
    ['DATETIME', 1707760200000],
    ['TIMESTAMP', ' 2024-02-12T17:50:00Z'],
    ['TIMESTAMP', '2024-02-12T17:50:00.Z'],
  ];
  it.each(cases)('%s %s', (type, value) => {
    expect(() => sanitiseRow(specOf(type), { value })).toThrow(DataError);
  });

  it('names the dataset, row, column and value', () => {
    const raw = { dataset: 'FUELINST', generation: 1234.5 };
    expect(() => sanitiseRow(FUELINST, raw, 7)).toThrow(
      /^FUELINST row 7: column generation \(INTEGER\) cannot hold 1234\.5: expected an integer/,
    );
    expect(() => sanitiseRow(FUELINST, raw)).toThrow(/^FUELINST: column generation/);
  });

  it('does not let a cached timestamp hide a bad value in the next row', () => {
    const spec = specOf('DATETIME');
    expect(sanitiseRow(spec, { value: '2024-02-12T17:50:00Z' }).value).toBe('2024-02-12 17:50:00');
    expect(() => sanitiseRow(spec, { value: '2024-02-12T17:50:00' })).toThrow(DataError);
    expect(() => sanitiseRow(spec, { value: '2024-02-12T17:50:00' })).toThrow(DataError);
    expect(sanitiseRow(spec, { value: '2024-02-12T17:55:00Z' }).value).toBe('2024-02-12 17:55:00');
  });
});

describe('sanitiseRow row shape', () => {
  const api = {
    dataset: 'FUELINST',
    publishTime: '2024-02-12T17:50:00Z',
    startTime: '2024-02-12T17:45:00Z',
    settlementDate: '2024-02-12',
    settlementPeriod: 36,
    fuelType: 'BIOMASS',
    generation: 2249,
  };

  it('gives exactly the registry columns in registry order', () => {
    const reordered = { generation: 2249, fuelType: 'BIOMASS', extra: 1, dataset: 'FUELINST', startTime: api.startTime };
    const row = sanitiseRow(FUELINST, reordered);
    expect(Object.keys(row)).toEqual(FUELINST.columns.map((c) => c.name));
    expect(row).toStrictEqual({
      dataset: 'FUELINST',
      publishTime: null,
      startTime: '2024-02-12 17:45:00',
      settlementDate: null,
      settlementPeriod: null,
      fuelType: 'BIOMASS',
      generation: 2249,
    });
  });

  it('turns nulls into null cells', () => {
    expect(sanitiseRow(FUELINST, { ...api, generation: null, fuelType: null })).toMatchObject({ generation: null, fuelType: null });
  });

  it('sanitises a real FUELINST row', () => {
    expect(sanitiseRow(FUELINST, api)).toStrictEqual({
      dataset: 'FUELINST',
      publishTime: '2024-02-12 17:50:00',
      startTime: '2024-02-12 17:45:00',
      settlementDate: '2024-02-12',
      settlementPeriod: 36,
      fuelType: 'BIOMASS',
      generation: 2249,
    });
  });

  it.each([
    [{ ...api }, []],
    [{ ...api, newField: 1, Other: null }, ['newField', 'Other']],
    [{ fuelType: 'X', zzz: 1 }, ['zzz']],
  ])('unknownFields(%j) -> %j', (raw, expected) => {
    expect(unknownFields(FUELINST, raw)).toEqual(expected);
  });

  it.each([
    [api, ['dataset', 'publishTime', 'startTime', 'settlementDate', 'settlementPeriod', 'fuelType', 'generation']],
    [{ b: 1, a: 2, extra: null }, ['b', 'a', 'extra']],
  ])('sourceColumns keeps API order: %j', (raw, expected) => {
    expect(sourceColumns(raw)).toEqual(expected);
  });
});

describe('normaliseInstant', () => {
  it.each([
    ['2024-02-12T17:50:00Z', '2024-02-12 17:50:00'],
    ['2024-02-12T17:50:00.000001Z', '2024-02-12 17:50:00.000001'],
    ['2024-02-12', '2024-02-12 00:00:00'],
    ['2024-02-12T17:50:00', null],
    ['2024-02-12 17:50:00', null],
    ['', null],
  ])('%j -> %j', (s, expected) => {
    expect(normaliseInstant(s)).toBe(expected);
  });
});

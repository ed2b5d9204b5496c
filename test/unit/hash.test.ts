// Expected texts and MD5s were computed with CPython 3.11 (json.dumps(row, sort_keys=True) and
// hashlib.md5) per docs/compatibility.md section 2, then pasted in; the tests never call Python.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Column, DatasetSpec } from '../../src/core/datasets.js';
import { findDataset } from '../../src/core/datasets.js';
import { DataError } from '../../src/core/errors.js';
import { hashedColumns, hashRow, isTimeNamed, renderHashText, renderHashValue } from '../../src/core/hash.js';
import type { RawRow, Row } from '../../src/core/rows.js';
import { sanitiseRow } from '../../src/core/sanitise.js';

const FUELINST = findDataset('FUELINST') as DatasetSpec;
const MID = findDataset('MID') as DatasetSpec;

const fuelinstRow = (fuelType: string, generation: number): Row => ({
  dataset: 'FUELINST',
  publishTime: '2024-02-12 17:50:00',
  startTime: '2024-02-12 17:45:00',
  settlementDate: '2024-02-12',
  settlementPeriod: 36,
  fuelType,
  generation,
});

describe('worked examples from docs/compatibility.md', () => {
  const cases: [string, readonly Column[], Row, string, string][] = [
    [
      'FUELINST BIOMASS',
      FUELINST.columns,
      fuelinstRow('BIOMASS', 2249),
      '{"dataset": "FUELINST", "fuelType": "BIOMASS", "generation": 2249, "publishTime": "2024-02-12 17:50:00", "settlementDate": "2024-02-12 00:00:00", "settlementPeriod": 36, "startTime": "2024-02-12 17:45:00"}',
      'd0a3676970ee09e4ceae3cc7e1e0ec98',
    ],
    [
      'FUELINST PS',
      FUELINST.columns,
      fuelinstRow('PS', -300),
      '{"dataset": "FUELINST", "fuelType": "PS", "generation": -300, "publishTime": "2024-02-12 17:50:00", "settlementDate": "2024-02-12 00:00:00", "settlementPeriod": 36, "startTime": "2024-02-12 17:45:00"}',
      'cee264cc82a0eb69d6fe22a5f5ff4de3',
    ],
    [
      'MID with TIMESTAMP times and floats',
      MID.columns,
      {
        dataset: 'MID',
        startTime: '2025-10-29 00:00:00',
        dataProvider: 'N2EXMIDP',
        settlementDate: '2025-10-29 00:00:00',
        settlementPeriod: 1,
        price: 0,
        volume: 1e-5,
      },
      '{"dataProvider": "N2EXMIDP", "dataset": "MID", "price": 0.0, "settlementDate": "2025-10-29 00:00:00+00:00", "settlementPeriod": 1, "startTime": "2025-10-29 00:00:00+00:00", "volume": 1e-05}',
      '1a64b8beefb98889bb3330206f7037d3',
    ],
    [
      'non-ASCII text, escaped as ensure_ascii does',
      [
        { name: 'dataset', type: 'STRING' },
        { name: 'note', type: 'STRING' },
        { name: 'value', type: 'FLOAT' },
      ],
      { dataset: 'X', note: 'café – 5°C', value: 85.5 },
      '{"dataset": "X", "note": "caf\\u00e9 \\u2013 5\\u00b0C", "value": 85.5}',
      'e65687c2e00994c1f1ed0fd1b2eaf1cd',
    ],
  ];
  it.each(cases)('%s', (_label, columns, row, text, md5) => {
    expect(renderHashText(columns, row)).toBe(text);
    expect(hashRow(columns, row)).toBe(md5);
  });
});

const MIXED: readonly Column[] = [
  { name: 'Zeta', type: 'STRING' },
  { name: 'alpha', type: 'INTEGER' },
  { name: '_x', type: 'STRING' },
  { name: 'price', type: 'FLOAT' },
  { name: 'flag', type: 'BOOLEAN' },
  { name: 'measurementTime', type: 'TIMESTAMP' },
  { name: 'settlementDate', type: 'DATE' },
  { name: 'publishTime', type: 'DATETIME' },
  { name: 'note', type: 'STRING' },
  { name: 'big', type: 'INTEGER' },
  { name: 'naïve', type: 'STRING' },
  // Not named *time/*date, so hashed as the plain string of its cell.
  { name: 'timeFrom', type: 'TIMESTAMP' },
];

describe('every rendering rule', () => {
  const cases: [string, Row, string, string][] = [
    [
      'all kinds: mixed-case order, _x excluded, int in FLOAT column, bigint, escapes, fractional TIMESTAMP',
      {
        Zeta: 'é€😀',
        alpha: 5,
        _x: 'ignored',
        price: 5,
        flag: true,
        measurementTime: '2024-02-12 17:50:00.123000',
        settlementDate: '2024-02-12',
        publishTime: '2024-02-12 17:50:00',
        note: 'say "hi" \\ /\n\t\r\b\f\x01\x7f',
        big: 12345678901234567890n,
        naïve: 'x',
        timeFrom: '2024-02-12 17:45:00',
      },
      '{"Zeta": "\\u00e9\\u20ac\\ud83d\\ude00", "alpha": 5, "big": 12345678901234567890, "flag": true, "measurementTime": "2024-02-12 17:50:00.123000+00:00", "na\\u00efve": "x", "note": "say \\"hi\\" \\\\ /\\n\\t\\r\\b\\f\\u0001\\u007f", "price": 5.0, "publishTime": "2024-02-12 17:50:00", "settlementDate": "2024-02-12 00:00:00", "timeFrom": "2024-02-12T17:45:00Z"}',
      'a4b10781bcb6dc26587ebca7d63c07b7',
    ],
    [
      'nulls dropped, false, 1e-05, microsecond DATETIME, negative bigint',
      {
        Zeta: null,
        alpha: -300,
        _x: null,
        price: 1e-5,
        flag: false,
        measurementTime: '2024-02-12 17:50:00',
        settlementDate: null,
        publishTime: '2024-02-12 17:50:00.000001',
        note: '',
        big: -9007199254740993n,
        naïve: null,
        timeFrom: null,
      },
      '{"alpha": -300, "big": -9007199254740993, "flag": false, "measurementTime": "2024-02-12 17:50:00+00:00", "note": "", "price": 1e-05, "publishTime": "2024-02-12 17:50:00.000001"}',
      '8d6560608a3061ffa6a37e81feb6b59d',
    ],
    [
      'missing cells count as null; 1e22; max safe integer',
      { alpha: 0, price: 1e22, flag: true, big: 9007199254740991, measurementTime: '2025-10-26 01:30:00' },
      '{"alpha": 0, "big": 9007199254740991, "flag": true, "measurementTime": "2025-10-26 01:30:00+00:00", "price": 1e+22}',
      '1938f9b6d6dd7d1e51e0fe240b544967',
    ],
  ];
  it.each(cases)('%s', (_label, row, text, md5) => {
    expect(renderHashText(MIXED, row)).toBe(text);
    expect(hashRow(MIXED, row)).toBe(md5);
  });

  it('lists the hashed columns in column order, without nulls or _ columns', () => {
    expect(hashedColumns(MIXED, cases[1][1])).toEqual(['alpha', 'price', 'flag', 'measurementTime', 'publishTime', 'note', 'big']);
    expect(hashedColumns(FUELINST.columns, fuelinstRow('PS', -300))).toEqual(FUELINST.columns.map((c) => c.name));
  });
});

describe('FLOAT values render as repr(float)', () => {
  const columns: readonly Column[] = [
    { name: 'dataset', type: 'STRING' },
    { name: 'value', type: 'FLOAT' },
  ];
  const cases: [number, string, string][] = [
    [1e-5, '{"dataset": "X", "value": 1e-05}', '1818ee446c7dbaaab1645790b4b618a1'],
    [1e16, '{"dataset": "X", "value": 1e+16}', '4fe96801c6037e41ab4ed64c39f229c0'],
    [0.1, '{"dataset": "X", "value": 0.1}', 'aa1fb28997301b06512f5096337998bc'],
    [-0, '{"dataset": "X", "value": -0.0}', 'a93ff71d0607992668aa10352854d541'],
    [123456789.123, '{"dataset": "X", "value": 123456789.123}', '7e919f973400cdbb783e7c6ee2572eb8'],
    [5e-324, '{"dataset": "X", "value": 5e-324}', '73620201dc1ec2459bf8133cf8e21922'],
    [1.7976931348623157e308, '{"dataset": "X", "value": 1.7976931348623157e+308}', 'c3870cfa4dd447a7ebda4c44e9f46110'],
    [0.0001, '{"dataset": "X", "value": 0.0001}', 'ac95800ea7dfa86a7341eec830bcb850'],
    [1e22, '{"dataset": "X", "value": 1e+22}', '4b6c1af245297ef313a3dfc0800f2f18'],
    [0, '{"dataset": "X", "value": 0.0}', '566b862f5434074f0da029b3d7ee2de3'],
    [1234, '{"dataset": "X", "value": 1234.0}', '54629b6c8d756b9478530714caec4e3c'],
    [85.5, '{"dataset": "X", "value": 85.5}', '9464e6f4738c7f94e17a042866b42a90'],
  ];
  it.each(cases)('%s', (value, text, md5) => {
    const row = { dataset: 'X', value };
    expect(renderHashText(columns, row)).toBe(text);
    expect(hashRow(columns, row)).toBe(md5);
  });
});

describe('renderHashValue', () => {
  const cases: [Column, Row[string], string][] = [
    [{ name: 'n', type: 'INTEGER' }, 12345678901234567890n, '12345678901234567890'],
    [{ name: 'n', type: 'INTEGER' }, '-0042', '-42'],
    [{ name: 'f', type: 'FLOAT' }, 5, '5.0'],
    [{ name: 'f', type: 'FLOAT' }, 12345678901234567890n, '1.2345678901234567e+19'],
    [{ name: 'b', type: 'BOOLEAN' }, false, 'false'],
    [{ name: 'startTime', type: 'DATETIME' }, '2024-02-12 17:45:00', '"2024-02-12 17:45:00"'],
    [{ name: 'STARTTIME', type: 'DATETIME' }, '2024-02-12 17:45:00.000000', '"2024-02-12 17:45:00"'],
    [{ name: 'someDate', type: 'TIMESTAMP' }, '2024-02-12', '"2024-02-12 00:00:00+00:00"'],
    [{ name: 'someDate', type: 'STRING' }, '2024-02-12T18:50:00.5+01:00', '"2024-02-12 17:50:00.500000"'],
    [{ name: 'timeFrom', type: 'TIMESTAMP' }, '2024-02-12 17:45:00', '"2024-02-12T17:45:00Z"'],
    [{ name: 'timeTo', type: 'TIMESTAMP' }, '2024-02-12 17:45:00.500000', '"2024-02-12T17:45:00.500000Z"'],
    [{ name: 's', type: 'STRING' }, 'é', '"\\u00e9"'],
    [{ name: 's', type: 'STRING' }, null, 'null'],
  ];
  it.each(cases)('%s %s -> %s', (column, cell, expected) => {
    expect(renderHashValue(column, cell)).toBe(expected);
  });

  const bad: [Column, Row[string]][] = [
    [{ name: 'n', type: 'INTEGER' }, 1.5],
    [{ name: 'n', type: 'INTEGER' }, 'x'],
    [{ name: 'f', type: 'FLOAT' }, 'x'],
    [{ name: 'b', type: 'BOOLEAN' }, 'true'],
    [{ name: 'startTime', type: 'DATETIME' }, '2024-02-12 17:45'],
    [{ name: 'startTime', type: 'DATETIME' }, 5],
    [{ name: 's', type: 'STRING' }, 5],
  ];
  it.each(bad)('%s %s throws', (column, cell) => {
    expect(() => renderHashValue(column, cell)).toThrow(DataError);
  });
});

describe('isTimeNamed', () => {
  it.each([
    ['publishTime', true],
    ['settlementDate', true],
    ['measurementTime', true],
    ['MEASUREMENTDATE', true],
    ['timeFrom', false],
    ['settlementPeriod', false],
    ['dateTimeX', false],
  ])('%s -> %s', (name, expected) => {
    expect(isTimeNamed(name)).toBe(expected);
  });
});

describe('the 19 rows of a real FUELINST stream body', () => {
  const raws = JSON.parse(
    readFileSync(join(import.meta.dirname, '../fixtures/elexon/FUELINST_reutils_2024-02-12_stream.json'), 'utf8'),
  ) as RawRow[];
  const expected: [string, string][] = [
    ['BIOMASS', 'd0a3676970ee09e4ceae3cc7e1e0ec98'],
    ['CCGT', '5f05856f74e8270294ce44f1fa10a1d4'],
    ['COAL', 'd9fbc7bf0fde463760ebad56f1851c47'],
    ['INTELEC', 'fe5c923da7b5ecaaf1dbb043f88d900a'],
    ['INTEW', '0552a7a592e841bff54431660b85b328'],
    ['INTFR', '3d04f09f2dff7fc2578a5e15852112c3'],
    ['INTIFA2', '3404274be171e1d24429d9d51d7fead7'],
    ['INTIRL', '84ce67097f7fbe8e81473d4c2d82b466'],
    ['INTNED', '415ff8ef69f648adf2495980951a8d6c'],
    ['INTNEM', '22a4675ce6692c5f453ee4c266a0fba2'],
    ['INTNSL', 'f6b5a9978a70622cec240725b1c14c9d'],
    ['INTVKL', 'b2fa2e8f19af120743daffe0b32ac2af'],
    ['NPSHYD', '85a8118638cae9ce125f5a0803a857eb'],
    ['NUCLEAR', '853708b436c1021b24cfc391c634daad'],
    ['OCGT', '3b38c17992d8dadf4c0913b28737ba7f'],
    ['OIL', '9fbd388c7e75d553c81b001a44084b30'],
    ['OTHER', '7bd81e27460ecba11c6944f024aac761'],
    ['PS', '834377f660471eed7ab3e3fa721c3f7c'],
    ['WIND', '68412341c24cb514e81a49b376696c9e'],
  ];

  it('holds the 19 rows the expectations were computed for', () => {
    expect(raws.map((r) => r.fuelType)).toEqual(expected.map(([fuel]) => fuel));
  });

  it.each(expected.map(([fuel, md5], i) => [i, fuel, md5] as const))('row %i %s', (i, _fuel, md5) => {
    expect(hashRow(FUELINST.columns, sanitiseRow(FUELINST, raws[i], i))).toBe(md5);
  });
});

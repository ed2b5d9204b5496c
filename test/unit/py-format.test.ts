// Every expected string below was printed by CPython 3.11 (repr, json.dumps(sort_keys=True),
// datetime.isoformat) and pasted in; the tests never call Python.
import { describe, expect, it } from 'vitest';
import {
  compareCodePoints,
  pyFloatRepr,
  pyIsoformatUtc,
  pyJsonDumpsSorted,
  pyJsonString,
  pyListRepr,
  type PyScalar,
} from '../../src/core/py-format.js';

describe('pyFloatRepr matches repr(float)', () => {
  const cases: [number, string][] = [
    [1e-5, '1e-05'],
    [1e16, '1e+16'],
    [0.1, '0.1'],
    [-0, '-0.0'],
    [0, '0.0'],
    [123456789.123, '123456789.123'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [0.0001, '0.0001'],
    [1e22, '1e+22'],
    [1234, '1234.0'],
    [85.5, '85.5'],
    [1.5e16, '1.5e+16'],
    [1.2345e-7, '1.2345e-07'],
    [9999999999999998, '9999999999999998.0'],
    [0.1 + 0.2, '0.30000000000000004'],
    [2.5e-5, '2.5e-05'],
    [100, '100.0'],
    [1e15, '1000000000000000.0'],
    [123456789012345680, '1.2345678901234568e+17'],
    [-1.5, '-1.5'],
    [49.97, '49.97'],
    [50.017, '50.017'],
    [0.00012, '0.00012'],
    [9007199254740992, '9007199254740992.0'],
    [-2.2250738585072014e-308, '-2.2250738585072014e-308'],
    [1e100, '1e+100'],
    [1e-100, '1e-100'],
    [0.001, '0.001'],
    [12345.6789e-10, '1.23456789e-06'],
    [-1e-4, '-0.0001'],
    [1.0000000000000002, '1.0000000000000002'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'nan'],
    [5, '5.0'],
    [1e21, '1e+21'],
    [123e18, '1.23e+20'],
  ];
  it.each(cases)('%s -> %s', (x, expected) => {
    expect(pyFloatRepr(x)).toBe(expected);
  });
});

describe('pyJsonDumpsSorted matches json.dumps(d, sort_keys=True)', () => {
  const cases: [string, Record<string, PyScalar>, string[], string][] = [
    [
      'keys by code point, upper case first',
      { Zeta: 1, alpha: 2, Alpha: 3, _x: 4, zeta: 5, a: 6, B: 7, b: 8, é: 9, Z: 10 },
      [],
      '{"Alpha": 3, "B": 7, "Z": 10, "Zeta": 1, "_x": 4, "a": 6, "alpha": 2, "b": 8, "zeta": 5, "\\u00e9": 9}',
    ],
    ['non-ASCII and an emoji', { s: 'é€😀' }, [], '{"s": "\\u00e9\\u20ac\\ud83d\\ude00"}'],
    ['quotes, backslash, slash', { s: 'say "hi" \\ back/slash' }, [], '{"s": "say \\"hi\\" \\\\ back/slash"}'],
    [
      'control characters',
      { s: '\n\r\t\b\f\x00\x01\x1f\x7f\x80\u00a0\u2028\uffff' },
      [],
      '{"s": "\\n\\r\\t\\b\\f\\u0000\\u0001\\u001f\\u007f\\u0080\\u00a0\\u2028\\uffff"}',
    ],
    [
      'floats by key, including non-finite',
      { f: 1e-5, g: 0, h: -0, i: 5, j: 1e22, k: Infinity, l: -Infinity, m: NaN },
      ['f', 'g', 'h', 'i', 'j', 'k', 'l', 'm'],
      '{"f": 1e-05, "g": 0.0, "h": -0.0, "i": 5.0, "j": 1e+22, "k": Infinity, "l": -Infinity, "m": NaN}',
    ],
    [
      'ints, bigint beyond 2^53',
      { n: 12345678901234567890n, o: -9007199254740993n, p: 0, q: -300 },
      [],
      '{"n": 12345678901234567890, "o": -9007199254740993, "p": 0, "q": -300}',
    ],
    ['booleans and None', { t: true, u: false, v: null }, [], '{"t": true, "u": false, "v": null}'],
    ['empty', {}, [], '{}'],
    [
      'astral key sorts after U+FFFF',
      { '€': 'x', '😀': 'y', '\uffff': 'z', a: 'w' },
      [],
      '{"a": "w", "\\u20ac": "x", "\\uffff": "z", "\\ud83d\\ude00": "y"}',
    ],
  ];
  it.each(cases)('%s', (_label, obj, floatKeys, expected) => {
    expect(pyJsonDumpsSorted(obj, new Set(floatKeys))).toBe(expected);
  });

  it('prints a non-integral number as a float even without a float key', () => {
    expect(pyJsonDumpsSorted({ x: 85.5 })).toBe('{"x": 85.5}');
  });
});

describe('pyJsonString', () => {
  it.each([
    ['plain', '"plain"'],
    ['', '""'],
    ['a/b', '"a/b"'],
    ['\ud800', '"\\ud800"'],
  ])('%j -> %s', (s, expected) => {
    expect(pyJsonString(s)).toBe(expected);
  });
});

describe('compareCodePoints', () => {
  it.each([
    ['a', 'b', -1],
    ['B', 'a', -1],
    ['ab', 'a', 1],
    ['same', 'same', 0],
    ['😀', '\uffff', 1],
  ])('%j vs %j', (a, b, sign) => {
    expect(Math.sign(compareCodePoints(a, b))).toBe(sign);
  });
});

describe('pyListRepr matches repr(list_of_str)', () => {
  const cases: [string[], string][] = [
    [['dataset', 'publishTime'], "['dataset', 'publishTime']"],
    [[], '[]'],
    [["it's"], `["it's"]`],
    [['say "hi"'], `['say "hi"']`],
    [[`both ' and "`], `['both \\' and "']`],
    [['back\\slash'], "['back\\\\slash']"],
    [['tab\tnl\n'], "['tab\\tnl\\n']"],
    [['\x01\x7f'], "['\\x01\\x7f']"],
    [['é'], "['é']"],
    [
      ['dataset', 'publishTime', 'startTime', 'settlementDate', 'settlementPeriod', 'fuelType', 'generation'],
      "['dataset', 'publishTime', 'startTime', 'settlementDate', 'settlementPeriod', 'fuelType', 'generation']",
    ],
  ];
  it.each(cases)('%j', (items, expected) => {
    expect(pyListRepr(items)).toBe(expected);
  });
});

describe('pyIsoformatUtc matches datetime.isoformat() in UTC', () => {
  const cases: [bigint, string][] = [
    [0n, '1970-01-01T00:00:00+00:00'],
    [1752192000000000n, '2025-07-11T00:00:00+00:00'],
    [1761737745123456n, '2025-10-29T11:35:45.123456+00:00'],
    [1761737745000001n, '2025-10-29T11:35:45.000001+00:00'],
    [1761737745100000n, '2025-10-29T11:35:45.100000+00:00'],
    [-1n, '1969-12-31T23:59:59.999999+00:00'],
    [253402300799999999n, '9999-12-31T23:59:59.999999+00:00'],
    [-62135596800000000n, '0001-01-01T00:00:00+00:00'],
  ];
  it.each(cases)('%s -> %s', (micros, expected) => {
    expect(pyIsoformatUtc(micros)).toBe(expected);
  });

  it.each([253402300800000000n, -62135596800000001n])('rejects %s, outside years 1..9999', (micros) => {
    expect(() => pyIsoformatUtc(micros)).toThrow(RangeError);
  });
});

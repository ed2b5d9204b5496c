import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUnsafeIntegerLiteral, JsonSyntaxError, mayHoldUnsafeInteger, parseJson } from '../../src/core/json.js';

describe('parseJson keeps every digit of an integer', () => {
  const cases: [string, unknown][] = [
    ['12345678901234567890', 12345678901234567890n],
    ['-9007199254740993', -9007199254740993n],
    ['9007199254740992', 9007199254740992n],
    ['9007199254740991', 9007199254740991],
    ['-9007199254740991', -9007199254740991],
    ['1234567890123456', 1234567890123456],
    ['[1, 99999999999999999999, -3]', [1, 99999999999999999999n, -3]],
    ['{"id":123456789012345678901234567890,"x":1.5}', { id: 123456789012345678901234567890n, x: 1.5 }],
    // Floats stay numbers with JSON.parse's rounding, however many digits they carry.
    ['12345678901234567890.0', 12345678901234567890],
    ['1e20', 1e20],
    ['0.30000000000000004', 0.30000000000000004],
    ['[0.12345678901234567, 1234567890123456789e-3]', [0.12345678901234567, 1234567890123456.789]],
    // Documented: a float literal beyond the double range is Infinity, as with JSON.parse.
    ['[1e400, 12345678901234567890]', [Infinity, 12345678901234567890n]],
    ['-0', -0],
    ['[-0, 12345678901234567890]', [-0, 12345678901234567890n]],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseJson(text)).toStrictEqual(expected);
  });
});

// Each text holds a 16-digit run so that the hand-written parser, not JSON.parse, handles it.
const SLOW = ' 1234567890123456';
describe('the slow path agrees with JSON.parse', () => {
  const texts = [
    `[${SLOW}, "plain", "esc \\" \\\\ \\/ \\b \\f \\n \\r \\t", "\\u00e9\\u20AC\\ud83d\\ude00", "\\ud800 lone"]`,
    `{"a": {"b": [true, false, null, [], {}]}, "c": -1.5e-3, "d": 0, "e": 1E+2, "n":${SLOW}}`,
    `{"dup": 1, "dup": 2, "n":${SLOW}}`,
    `{"__proto__": {"x": 1}, "n":${SLOW}}`,
    `{"2": "b", "1": "a", "z": 0, "n":${SLOW}}`,
    ` \t\r\n[${SLOW} ] \n`,
    `["raw é € 😀 \u2028",${SLOW}]`,
  ];
  it.each(texts)('%s', (text) => {
    expect(mayHoldUnsafeInteger(text)).toBe(true);
    const ours = parseJson(text);
    expect(ours).toStrictEqual(JSON.parse(text));
    expect(JSON.stringify(ours)).toBe(JSON.stringify(JSON.parse(text)));
  });

  it('makes __proto__ an own property, never the prototype', () => {
    const v = parseJson(`{"__proto__": {"x": 1}, "n":${SLOW}}`) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', 'n']);
  });
});

describe('parseJson rejects what JSON.parse rejects', () => {
  const invalid = [
    '', ' ', '[', ']', '{', '{"a"}', '{"a":}', '{a:1}', "{'a':1}", '[1,]', '{"a":1,}', '[1 2]', '01', '-', '1.',
    '.5', '+1', '1e', '0x10', 'NaN', 'Infinity', 'tru', 'nul', '"unterminated', '"tab\there"', '"\\x41"',
    '"\\u12"', '"\\u12G4"', '[1] x', '\ufeff[1]', '[1]]', '{"a":1}}',
  ];
  it.each(invalid)('%j (fast and slow path)', (text) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(() => parseJson(text)).toThrow(SyntaxError);
    const slow = text.length > 0 && !text.startsWith(' ') ? `[${SLOW}, ${text}]` : `[${SLOW}] ${text}x`;
    expect(() => JSON.parse(slow)).toThrow(SyntaxError);
    expect(() => parseJson(slow)).toThrow(SyntaxError);
  });

  it('reports the position of the error', () => {
    const text = `[${SLOW}, 1 2]`;
    let caught: unknown;
    try {
      parseJson(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(JsonSyntaxError);
    // The offending token is the '2', where JSON.parse also points.
    expect((caught as JsonSyntaxError).position).toBe(text.indexOf('2]'));
    expect((caught as Error).message).toMatch(/at position 22$/);
  });
});

describe('mayHoldUnsafeInteger', () => {
  const cases: [string, boolean][] = [
    ['{"generation": 2249}', false],
    ['{"x": 0.30000000000000004}', false],
    ['{"x": 1.0e1234567890123456}', false],
    ['{"x": 1E+1234567890123456}', false],
    ['{"x": 123456789012345}', false],
    ['{"x": 1234567890123456}', true],
    ['{"x":-1234567890123456}', true],
    ['1234567890123456', true],
    ['{"id": "1234567890123456"}', true],
  ];
  it.each(cases)('%s -> %s', (text, expected) => {
    expect(mayHoldUnsafeInteger(text)).toBe(expected);
  });
});

describe('isUnsafeIntegerLiteral', () => {
  it.each([
    ['9007199254740991', false],
    ['9007199254740992', true],
    ['-9007199254740991', false],
    ['-9007199254740992', true],
    ['999999999999999', false],
    ['10000000000000000', true],
    ['0', false],
  ])('%s -> %s', (literal, expected) => {
    expect(isUnsafeIntegerLiteral(literal)).toBe(expected);
  });
});

describe('real API bodies', () => {
  // Real captured bodies (copies of the shared samples).
  const dir = join(import.meta.dirname, '../fixtures/elexon');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f));
  it('has the captured bodies to check', () => expect(files.length).toBeGreaterThanOrEqual(6));
  it.each(files)('%s parses as JSON.parse does, on both paths', (file) => {
    const text = readFileSync(file, 'utf8');
    expect(parseJson(text)).toStrictEqual(JSON.parse(text));
    // Appending a 16-digit integer forces the hand-written parser over the same body.
    const forced = parseJson(`[${text}, 1234567890123456]`) as unknown[];
    expect(forced).toStrictEqual([JSON.parse(text), 1234567890123456]);
  });
});


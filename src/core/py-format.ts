// Renderers that print exactly what the old Python pipeline printed: the warehouse's `_hash_key`,
// `_source_columns` and `_ingested_utc` values were produced by Python's repr, json.dumps and
// datetime.isoformat, so our text has to match theirs byte for byte (docs/compatibility.md).

/**
 * Python 3 `repr(float)`: the shortest digits that round-trip, fixed notation when the decimal
 * exponent is in [-4, 16), otherwise scientific with a sign and at least two exponent digits.
 */
export function pyFloatRepr(x: number): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // ECMAScript's toExponential() with no argument yields the shortest round-trip digits, choosing
  // the candidate closest to the exact value, as Python's dtoa mode 0 does.
  const sci = x.toExponential();
  const neg = sci.charCodeAt(0) === 0x2d;
  const ePos = sci.indexOf('e');
  const mantissa = sci.slice(neg ? 1 : 0, ePos);
  const digits = mantissa.length > 1 ? mantissa[0] + mantissa.slice(2) : mantissa;
  const exp = Number(sci.slice(ePos + 1));
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = Math.abs(exp);
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** A float as `json.dumps` prints it: `float.__repr__`, except the non-finite values (allow_nan=True). */
export function pyJsonFloat(x: number): string {
  if (x !== x) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return pyFloatRepr(x);
}

const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const SHORT_ESCAPES: Record<number, string> = {
  0x22: '\\"', 0x5c: '\\\\', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x08: '\\b', 0x0c: '\\f',
};

/** A string as `json.dumps` (ensure_ascii=True) quotes it; JS strings are UTF-16, so astral characters come out as surrogate-pair escapes, as in Python. */
export function pyJsonString(s: string): string {
  if (PLAIN_ASCII.test(s)) return `"${s}"`;
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(start, i) + (SHORT_ESCAPES[c] ?? `\\u${c.toString(16).padStart(4, '0')}`);
    start = i + 1;
  }
  return `${out}${s.slice(start)}"`;
}

/** How a number is printed: Python keeps int and float apart, JS does not, so the caller says which. */
export type PyScalar = string | number | bigint | boolean | null;

/**
 * Python's `json.dumps(obj, sort_keys=True)` with default separators for a flat dict. Numbers whose
 * key is in `floatKeys` print as floats (`5` -> `5.0`); other numbers print as ints when integral.
 */
export function pyJsonDumpsSorted(obj: Readonly<Record<string, PyScalar>>, floatKeys: ReadonlySet<string> = new Set()): string {
  const keys = Object.keys(obj).sort(compareCodePoints);
  const parts = keys.map((k) => `${pyJsonString(k)}: ${pyJsonScalar(obj[k], floatKeys.has(k))}`);
  return `{${parts.join(', ')}}`;
}

function pyJsonScalar(v: PyScalar, asFloat: boolean): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return pyJsonString(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return asFloat ? pyJsonFloat(Number(v)) : v.toString();
  if (asFloat || !Number.isInteger(v)) return pyJsonFloat(v);
  return Number.isSafeInteger(v) ? String(v === 0 ? 0 : v) : BigInt(v).toString();
}

/** Orders strings by Unicode code point, as Python sorts str (JS `<` compares UTF-16 code units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/**
 * Python's `repr(str)`: single quotes unless the text holds `'` and no `"`. Escapes backslash, the
 * quote, \t \n \r, and C0/C1 controls, DEL, NBSP and soft hyphen as \xhh; other non-ASCII is kept
 * as is (Python's isprintable covers more cases, which field names never hit).
 */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const c = s.charCodeAt(i);
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c === 0xad) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's `repr(list_of_str)`: `['dataset', 'publishTime']`. */
export function pyListRepr(items: readonly string[]): string {
  return `[${items.map(pyStrRepr).join(', ')}]`;
}

/** Python's `datetime.isoformat()` of an aware UTC datetime; microseconds only when non-zero. */
export function pyIsoformatUtc(epochMicros: bigint): string {
  let micros = epochMicros % 1_000_000n;
  if (micros < 0n) micros += 1_000_000n;
  const ms = Number((epochMicros - micros) / 1000n);
  const iso = new Date(ms).toISOString();
  // Python's datetime holds years 1..9999 only; toISOString would print '+010000' or '-000001'.
  if (iso.length !== 24 || iso.startsWith('0000')) throw new RangeError(`epoch micros out of datetime range: ${epochMicros}`);
  const base = iso.slice(0, 19);
  const frac = micros === 0n ? '' : `.${micros.toString().padStart(6, '0')}`;
  return `${base}${frac}+00:00`;
}

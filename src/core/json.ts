// JSON parsing that never rounds an integer: the `_hash_key` of a row holding an integer above 2^53
// must print every digit, as the old Python pipeline (arbitrary-precision ints) did.
import type { JsonValue } from './rows.js';

/** A JSON syntax error with the offending position (0-based UTF-16 index into the text). */
export class JsonSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} in JSON at position ${position}`);
    this.name = 'SyntaxError';
  }
}

// An unsafe integer literal needs 16+ digits in a run that starts a number: not after '.', 'e'/'E'
// or '+' (fraction or exponent digits) nor after another digit.
const MAYBE_UNSAFE = /(?:^|[^\d.eE+])\d{16}/;

/** True when `text` may hold an integer literal beyond Number's safe range (a cheap, conservative test). */
export function mayHoldUnsafeInteger(text: string): boolean {
  return MAYBE_UNSAFE.test(text);
}

/** True when a JSON integer literal (`-?\d+`) lies outside ±(2^53 - 1). */
export function isUnsafeIntegerLiteral(literal: string): boolean {
  const digits = literal.charCodeAt(0) === 0x2d ? literal.length - 1 : literal.length;
  if (digits < 16) return false;
  if (digits > 16) return true;
  const abs = literal.charCodeAt(0) === 0x2d ? literal.slice(1) : literal;
  return abs > '9007199254740991';
}

/**
 * Parses JSON like JSON.parse, except that an integer literal (no fraction, no exponent) outside
 * Number's safe range becomes a bigint. Float literals stay numbers with JSON.parse's rounding, so
 * `1e400` is Infinity and `1e20` a number. Accepts and rejects exactly what JSON.parse does; throws
 * a SyntaxError (a JsonSyntaxError on the slow path) on invalid text.
 */
export function parseJson(text: string): JsonValue {
  if (!MAYBE_UNSAFE.test(text)) return JSON.parse(text) as JsonValue;
  const p = new Parser(text);
  p.skipWhitespace();
  const value = p.parseValue();
  p.skipWhitespace();
  if (p.pos < text.length) p.fail('Unexpected data after the value');
  return value;
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const ESCAPES: Record<number, string> = { 0x22: '"', 0x5c: '\\', 0x2f: '/', 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t' };

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  fail(message: string, at = this.pos): never {
    throw new JsonSyntaxError(at >= this.text.length ? 'Unexpected end of JSON input' : message, at);
  }

  skipWhitespace(): void {
    const t = this.text;
    let i = this.pos;
    for (let c = t.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = t.charCodeAt(++i));
    this.pos = i;
  }

  parseValue(): JsonValue {
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x22) return this.parseString();
    if (c === 0x7b) return this.parseObject();
    if (c === 0x5b) return this.parseArray();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber();
    if (this.text.startsWith('true', this.pos)) return this.literal(4, true);
    if (this.text.startsWith('false', this.pos)) return this.literal(5, false);
    if (this.text.startsWith('null', this.pos)) return this.literal(4, null);
    return this.fail(`Unexpected token '${this.text[this.pos]}'`);
  }

  private literal(length: number, value: boolean | null): boolean | null {
    this.pos += length;
    return value;
  }

  private parseNumber(): number | bigint {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (m === null) return this.fail(`Invalid number`);
    this.pos += m[0].length;
    const literal = m[0];
    if (m[1] === undefined && m[2] === undefined && isUnsafeIntegerLiteral(literal)) return BigInt(literal);
    return Number(literal);
  }

  private parseString(): string {
    const t = this.text;
    let i = this.pos + 1;
    let start = i;
    let out = '';
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 0x22) break;
      if (c !== c) this.fail('Unterminated string', i);
      if (c < 0x20) this.fail('Bad control character in string literal', i);
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += t.slice(start, i);
      const e = t.charCodeAt(i + 1);
      const simple = ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if (e === 0x75) {
        const hex = t.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Bad Unicode escape', i);
        // Each \uXXXX is one UTF-16 code unit, so an escaped surrogate pair joins by concatenation.
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
      } else {
        this.fail('Bad escaped character', i + 1);
      }
      start = i;
    }
    this.pos = i + 1;
    return out + t.slice(start, i);
  }

  private parseArray(): JsonValue[] {
    const out: JsonValue[] = [];
    this.pos++;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      out.push(this.parseValue());
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x5d) return out;
      if (c !== 0x2c) this.fail(`Expected ',' or ']' after array element`, this.pos - 1);
    }
  }

  private parseObject(): { [key: string]: JsonValue } {
    const out: { [key: string]: JsonValue } = {};
    this.pos++;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== 0x22) this.fail('Expected double-quoted property name');
      const key = this.parseString();
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos++) !== 0x3a) this.fail(`Expected ':' after property name`, this.pos - 1);
      this.skipWhitespace();
      const value = this.parseValue();
      // JSON.parse makes "__proto__" an own property; plain assignment would set the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      else out[key] = value;
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x7d) return out;
      if (c !== 0x2c) this.fail(`Expected ',' or '}' after property value`, this.pos - 1);
    }
  }
}

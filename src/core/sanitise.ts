// API rows -> cells of the registry's column types (see Cell in rows.ts). A value that does not fit
// its column fails the whole window with a DataError naming dataset, row, column and value; the old
// system crashed the entire run on the first fraction in an INTEGER column instead.
import type { ColumnType, DatasetSpec } from './datasets.js';
import { DataError } from './errors.js';
import type { Cell, JsonValue, RawRow, Row } from './rows.js';

const INVALID: unique symbol = Symbol('invalid');
type Convert = (v: JsonValue) => Cell | typeof INVALID;

interface Plan {
  readonly names: readonly string[];
  readonly convert: readonly Convert[];
  readonly known: ReadonlySet<string>;
}

const plans = new WeakMap<DatasetSpec, Plan>();

function planFor(spec: DatasetSpec): Plan {
  let plan = plans.get(spec);
  if (plan === undefined) {
    plan = {
      names: spec.columns.map((c) => c.name),
      convert: spec.columns.map((c) => (spec.jsonColumns?.includes(c.name) ? toJsonTextCell : converterFor(c.type))),
      known: new Set(spec.columns.map((c) => c.name)),
    };
    plans.set(spec, plan);
  }
  return plan;
}

/**
 * Converts one API row to a Row: exactly the registry's columns in registry order, a missing or
 * null field as null, unknown fields dropped (see unknownFields). Throws DataError when a value
 * does not fit its column type; `index` (the row's position in the response) goes in the message.
 */
export function sanitiseRow(spec: DatasetSpec, raw: RawRow, index?: number): Row {
  const { names, convert } = planFor(spec);
  const row: Row = {};
  for (let i = 0; i < names.length; i++) {
    const v = raw[names[i]];
    if (v === undefined || v === null) {
      row[names[i]] = null;
      continue;
    }
    const cell = convert[i](v);
    if (cell === INVALID) throw misfit(spec, spec.columns[i].type, names[i], v, index);
    row[names[i]] = cell;
  }
  return row;
}

/** Fields of `raw` the registry does not know, in API order: the caller reports and drops them. */
export function unknownFields(spec: DatasetSpec, raw: RawRow): string[] {
  const { known } = planFor(spec);
  return Object.keys(raw).filter((k) => !known.has(k));
}

/** The row's field names in API order (for `_source_columns`). Field names are never integer-like, so JS key order is the API's. */
export function sourceColumns(raw: RawRow): string[] {
  return Object.keys(raw);
}

const EXPECTED: Record<ColumnType, string> = {
  STRING: 'a string (numbers and booleans are kept as their JSON text)',
  INTEGER: 'an integer (a JSON integer, an integral number or a string of digits)',
  FLOAT: 'a finite number (or a numeric string)',
  BOOLEAN: 'true or false',
  DATE: 'a YYYY-MM-DD date (or an instant at midnight UTC)',
  DATETIME: 'an RFC 3339 date-time with Z or an offset, or a YYYY-MM-DD date',
  TIMESTAMP: 'an RFC 3339 date-time with Z or an offset, or a YYYY-MM-DD date',
};

function misfit(spec: DatasetSpec, type: ColumnType, column: string, v: JsonValue, index: number | undefined): DataError {
  const where = index === undefined ? spec.code : `${spec.code} row ${index}`;
  return new DataError(`${where}: column ${column} (${type}) cannot hold ${describeValue(v)}: expected ${EXPECTED[type]}`, {
    hint: 'the API sent a value that does not fit the registry column type; nothing from this window was loaded',
  });
}

function describeValue(v: JsonValue): string {
  if (typeof v === 'bigint') return v.toString();
  const text = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function converterFor(type: ColumnType): Convert {
  switch (type) {
    case 'STRING':
      return toStringCell;
    case 'INTEGER':
      return toIntegerCell;
    case 'FLOAT':
      return toFloatCell;
    case 'BOOLEAN':
      return toBooleanCell;
    case 'DATE':
      return memoise(toDateCell);
    case 'DATETIME':
    case 'TIMESTAMP':
      return memoise(normaliseInstant);
  }
}

// Rows arrive in runs that share their times (20 fuel types per FUELINST publish time), so one
// remembered value per column skips most timestamp parsing.
function memoise(parse: (s: string) => string | null): Convert {
  let lastIn = '';
  let lastOut: string | null = null;
  return (v) => {
    if (typeof v !== 'string') return INVALID;
    if (v !== lastIn || lastOut === null) {
      lastOut = parse(v);
      lastIn = v;
    }
    return lastOut ?? INVALID;
  };
}

function toStringCell(v: JsonValue): Cell | typeof INVALID {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : INVALID;
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return INVALID;
}

/** A column the document types as an array (REMIT's outageProfile): an array or object kept as its JSON text. */
function toJsonTextCell(v: JsonValue): Cell | typeof INVALID {
  if (typeof v === 'object' && v !== null && typeof v !== 'bigint') return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
  return toStringCell(v);
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;
/** A string holding an integer, or a number in JSON's grammar (BigQuery's REST API sends both). */
export const INTEGER_TEXT = /^-?\d+$/;
export const NUMBER_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

// INTEGER is INT64 in BigQuery and BIGINT in DuckDB: a wider value must fail its window here,
// not crash the load in the sink.
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function toIntegerCell(v: JsonValue): Cell | typeof INVALID {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return INVALID;
    return Number.isSafeInteger(v) ? v + 0 : bigIntegerCell(BigInt(v));
  }
  if (typeof v === 'bigint') return bigIntegerCell(v);
  if (typeof v === 'string' && INTEGER_TEXT.test(v)) return bigIntegerCell(BigInt(v));
  return INVALID;
}

function bigIntegerCell(b: bigint): Cell | typeof INVALID {
  if (b < INT64_MIN || b > INT64_MAX) return INVALID;
  return b >= MIN_SAFE && b <= MAX_SAFE ? Number(b) : b;
}

function toFloatCell(v: JsonValue): Cell | typeof INVALID {
  if (typeof v === 'number') return Number.isFinite(v) ? v : INVALID;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && NUMBER_TEXT.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : INVALID;
  }
  return INVALID;
}

function toBooleanCell(v: JsonValue): Cell | typeof INVALID {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return INVALID;
}

function toDateCell(s: string): string | null {
  const t = normaliseInstant(s);
  return t !== null && t.length === 19 && t.endsWith(' 00:00:00') ? t.slice(0, 10) : null;
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}:\d{2}))?$/;

/**
 * An RFC 3339 instant with Z or a ±HH:MM offset (T, t or a space before the time; seconds and
 * fraction optional) -> UTC `YYYY-MM-DD HH:MM:SS`, plus `.ffffff` when the fraction is not zero
 * (digits past the sixth are truncated, as Python's fromisoformat does). A date alone -> midnight.
 * Null for a time without a zone, an impossible date or time, or anything else.
 */
export function normaliseInstant(s: string): string | null {
  const m = INSTANT.exec(s);
  if (m === null) return null;
  let y = +m[1], mo = +m[2], d = +m[3];
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  if (m[4] === undefined) return `${m[1]}-${m[2]}-${m[3]} 00:00:00`;
  const h = +m[4], mi = +m[5], sec = m[6] ?? '00';
  if (h > 23 || mi > 59 || +sec > 59) return null;
  const frac = fraction(m[7]);
  const zone = m[8];
  const offset = zone.length === 1 ? 0 : (+zone.slice(1, 3) * 60 + +zone.slice(4, 6)) * (zone[0] === '-' ? -1 : 1);
  if (offset === 0) return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${sec}${frac}`;
  if (+zone.slice(1, 3) > 23 || +zone.slice(4, 6) > 59) return null;
  let minutes = h * 60 + mi - offset;
  // An offset under a day moves the date by one day at most.
  if (minutes < 0) {
    minutes += 1440;
    if (--d < 1) {
      if (--mo < 1) {
        mo = 12;
        y--;
      }
      d = daysInMonth(y, mo);
    }
  } else if (minutes >= 1440) {
    minutes -= 1440;
    if (++d > daysInMonth(y, mo)) {
      d = 1;
      if (++mo > 12) {
        mo = 1;
        y++;
      }
    }
  }
  if (y < 1 || y > 9999) return null;
  return `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)} ${pad(Math.floor(minutes / 60), 2)}:${pad(minutes % 60, 2)}:${sec}${frac}`;
}

function fraction(digits: string | undefined): string {
  if (digits === undefined) return '';
  const six = digits.length >= 6 ? digits.slice(0, 6) : digits.padEnd(6, '0');
  return six === '000000' ? '' : `.${six}`;
}

function daysInMonth(y: number, m: number): number {
  if (m !== 2) return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

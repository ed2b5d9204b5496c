// `_hash_key`: MD5 of the row text the old Python pipeline built with json.dumps(row, sort_keys=True)
// (docs/compatibility.md section 2). Byte-identical output is what lets us write into its tables
// without duplicating a single row, so every rendering rule below mirrors a Python behaviour.
import * as crypto from 'node:crypto';
import type { Column } from './datasets.js';
import { DataError } from './errors.js';
import { compareCodePoints, pyFloatRepr, pyJsonFloat, pyJsonString } from './py-format.js';
import type { Cell, Row } from './rows.js';
import { INTEGER_TEXT, NUMBER_TEXT, normaliseInstant } from './sanitise.js';

type Value = Exclude<Cell, null>;
type Render = (v: Value) => string;

interface Entry {
  readonly name: string;
  /** `"name": ` already escaped. */
  readonly prefix: string;
  readonly render: Render;
}

interface Plan {
  /** Content columns in code-point order of their names, as sort_keys=True orders them. */
  readonly sorted: readonly Entry[];
  /** Content columns in registry order. */
  readonly names: readonly string[];
}

const plans = new WeakMap<readonly Column[], Plan>();

function planFor(columns: readonly Column[]): Plan {
  let plan = plans.get(columns);
  if (plan === undefined) {
    const content = columns.filter((c) => !c.name.startsWith('_'));
    const sorted = [...content]
      .sort((a, b) => compareCodePoints(a.name, b.name))
      .map((c) => ({ name: c.name, prefix: `${pyJsonString(c.name)}: `, render: rendererFor(c) }));
    plan = { sorted, names: content.map((c) => c.name) };
    plans.set(columns, plan);
  }
  return plan;
}

const TIME_NAMED = /(?:time|date)$/i;

/** Whether the old pipeline treated a column as a timestamp: by its name, whatever its type. */
export function isTimeNamed(name: string): boolean {
  return TIME_NAMED.test(name);
}

/**
 * The canonical text of a row: `json.dumps` (sort_keys=True, ensure_ascii) of its content columns
 * (names not starting with `_`), null cells left out. Pure ASCII by construction.
 */
export function renderHashText(columns: readonly Column[], row: Row): string {
  const { sorted } = planFor(columns);
  let out = '{';
  let sep = '';
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i];
    const v = row[e.name];
    if (v === null || v === undefined) continue;
    out += sep + e.prefix + e.render(v);
    sep = ', ';
  }
  return `${out}}`;
}

// crypto.hash (Node >= 20.12) skips the Hash object; the text is ASCII, so latin1 = UTF-8 bytes.
const md5Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('md5', text, 'hex')
    : (text) => crypto.createHash('md5').update(text, 'latin1').digest('hex');

/**
 * `_hash_key` of a sanitised row: lowercase hex MD5 of renderHashText. `columns` is the dataset's
 * registry columns (or an existing table's schema); pass the same array every time, the rendering
 * plan is cached per array.
 */
export function hashRow(columns: readonly Column[], row: Row): string {
  return md5Hex(renderHashText(columns, row));
}

/** Names that went into the hash, in column order (for `_hash_source_cols`, via pyListRepr). */
export function hashedColumns(columns: readonly Column[], row: Row): string[] {
  const out: string[] = [];
  for (const name of planFor(columns).names) {
    const v = row[name];
    if (v !== null && v !== undefined) out.push(name);
  }
  return out;
}

/** One value as it appears in the hash text; `null` for a null cell (which hashRow leaves out). */
export function renderHashValue(column: Column, cell: Cell): string {
  return cell === null ? 'null' : rendererFor(column)(cell);
}

function rendererFor(column: Column): Render {
  const fail = (v: Value): never => {
    const text = typeof v === 'string' ? JSON.stringify(v) : String(v);
    throw new DataError(`cannot hash ${text} in column ${column.name} (${column.type})`);
  };
  if (column.type === 'INTEGER') return (v) => renderInteger(v) ?? fail(v);
  if (column.type === 'FLOAT') return (v) => renderFloat(v) ?? fail(v);
  if (column.type === 'BOOLEAN') return (v) => (typeof v === 'boolean' ? String(v) : fail(v));
  if (isTimeNamed(column.name)) return timeRenderer(column.type === 'TIMESTAMP' ? '+00:00' : '', fail);
  if (column.type === 'TIMESTAMP' || column.type === 'DATETIME') return apiTextRenderer(fail);
  return (v) => (typeof v === 'string' ? pyJsonString(v) : fail(v));
}


function renderInteger(v: Value): string | null {
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return String(v);
    return Number.isInteger(v) ? BigInt(v).toString() : null;
  }
  if (typeof v === 'bigint') return v.toString();
  // INTEGER values read back from BigQuery's REST API arrive as strings.
  return typeof v === 'string' && INTEGER_TEXT.test(v) ? BigInt(v).toString() : null;
}


function renderFloat(v: Value): string | null {
  if (typeof v === 'number') return pyJsonFloat(v);
  if (typeof v === 'bigint') return pyFloatRepr(Number(v));
  return typeof v === 'string' && NUMBER_TEXT.test(v) ? pyJsonFloat(Number(v)) : null;
}

// A time column whose name does not end in time/date (BOD's timeFrom, timeTo) was never converted by
// the old pipeline: it hashed the API's own text, which the API writes as 2024-02-12T17:45:00Z.
// (An inference from the documented rule; no stored BOD hash has been checked yet.)
function apiTextRenderer(fail: (v: Value) => never): Render {
  return (v) => {
    if (typeof v !== 'string') return fail(v);
    const text = CANONICAL.test(v) ? v : normaliseInstant(v);
    if (text === null) return fail(v);
    const full = text.length === 10 ? `${text} 00:00:00` : text;
    return `"${full.slice(0, 10)}T${full.slice(11).replace(/\.000000$/, '')}Z"`;
  };
}

const CANONICAL = /^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2}(?:\.\d{6})?)?$/;

// Python printed str(pandas.Timestamp): microseconds only when non-zero, midnight for a bare date.
function timeRenderer(suffix: string, fail: (v: Value) => never): Render {
  let lastIn = '';
  let lastOut = '';
  return (v) => {
    if (typeof v !== 'string') return fail(v);
    if (v === lastIn && lastOut !== '') return lastOut;
    let text: string | null;
    if (CANONICAL.test(v)) {
      text = v.length === 10 ? `${v} 00:00:00` : v.endsWith('.000000') ? v.slice(0, 19) : v;
    } else {
      text = normaliseInstant(v);
    }
    if (text === null) return fail(v);
    lastIn = v;
    lastOut = `"${text}${suffix}"`;
    return lastOut;
  };
}

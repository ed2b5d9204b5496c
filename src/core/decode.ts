// Turns a response body into rows, refusing anything that is not the documented shape.
// The real API sometimes answers 200 with an HTML error page or a truncated body: no answer at all,
// reported as MalformedBodyError so the HTTP adapter retries them like any transient failure. A body
// that parses as JSON but has another shape is an answer, a wrong one: a DataError, not retried.
import type { DatasetSpec } from './datasets.js';
import { DataError } from './errors.js';
import { parseJson } from './json.js';
import type { BodyFile } from './ports.js';
import type { JsonValue, RawRow } from './rows.js';

export class MalformedBodyError extends DataError {}

const SHAPE_HINT = 'the API changed the shape of its answer; nothing from this window was loaded and retrying will not help: check the endpoint and update bmrs';

export function decodeRows(dataset: DatasetSpec, stream: boolean, body: string, contentType: string): RawRow[] {
  const where = `${dataset.code} ${stream ? 'stream' : 'endpoint'}`;
  if (/text\/html/i.test(contentType) || /^\s*</.test(body)) {
    throw new MalformedBodyError(`${where} answered with an HTML page instead of JSON`);
  }
  let parsed: JsonValue;
  try {
    parsed = parseJson(body);
  } catch (e) {
    throw new MalformedBodyError(`${where} answered with malformed JSON (${(e as Error).message})`);
  }
  const rows = stream ? parsed : isObject(parsed) ? parsed.data : undefined;
  if (!Array.isArray(rows)) {
    const expected = stream ? 'a JSON array' : 'an object with a "data" array';
    throw new DataError(`${where} answered with JSON of the wrong shape: expected ${expected}, got ${describe(parsed)}`, { hint: SHAPE_HINT });
  }
  for (let i = 0; i < rows.length; i++) {
    if (!isObject(rows[i])) throw new DataError(`${where}: row ${i} is ${describe(rows[i])}, not a JSON object`, { hint: SHAPE_HINT });
  }
  return dataset.nested ? flattenNested(where, dataset.nested.field, rows as RawRow[]) : (rows as RawRow[]);
}

/** One row per element of each row's nested array, with the parent's other fields first. */
function flattenNested(where: string, field: string, rows: readonly RawRow[]): RawRow[] {
  const out: RawRow[] = [];
  rows.forEach((row, i) => {
    const { [field]: inner, ...outer } = row;
    if (!Array.isArray(inner)) throw new DataError(`${where}: row ${i} has no "${field}" array to flatten (${describe(inner)})`, { hint: SHAPE_HINT });
    inner.forEach((x, j) => {
      if (!isObject(x)) throw new DataError(`${where}: row ${i} ${field}[${j}] is ${describe(x)}, not a JSON object`, { hint: SHAPE_HINT });
      out.push({ ...outer, ...x });
    });
  });
  return out;
}

/**
 * The cheap part of decodeRows, for a body the SQL transform will parse: an HTML page, or a body
 * that does not end as the shape must (cut short), fails here exactly as decodeRows fails it, so
 * the HTTP adapter retries it. Whatever passes is parsed and checked in full later.
 */
export function checkBodyEnds(dataset: DatasetSpec, stream: boolean, body: string, contentType: string): void {
  let end = body.length - 1;
  while (end >= 0 && /\s/.test(body[end])) end--;
  const expected = stream ? ']' : '}';
  // DuckDB also skips a byte order mark at the start, and \f or \v between values, which JSON.parse
  // refuses anywhere (outside a string they are not JSON whitespace; inside one, raw control bytes).
  if (body[end] !== expected || /text\/html/i.test(contentType) || /^\s*</.test(body) || body.charCodeAt(0) === 0xfeff || body.includes('\f') || body.includes('\v')) {
    decodeRows(dataset, stream, body, contentType);
  }
}

/** checkBodyEnds for a body streamed to a file: its ends and control bytes; the whole is read only for a body that fails. */
export async function checkBodyFile(dataset: DatasetSpec, stream: boolean, body: BodyFile): Promise<void> {
  const last = body.tail.trimEnd().slice(-1);
  if (last !== (stream ? ']' : '}') || /text\/html/i.test(body.contentType) || /^\s*</.test(body.head) || body.head.charCodeAt(0) === 0xfeff || body.controls) {
    decodeRows(dataset, stream, await body.text(), body.contentType);
  }
}

function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v !== 'bigint';
}

/** What a JSON value is, for messages: `null`, `an array`, `an object with keys data, metadata`, `a string`. */
function describe(v: JsonValue | undefined): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (isObject(v)) {
    const keys = Object.keys(v);
    const shown = keys.slice(0, 5).join(', ') + (keys.length > 5 ? ', ...' : '');
    if (!keys.length) return 'an empty object';
    return `an object with key${keys.length === 1 ? '' : 's'} ${shown}`;
  }
  return typeof v === 'bigint' || typeof v === 'number' ? 'a number' : `a ${typeof v}`;
}

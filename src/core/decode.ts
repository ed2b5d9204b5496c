// Turns a response body into rows, refusing anything that is not the documented shape.
// The real API sometimes answers 200 with an HTML error page or a truncated body; those are
// reported as MalformedBodyError so the HTTP adapter retries them like any transient failure.
import type { DatasetSpec } from './datasets.js';
import { DataError } from './errors.js';
import { parseJson } from './json.js';
import type { JsonValue, RawRow } from './rows.js';

export class MalformedBodyError extends DataError {}

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
    throw new MalformedBodyError(`${where} answered with JSON of the wrong shape (expected ${expected})`);
  }
  for (let i = 0; i < rows.length; i++) {
    if (!isObject(rows[i])) throw new MalformedBodyError(`${where}: row ${i} is not a JSON object`);
  }
  return rows as RawRow[];
}

function isObject(v: JsonValue | undefined): v is { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v !== 'bigint';
}

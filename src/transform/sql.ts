// The row work of a batch of windows as DuckDB SQL: each response body is read by read_text and
// split into rows (rowsSql), and verification, sanitising, metadata and `_hash_key` are
// computed in SQL instead of per row in JS.
// The SQL handles the canonical case only, where the JS rules (sanitise.ts, consistency.ts,
// prepare.ts, hash.ts) reduce to plain string and integer operations that SQL reproduces exactly:
// every key known, strings of printable ASCII, integers as JSON integers within INT64, times as
// `YYYY-MM-DDTHH:MM:SSZ`, dates as `YYYY-MM-DD`, booleans as JSON booleans, every row inside the
// window and consistent with itself, no row repeated. Anything else counts as an anomaly and the
// window goes through the JS path, which stays the reference (and gives the exact error message).
// Datasets with FLOAT columns always take the JS path: Python's float repr is not SQL's.
import { hasSettlementDate, type ColumnType } from '../core/datasets.js';
import { keyXorSql } from '../core/digest.js';
import { isTimeNamed } from '../core/hash.js';
import { compareCodePoints, pyListRepr } from '../core/py-format.js';
import type { TableHandle } from '../core/store.js';
import type { Window } from '../core/windows.js';
import { accepts, calendarValues, canonical, contradictionExpr, eventMsExpr, keeps, lit, q, render, s, t, v, value } from './sql-rows.js';

const SIMPLE_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const SQL_TYPES: ReadonlySet<ColumnType> = new Set(['STRING', 'INTEGER', 'BOOLEAN', 'DATE', 'DATETIME', 'TIMESTAMP']);
/** Columns the consistency checks read, with the types the SQL versions of those checks assume. */
const CHECKED: Readonly<Record<string, readonly ColumnType[]>> = {
  dataset: ['STRING'],
  settlementDate: ['DATE'],
  settlementPeriod: ['INTEGER'],
  startTime: ['DATETIME', 'TIMESTAMP'],
  publishTime: ['DATETIME', 'TIMESTAMP'],
};

/** Why a table's rows cannot take the SQL path, or null when they can. */
export function sqlIneligible(table: TableHandle): string | null {
  if (table.spec.nested) return 'rows are flattened from a nested array';
  for (const col of table.spec.columns) {
    if (!SIMPLE_NAME.test(col.name)) return `column name ${col.name} is not a plain identifier`;
    if (!SQL_TYPES.has(col.type)) return `column ${col.name} is ${col.type}`;
    const checked = CHECKED[col.name];
    if (checked && !checked.includes(col.type)) return `column ${col.name} is ${col.type}`;
    if (col.type === 'STRING' && isTimeNamed(col.name)) return `STRING column ${col.name} is hashed as a time`;
  }
  const et = table.spec.eventTime;
  if ('field' in et) {
    const col = table.spec.columns.find((c) => c.name === et.field);
    if (!col || (col.type !== 'DATETIME' && col.type !== 'TIMESTAMP' && col.type !== 'DATE')) return `event time ${et.field} is not a time column`;
  } else if (!hasSettlementDate(table.spec)) {
    return 'no settlement date';
  }
  return null;
}

/** One window of a batch: its body file and the constants of its metadata columns. */
export interface BatchWindow {
  readonly window: Window;
  readonly file: string;
  readonly windowFrom: string;
  readonly windowTo: string;
  readonly ingested: string;
  /**
   * The fast mode's key order (every column once, as the body's first row has them), or null for
   * the general mode (`fastKeys`).
   */
  readonly keys: readonly string[] | null;
}

export interface BatchSql {
  /**
   * Reads every body of the batch (each field's JSON type and text) and builds the temp table
   * `<name>` from it: typed cells, checks, hash and metadata per row, with its window number `wid`.
   */
  readonly stage: string;
  /** Per window: fetched, anomalies, outside, repeated, revisions, bounds min/max text, unbounded, the kept keys' count and XOR, the members of its set (a cadence's set column) among the kept rows, and the kept rows lacking a value (`partial`) or `dataset` (`no_dataset`). */
  readonly summary: string;
  /** Per window: distinct natural keys per settlement period; null without a cadence. */
  readonly periods: string | null;
  /** Window `wid`'s columns that hold one value in every kept row, as text (StagedRows.constants), given its summary row. */
  readonly constants: (wid: number, summary: Readonly<Record<string, unknown>>) => Record<string, string>;
  /** Writes window `wid`'s kept rows to the Parquet file `out`: the table's columns but `constants`, in the table's order. */
  readonly copy: (wid: number, out: string, constants: Readonly<Record<string, string>>) => string;
  readonly drop: string;
  /** The column the store's anti-join is bounded by (prepare.ts: settlementDate, else the event time). */
  readonly boundsColumn: string;
}

/**
 * The key order of a body's first row when it names every column of the table once, or null. The
 * fast mode then checks each row against it instead of listing each row's keys (`json_keys`, about
 * a fifth of the statement's cost): see `batchSql`.
 */
export function fastKeys(table: TableHandle, body: string, stream: boolean): string[] | null {
  const start = stream ? body.indexOf('{') : body.indexOf('{', body.indexOf('"data":['));
  const end = start < 0 ? -1 : body.indexOf('}', start);
  if (end < 0) return null;
  let keys: string[];
  try {
    keys = Object.keys(JSON.parse(body.slice(start, end + 1)) as object);
  } catch {
    return null;
  }
  const names = new Set(table.spec.columns.map((c) => c.name));
  return keys.length === names.size && keys.every((k) => names.has(k)) ? keys : null;
}

/**
 * Each row of the batch's bodies as text `j`, with its body's `filename`. Each body is read whole
 * as text: DuckDB's JSON file reader takes about 69 MB of buffers whatever the body's size.
 *
 * In the fast mode, a stream body (a JSON array, as the API sends it: `[{...},{...}]`, no
 * whitespace) is cut into rows at each `},{`. A window passes only if every piece is exactly its
 * keys and canonical values written compactly (batchSql), so its body is `[`, those pieces joined
 * by commas, `]`: valid JSON with nothing else in it (no whitespace, trailing comma, NaN), which
 * parses one way only, so the cuts fell between rows and JSON.parse reads the same rows. A cut
 * inside a string leaves pieces that are no JSON (the statement fails: each window is read alone,
 * and the general mode has the last word). json_extract would parse each body into a document of
 * about 16 MB and write every row again (twice the time of the whole cut).
 *
 * Otherwise json_extract splits the body and writes each row compactly (the general mode's checks
 * are about keys, and a value's text comes from json_transform either way). A body the JS path
 * would refuse (decode.ts) then gives one row that is no object, an anomaly: DuckDB reads a
 * trailing comma, NaN or Infinity, and in an envelope takes the first of two data keys
 * (JSON.parse the last) and finds no rows where data is missing or no array. The text check is
 * made on the whole body (a string holding ',]' or 'NaN' is refused too: the JS path then loads
 * it, more slowly).
 */
function rowsSql(batch: readonly BatchWindow[], stream: boolean, fast: boolean): string {
  const files = `[${batch.map((b) => lit(b.file)).join(', ')}]`;
  if (fast && stream) {
    return `SELECT filename, '{' || unnest(CASE WHEN content = '[]' THEN []::VARCHAR[]
    WHEN starts_with(content, '[{') AND ends_with(content, '}]') THEN string_split(content[3:-3], '},{') ELSE [NULL::VARCHAR] END) || '}' AS j
FROM read_text(${files})`;
  }
  // The three alternatives apart: the one beginning with a comma lets RE2 skip to each comma.
  const notRefused = `NOT (contains(content, 'NaN') OR contains(content, 'Infinity') OR regexp_matches(content, ',\\s*[}\\]]'))`;
  const bodyOk = stream
    ? notRefused
    : `coalesce(json_type(content, '$.data') = 'ARRAY', false) AND len(json_keys(content)) = len(list_distinct(json_keys(content))) AND ${notRefused}`;
  return `SELECT filename, unnest(CASE WHEN body_ok THEN json_extract(content, ${stream ? `'$[*]'` : `'$.data[*]'`}) ELSE [NULL::JSON] END) AS j
FROM (SELECT filename, content, ${bodyOk} AS body_ok FROM read_text(${files}))`;
}

/**
 * The SQL for a batch of windows of one table: one statement reads all their bodies.
 *
 * Two modes tell a row's keys. The general mode lists them (`json_keys`): any subset of the
 * columns, in any order. The fast mode (every window of the batch has `keys`) proves instead that
 * each row is, byte for byte, its keys in that order with its values as json_transform writes them
 * compactly: `{"k1":v1,"k2":v2,...}` (`json_transform_strict` fails the statement on a missing or
 * repeated key). A row that is anything else (another order, an unknown key, whitespace, an escape)
 * is an anomaly, and the window is then read again in the general mode.
 */
export function batchSql(table: TableHandle, batch: readonly BatchWindow[], name: string): BatchSql {
  const d = table.spec;
  const cols = d.columns;
  const names = new Set(cols.map((c) => c.name));
  const structType = lit(JSON.stringify(Object.fromEntries(cols.map((c) => [c.name, 'JSON']))));
  const stream = batch[0].window.path.endsWith('/stream');
  const fast = batch.every((b) => b.keys !== null);
  const objects = rowsSql(batch, stream, fast);
  const known = `[${cols.map((c) => lit(c.name)).join(', ')}]`;
  // Each field as its JSON text (DuckDB writes it compactly): the first character tells its JSON
  // type, and a string without escapes is that text without its quotes. Escapes are not canonical.
  // A key given twice is not either: json_transform keeps the first value, JSON.parse the last.
  // Nor is a trailing comma, which DuckDB reads and JSON.parse refuses: the fast mode's rows are
  // proved character by character, and the general mode's bodies are checked for one (rowsSql).
  const fields = cols.map((c) => `left(${q(c.name)}::VARCHAR, 1) AS ${t(c.name)}, ${q(c.name)}::VARCHAR AS ${s(c.name)}`).join(',\n  ');
  const raw = fast
    ? `SELECT filename, j, ${fields}
FROM (SELECT filename, j, unnest(json_transform_strict(j, ${structType})) FROM (${objects}))`
    : `SELECT filename, k, json_type(j) = 'OBJECT' AND list_has_all(${known}, k) AND len(list_distinct(k)) = len(k) AS ok_keys, ${fields}
FROM (SELECT filename, j, json_keys(j) AS k, unnest(json_transform(j, ${structType})) FROM (${objects}))`;
  // Fast mode: the row's text written again from its keys and values (a JSON null value comes out
  // of json_transform as SQL NULL), one text per key order among the batch's windows.
  const orders = new Map<string, number[]>();
  batch.forEach((b, wid) => {
    if (!b.keys) return;
    const text = `concat(${b.keys.map((k, i) => `${lit(`${i === 0 ? '{' : ','}"${k}":`)}, coalesce(${s(k)}, 'null')`).join(', ')}, '}')`;
    orders.set(text, [...(orders.get(text) ?? []), wid]);
  });
  const okKeys = !fast ? 'r.ok_keys'
    : orders.size === 1 ? `j = ${[...orders.keys()][0]}`
    : `CASE ${[...orders].map(([text, wids]) => `WHEN wid IN (${wids.join(', ')}) THEN j = ${text}`).join(' ')} END`;

  const sorted = [...cols].sort((a, b) => compareCodePoints(a.name, b.name));
  // Where every value is present (the usual row), the hash text is one concat of constants and
  // values, and the hashed names a constant; else concat_ws leaves the absent ones out.
  const allPresent = cols.map((c) => `${v(c.name)} IS NOT NULL`).join(' AND ');
  const hashText = `'{' || concat_ws(', ', ${sorted.map((c) => `${lit(`"${c.name}": `)} || ${render(c)}`).join(', ')}) || '}'`;
  const hashFast = `concat(${sorted.map((c, i) => `${lit(`${i === 0 ? '{' : ', '}"${c.name}": `)}, ${render(c, true)}`).join(', ')}, '}')`;
  // The hashed names of a row with every value present: the constant `_hash_source_cols` too.
  const allHashed = pyListRepr(cols.map((c) => c.name));
  const hashCols = `CASE WHEN ${allPresent} THEN ${lit(allHashed)} ELSE '[' || concat_ws(', ', ${cols.map((c) => `CASE WHEN ${v(c.name)} IS NOT NULL THEN ${lit(`'${c.name}'`)} END`).join(', ')}) || ']' END`;
  // Each row's window, and its constants, by CASE on the file name and window number: a join with
  // a table of them would build its hash table on the rows (about 40 MB for a batch).
  const wid = `CASE filename ${batch.map((b, i) => `WHEN ${lit(b.file)} THEN ${i}`).join(' ')} END`;
  const perWindow = (expr: (w: Window) => string) => `CASE wid ${batch.map((b, i) => `WHEN ${i} THEN ${expr(b.window)}`).join(' ')} END`;
  const date = names.has('settlementDate') ? v('settlementDate') : 'NULL';
  const stage = `CREATE OR REPLACE TEMP TABLE ${name} AS
WITH typed AS (
  SELECT r.wid,${fast ? '' : ' r.k,'}
    ${cols.map((c) => `${value(c)} AS ${v(c.name)}, ${s(c.name)}, ${t(c.name)}`).join(',\n    ')},
    ${okKeys} AS ok_keys
  FROM (SELECT ${wid} AS wid, * FROM (${raw})) r
),
timed AS (
  SELECT typed.*, cal.day_start, cal.periods, ${eventMsExpr(d.eventTime)} AS event_ms,
    ${cols.map((c) => canonical(c)).join('\n    AND ')} AND ok_keys AS ok
  FROM typed LEFT JOIN (${calendarValues(batch.map((b) => b.window))}) cal(day, day_start, periods) ON cal.day = ${date}
)
SELECT wid, ${cols.map((c) => v(c.name)).join(', ')},
  (ok IS NOT TRUE OR coalesce(${perWindow((w) => accepts(w, date))}, false) IS NOT TRUE OR ${contradictionExpr(d, names)} IS NOT FALSE) AS anomaly,
  coalesce(${perWindow((w) => keeps(w, date))}, false) AS kept,
  md5(CASE WHEN ${allPresent} THEN ${hashFast} ELSE ${hashText} END) AS _hash_key${fast ? '' : `,\n  CASE WHEN len(k) = 0 THEN '[]' ELSE '[''' || array_to_string(k, ''', ''') || ''']' END AS _source_columns`}
FROM timed`;

  const boundsCol = hasSettlementDate(d) ? 'settlementDate' : 'field' in d.eventTime ? d.eventTime.field : 'settlementDate';
  const boundsType = cols.find((c) => c.name === boundsCol)?.type;
  const boundsText = (agg: string) =>
    boundsType === 'DATE'
      ? `strftime(${agg}(${v(boundsCol)}) FILTER (WHERE kept), '%Y-%m-%d')`
      : `replace(strftime(${agg}(${v(boundsCol)}) FILTER (WHERE kept), '%Y-%m-%d %H:%M:%S.%f'), '.000000', '')`;
  // One pass, no correlated subquery: a natural key's revisions are its distinct hashes but one,
  // so a window's are its distinct hashes less its distinct natural keys (a hash covers the key).
  const natural = `(${d.naturalKey.map((k) => v(k)).join(', ')})`;
  const set = d.cadence?.setColumn;
  const members = set
    ? `count(DISTINCT ${v(set)}) FILTER (WHERE kept) + coalesce(max(CASE WHEN ${v(set)} IS NULL THEN 1 ELSE 0 END) FILTER (WHERE kept), 0)`
    : `CASE WHEN count(*) FILTER (WHERE kept) > 0 THEN 1 ELSE 0 END`;
  const summary = `SELECT wid, count(*) AS fetched,
  count(*) FILTER (WHERE anomaly) AS anomalies,
  count(*) FILTER (WHERE kept IS NOT TRUE) AS outside,
  count(*) FILTER (WHERE kept) - count(DISTINCT _hash_key) FILTER (WHERE kept) AS repeated,
  ${boundsText('min')} AS lo, ${boundsText('max')} AS hi,
  count(*) FILTER (WHERE kept AND ${v(boundsCol)} IS NULL) AS unbounded,
  count(DISTINCT _hash_key) FILTER (WHERE kept) AS key_count, ${keyXorSql('_hash_key', 'kept')}::VARCHAR AS key_xor,
  count(DISTINCT _hash_key) FILTER (WHERE kept) - count(DISTINCT ${natural}) FILTER (WHERE kept) AS revisions,
  ${members} AS members,
  count(*) FILTER (WHERE kept AND NOT (${allPresent})) AS partial,
  ${names.has('dataset') ? `count(*) FILTER (WHERE kept AND ${v('dataset')} IS NULL)` : '0'} AS no_dataset
FROM ${name} GROUP BY wid`;

  const periods = d.cadence && names.has('settlementPeriod')
    ? `SELECT wid, ${v('settlementPeriod')} AS period, count(DISTINCT ${natural}) AS keys FROM ${name} WHERE kept GROUP BY ALL ORDER BY 1, 2`
    : null;

  // What is one value in every kept row of a window is handed to the store as text beside the file,
  // not written into it: the window's metadata (in the fast mode, its rows' keys too), the hashed
  // names where no kept row lacks a value (the summary's `partial`), and `dataset` where no kept
  // row lacks it (a kept row's is the dataset's code: contradictionExpr). Writing and reading those
  // columns again for every row cost about 0.5 µs a row of the 12 a year's backfill takes
  // (docs/benchmarks.md, "Thirteenth sitting").
  const constants = (b: BatchWindow, summary: Readonly<Record<string, unknown>>) => {
    const all: Record<string, string> = {
      _dataset: d.code,
      _window_from_utc: b.windowFrom,
      _window_to_utc: b.windowTo,
      _ingested_utc: b.ingested,
      _source_api: 'BMRS',
      ...(fast ? { _source_columns: pyListRepr(b.keys!) } : {}),
      ...(Number(summary.partial) === 0 ? { _hash_source_cols: allHashed } : {}),
      ...(names.has('dataset') && Number(summary.no_dataset) === 0 ? { dataset: d.code } : {}),
    };
    return Object.fromEntries(table.columns.filter((c) => c.name in all).map((c) => [c.name, all[c.name]]));
  };
  const perRow: Record<string, string> = { _source_columns: '_source_columns', _hash_source_cols: hashCols, _hash_key: '_hash_key' };
  const out = (fixed: Readonly<Record<string, string>>) =>
    table.columns.filter((c) => !(c.name in fixed)).map((c) => `${perRow[c.name] ?? v(c.name)} AS ${q(c.name)}`).join(', ');
  return {
    stage,
    summary,
    periods,
    // Uncompressed: written once and read once, a few moments later (snappy cost 0.4 µs a row).
    constants: (wid, summary) => constants(batch[wid], summary),
    copy: (wid, file, fixed) => `COPY (SELECT ${out(fixed)} FROM ${name} WHERE wid = ${wid} AND kept) TO ${lit(file)} (FORMAT parquet, COMPRESSION uncompressed)`,
    drop: `DROP TABLE IF EXISTS ${name}`,
    boundsColumn: boundsCol,
  };
}

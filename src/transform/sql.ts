// The row work of one window as DuckDB SQL: the response body is read by read_json_objects, and
// verification, sanitising, metadata and `_hash_key` are computed in SQL instead of per row in JS.
// The SQL handles the canonical case only, where the JS rules (sanitise.ts, consistency.ts,
// prepare.ts, hash.ts) reduce to plain string and integer operations that SQL reproduces exactly:
// every key known, strings of printable ASCII, integers as JSON integers within INT64, times as
// `YYYY-MM-DDTHH:MM:SSZ`, dates as `YYYY-MM-DD`, booleans as JSON booleans, every row inside the
// window and consistent with itself, no row repeated. Anything else counts as an anomaly and the
// window goes through the JS path, which stays the reference (and gives the exact error message).
// Datasets with FLOAT columns always take the JS path: Python's float repr is not SQL's.
import { addDays, PERIOD_MS, periodsInDay, settlementDateOf, settlementDayStart, DAY_MS } from '../core/calendar.js';
import { hasSettlementDate, type Column, type ColumnType } from '../core/datasets.js';
import { keyXorSql } from '../core/digest.js';
import { isTimeNamed } from '../core/hash.js';
import { compareCodePoints } from '../core/py-format.js';
import type { TableHandle } from '../core/store.js';
import type { Window } from '../core/windows.js';

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
  /** The body's size in bytes: DuckDB's JSON reader needs a buffer that holds the largest object. */
  readonly bytes: number;
}

export interface BatchSql {
  /**
   * Reads every body of the batch (each field's JSON type and text) and builds the temp table
   * `<name>` from it: typed cells, checks, hash and metadata per row, with its window number `wid`.
   */
  readonly stage: string;
  /** Per window: fetched, anomalies, outside, repeated, revisions, bounds min/max text, unbounded, the kept keys' count and XOR. */
  readonly summary: string;
  /** Per window: distinct natural keys per settlement period and the set's members; null without a cadence. */
  readonly periods: string | null;
  /** Writes window `wid`'s kept rows, in the table's column order, to the Parquet file `out`. */
  readonly copy: (wid: number, out: string) => string;
  readonly drop: string;
  /** The column the store's anti-join is bounded by (prepare.ts: settlementDate, else the event time). */
  readonly boundsColumn: string;
}

const q = (name: string) => `"${name}"`;
const lit = (text: string) => `'${text.replace(/'/g, "''")}'`;
const v = (name: string) => q(`v_${name}`);
const t = (name: string) => q(`t_${name}`);
const s = (name: string) => q(`s_${name}`);

/** The SQL for a batch of windows of one table: one statement reads all their bodies. */
export function batchSql(table: TableHandle, batch: readonly BatchWindow[], name: string): BatchSql {
  const d = table.spec;
  const cols = d.columns;
  const names = new Set(cols.map((c) => c.name));
  const structType = lit(JSON.stringify(Object.fromEntries(cols.map((c) => [c.name, 'JSON']))));
  const files = `[${batch.map((b) => lit(b.file)).join(', ')}]`;
  const stream = batch[0].window.path.endsWith('/stream');
  // The reader's buffer is twice its largest object; by default that is 16 MB (a 32 MB buffer, most
  // of the transform's memory), while the largest object here is at most the largest body.
  const objectSize = `maximum_object_size = ${Math.max(...batch.map((b) => b.bytes)) + 1024}`;
  const objects = stream
    ? `SELECT filename, json AS j FROM read_json_objects(${files}, format = 'array', filename = true, ${objectSize})`
    : `SELECT filename, unnest(json_extract(json, '$.data[*]')) AS j FROM read_json_objects(${files}, format = 'unstructured', filename = true, ${objectSize})`;
  const known = `[${cols.map((c) => lit(c.name)).join(', ')}]`;
  // Each field as its JSON text (DuckDB writes it compactly): the first character tells its JSON
  // type, and a string without escapes is that text without its quotes. Escapes are not canonical.
  const raw = `SELECT filename, k, json_type(j) = 'OBJECT' AND list_has_all(${known}, k) AS ok_keys,
  ${cols.map((c) => `left(${q(c.name)}::VARCHAR, 1) AS ${t(c.name)}, ${q(c.name)}::VARCHAR AS ${s(c.name)}`).join(',\n  ')}
FROM (SELECT filename, j, json_keys(j) AS k, unnest(json_transform(j, ${structType})) FROM (${objects}))`;

  const sorted = [...cols].sort((a, b) => compareCodePoints(a.name, b.name));
  const hashText = `'{' || concat_ws(', ', ${sorted.map((c) => `${lit(`"${c.name}": `)} || ${render(c)}`).join(', ')}) || '}'`;
  const hashCols = `'[' || concat_ws(', ', ${cols.map((c) => `CASE WHEN ${v(c.name)} IS NOT NULL THEN ${lit(`'${c.name}'`)} END`).join(', ')}) || ']'`;
  const params = batch.map((b, wid) => `(${lit(b.file)}, ${wid}, ${windowParams(b.window)}, ${lit(b.windowFrom)}, ${lit(b.windowTo)}, ${lit(b.ingested)})`).join(',\n  ');
  const date = names.has('settlementDate') ? v('settlementDate') : 'NULL';
  const sourceColumns = `CASE WHEN len(k) = 0 THEN '[]' ELSE '[''' || array_to_string(k, ''', ''') || ''']' END`;
  const stage = `CREATE OR REPLACE TEMP TABLE ${name} AS
WITH typed AS (
  SELECT p.*, r.k,
    ${cols.map((c) => `${value(c)} AS ${v(c.name)}, ${s(c.name)}, ${t(c.name)}`).join(',\n    ')},
    r.ok_keys
  FROM (${raw}) r JOIN (VALUES ${params}) p(filename, wid, acc_by, acc_d1, acc_d2, acc_m1, acc_m2, keep_by, keep_d1, keep_d2, keep_before, w_from, w_to, ingested) USING (filename)
),
timed AS (
  SELECT typed.*, cal.day_start, cal.periods, ${eventMsExpr(d.eventTime)} AS event_ms,
    ${cols.map((c) => canonical(c)).join('\n    AND ')} AND ok_keys AS ok
  FROM typed LEFT JOIN (${calendarValues(batch.map((b) => b.window))}) cal(day, day_start, periods) ON cal.day = ${date}
)
SELECT wid, w_from, w_to, ingested, ${cols.map((c) => v(c.name)).join(', ')}, ok,
  coalesce(CASE acc_by WHEN 'date' THEN ${date} BETWEEN acc_d1 AND acc_d2 ELSE event_ms BETWEEN acc_m1 AND acc_m2 END, false) AS accepted,
  coalesce(CASE keep_by WHEN 'all' THEN true WHEN 'date' THEN ${date} BETWEEN keep_d1 AND keep_d2 ELSE event_ms < keep_before END, false) AS kept,
  ${contradictionExpr(d, names)} AS contra,
  md5(${hashText}) AS _hash_key,
  ${hashCols} AS _hash_source_cols,
  ${sourceColumns} AS _source_columns
FROM timed`;

  const boundsCol = hasSettlementDate(d) ? 'settlementDate' : 'field' in d.eventTime ? d.eventTime.field : 'settlementDate';
  const boundsType = cols.find((c) => c.name === boundsCol)?.type;
  const boundsText = (agg: string) =>
    boundsType === 'DATE'
      ? `strftime(${agg}(${v(boundsCol)}) FILTER (WHERE kept), '%Y-%m-%d')`
      : `replace(strftime(${agg}(${v(boundsCol)}) FILTER (WHERE kept), '%Y-%m-%d %H:%M:%S.%f'), '.000000', '')`;
  const natural = d.naturalKey.map((k) => v(k)).join(', ');
  const summary = `SELECT wid, count(*) AS fetched,
  count(*) FILTER (WHERE ok IS NOT TRUE OR accepted IS NOT TRUE OR contra IS NOT FALSE) AS anomalies,
  count(*) FILTER (WHERE kept IS NOT TRUE) AS outside,
  count(*) FILTER (WHERE kept) - count(DISTINCT _hash_key) FILTER (WHERE kept) AS repeated,
  ${boundsText('min')} AS lo, ${boundsText('max')} AS hi,
  count(*) FILTER (WHERE kept AND ${v(boundsCol)} IS NULL) AS unbounded,
  count(DISTINCT _hash_key) FILTER (WHERE kept) AS key_count, ${keyXorSql('_hash_key', 'kept')}::VARCHAR AS key_xor,
  (SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(DISTINCT _hash_key) AS n FROM ${name} x WHERE x.wid = o.wid AND kept GROUP BY ${natural})) AS revisions
FROM ${name} o GROUP BY wid`;

  const cadence = d.cadence;
  const set = cadence?.setColumn;
  const members = set
    ? `(SELECT count(DISTINCT ${v(set)}) + max(CASE WHEN ${v(set)} IS NULL THEN 1 ELSE 0 END) FROM ${name} x WHERE x.wid = o.wid AND kept)`
    : '1';
  const periods = cadence && names.has('settlementPeriod')
    ? `SELECT wid, ${v('settlementPeriod')} AS period, count(DISTINCT [${d.naturalKey.map((k) => `CAST(${v(k)} AS VARCHAR)`).join(', ')}]) AS keys, ${members} AS members
FROM ${name} o WHERE kept GROUP BY ALL ORDER BY 1, 2`
    : null;

  const meta: Record<string, string> = {
    _dataset: lit(d.code),
    _window_from_utc: 'w_from',
    _window_to_utc: 'w_to',
    _ingested_utc: 'ingested',
    _source_columns: '_source_columns',
    _source_api: `'BMRS'`,
    _hash_source_cols: '_hash_source_cols',
    _hash_key: '_hash_key',
  };
  const out = table.columns.map((c) => `${meta[c.name] ?? v(c.name)} AS ${q(c.name)}`).join(', ');
  return {
    stage,
    summary,
    periods,
    copy: (wid, file) => `COPY (SELECT ${out} FROM ${name} WHERE wid = ${wid} AND kept) TO ${lit(file)} (FORMAT parquet)`,
    drop: `DROP TABLE IF EXISTS ${name}`,
    boundsColumn: boundsCol,
  };
}

/** acc_by, acc_d1, acc_d2, acc_m1, acc_m2, keep_by, keep_d1, keep_d2, keep_before of a window. */
function windowParams(w: Window): string {
  const a = w.accept, k = w.keep;
  const acc = a.by === 'settlementDate'
    ? `'date', DATE ${lit(a.from)}, DATE ${lit(a.to)}, NULL::BIGINT, NULL::BIGINT`
    : `'time', NULL::DATE, NULL::DATE, ${a.from}::BIGINT, ${a.to}::BIGINT`;
  const keep = k.by === 'all' ? `'all', NULL::DATE, NULL::DATE, NULL::BIGINT`
    : k.by === 'settlementDate' ? `'date', DATE ${lit(k.from)}, DATE ${lit(k.to)}, NULL::BIGINT`
    : `'time', NULL::DATE, NULL::DATE, ${k.before}::BIGINT`;
  return `${acc}, ${keep}`;
}

const absent = (c: Column) => `(${t(c.name)} IS NULL OR ${t(c.name)} = 'n')`;
/** A JSON string's text without its quotes (only used where it has no escapes). */
const unquoted = (c: Column) => `${s(c.name)}[2:-2]`;
const isString = (c: Column) => `${t(c.name)} = '"' AND NOT contains(${s(c.name)}, '\\')`;
const isInteger = (c: Column) =>
  `${t(c.name)} IN ('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9') AND NOT contains(${s(c.name)}, '.') AND NOT contains(lower(${s(c.name)}), 'e')`;

/** The cell as the JS path would make it (sanitise.ts), typed; null when absent or not canonical. */
function value(c: Column): string {
  switch (c.type) {
    case 'STRING':
      return `CASE WHEN ${isString(c)} THEN ${unquoted(c)} END`;
    case 'INTEGER':
      return `CASE WHEN ${isInteger(c)} THEN TRY_CAST(${s(c.name)} AS BIGINT) END`;
    case 'BOOLEAN':
      return `CASE WHEN ${s(c.name)} = 'true' THEN true WHEN ${s(c.name)} = 'false' THEN false END`;
    case 'DATE':
      return `CASE WHEN ${isString(c)} THEN TRY_CAST(${unquoted(c)} AS DATE) END`;
    default:
      return `CASE WHEN ${isString(c)} THEN TRY_CAST(${unquoted(c)} AS TIMESTAMP) END`;
  }
}

/**
 * Whether the field is absent or in the canonical form the SQL path reproduces exactly. A date or
 * time is canonical when formatting its parsed value gives back the very text the API sent.
 */
function canonical(c: Column): string {
  const x = unquoted(c), cell = v(c.name);
  let ok: string;
  switch (c.type) {
    case 'STRING':
      ok = `${cell} IS NOT NULL AND regexp_full_match(${cell}, '[ -~]*')`;
      break;
    case 'INTEGER':
    case 'BOOLEAN':
      ok = `${cell} IS NOT NULL`;
      break;
    case 'DATE':
      ok = `${cell} IS NOT NULL AND ${x} >= '0001' AND strftime(${cell}, '%Y-%m-%d') = ${x}`;
      break;
    default:
      ok = `${cell} IS NOT NULL AND ${x} >= '0001' AND strftime(${cell}, '%Y-%m-%dT%H:%M:%SZ') = ${x}`;
  }
  return `coalesce(${absent(c)} OR (${ok}), false)`;
}

/**
 * The value's text in the old pipeline's json.dumps (hash.ts), or NULL to leave it out. Rows are
 * kept only when canonical, so a time's API text `YYYY-MM-DDTHH:MM:SSZ` can be cut up as text.
 */
function render(c: Column): string {
  const x = v(c.name), api = unquoted(c);
  const when = (text: string) => `CASE WHEN ${x} IS NOT NULL THEN ${text} END`;
  switch (c.type) {
    case 'INTEGER':
      return `CAST(${x} AS VARCHAR)`;
    case 'BOOLEAN':
      return `CASE WHEN ${x} THEN 'true' WHEN NOT ${x} THEN 'false' END`;
    case 'STRING':
      // A cell is a string only where its JSON text has no escape (value), so it holds neither a
      // backslash nor a quote: json.dumps would escape nothing in it.
      return `'"' || ${x} || '"'`;
    case 'DATE':
      return when(isTimeNamed(c.name) ? `'"' || ${api} || ' 00:00:00"'` : `'"' || ${api} || '"'`);
    default:
      if (isTimeNamed(c.name)) return when(`'"' || left(${api}, 10) || ' ' || substr(${api}, 12, 8) || ${c.type === 'TIMESTAMP' ? `'+00:00"'` : `'"'`}`);
      return when(`'"' || ${api} || '"'`);
  }
}

function eventMsExpr(et: TableHandle['spec']['eventTime']): string {
  if ('field' in et) return `epoch_ms(CAST(${v(et.field)} AS TIMESTAMP))`;
  return `day_start + (${v('settlementPeriod')} - 1) * ${PERIOD_MS}`;
}

/**
 * True when the row contradicts itself (consistency.ts), or when the SQL cannot tell (a settlement
 * date outside the calendar rows given): either way the JS path decides.
 */
function contradictionExpr(d: TableHandle['spec'], names: ReadonlySet<string>): string {
  const problems: string[] = d.naturalKey.map((k) => `${v(k)} IS NULL`);
  if (names.has('dataset')) problems.push(`coalesce(${v('dataset')} <> ${lit(d.code)}, false)`);
  const date = v('settlementDate'), period = v('settlementPeriod');
  if (names.has('settlementDate') && names.has('settlementPeriod')) {
    const both = `${date} IS NOT NULL AND ${period} IS NOT NULL`;
    problems.push(`(${both} AND (day_start IS NULL OR ${period} < 1 OR ${period} > periods))`);
    if (names.has('startTime')) {
      const start = `epoch_ms(CAST(${v('startTime')} AS TIMESTAMP))`;
      problems.push(`(${both} AND ${v('startTime')} IS NOT NULL AND NOT (${start} >= day_start + (${period} - 1) * ${PERIOD_MS} AND ${start} < day_start + ${period} * ${PERIOD_MS}))`);
    }
  }
  if (d.publishNearSettlement && names.has('settlementDate') && names.has('publishTime')) {
    const pub = `epoch_ms(CAST(${v('publishTime')} AS TIMESTAMP))`;
    problems.push(`(${date} IS NOT NULL AND ${v('publishTime')} IS NOT NULL AND (day_start IS NULL OR ${pub} < day_start - ${DAY_MS} OR ${pub} > day_start + periods * ${PERIOD_MS} + ${2 * DAY_MS}))`);
  }
  return problems.length ? `coalesce(${problems.join(' OR ')}, true)` : 'false';
}

/** Settlement days around the windows: their UTC start and number of periods (calendar.ts). */
function calendarValues(ws: readonly Window[]): string {
  const first = settlementDateOf(Math.min(...ws.map((w) => w.from)) - 3 * DAY_MS);
  const last = settlementDateOf(Math.max(...ws.map((w) => w.to)) + 3 * DAY_MS);
  const rows: string[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) rows.push(`(DATE '${day}', ${settlementDayStart(day)}, ${periodsInDay(day)})`);
  return `VALUES ${rows.join(', ')}`;
}

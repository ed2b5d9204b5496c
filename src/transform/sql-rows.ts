// The per-row SQL of the transform (sql.ts): each cell typed as the JS path would make it
// (sanitise.ts), whether it is in the canonical form the SQL reproduces exactly, its text in the
// old pipeline's json.dumps for the hash (hash.ts), the row's consistency (consistency.ts) and
// whether its window accepts and keeps it. Column names are plain identifiers (sqlIneligible).
import { addDays, PERIOD_MS, periodsInDay, settlementDateOf, settlementDayStart, DAY_MS } from '../core/calendar.js';
import type { Column } from '../core/datasets.js';
import { isTimeNamed } from '../core/hash.js';
import type { TableHandle } from '../core/store.js';
import type { Window } from '../core/windows.js';

export const q = (name: string) => `"${name}"`;
export const lit = (text: string) => `'${text.replace(/'/g, "''")}'`;
export const v = (name: string) => q(`v_${name}`);
export const t = (name: string) => q(`t_${name}`);
export const s = (name: string) => q(`s_${name}`);

/** Whether a row belongs to the window's response (its accept range), as SQL on the row's date or event time. */
export function accepts(w: Window, date: string): string {
  const a = w.accept;
  return a.by === 'settlementDate' ? `${date} BETWEEN DATE ${lit(a.from)} AND DATE ${lit(a.to)}` : `event_ms BETWEEN ${a.from} AND ${a.to}`;
}

/** Whether the window keeps the row (the rest belongs to a neighbouring window). */
export function keeps(w: Window, date: string): string {
  const k = w.keep;
  return k.by === 'all' ? 'true' : k.by === 'settlementDate' ? `${date} BETWEEN DATE ${lit(k.from)} AND DATE ${lit(k.to)}` : `event_ms < ${k.before}`;
}

const absent = (c: Column) => `(${t(c.name)} IS NULL OR ${t(c.name)} = 'n')`;
/** A JSON string's text without its quotes (only used where it has no escapes). */
const unquoted = (c: Column) => `${s(c.name)}[2:-2]`;
const isString = (c: Column) => `${t(c.name)} = '"' AND NOT contains(${s(c.name)}, '\\')`;
const isInteger = (c: Column) =>
  // The first character a minus or a digit (not `IN (...)`: DuckDB makes a list of constants a hash join).
  `(${t(c.name)} = '-' OR ${t(c.name)} BETWEEN '0' AND '9') AND NOT contains(${s(c.name)}, '.') AND NOT contains(lower(${s(c.name)}), 'e')`;

/** The cell as the JS path would make it (sanitise.ts), typed; null when absent or not canonical. */
export function value(c: Column): string {
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
export function canonical(c: Column): string {
  const json = s(c.name), cell = v(c.name);
  let ok: string;
  switch (c.type) {
    case 'STRING':
      // Printable ASCII: one byte a character, and no DEL (DuckDB writes a control character as an
      // escape, which `value` refuses). A comparison of lengths, not a regular expression.
      ok = `${cell} IS NOT NULL AND strlen(${cell}) = length(${cell}) AND NOT contains(${cell}, chr(127))`;
      break;
    case 'INTEGER':
    case 'BOOLEAN':
      ok = `${cell} IS NOT NULL`;
      break;
    // Compared with the JSON text, quotes and all: no substring made per row. Four-digit years only:
    // DuckDB reads and writes 10000-01-01, the JS path refuses it (sanitise.ts, INSTANT).
    case 'DATE':
      ok = `${cell} IS NOT NULL AND strlen(${json}) = 12 AND ${json} >= '"0001' AND strftime(${cell}, '"%Y-%m-%d"') = ${json}`;
      break;
    default:
      ok = `${cell} IS NOT NULL AND strlen(${json}) = 22 AND ${json} >= '"0001' AND strftime(${cell}, '"%Y-%m-%dT%H:%M:%SZ"') = ${json}`;
  }
  return `coalesce(${absent(c)} OR (${ok}), false)`;
}

/**
 * The value's text in the old pipeline's json.dumps (hash.ts), or NULL to leave it out; `present`
 * where the row has every value (no NULL guard needed), as pieces for one concat. Rows are kept
 * only when canonical, so the JSON text of a string (no escape in it: `value`) is json.dumps', and
 * a time's JSON text `"YYYY-MM-DDTHH:MM:SSZ"` can be cut up.
 */
export function render(c: Column, present = false): string {
  const x = v(c.name), json = s(c.name);
  const when = (text: string) => (present ? text : `CASE WHEN ${x} IS NOT NULL THEN ${text} END`);
  const cut = (...parts: string[]) => (present ? parts.join(', ') : parts.join(' || '));
  switch (c.type) {
    case 'INTEGER':
      return `CAST(${x} AS VARCHAR)`;
    case 'BOOLEAN':
      return present ? json : `CASE WHEN ${x} THEN 'true' WHEN NOT ${x} THEN 'false' END`;
    case 'DATE':
      return when(isTimeNamed(c.name) ? cut(`left(${json}, 11)`, `' 00:00:00"'`) : json);
    default:
      if (c.type !== 'STRING' && isTimeNamed(c.name)) return when(cut(`left(${json}, 11)`, `' '`, `substr(${json}, 13, 8)`, c.type === 'TIMESTAMP' ? `'+00:00"'` : `'"'`));
      return when(json);
  }
}

export function eventMsExpr(et: TableHandle['spec']['eventTime']): string {
  if ('field' in et) return `epoch_ms(CAST(${v(et.field)} AS TIMESTAMP))`;
  return `day_start + (${v('settlementPeriod')} - 1) * ${PERIOD_MS}`;
}

/**
 * True when the row contradicts itself (consistency.ts), or when the SQL cannot tell (a settlement
 * date outside the calendar rows given): either way the JS path decides.
 */
export function contradictionExpr(d: TableHandle['spec'], names: ReadonlySet<string>): string {
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
export function calendarValues(ws: readonly Window[]): string {
  const first = settlementDateOf(Math.min(...ws.map((w) => w.from)) - 3 * DAY_MS);
  const last = settlementDateOf(Math.max(...ws.map((w) => w.to)) + 3 * DAY_MS);
  const rows: string[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) rows.push(`(DATE '${day}', ${settlementDayStart(day)}, ${periodsInDay(day)})`);
  return `VALUES ${rows.join(', ')}`;
}

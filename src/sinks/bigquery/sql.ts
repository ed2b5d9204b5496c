// GoogleSQL pieces: quoted names, literals, and a filter on whole UTC days written so that BigQuery
// prunes partitions (the partition column compared with constants of its own type, never wrapped
// in a function). Every statement is analysed by ZetaSQL in the tests (test/integration/bigquery-sql.test.ts).
import type { ColumnType } from '../../core/datasets.js';
import { UsageError } from '../../core/errors.js';
import type { RowRange } from '../../core/store.js';

/** A column name in backticks; registry names are plain identifiers, quoting is belt and braces. */
export function q(name: string): string {
  return `\`${name.replace(/[`\\]/g, (c) => `\\${c}`)}\``;
}

/** A GoogleSQL string literal. */
export function str(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function checkDay(day: string): string {
  if (!DAY.test(day)) throw new UsageError(`a day is written YYYY-MM-DD, got ${day}`);
  return day;
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * `column` on days from..to inclusive, with literal bounds of the column's own type: a DATE column
 * BETWEEN two DATEs; a DATETIME or TIMESTAMP column from the first midnight up to the midnight
 * after the last (UTC), so the comparison needs no cast and prunes.
 */
export function dayFilter(column: string, type: ColumnType | undefined, from: string, to: string, alias = ''): string {
  const c = `${alias}${q(column)}`;
  checkDay(from);
  checkDay(to);
  if (type === 'DATE') return `${c} BETWEEN DATE '${from}' AND DATE '${to}'`;
  const end = to === '9999-12-31' ? null : nextDay(to);
  if (type === 'DATETIME') return `(${c} >= DATETIME '${from} 00:00:00'${end ? ` AND ${c} < DATETIME '${end} 00:00:00'` : ''})`;
  if (type === 'TIMESTAMP') return `(${c} >= TIMESTAMP '${from} 00:00:00+00'${end ? ` AND ${c} < TIMESTAMP '${end} 00:00:00+00'` : ''})`;
  // A column of another type (a text date): compare its date, which cannot prune but stays correct.
  return `DATE(${c}) BETWEEN DATE '${from}' AND DATE '${to}'`;
}

/** `AND <range>` for a WHERE clause, or '' without a range. */
export function rangeAnd(range: RowRange | undefined, typeOf: (column: string) => ColumnType | undefined): string {
  return range ? ` AND ${dayFilter(range.column, typeOf(range.column), range.from, range.to)}` : '';
}

/** The day of a date-or-time column as 'YYYY-MM-DD' text, for grouping by settlement day. */
export function dayText(column: string, type: ColumnType | undefined): string {
  return type === 'DATE' ? `CAST(${q(column)} AS STRING)` : `CAST(DATE(${q(column)}) AS STRING)`;
}

const NULL_MARK = '\u2400';
const SEPARATOR = '\u241f';

/**
 * A text that is equal for two rows exactly when the columns are: each value cast to STRING (NULL
 * as a marker no value has), joined by a separator no value holds. For distinct natural keys and
 * for telling copies from key conflicts.
 */
export function rowText(columns: readonly string[], alias = ''): string {
  return `CONCAT(${columns.map((c) => `IFNULL(CAST(${alias}${q(c)} AS STRING), '${NULL_MARK}')`).join(`, '${SEPARATOR}', `)})`;
}

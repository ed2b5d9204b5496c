// Rows that contradict themselves: checks on one sanitised row that need no other row. Each failure
// rejects the whole window (a DataError naming the row): a row the API got wrong is not data we
// can store, and one such row says the others may be wrong in the same way.
import { DAY_MS, periodsInDay, settlementDayStart, settlementPeriodOf } from './calendar.js';
import type { DatasetSpec } from './datasets.js';
import type { Row } from './rows.js';

/** How far a publishTime may lie from its settlement day (a day before it starts, two after it ends), where the dataset's publishNearSettlement says the check applies. */
const PUBLISH_BEFORE_MS = DAY_MS;
const PUBLISH_AFTER_MS = 2 * DAY_MS;

export type RowCheck = (row: Row) => string | null;

/** The checks that apply to a dataset's rows, composed once per window. */
export function rowChecker(d: DatasetSpec): RowCheck {
  const names = new Set(d.columns.map((c) => c.name));
  const checks: RowCheck[] = [];
  checks.push((row) => {
    const nulls = d.naturalKey.filter((k) => row[k] === null || row[k] === undefined);
    return nulls.length ? `natural key field${nulls.length > 1 ? 's' : ''} ${nulls.join(', ')} ${nulls.length > 1 ? 'are' : 'is'} null` : null;
  });
  if (names.has('dataset')) {
    checks.push((row) => (row.dataset !== null && row.dataset !== d.code ? `its dataset field says ${String(row.dataset)}, not ${d.code}` : null));
  }
  if (names.has('settlementDate') && names.has('settlementPeriod')) {
    checks.push((row) => {
      const date = dateOf(row.settlementDate);
      const period = row.settlementPeriod;
      if (date === null || typeof period !== 'number') return null;
      const n = periodsInDay(date);
      return period >= 1 && period <= n ? null : `settlementPeriod ${period} is not a period of ${date} (1-${n})`;
    });
    if (names.has('startTime')) {
      // Rows come in runs that share their startTime (20 fuel types): look each one up once.
      let lastStart: unknown;
      let lastAt = { date: '', period: 0 };
      checks.push((row) => {
        const date = dateOf(row.settlementDate);
        if (date === null || typeof row.settlementPeriod !== 'number' || typeof row.startTime !== 'string') return null;
        if (row.startTime !== lastStart) {
          const start = msOf(row.startTime);
          if (Number.isNaN(start)) return null;
          lastStart = row.startTime;
          lastAt = settlementPeriodOf(start);
        }
        const at = lastAt;
        return at.date === date && at.period === row.settlementPeriod
          ? null
          : `startTime ${String(row.startTime)} lies in settlement period ${at.period} of ${at.date} (Europe/London), not period ${row.settlementPeriod} of ${date}`;
      });
    }
  }
  if (d.publishNearSettlement && names.has('settlementDate') && names.has('publishTime')) {
    checks.push((row) => {
      const date = dateOf(row.settlementDate);
      const published = msOf(row.publishTime);
      if (date === null || Number.isNaN(published)) return null;
      const start = settlementDayStart(date);
      const end = start + periodsInDay(date) * 1_800_000;
      return published >= start - PUBLISH_BEFORE_MS && published <= end + PUBLISH_AFTER_MS
        ? null
        : `publishTime ${String(row.publishTime)} is days away from its settlement date ${date}`;
    });
  }
  return (row) => {
    for (const check of checks) {
      const problem = check(row);
      if (problem !== null) return problem;
    }
    return null;
  };
}

function dateOf(v: Row[string]): string | null {
  return typeof v === 'string' && v.length >= 10 ? v.slice(0, 10) : null;
}

/** A sanitised time cell ('YYYY-MM-DD HH:MM:SS[.ffffff]', UTC) as epoch ms; NaN when absent. */
function msOf(v: Row[string]): number {
  return typeof v === 'string' ? Date.parse(`${v.replace(' ', 'T')}Z`) : NaN;
}

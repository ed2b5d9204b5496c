// How fresh is a dataset's table? One function for `bmrs update` (after each cycle) and
// `bmrs check`: the latest row by event time, read through the store port (so it answers the same
// on DuckDB and BigQuery), its settlement date and period taken from that row (never independent
// maxima: the old check reported "latest period: 50" for weeks after a clock change), its age
// against a per-dataset threshold, and how long after its event time it was ingested.
import { MINUTE_MS, periodStart, settlementPeriodOf } from './calendar.js';
import type { DatasetSpec } from './datasets.js';
import type { Cell, Row } from './rows.js';
import type { Store } from './store.js';

/** How far behind the clock `bmrs update` looks for a dataset without a completeness lag: one day. */
export const DEFAULT_STALE_MINUTES = 24 * 60;

export interface Freshness {
  readonly dataset: string;
  readonly table: string;
  /** False when the table does not exist or holds no rows: stale by definition. */
  readonly hasRows: boolean;
  /** Event time of the latest row, UTC ms (a settlement-period dataset: the period's start). */
  readonly latestEventTime: number | null;
  readonly settlementDate: string | null;
  readonly settlementPeriod: number | null;
  /** Minutes from the latest event time to `now`; null without rows. */
  readonly ageMinutes: number | null;
  /** Null: the dataset is not judged (no known cadence): its age is reported, never a finding. */
  readonly thresholdMinutes: number | null;
  readonly stale: boolean;
  /** Minutes from the latest row's event time to its `_ingested_utc`; null when unknown. */
  readonly ingestLagMinutes: number | null;
}

/**
 * The age a dataset may reach before it counts as stale: its override's stale threshold (FREQ 30
 * minutes, weekly forecasts eight days, yearly ones 400), else its completeness lag (FUELINST 30
 * minutes, FUELHH 60, MID 120, ...), else null: not judged (event-driven data such as CDN or
 * SYSWARN can go quiet for weeks). `override` (minutes, --stale-minutes) wins when given.
 */
export function staleThresholdMinutes(d: DatasetSpec, override?: number): number | null {
  if (override !== undefined) return override;
  return d.staleAfterMinutes ?? d.cadence?.lagMinutes ?? null;
}

/** Freshness of one dataset at `now` (UTC ms). Store errors (busy, unreachable) propagate. */
export async function checkFreshness(store: Store, d: DatasetSpec, now: number, thresholdMinutes?: number): Promise<Freshness> {
  const threshold = staleThresholdMinutes(d, thresholdMinutes);
  const row = await store.latestRow(d);
  return freshnessOf(d, row, now, threshold);
}

/** The pure part of `checkFreshness`: what a latest row (or none) says at `now`. */
export function freshnessOf(d: DatasetSpec, row: Row | null, now: number, thresholdMinutes: number | null): Freshness {
  const event = row ? eventTimeOf(d, row) : null;
  const settlement = row ? settlementOf(row, event) : null;
  const ingested = row ? utcMs(row._ingested_utc) : null;
  const ageMinutes = event === null ? null : Math.floor((now - event) / MINUTE_MS);
  return {
    dataset: d.code,
    table: d.table,
    hasRows: row !== null,
    latestEventTime: event,
    settlementDate: settlement?.date ?? null,
    settlementPeriod: settlement?.period ?? null,
    ageMinutes,
    thresholdMinutes,
    stale: thresholdMinutes !== null && (ageMinutes === null || ageMinutes > thresholdMinutes),
    ingestLagMinutes: event !== null && ingested !== null ? Math.floor((ingested - event) / MINUTE_MS) : null,
  };
}

/** The event time of a stored row: its event-time field, else the start of its settlement period. */
export function eventTimeOf(d: DatasetSpec, row: Row): number | null {
  if ('field' in d.eventTime) return utcMs(row[d.eventTime.field]);
  const date = row.settlementDate, period = row.settlementPeriod;
  if (typeof date !== 'string' || period === null || period === undefined) return null;
  return periodStart(date.slice(0, 10), Number(period));
}

function settlementOf(row: Row, event: number | null): { date: string; period: number } | null {
  const date = row.settlementDate, period = row.settlementPeriod;
  if (typeof date === 'string' && period !== null && period !== undefined) return { date: date.slice(0, 10), period: Number(period) };
  return event === null ? null : settlementPeriodOf(event);
}

/**
 * A stored time cell as epoch ms; null when absent or unreadable. Times come back as
 * 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC); `_ingested_utc` is text in Python's isoformat,
 * 'YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00', which names its zone.
 */
function utcMs(cell: Cell | undefined): number | null {
  if (typeof cell !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(cell);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}T${m[2]}${(m[3] ?? '').slice(0, 4)}${m[4] ?? 'Z'}`);
  return Number.isNaN(ms) ? null : ms;
}

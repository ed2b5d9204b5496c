// The decisions of `bmrs update`, pure: which window each real-time dataset needs, the catch-up cap,
// the one range the ingest child fetches, and the exit code of a cycle. The command reads the latest
// stored event times through the store port and hands them in; nothing here touches I/O or a clock.
import { MINUTE_MS } from './calendar.js';
import type { DatasetSpec } from './datasets.js';
import { EXIT } from './errors.js';
import { DEFAULT_STALE_MINUTES, staleThresholdMinutes } from './freshness.js';

export const DEFAULT_UPDATE_DATASETS = ['FUELINST', 'WIND_SOLAR_GEN', 'MID'] as const;
export const DEFAULT_MINUTES_BACK = 15;
export const DEFAULT_OVERLAP_MINUTES = 10;
export const DEFAULT_MAX_CATCH_UP_HOURS = 24;

export interface UpdateWindowOptions {
  /** At least this many minutes of publications are fetched on every run. */
  readonly minutesBack: number;
  /** Fetched again before the latest stored row, for late and revised rows. */
  readonly overlapMinutes: number;
  /** The catch-up cap: a window never reaches further back than this. */
  readonly maxCatchUpMinutes: number;
}

export interface UpdateWindow {
  readonly dataset: DatasetSpec;
  /** What this run fetches for the dataset, [from, to), UTC ms. */
  readonly from: number;
  readonly to: number;
  /** Where the window would start without the cap; equal to `from` unless `capped`. */
  readonly wanted: number;
  readonly capped: boolean;
  /** The latest stored event time it was planned from; null when the table is empty or missing. */
  readonly latest: number | null;
}

/**
 * How far a dataset's event time trails the clock. FUELINST is keyed on its publish time, so the
 * last 15 minutes of it exist at once; MID and wind-and-solar are keyed on the period's start and
 * published up to their freshness threshold later, so "the last 15 minutes of publications" reach
 * back that much further on their event time (else a fresh store would never see a MID row).
 */
export function eventLagMinutes(d: DatasetSpec): number {
  if ('field' in d.eventTime && d.eventTime.field === 'publishTime') return 0;
  return staleThresholdMinutes(d) ?? DEFAULT_STALE_MINUTES;
}

/**
 * The window of one dataset: from min(now - minutesBack, latest - overlap) to now, where minutes
 * back are counted on the dataset's event time behind its publication lag. A missed run or a
 * sleeping machine therefore heals itself on the next run, up to the cap.
 */
export function planUpdateWindow(d: DatasetSpec, latest: number | null, now: number, o: UpdateWindowOptions): UpdateWindow {
  const recent = now - (o.minutesBack + eventLagMinutes(d)) * MINUTE_MS;
  const wanted = latest === null ? recent : Math.min(recent, latest - o.overlapMinutes * MINUTE_MS);
  const floor = now - o.maxCatchUpMinutes * MINUTE_MS;
  const capped = wanted < floor;
  return { dataset: d, from: capped ? floor : wanted, to: now, wanted, capped, latest };
}


/** Whole minutes from a millisecond span, for messages. */
export function minutesOf(ms: number): number {
  return Math.round(ms / MINUTE_MS);
}

export type CycleOutcome =
  | { readonly kind: 'ingested'; readonly stale: boolean }
  /** The child ingest ended with a non-zero code (or was killed at the timeout: 75). */
  | { readonly kind: 'ingest-failed'; readonly code: number }
  | { readonly kind: 'locked' };

/** 0 when the cycle succeeded and the data is fresh; the child's code when ingest failed; 1 when stale; 75 when another run holds the lock. */
export function updateExitCode(o: CycleOutcome): number {
  switch (o.kind) {
    case 'ingested':
      return o.stale ? EXIT.findings : EXIT.ok;
    case 'ingest-failed':
      // A child that failed must never read as success, whatever it returned.
      return o.code === EXIT.ok ? EXIT.internal : o.code;
    case 'locked':
      return EXIT.transient;
  }
}

/**
 * The child's exit code from how it ended: its own code; killed at our timeout: transient (75),
 * a later run may well succeed; killed by anything else: 128 + the signal, as a shell reports it.
 */
export function childExitCode(code: number | null, signal: string | null, timedOut: boolean, signalNumber: (s: string) => number): number {
  if (timedOut) return EXIT.transient;
  if (code !== null) return code;
  return signal === null ? EXIT.internal : 128 + signalNumber(signal);
}

// `bmrs check`: the ledger's missing windows. The windows an ingest of the range would plan whose
// publication is over, less what any ledger entry (loaded, empty, failed or incomplete, whatever its
// bounds: the 5-minute update's windows are not day windows) covers. A missing window was never
// asked for; it is reported, not judged: a store written by the old Python tool has no ledger.
import { addDays, toIsoZ } from './calendar.js';
import { publicationOver } from './completeness.js';
import type { DatasetSpec } from './datasets.js';
import type { LedgerEntry } from './store.js';
import { planWindows } from './windows.js';

export interface MissingWindows {
  /** Planned windows (publication over) that no ledger entry covers, wholly or in part. */
  readonly windows: number;
  /** The uncovered time, merged into spans (UTC, half-open), oldest first. */
  readonly spans: readonly { readonly from: string; readonly to: string }[];
}

/** Missing windows of `d` over settlement days from..to (inclusive) at `now`. */
export function missingWindows(d: DatasetSpec, from: string, to: string, entries: readonly LedgerEntry[], now: number, rangeStart: number, rangeEnd: number): MissingWindows {
  const covered = mergeSpans(entries.map((e) => [e.from, e.to] as const));
  const uncovered: [number, number][] = [];
  let windows = 0;
  const planned = planWindows(d, { kind: 'days', from, to: addDays(to, 1) });
  for (const w of planned) {
    if (!publicationOver(d, w, now)) continue;
    const gaps = gapsIn(covered, Math.max(w.from, rangeStart), Math.min(w.to, rangeEnd));
    if (gaps.length > 0) windows++;
    uncovered.push(...gaps);
  }
  const spans = mergeSpans(uncovered).map(([a, b]) => ({ from: toIsoZ(a), to: toIsoZ(b) }));
  return { windows, spans };
}

/** Spans sorted and merged where they overlap or touch. */
export function mergeSpans(spans: readonly (readonly [number, number])[]): [number, number][] {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The parts of [from, to) that the merged, sorted spans `covered` leave out. */
export function gapsIn(covered: readonly (readonly [number, number])[], from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  // The first span ending after `from` (a year of 5-minute update windows is ~100k spans).
  let lo = 0, hi = covered.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (covered[mid][1] <= from) lo = mid + 1;
    else hi = mid;
  }
  let at = from;
  for (let i = lo; i < covered.length; i++) {
    const [a, b] = covered[i];
    if (a >= to) break;
    if (a > at) out.push([at, a]);
    at = Math.max(at, b);
    if (at >= to) break;
  }
  if (at < to) out.push([at, to]);
  return out;
}

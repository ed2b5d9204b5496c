// Parses what the user typed into a Range and a list of datasets, with one clear message per mistake.
import { addDays, isIsoDate, parseInstant, settlementDateOf, settlementDayStart, toIsoZ } from './calendar.js';
import { DATASETS, findDataset, GROUPS, type DatasetSpec } from './datasets.js';
import { UsageError } from './errors.js';
import type { Range } from './windows.js';

/**
 * `--from`/`--to`: both dates (whole settlement days, `to` exclusive) or both ISO instants with a
 * zone, T or a space between date and time (the half-open window [from, to) on the event time).
 * Defaults follow the old fetch script: from = today minus 2 days, to = today (settlement dates in
 * Europe/London).
 */
export function parseRange(from: string | undefined, to: string | undefined, now: number): Range {
  const today = settlementDateOf(now);
  const f = from ?? (to !== undefined && isIsoDate(to) ? addDays(to, -2) : addDays(today, -2));
  const t = to ?? (from !== undefined && !isIsoDate(from) ? new Date(now).toISOString() : today);
  const fDate = isIsoDate(f), tDate = isIsoDate(t);
  if (fDate && tDate) {
    if (f >= t) throw new UsageError(`--from ${f} is not before --to ${t}`, { hint: '--to is exclusive: --from 2025-10-27 --to 2025-10-28 loads the settlement day 2025-10-27' });
    if (settlementDayStart(f) >= now) throw future(f, now);
    return { kind: 'days', from: f, to: t };
  }
  const fi = checkInstant('--from', f), ti = checkInstant('--to', t);
  if (fDate !== tDate) {
    throw new UsageError(`--from and --to must both be dates or both be instants (got ${f} and ${t})`, {
      hint: 'dates select settlement days (2025-10-27); instants select a window on the event time (2025-10-27T12:00:00Z)',
    });
  }
  if (fi >= ti) throw new UsageError(`--from ${f} is not before --to ${t}`, { hint: 'the window is half-open: [from, to)' });
  if (fi >= now) throw future(f, now);
  return { kind: 'instants', from: fi, to: ti };
}

function future(from: string, now: number): UsageError {
  return new UsageError(`--from ${from} is not before now (${toIsoZ(now)}): nothing has been published for it yet`, {
    hint: 'pick a range that starts in the past (BMRS_NOW fixes "now" for tests)',
  });
}

function checkInstant(flag: string, s: string): number {
  if (isIsoDate(s)) return NaN;
  // RFC 3339 lets a space stand for the T (2025-10-27 12:00:00Z), as SQL and logs print instants.
  const ms = parseInstant(s.replace(/^(\d{4}-\d{2}-\d{2}) (?=\d)/, '$1T'));
  if (Number.isNaN(ms)) {
    throw new UsageError(`${flag} ${s} is not a date or an ISO instant with a zone`, {
      hint: 'use a date like 2025-10-27 or an instant like 2025-10-27T12:00:00Z (or 2025-10-27 12:00:00Z)',
    });
  }
  return ms;
}

/**
 * Dataset codes from `--dataset A,B` (repeatable; `all` is every dataset) and groups from
 * `--group realtime,balancing` (repeatable), case-insensitive, in the order given, no repeats.
 */
export function parseDatasets(values: readonly string[] | undefined, groups?: readonly string[]): DatasetSpec[] {
  const split = (vs: readonly string[] | undefined) => (vs ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  const codes = split(values);
  const groupNames = split(groups);
  if (codes.length === 0 && groupNames.length === 0) {
    throw new UsageError('no dataset given', { hint: `name one or more with --dataset (e.g. --dataset FUELINST, or --dataset all) or --group ${GROUPS.join('|')}` });
  }
  const picked = new Set<DatasetSpec>();
  for (const code of codes) {
    if (code.toLowerCase() === 'all') {
      for (const d of DATASETS) picked.add(d);
      continue;
    }
    const d = findDataset(code);
    if (!d) throw new UsageError(`unknown dataset: ${code}`, { hint: `known datasets: ${knownCodes()} (bmrs datasets lists them), or all` });
    picked.add(d);
  }
  for (const name of groupNames) {
    const group = GROUPS.find((g) => g === name.toLowerCase());
    if (!group) throw new UsageError(`unknown group: ${name}`, { hint: `groups: ${GROUPS.join(', ')} (bmrs datasets shows each dataset's group)` });
    for (const d of DATASETS) if (d.group === group) picked.add(d);
  }
  return [...picked];
}

function knownCodes(): string {
  return DATASETS.map((d) => d.code).join(', ');
}

// The ledger's missing windows for `bmrs check`: planned windows whose publication is over and that
// no ledger entry covers, whatever the entries' bounds.
import { describe, expect, it } from 'vitest';
import { addDays, settlementDayStart } from '../../src/core/calendar.js';
import { findDataset } from '../../src/core/datasets.js';
import { mergeSpans, missingWindows } from '../../src/core/ledger-missing.js';
import type { LedgerEntry } from '../../src/core/store.js';

const FUELINST = findDataset('FUELINST')!;
const at = Date.parse;
const entry = (status: LedgerEntry['status'], from: number, to: number): LedgerEntry => ({
  dataset: 'FUELINST', from, to, status, fetched: 0, inserted: 0, skipped: 0, attempts: 1, errorCode: null, errorMessage: null, detail: null,
  runId: 'r', firstAt: to, updatedAt: to,
});
const day = (date: string, status: LedgerEntry['status'] = 'loaded') => entry(status, settlementDayStart(date), settlementDayStart(addDays(date, 1)));
const now = at('2025-10-28T12:00:00Z');
const check = (from: string, to: string, entries: LedgerEntry[]) =>
  missingWindows(FUELINST, from, to, entries, now, settlementDayStart(from), settlementDayStart(addDays(to, 1)));

describe('missing ledger windows', () => {
  it('a settled day no entry covers is missing (the long day: 25 hours from 23:00Z); today is not judged', () => {
    const r = check('2025-10-25', '2025-10-28', [day('2025-10-25'), day('2025-10-27')]);
    expect(r).toEqual({ windows: 1, spans: [{ from: '2025-10-25T23:00:00Z', to: '2025-10-27T00:00:00Z' }] });
  });

  it('failed, incomplete and empty entries are not missing: they were asked for', () => {
    expect(check('2025-10-25', '2025-10-27', [day('2025-10-25', 'failed'), day('2025-10-26', 'incomplete'), day('2025-10-27', 'empty')])).toEqual({ windows: 0, spans: [] });
  });

  it('the 5-minute update windows cover a day; one never run leaves its five minutes missing', () => {
    const start = settlementDayStart('2025-10-27'), end = settlementDayStart('2025-10-28');
    const updates: LedgerEntry[] = [];
    for (let t = start - 600_000; t < end; t += 300_000) if (t !== at('2025-10-27T13:05:00Z')) updates.push(entry('loaded', t, t + 300_000));
    expect(check('2025-10-27', '2025-10-27', updates)).toEqual({ windows: 1, spans: [{ from: '2025-10-27T13:05:00Z', to: '2025-10-27T13:10:00Z' }] });
    updates.push(entry('loaded', at('2025-10-27T13:04:00Z'), at('2025-10-27T13:11:00Z')));
    expect(check('2025-10-27', '2025-10-27', updates)).toEqual({ windows: 0, spans: [] });
  });

  it('no ledger at all (a store the old tool wrote): every settled window missing, in one span', () => {
    expect(check('2025-10-22', '2025-10-28', [])).toEqual({ windows: 6, spans: [{ from: '2025-10-21T23:00:00Z', to: '2025-10-28T00:00:00Z' }] });
  });

  it('merges spans that overlap or touch', () => {
    expect(mergeSpans([[5, 7], [1, 3], [3, 4], [6, 9], [10, 10]])).toEqual([[1, 4], [5, 9]]);
  });
});

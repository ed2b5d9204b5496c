// A loaded day is trusted only while the table still holds its rows.
import { describe, expect, it } from 'vitest';
import { settlementDayStart } from '../../src/core/calendar.js';
import { checkLoadedAgainstStore } from '../../src/core/ledger-check.js';
import type { LedgerEntry, PeriodCount } from '../../src/core/store.js';

const entry = (day: string, next: string, over: Partial<LedgerEntry> = {}): LedgerEntry => ({
  dataset: 'FUELINST', from: settlementDayStart(day), to: settlementDayStart(next), status: 'loaded', fetched: 5760, inserted: 5000, skipped: 760,
  attempts: 1, errorCode: null, errorMessage: null, detail: null, runId: 'r', firstAt: 0, updatedAt: 0, ...over,
});
const counts = (day: string, rows: number): PeriodCount[] => [{ date: day, period: 1, rows, keys: rows }];

describe('checkLoadedAgainstStore', () => {
  it('keeps a loaded day whose rows are all there (or more: other windows may have added some)', () => {
    expect(checkLoadedAgainstStore([entry('2025-10-26', '2025-10-27')], counts('2025-10-26', 5760))[0].status).toBe('loaded');
    expect(checkLoadedAgainstStore([entry('2025-10-26', '2025-10-27')], counts('2025-10-26', 6000))[0].status).toBe('loaded');
  });
  it('marks failed a loaded or incomplete day that lost rows, saying how many are left', () => {
    const [lost] = checkLoadedAgainstStore([entry('2025-10-26', '2025-10-27')], counts('2025-10-26', 100));
    expect(lost).toMatchObject({ status: 'failed', errorMessage: 'the store holds 100 of the 5760 rows this window stored' });
    expect(checkLoadedAgainstStore([entry('2025-03-30', '2025-03-31', { status: 'incomplete' })], [])[0].status).toBe('failed');
  });
  it('leaves failed, empty and instants windows alone', () => {
    const hour = { ...entry('2025-10-26', '2025-10-27'), to: settlementDayStart('2025-10-26') + 3_600_000 };
    for (const e of [entry('2025-10-26', '2025-10-27', { status: 'empty' }), hour]) expect(checkLoadedAgainstStore([e], [])[0]).toEqual(e);
  });
});

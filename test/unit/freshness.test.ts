import { describe, expect, it } from 'vitest';
import { findDataset } from '../../src/core/datasets.js';
import { eventTimeOf, freshnessOf, staleThresholdMinutes } from '../../src/core/freshness.js';

const FUELINST = findDataset('FUELINST')!;
const MID = findDataset('MID')!;
const at = (iso: string) => Date.parse(iso);

describe('freshness', () => {
  it('FUELINST is stale after 30 minutes by default; an override wins', () => {
    expect(staleThresholdMinutes(FUELINST)).toBe(30);
    expect(staleThresholdMinutes(FUELINST, 90)).toBe(90);
    expect(staleThresholdMinutes(findDataset('BOD')!)).toBe(24 * 60);
  });

  it('takes settlement date and period from the latest row itself', () => {
    const row = { publishTime: '2025-10-26 23:55:00', startTime: '2025-10-26 23:50:00', settlementDate: '2025-10-26', settlementPeriod: 50, _ingested_utc: '2025-10-27 00:02:30.123456' };
    const f = freshnessOf(FUELINST, row, at('2025-10-27T00:20:00Z'), 30);
    expect(f).toMatchObject({ hasRows: true, settlementDate: '2025-10-26', settlementPeriod: 50, ageMinutes: 25, stale: false, ingestLagMinutes: 7 });
    expect(f.latestEventTime).toBe(at('2025-10-26T23:55:00Z'));
    expect(freshnessOf(FUELINST, row, at('2025-10-27T00:26:00Z'), 30).stale).toBe(true);
  });

  it('reads _ingested_utc as the pipeline stores it (isoformat with +00:00) for the ingest lag', () => {
    const row = { publishTime: '2025-10-26 23:55:00', settlementDate: '2025-10-26', settlementPeriod: 50, _ingested_utc: '2025-10-27T00:02:30.123456+00:00' };
    expect(freshnessOf(FUELINST, row, at('2025-10-27T00:20:00Z'), 30).ingestLagMinutes).toBe(7);
    expect(freshnessOf(FUELINST, { ...row, _ingested_utc: '2025-10-27T00:02:30+00:00' }, at('2025-10-27T00:20:00Z'), 30).ingestLagMinutes).toBe(7);
    expect(freshnessOf(FUELINST, { ...row, _ingested_utc: 'yesterday' }, at('2025-10-27T00:20:00Z'), 30).ingestLagMinutes).toBeNull();
  });

  it('reads _ingested_utc as the store keeps it: text in Python isoformat with +00:00', () => {
    const row = { publishTime: '2025-11-01 11:55:00', settlementDate: '2025-11-01', settlementPeriod: 24, _ingested_utc: '2025-11-01T12:05:00.250000+00:00' };
    expect(freshnessOf(FUELINST, row, at('2025-11-01T12:10:00Z'), 30).ingestLagMinutes).toBe(10);
    expect(freshnessOf(FUELINST, { ...row, _ingested_utc: 'yesterday' }, at('2025-11-01T12:10:00Z'), 30).ingestLagMinutes).toBeNull();
  });

  it('a settlement-period dataset ages from its period start (BST: SP1 starts 23:00 UTC the day before)', () => {
    const ev = MID.eventTime;
    const row = 'field' in ev
      ? { [ev.field]: '2025-06-30 23:00:00', settlementDate: '2025-07-01', settlementPeriod: 1 }
      : { settlementDate: '2025-07-01', settlementPeriod: 1 };
    expect(eventTimeOf(MID, row)).toBe(at('2025-06-30T23:00:00Z'));
  });

  it('an empty table is stale, with no age', () => {
    expect(freshnessOf(FUELINST, null, at('2025-01-01T00:00:00Z'), 30)).toMatchObject({ hasRows: false, ageMinutes: null, stale: true, settlementPeriod: null });
  });
});

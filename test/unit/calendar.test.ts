import { describe, expect, it } from 'vitest';
import {
  addDays, isIsoDate, parseInstant, periodsInDay, periodStart, settlementDateOf, settlementDayStart, settlementPeriodOf, toIsoZ,
} from '../../src/core/calendar.js';

const z = (s: string) => Date.parse(s);

describe('settlement calendar (Europe/London)', () => {
  it.each([
    ['2025-03-29', 48], ['2025-03-30', 46], ['2025-03-31', 48],
    ['2025-10-25', 48], ['2025-10-26', 50], ['2025-10-27', 48],
    ['2024-03-31', 46], ['2024-10-27', 50], ['2026-03-29', 46], ['2026-10-25', 50], ['2024-02-29', 48],
  ])('%s has %i periods', (date, n) => {
    expect(periodsInDay(date)).toBe(n);
  });

  it.each([
    ['2025-03-30', 1, '2025-03-30T00:00:00Z'],
    ['2025-03-30', 2, '2025-03-30T00:30:00Z'],
    ['2025-03-30', 3, '2025-03-30T01:00:00Z'],
    ['2025-03-30', 46, '2025-03-30T22:30:00Z'],
    ['2025-10-26', 1, '2025-10-25T23:00:00Z'],
    ['2025-10-26', 3, '2025-10-26T00:00:00Z'],
    ['2025-10-26', 5, '2025-10-26T01:00:00Z'],
    ['2025-10-26', 50, '2025-10-26T23:30:00Z'],
    ['2025-07-16', 1, '2025-07-15T23:00:00Z'],
    ['2025-01-15', 48, '2025-01-15T23:30:00Z'],
  ])('%s period %i starts at %s', (date, period, iso) => {
    expect(periodStart(date, period)).toBe(z(iso));
    expect(settlementPeriodOf(z(iso))).toEqual({ date, period });
  });

  it('summer settlement days start at 23:00Z the day before', () => {
    expect(settlementDayStart('2025-07-16')).toBe(z('2025-07-15T23:00:00Z'));
    expect(settlementDateOf(z('2025-07-15T22:59:59Z'))).toBe('2025-07-15');
    expect(settlementDateOf(z('2025-07-15T23:00:00Z'))).toBe('2025-07-16');
  });

  it('the 50-period day ends at midnight UTC', () => {
    expect(settlementDayStart('2025-10-27')).toBe(z('2025-10-27T00:00:00Z'));
    expect(settlementPeriodOf(z('2025-10-26T23:59:59Z'))).toEqual({ date: '2025-10-26', period: 50 });
  });

  it.each([
    ['2025-10-27', true], ['2024-02-29', true], ['2025-02-29', false], ['2025-13-01', false], ['2025-1-01', false], ['20251027', false],
  ])('isIsoDate(%s) = %s', (s, ok) => expect(isIsoDate(s)).toBe(ok));

  it('adds days across month and year ends', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  it.each([
    ['2025-10-27T12:00:00Z', '2025-10-27T12:00:00.000Z'],
    ['2025-10-27T12:00Z', '2025-10-27T12:00:00.000Z'],
    ['2025-10-27T13:00:00+01:00', '2025-10-27T12:00:00.000Z'],
    ['2025-10-27T12:00:00.250Z', '2025-10-27T12:00:00.250Z'],
  ])('parseInstant(%s)', (s, iso) => expect(new Date(parseInstant(s)).toISOString()).toBe(iso));

  it.each(['2025-10-27', '2025-10-27T12:00:00', 'yesterday', '2025-10-27T25:00:00Z'])('parseInstant(%s) refuses', (s) => {
    expect(parseInstant(s)).toBeNaN();
  });

  it('formats instants without zero milliseconds', () => {
    expect(toIsoZ(z('2024-02-12T17:50:00Z'))).toBe('2024-02-12T17:50:00Z');
  });
});

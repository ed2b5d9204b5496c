// The settlement calendar against every clock change from 2001 to 2040, computed here independently
// of luxon: GB clocks go forward at 01:00 UTC on the last Sunday of March and back at 01:00 UTC on
// the last Sunday of October. Plus the period tables of the two 2025 clock-change days.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, periodsInDay, periodStart, settlementDayStart, settlementPeriodOf, PERIOD_MS } from '../../src/core/calendar.js';

/** Last Sunday of a month (1-12), as YYYY-MM-DD, by plain UTC date arithmetic. */
function lastSunday(year: number, month: number): string {
  const last = new Date(Date.UTC(year, month, 0));
  last.setUTCDate(last.getUTCDate() - last.getUTCDay());
  return last.toISOString().slice(0, 10);
}

/** Whether London is on BST at a UTC instant (between the changes at 01:00 UTC). */
function isBst(ms: number): boolean {
  const year = new Date(ms).getUTCFullYear();
  return ms >= Date.parse(`${lastSunday(year, 3)}T01:00:00Z`) && ms < Date.parse(`${lastSunday(year, 10)}T01:00:00Z`);
}

/** UTC instant of local midnight starting `date`: 00:00 GMT or 23:00 UTC the day before in BST. */
function localMidnight(date: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  return isBst(utcMidnight - 3_600_000) ? utcMidnight - 3_600_000 : utcMidnight;
}

const YEARS = Array.from({ length: 40 }, (_, i) => 2001 + i);
const anyDate = fc.date({ min: new Date('2001-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

describe('settlement calendar, every clock change 2001-2040', () => {
  it.each(YEARS)('%i: 46 periods on the last Sunday of March, 50 on the last Sunday of October', (year) => {
    const spring = lastSunday(year, 3), autumn = lastSunday(year, 10);
    expect(periodsInDay(spring)).toBe(46);
    expect(periodsInDay(autumn)).toBe(50);
    expect(periodsInDay(addDays(spring, -1))).toBe(48);
    expect(periodsInDay(addDays(spring, 1))).toBe(48);
    expect(periodsInDay(addDays(autumn, -1))).toBe(48);
    expect(periodsInDay(addDays(autumn, 1))).toBe(48);
    // The changes happen at 01:00 UTC: period 3 of the short day, period 5 of the long day.
    expect(periodStart(spring, 3)).toBe(Date.parse(`${spring}T01:00:00Z`));
    expect(periodStart(autumn, 5)).toBe(Date.parse(`${autumn}T01:00:00Z`));
  });

  it('every other day has 48 periods', () => {
    fc.assert(
      fc.property(anyDate, (date) => {
        const y = Number(date.slice(0, 4));
        const expected = date === lastSunday(y, 3) ? 46 : date === lastSunday(y, 10) ? 50 : 48;
        expect(periodsInDay(date)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('a day starts at local midnight in UTC, and its periods tile it exactly', () => {
    fc.assert(
      fc.property(anyDate, (date) => {
        expect(settlementDayStart(date)).toBe(localMidnight(date));
        expect(periodStart(date, periodsInDay(date)) + PERIOD_MS).toBe(settlementDayStart(addDays(date, 1)));
      }),
      { numRuns: 2000 },
    );
  });

  it('period -> UTC start -> period is the identity', () => {
    const dayAndPeriod = anyDate.chain((date) => fc.tuple(fc.constant(date), fc.integer({ min: 1, max: periodsInDay(date) })));
    fc.assert(
      fc.property(dayAndPeriod, ([date, period]) => {
        expect(periodStart(date, period)).toBe(localMidnight(date) + (period - 1) * PERIOD_MS);
        expect(settlementPeriodOf(periodStart(date, period))).toEqual({ date, period });
      }),
      { numRuns: 3000 },
    );
  });

  it('UTC instant -> period -> UTC: the instant lies in its period', () => {
    const instant = fc.integer({ min: Date.parse('2001-01-01T00:00:00Z'), max: Date.parse('2040-12-31T00:00:00Z') });
    fc.assert(
      fc.property(instant, (ms) => {
        const { date, period } = settlementPeriodOf(ms);
        expect(period).toBeGreaterThanOrEqual(1);
        expect(period).toBeLessThanOrEqual(periodsInDay(date));
        const start = periodStart(date, period);
        expect(ms).toBeGreaterThanOrEqual(start);
        expect(ms).toBeLessThan(start + PERIOD_MS);
      }),
      { numRuns: 3000 },
    );
    // Each change day, every minute from its local midnight to two hours after the change.
    for (const year of YEARS) {
      for (const day of [lastSunday(year, 3), lastSunday(year, 10)]) {
        const change = Date.parse(`${day}T01:00:00Z`);
        for (let ms = localMidnight(day); ms < change + 7_200_000; ms += 60_000) {
          const { date, period } = settlementPeriodOf(ms);
          expect(date).toBe(day);
          expect(periodStart(date, period)).toBe(ms - (ms % PERIOD_MS));
        }
      }
    }
  });
});

/** Local London wall time of a UTC instant, HH:MM. */
const london = (ms: number) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);
const halfHours = (fromHour: number, toHour: number) =>
  Array.from({ length: (toHour - fromHour) * 2 }, (_, i) => `${String(fromHour + Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`);

describe('period tables of the 2025 clock-change days', () => {
  it('2025-03-30: 46 periods from 00:00Z; local time jumps from 00:30 GMT to 02:00 BST at period 3', () => {
    const table = Array.from({ length: 46 }, (_, i) => [i + 1, new Date(periodStart('2025-03-30', i + 1)).toISOString().slice(11, 16), london(periodStart('2025-03-30', i + 1))]);
    const utc = halfHours(0, 23);
    expect(table).toEqual(utc.map((t, i) => [i + 1, t, ['00:00', '00:30', ...halfHours(2, 24)][i]]));
    expect(table[2]).toEqual([3, '01:00', '02:00']);
    expect(periodStart('2025-03-31', 1)).toBe(Date.parse('2025-03-30T23:00:00Z'));
  });

  it('2025-10-26: 50 periods from 23:00Z the day before; local 01:00-01:59 happens twice (periods 3-6)', () => {
    const table = Array.from({ length: 50 }, (_, i) => [i + 1, new Date(periodStart('2025-10-26', i + 1)).toISOString().slice(0, 16), london(periodStart('2025-10-26', i + 1))]);
    const utc = ['2025-10-25T23:00', '2025-10-25T23:30', ...halfHours(0, 24).map((t) => `2025-10-26T${t}`)];
    const local = ['00:00', '00:30', '01:00', '01:30', '01:00', '01:30', ...halfHours(2, 24)];
    expect(table).toEqual(utc.map((t, i) => [i + 1, t, local[i]]));
    expect(settlementPeriodOf(Date.parse('2025-10-26T00:59:59Z'))).toEqual({ date: '2025-10-26', period: 4 });
    expect(settlementPeriodOf(Date.parse('2025-10-26T01:00:00Z'))).toEqual({ date: '2025-10-26', period: 5 });
    expect(settlementPeriodOf(Date.parse('2025-10-26T23:59:59Z'))).toEqual({ date: '2025-10-26', period: 50 });
    expect(settlementPeriodOf(Date.parse('2025-10-27T00:00:00Z'))).toEqual({ date: '2025-10-27', period: 1 });
  });
});

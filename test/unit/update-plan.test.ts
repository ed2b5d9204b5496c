import { describe, expect, it } from 'vitest';
import { findDataset } from '../../src/core/datasets.js';
import { childExitCode, eventLagMinutes, planUpdateWindow, updateExitCode } from '../../src/core/update-plan.js';

const FUELINST = findDataset('FUELINST')!;
const MID = findDataset('MID')!;
const WIND = findDataset('WIND_SOLAR_GEN')!;
const at = (hhmm: string, day = '01') => Date.parse(`2025-11-${day}T${hhmm}:00Z`);
const O = { minutesBack: 15, overlapMinutes: 10, maxCatchUpMinutes: 24 * 60 };

describe('update windows', () => {
  it('an empty table: the last minutes back, on the event time behind the publication lag', () => {
    expect(planUpdateWindow(FUELINST, null, at('12:00'), O)).toMatchObject({ from: at('11:45'), to: at('12:00'), capped: false, latest: null });
    // MID and wind-and-solar are keyed on the period start, published up to 2 and 3 hours later.
    expect(eventLagMinutes(MID)).toBe(120);
    expect(planUpdateWindow(MID, null, at('12:00'), O).from).toBe(at('09:45'));
    expect(planUpdateWindow(WIND, null, at('12:00'), O).from).toBe(at('08:45'));
  });

  it('up to date: the minutes back win; behind: from the latest row less the overlap', () => {
    expect(planUpdateWindow(FUELINST, at('11:55'), at('12:05'), O).from).toBe(at('11:45'));
    expect(planUpdateWindow(FUELINST, at('11:58'), at('12:05'), O).from).toBe(at('11:48'));
    expect(planUpdateWindow(FUELINST, at('11:55'), at('15:00'), O)).toMatchObject({ from: at('11:45'), wanted: at('11:45'), capped: false });
  });

  it('caps the catch-up and keeps where it wanted to start', () => {
    const w = planUpdateWindow(FUELINST, at('11:55'), at('12:00', '03'), O);
    expect(w).toMatchObject({ from: at('12:00', '02'), wanted: at('11:45'), capped: true, to: at('12:00', '03') });
    // Exactly at the cap is not capped.
    expect(planUpdateWindow(FUELINST, at('12:10'), at('12:00', '02'), O).capped).toBe(false);
  });

  it('each dataset has its own window, ending now', () => {
    const ws = [planUpdateWindow(FUELINST, at('11:55'), at('12:05'), O), planUpdateWindow(MID, at('11:00'), at('12:05'), O)];
    expect(ws.map((w) => w.to)).toEqual([at('12:05'), at('12:05')]);
    expect(ws[0].from).toBeGreaterThan(ws[1].from);
  });
});

describe('update exit codes', () => {
  it('0 fresh, 1 stale, the child code on failure, 75 when locked', () => {
    expect(updateExitCode({ kind: 'ingested', stale: false })).toBe(0);
    expect(updateExitCode({ kind: 'ingested', stale: true })).toBe(1);
    expect(updateExitCode({ kind: 'ingest-failed', code: 65 })).toBe(65);
    expect(updateExitCode({ kind: 'ingest-failed', code: 75 })).toBe(75);
    expect(updateExitCode({ kind: 'ingest-failed', code: 0 })).toBe(70);
    expect(updateExitCode({ kind: 'locked' })).toBe(75);
  });

  it("the child's code from how it ended", () => {
    const n = (s: string) => ({ SIGTERM: 15, SIGKILL: 9 })[s] ?? 0;
    expect(childExitCode(65, null, false, n)).toBe(65);
    expect(childExitCode(143, null, true, n)).toBe(75);
    expect(childExitCode(null, 'SIGKILL', true, n)).toBe(75);
    expect(childExitCode(null, 'SIGKILL', false, n)).toBe(137);
  });
});

import { describe, expect, it } from 'vitest';
import { hasUpdateLine } from '../../src/adapters/crontab.js';
import { parseCheckRange, parseMaxAge } from '../../src/cli/commands/check.js';
import { apiFindings, type ApiProbe } from '../../src/core/api-probe.js';
import { coverageOf } from '../../src/core/coverage.js';
import { findDataset } from '../../src/core/datasets.js';
import { UsageError } from '../../src/core/errors.js';
import { datasetFindings, defaultRange, ledgerProblems, operationsFindings, type DatasetHealth, type Operations } from '../../src/core/health.js';
import { freshnessOf } from '../../src/core/freshness.js';
import type { LedgerEntry, PeriodCount } from '../../src/core/store.js';

const FUELINST = findDataset('FUELINST')!;
const NETBSAD = findDataset('NETBSAD')!;
const at = Date.parse;

/** Counts of a full day: `keys` distinct keys in every period except `skip`. */
function day(date: string, periods: number, keys: number, skip: number[] = [], short: Record<number, number> = {}): PeriodCount[] {
  return Array.from({ length: periods }, (_, i) => i + 1)
    .filter((p) => !skip.includes(p))
    .map((p) => ({ date, period: p, rows: short[p] ?? keys, keys: short[p] ?? keys }));
}

describe('coverage per settlement day', () => {
  const now = at('2025-10-28T12:00:00Z');

  it('expects cadence x members for every period of the calendar (46/48/50), judged once published', () => {
    const counts = [...day('2025-10-26', 50, 120, [49, 50]), ...day('2025-10-27', 48, 120, [], { 7: 114 }), ...day('2025-10-28', 24, 120)];
    const members = [{ date: '2025-10-26', members: 20 }, { date: '2025-10-27', members: 20 }, { date: '2025-10-28', members: 20 }];
    const [sun, mon, today, tomorrow] = coverageOf(FUELINST, '2025-10-26', '2025-10-29', counts, members, now);
    expect(sun).toMatchObject({ periods: 50, state: 'gaps', expectedRows: 6000, observedRows: 5760, missingPeriods: [49, 50], summary: 'periods 49-50 missing (2 of 50)' });
    expect(sun.marks.slice(46)).toEqual(['ok', 'ok', 'missing', 'missing']);
    expect(mon).toMatchObject({ state: 'gaps', shortPeriods: [{ period: 7, rows: 114, expected: 120 }], summary: 'period 7 has 114 of 120 rows' });
    expect(mon.marks[6]).toBe('short');
    // Today: periods 1-24 stored, the rest not published yet; in progress, never a gap.
    expect(today).toMatchObject({ state: 'in-progress', missingPeriods: [], summary: null, expectedRows: 5760, observedRows: 2880 });
    expect(today.marks.filter((m) => m === 'pending')).toHaveLength(24);
    expect(tomorrow).toMatchObject({ state: 'future', observedRows: 0 });
  });

  it('a day with no rows at all expects the set the range shows elsewhere (20 fuel types), not one member', () => {
    const now = at('2025-10-28T12:00:00Z');
    const [sat, sun] = coverageOf(FUELINST, '2025-10-25', '2025-10-26', day('2025-10-25', 48, 120), [{ date: '2025-10-25', members: 20 }], now);
    expect(sat).toMatchObject({ state: 'complete', expectedRows: 5760 });
    expect(sun).toMatchObject({ state: 'gaps', expectedRows: 6000, observedRows: 0, summary: 'periods 1-50 missing (50 of 50)' });
  });

  it('a day in progress marks a period missing once it is due (end + lag), without judging the day', () => {
    const counts = day('2025-10-28', 20, 120);
    const [today] = coverageOf(FUELINST, '2025-10-28', '2025-10-28', counts, [{ date: '2025-10-28', members: 20 }], now);
    // 12:00Z: periods up to 23 ended by 11:30 (lag 30 min), so 21-23 are due and missing.
    expect(today.marks.slice(19, 25)).toEqual(['ok', 'missing', 'missing', 'missing', 'pending', 'pending']);
    expect(today.state).toBe('in-progress');
  });

  it('a day in progress is judged for holes behind a full period, not for its trailing edge', () => {
    const counts = day('2025-10-28', 20, 120, [5, 6, 7, 8, 9, 10], { 12: 100 });
    const [today] = coverageOf(FUELINST, '2025-10-28', '2025-10-28', counts, [{ date: '2025-10-28', members: 20 }], now);
    expect(today).toMatchObject({
      state: 'gaps',
      missingPeriods: [5, 6, 7, 8, 9, 10],
      shortPeriods: [{ period: 12, rows: 100, expected: 120 }],
      summary: 'periods 5-10 missing (6 of 48); period 12 has 100 of 120 rows, the day still in progress',
    });
    // 21-23 are due and missing too, but after the last full period: the freshness check's to judge.
    expect(today.missingPeriods).not.toContain(21);
  });

  it('a dataset without a set column expects its rows per period; a day with nothing is all missing', () => {
    const [d] = coverageOf(NETBSAD, '2025-03-30', '2025-03-30', [], [], now);
    expect(d).toMatchObject({ periods: 46, state: 'gaps', members: null, expectedRows: 46, summary: 'periods 1-46 missing (46 of 46)' });
  });

  it('the publication lag decides when a day is judged (FUELINST 30 min after its end)', () => {
    const counts = day('2025-10-27', 48, 120);
    const before = coverageOf(FUELINST, '2025-10-27', '2025-10-27', counts, [{ date: '2025-10-27', members: 20 }], at('2025-10-28T00:29:00Z'));
    const after = coverageOf(FUELINST, '2025-10-27', '2025-10-27', counts, [{ date: '2025-10-27', members: 20 }], at('2025-10-28T00:30:00Z'));
    expect([before[0].state, after[0].state]).toEqual(['in-progress', 'complete']);
  });
});

const entry = (status: LedgerEntry['status'], from: string, to: string, updatedAt: string, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
  dataset: 'FUELINST', from: at(from), to: at(to), status, fetched: 0, inserted: 0, skipped: 0, attempts: 1,
  errorCode: status === 'failed' ? 75 : null, errorMessage: status === 'failed' ? 'HTTP 503' : null, detail: status === 'incomplete' ? 'period 7 missing (1 of 48)' : null,
  runId: 'r', firstAt: at(updatedAt), updatedAt: at(updatedAt), ...extra,
});

describe('ledger problems', () => {
  it('a failed window counts until later loaded windows cover it entirely', () => {
    const failed = entry('failed', '2025-10-28T10:00:00Z', '2025-10-28T10:05:00Z', '2025-10-28T10:05:00Z');
    expect(ledgerProblems([failed])).toEqual([{ status: 'failed', from: '2025-10-28T10:00:00Z', to: '2025-10-28T10:05:00Z', attempts: 1, errorCode: 75, message: 'HTTP 503' }]);
    const partly = entry('loaded', '2025-10-28T10:02:00Z', '2025-10-28T10:10:00Z', '2025-10-28T10:10:00Z');
    expect(ledgerProblems([failed, partly])).toHaveLength(1);
    const rest = entry('loaded', '2025-10-28T09:55:00Z', '2025-10-28T10:03:00Z', '2025-10-28T10:11:00Z');
    expect(ledgerProblems([failed, partly, rest])).toEqual([]);
    // An older load does not cover a newer failure.
    const older = entry('loaded', '2025-10-28T09:00:00Z', '2025-10-28T11:00:00Z', '2025-10-28T09:00:00Z');
    expect(ledgerProblems([failed, older])).toHaveLength(1);
  });

  it('a failed sliding window (MID: now - lag - 15 min to now) is made good by the windows before it, for what they saw published, and those after it', () => {
    const lag = 120 * 60_000;
    // cycles at 12:05 (loaded), 12:10 (failed), 12:15 (loaded): each window starts 5 minutes later
    const c1 = entry('loaded', '2026-12-04T09:50:00Z', '2026-12-04T12:05:00Z', '2026-12-04T12:05:00Z');
    const failed = entry('failed', '2026-12-04T09:55:00Z', '2026-12-04T12:10:00Z', '2026-12-04T12:10:00Z');
    const c3 = entry('loaded', '2026-12-04T10:00:00Z', '2026-12-04T12:15:00Z', '2026-12-04T12:15:00Z');
    expect(ledgerProblems([c1, failed], lag)).toHaveLength(1);
    expect(ledgerProblems([failed, c3], lag)).toHaveLength(1);
    expect(ledgerProblems([c1, failed, c3], lag)).toEqual([]);
    // what the earlier window could not have seen yet (within the lag of its load) does not count:
    // with a lag of 4 hours, 12:05's window vouches for nothing after 08:05
    expect(ledgerProblems([c1, failed, c3], 240 * 60_000)).toHaveLength(1);
  });

  it('an incomplete window is made good only by windows loaded after it', () => {
    const before = entry('loaded', '2025-10-27T00:00:00Z', '2025-10-28T00:00:00Z', '2025-10-28T00:30:00Z');
    const inc = entry('incomplete', '2025-10-27T00:00:00Z', '2025-10-28T00:00:00Z', '2025-10-28T01:00:00Z');
    const after = entry('loaded', '2025-10-27T00:00:00Z', '2025-10-28T00:00:00Z', '2025-10-28T02:00:00Z');
    expect(ledgerProblems([before, inc])).toHaveLength(1);
    expect(ledgerProblems([before, inc, after])).toEqual([]);
  });

  it('an incomplete day keeps its detail', () => {
    const inc = entry('incomplete', '2025-10-27T00:00:00Z', '2025-10-28T00:00:00Z', '2025-10-28T01:00:00Z');
    expect(ledgerProblems([inc])).toMatchObject([{ status: 'incomplete', message: 'period 7 missing (1 of 48)' }]);
  });
});

describe('findings', () => {
  const base = (over: Partial<DatasetHealth>): DatasetHealth => ({
    dataset: 'FUELINST', table: 'bmrs_fuelinst', rows: 10, freshnessJudged: true, coverage: [],
    freshness: freshnessOf(FUELINST, { publishTime: '2025-10-28 11:00:00', settlementDate: '2025-10-28', settlementPeriod: 23 }, at('2025-10-28T12:00:00Z'), 30),
    duplicates: { groups: 0, extraRows: 0, nullKeys: 0, worst: [] }, ledger: { windows: 1, problems: [], missing: { windows: 0, spans: [] } }, ...over,
  });

  it('rows in periods a day does not have (49-50 on a 48-period day, 47 on a 46-period day, none) are a finding of their own', () => {
    const counts = [
      ...day('2025-10-27', 48, 120), { date: '2025-10-27', period: 49, rows: 120, keys: 120 }, { date: '2025-10-27', period: 50, rows: 120, keys: 120 },
      ...day('2025-03-30', 46, 120), { date: '2025-03-30', period: 47, rows: 3, keys: 3 }, { date: '2025-03-30', period: 0, rows: 1, keys: 1 },
      ...day('2025-10-26', 50, 120),
    ];
    const members = ['2025-10-27', '2025-03-30', '2025-10-26'].map((date) => ({ date, members: 20 }));
    const coverage = [...coverageOf(FUELINST, '2025-03-30', '2025-03-30', counts, members, at('2025-10-28T12:00:00Z')), ...coverageOf(FUELINST, '2025-10-26', '2025-10-27', counts, members, at('2025-10-28T12:00:00Z'))];
    const [spring, autumn, monday] = coverage;
    expect(spring).toMatchObject({ periods: 46, state: 'complete', extraPeriods: [{ period: 0, rows: 1 }, { period: 47, rows: 3 }] });
    expect(autumn).toMatchObject({ periods: 50, state: 'complete', extraPeriods: [] });
    expect(monday).toMatchObject({ periods: 48, state: 'complete', extraPeriods: [{ period: 49, rows: 120 }, { period: 50, rows: 120 }] });
    const found = datasetFindings(base({ coverage, freshnessJudged: false }));
    expect(found.map((f) => [f.kind, f.date, f.message])).toEqual([
      ['extra-periods', '2025-03-30', 'FUELINST settlement day 2025-03-30: 3 rows in period 47, which this 46-period day does not have; 1 row with no settlement period (or one below 1)'],
      ['extra-periods', '2025-10-27', 'FUELINST settlement day 2025-10-27: 240 rows in periods 49-50, which this 48-period day does not have'],
    ]);
  });

  it('staleness counts only when the range reaches today', () => {
    expect(datasetFindings(base({})).map((f) => f.message)).toEqual([
      'FUELINST: stale, the latest row (2025-10-28T11:00:00Z, settlement 2025-10-28 period 23) is 60 min old, more than 30 min',
    ]);
    expect(datasetFindings(base({ freshnessJudged: false }))).toEqual([]);
  });

  it('the real-time job is judged only where its log exists', () => {
    const ops = (exists: boolean, cycles: number, errors: number, cron: boolean, free = 50 * 1024 ** 3): Operations => ({
      updateLog: { path: 'logs/realtime_updates.log', exists, summary: exists ? { cyclesLastHour: cycles, errorsLast24h: errors, lastCycleAt: null, lastError: null } : null },
      cronInstalled: cron,
      disk: { path: '/srv', freeBytes: free, totalBytes: 100 * 1024 ** 3 },
    });
    expect(operationsFindings(ops(false, 0, 0, false, 0))).toEqual([]);
    expect(operationsFindings(ops(true, 12, 0, true))).toEqual([]);
    expect(operationsFindings(ops(true, 0, 3, false, 0.5 * 1024 ** 3)).map((f) => f.kind)).toEqual(['no-update-cycles', 'update-errors', 'cron-missing', 'disk-low']);
  });

  it('API probes: unreachable, window ignored, refused', () => {
    const probe = (over: Partial<ApiProbe>): ApiProbe => ({ dataset: 'MID', window: { from: 'a', to: 'b' }, reachable: true, ok: false, latencyMs: 1, rows: 0, windowHonoured: null, error: { name: 'X', exitCode: 65, message: 'm' }, ...over });
    expect(apiFindings([probe({ reachable: false }), probe({ windowHonoured: false }), probe({}), probe({ ok: true, error: null, rows: 3 })]).map((f) => f.kind)).toEqual(['api-unreachable', 'api-window', 'api-failed']);
    // An empty answer counts for a real-time dataset only.
    expect(apiFindings([probe({ ok: true, error: null, rows: 0 }), probe({ dataset: 'AGPT', ok: true, error: null, rows: 0 })]).map((f) => `${f.kind} ${f.dataset}`)).toEqual(['api-empty MID']);
  });
});

describe('check range and cron line', () => {
  const now = at('2025-10-28T23:30:00Z'); // GMT since 10-26: still the 28th in London

  it('defaults to the last 7 settlement days up to today (Europe/London)', () => {
    expect(parseCheckRange(undefined, undefined, now)).toEqual({ from: '2025-10-22', to: '2025-10-28' });
    expect(defaultRange(at('2025-07-15T23:30:00Z'))).toEqual({ from: '2025-07-10', to: '2025-07-16' });
    expect(parseCheckRange(undefined, '2025-10-10', now)).toEqual({ from: '2025-10-04', to: '2025-10-10' });
    expect(parseCheckRange('2025-10-26', '2025-10-26', now)).toEqual({ from: '2025-10-26', to: '2025-10-26' });
    expect(() => parseCheckRange('2025-10-27', '2025-10-26', now)).toThrow(UsageError);
    expect(() => parseCheckRange('yesterday', undefined, now)).toThrow(/--from yesterday is not a date/);
    expect(() => parseCheckRange(undefined, '', now)).toThrow(/^--to \(empty\) is not a date$/);
  });

  it('--max-age-minutes: n for every dataset, CODE=n for one (any case), which wins', () => {
    expect(parseMaxAge(undefined)).toEqual({ all: undefined, byCode: new Map() });
    expect(parseMaxAge(['90', 'fuelinst=45,MID=240'])).toEqual({ all: 90, byCode: new Map([['FUELINST', 45], ['MID', 240]]) });
    for (const bad of ['0', 'FUELINST=0', 'soon', '1.5', 'FUELINST=', '', '=5']) expect(() => parseMaxAge([bad])).toThrow(/is not a number of minutes/);
    expect(() => parseMaxAge(['NOPE=5'])).toThrow(/unknown dataset NOPE/);
  });

  it('finds a line that runs bmrs update, not a comment', () => {
    expect(hasUpdateLine('*/5 * * * * cd /srv/bmrs && npx bmrs update >> logs/cron.log 2>&1\n')).toBe(true);
    expect(hasUpdateLine('*/5 * * * * node /srv/bmrs/bin/bmrs.js update\n')).toBe(true);
    expect(hasUpdateLine('# */5 * * * * bmrs update\n0 3 * * * bmrs backfill --repair\n')).toBe(false);
    expect(hasUpdateLine('*/5 * * * * bmrs updates\n')).toBe(false);
  });
});

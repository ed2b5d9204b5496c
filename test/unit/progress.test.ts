// Progress of an ingest: the numbers from the runner's events under a clock the test moves, and how
// they are written (the plain line off a terminal, a bar that fits the terminal's width).
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findDataset } from '../../src/core/datasets.js';
import type { RunEvent, WindowOutcome } from '../../src/core/runner.js';
import { planWindows, type Window } from '../../src/core/windows.js';
import { progressNumbers, type DatasetProgress } from '../../src/cli/ingest/progress-numbers.js';
import { approxDuration, barLine, progressLine, progressMode } from '../../src/cli/ingest/progress.js';

const windows = (code: string, n: number): Window[] =>
  planWindows(findDataset(code)!, { kind: 'days', from: '2025-10-01', to: `2025-10-${String(1 + n).padStart(2, '0')}` });

const started = (window: Window): RunEvent => ({ type: 'window-started', window });
const finished = (window: Window, inserted: number, status: WindowOutcome['status'] = 'loaded'): RunEvent => ({
  type: 'window-finished',
  outcome: { window, status, fetched: inserted, outside: 0, inserted, skipped: 0, unknownFields: [], revisions: 0, started: 0, finished: 0 },
});

function clocked() {
  let t = 0;
  const numbers = progressNumbers(() => t);
  return { numbers, at: (ms: number) => (t = ms) };
}

describe('progressNumbers', () => {
  it('before any window finishes: totals known, no rate, no time left', () => {
    const { numbers, at } = clocked();
    const [f] = windows('FUELINST', 4);
    numbers.onEvent({ type: 'planned', datasets: [{ dataset: 'FUELINST', windows: 4 }, { dataset: 'MID', windows: 2 }] });
    at(1_000);
    numbers.onEvent(started(f));
    at(1_500);
    expect(numbers.snapshot()).toEqual([
      { dataset: 'FUELINST', total: 4, done: 0, failed: 0, rows: 0, elapsedMs: 500, rowsPerSecond: undefined, etaMs: undefined },
      { dataset: 'MID', total: 2, done: 0, failed: 0, rows: 0, elapsedMs: 0, rowsPerSecond: undefined, etaMs: undefined },
    ]);
  });

  it('rows per second and time left from the dataset\'s own start, at the pace so far', () => {
    const { numbers, at } = clocked();
    const [a, b, c, d] = windows('FUELINST', 4);
    numbers.onEvent({ type: 'planned', datasets: [{ dataset: 'FUELINST', windows: 4 }] });
    at(10_000);
    numbers.onEvent(started(a));
    numbers.onEvent(started(b));
    at(12_000);
    numbers.onEvent(finished(a, 5_760));
    expect(numbers.snapshot()[0]).toMatchObject({ done: 1, rows: 5_760, elapsedMs: 2_000, rowsPerSecond: 2_880, etaMs: 6_000 });
    at(14_000);
    numbers.onEvent(finished(b, 5_760));
    expect(numbers.snapshot()[0]).toMatchObject({ done: 2, rows: 11_520, rowsPerSecond: 2_880, etaMs: 4_000 });
    // Stalled: the rate falls and the time left grows as the clock runs on.
    at(18_000);
    expect(numbers.snapshot()[0]).toMatchObject({ done: 2, rowsPerSecond: 1_440, etaMs: 8_000 });
    numbers.onEvent(started(c));
    numbers.onEvent(started(d));
    numbers.onEvent(finished(c, 0, 'failed'));
    at(20_000);
    numbers.onEvent(finished(d, 100));
    // All done: nothing left, and the numbers stop at the last window's end.
    at(60_000);
    expect(numbers.snapshot()[0]).toEqual({ dataset: 'FUELINST', total: 4, done: 4, failed: 1, rows: 11_620, elapsedMs: 10_000, rowsPerSecond: 1_162, etaMs: 0 });
  });

  it('keeps datasets apart and in the planned order; ignores a window of a dataset not planned', () => {
    const { numbers, at } = clocked();
    const [m] = windows('MID', 1);
    const [f] = windows('FUELINST', 1);
    numbers.onEvent({ type: 'planned', datasets: [{ dataset: 'MID', windows: 1 }, { dataset: 'FREQ', windows: 3 }] });
    numbers.onEvent(started(m));
    numbers.onEvent(started(f));
    at(1_000);
    numbers.onEvent(finished(f, 99));
    numbers.onEvent(finished(m, 48));
    expect(numbers.snapshot().map((p) => [p.dataset, p.done, p.rows])).toEqual([['MID', 1, 48], ['FREQ', 0, 0]]);
  });
});

const p = (o: Partial<DatasetProgress>): DatasetProgress => ({
  dataset: 'FUELINST', total: 90, done: 12, failed: 0, rows: 69_120, elapsedMs: 8_000, rowsPerSecond: 8_400, etaMs: 9_000, ...o,
});

describe('progressLine', () => {
  it('one plain line with every dataset: windows done/total, rows, rows/s, time left', () => {
    expect(progressLine([p({}), p({ dataset: 'MID', done: 0, rows: 0, rowsPerSecond: undefined, etaMs: undefined }), p({ dataset: 'FREQ', total: 3, done: 3, failed: 1, etaMs: 0 })])).toBe(
      'progress: FUELINST 12/90 windows, 69,120 rows, 8,400 rows/s, about 9 s left; MID 0/90 windows, 0 rows; FREQ 3/3 windows, 1 failed, 69,120 rows, 8,400 rows/s',
    );
  });
});

describe('approxDuration', () => {
  it.each([
    [0, '1 s'], [400, '1 s'], [9_000, '9 s'], [59_500, '1 min'], [150_000, '3 min'], [3_600_000, '1 h'], [4_830_000, '1 h 21 min'],
  ])('%d ms: %s', (ms, text) => expect(approxDuration(ms)).toBe(text));
});

describe('barLine', () => {
  it('the dataset, a bar and the numbers', () => {
    const line = stripVTControlCharacters(barLine(p({ total: 4, done: 2 }), 10, 120));
    expect(line).toBe(`FUELINST   ${'█'.repeat(10)}${'░'.repeat(10)} 2/4 windows · 69,120 rows · 8,400 rows/s · ETA 9 s`);
  });

  it.each([200, 120, 80, 60, 40, 10])('fits a terminal %d wide, colour codes included', (width) => {
    const line = barLine(p({}), 8, width);
    expect(line.length).toBeLessThan(width);
    expect(stripVTControlCharacters(line)).toMatch(/^FUELINST/);
  });

  it('drops the bar before the numbers on a narrow terminal', () => {
    expect(stripVTControlCharacters(barLine(p({}), 8, 64))).toBe('FUELINST 12/90 windows · 69,120 rows · 8,400 rows/s · ETA 9 s');
  });
});

describe('progressMode', () => {
  const base = { quiet: false, json: false, stderrIsTTY: true, everyMs: 10_000 };
  it.each([
    [{}, { kind: 'bars' }],
    [{ quiet: true }, { kind: 'off' }],
    [{ json: true }, { kind: 'lines', everyMs: 10_000 }],
    [{ stderrIsTTY: false }, { kind: 'lines', everyMs: 10_000 }],
    [{ stderrIsTTY: false, everyMs: 0 }, { kind: 'off' }],
    [{ stderrIsTTY: false, quiet: true }, { kind: 'off' }],
    [{ json: true, quiet: true }, { kind: 'off' }],
  ])('%j: %j', (o, mode) => expect(progressMode({ ...base, ...o })).toEqual(mode));
});

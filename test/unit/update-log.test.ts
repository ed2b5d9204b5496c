import { describe, expect, it } from 'vitest';
import { CYCLE_COMPLETED, formatLogLine, parseLogLine, summariseUpdateLog } from '../../src/core/update-log.js';

const at = (iso: string) => Date.parse(iso);

describe('update log', () => {
  it('writes the old line format and reads it back', () => {
    const t = at('2025-10-26T01:30:05.042Z');
    const line = formatLogLine(t, 'INFO', `${CYCLE_COMPLETED} in 0.6s`);
    expect(line).toBe('2025-10-26 01:30:05,042 - INFO - ✅ Update cycle completed in 0.6s');
    expect(parseLogLine(line)).toEqual({ at: t, level: 'INFO', message: `${CYCLE_COMPLETED} in 0.6s` });
    expect(parseLogLine('Traceback (most recent call last):')).toBeNull();
    expect(formatLogLine(t, 'ERROR', 'two\nlines')).toMatch(/ - ERROR - two lines$/);
  });

  it('counts the repeated October hour right: times are UTC, one cycle every 5 minutes is 12 an hour', () => {
    const now = at('2025-10-26T01:58:00Z');
    const lines = Array.from({ length: 36 }, (_, i) => formatLogLine(now - i * 5 * 60_000, 'INFO', CYCLE_COMPLETED));
    expect(summariseUpdateLog(lines.join('\n'), now).cyclesLastHour).toBe(12);
  });

  it('counts cycles in the last hour and error lines in the last 24 hours, as the operators grep them', () => {
    const now = at('2025-06-01T12:00:00Z');
    const lines = [
      formatLogLine(now - 2 * 3_600_000, 'INFO', CYCLE_COMPLETED),
      formatLogLine(now - 50 * 60_000, 'INFO', CYCLE_COMPLETED),
      formatLogLine(now - 5 * 60_000, 'INFO', CYCLE_COMPLETED),
      formatLogLine(now - 25 * 3_600_000, 'ERROR', 'ingest failed'),
      formatLogLine(now - 3 * 3_600_000, 'ERROR', 'Error: ingest exited 75'),
      formatLogLine(now + 60_000, 'INFO', CYCLE_COMPLETED),
    ];
    const s = summariseUpdateLog(lines.join('\n'), now);
    expect(s).toMatchObject({ cyclesLastHour: 2, errorsLast24h: 1, lastCycleAt: now - 5 * 60_000 });
    expect(s.lastError?.message).toBe('Error: ingest exited 75');
  });
});

describe('the update log file', () => {
  it('an INFO or WARNING line never says "error" (the operators grep it as a failure); an ERROR line keeps its words', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openUpdateLog } = await import('../../src/cli/update/log.js');
    const path = join(mkdtempSync(join(tmpdir(), 'bmrs-log-')), 'realtime_updates.log');
    const log = openUpdateLog(path, { now: () => at('2025-06-01T12:00:00Z'), echo: () => undefined, maxBytes: 1 << 20, rotate: true });
    log.warn('monitoring ping (start) not delivered: TypeError: fetch failed (ERROR 7, error)');
    log.info('nothing to do');
    log.error('FUELINST: Error: ingest exited 75');
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/ - WARNING - monitoring ping \(start\) not delivered: TypeFault: fetch failed \(FAULT 7, fault\)$/);
    expect(lines.filter((l) => /error/i.test(l))).toEqual([lines[2]]);
    expect(lines[2]).toMatch(/ - ERROR - FUELINST: Error: ingest exited 75$/);
  });
});

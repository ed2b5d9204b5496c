// The real-time job's log, `logs/realtime_updates.log`, in the old updater's line format
// (docs/compatibility.md §3): `YYYY-MM-DD HH:MM:SS,mmm - LEVEL - message`. Python's logging wrote
// local time; we write UTC, because a local time repeats an hour every October (the weekly grep of
// markers is unaffected, and on a server kept in UTC the two are the same). Operators grep it weekly: `✅ Update cycle completed` once per good cycle (12 an
// hour) and the word `error`, in any case, only where something went wrong. `bmrs update` writes
// it; `bmrs check` reads it back with `summariseUpdateLog`.
import { DateTime } from 'luxon';

export const DEFAULT_UPDATE_LOG = 'logs/realtime_updates.log';
export const CYCLE_COMPLETED = '✅ Update cycle completed';

export type LogLevel = 'INFO' | 'WARNING' | 'ERROR';

export interface LogLine {
  /** UTC epoch ms. */
  readonly at: number;
  readonly level: string;
  readonly message: string;
}

const FORMAT = 'yyyy-MM-dd HH:mm:ss,SSS';
const LINE = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}) - ([A-Z]+) - (.*)$/;

/** One log line (no newline). The message is kept on one line. */
export function formatLogLine(at: number, level: LogLevel, message: string): string {
  return `${DateTime.fromMillis(at, { zone: 'utc' }).toFormat(FORMAT)} - ${level} - ${message.replace(/\s*\n\s*/g, ' ')}`;
}

/** A line in the format, or null (the old job also wrote tracebacks and free text). */
export function parseLogLine(line: string): LogLine | null {
  const m = LINE.exec(line);
  if (!m) return null;
  const at = DateTime.fromFormat(m[1], FORMAT, { zone: 'utc' }).toMillis();
  return Number.isNaN(at) ? null : { at, level: m[2], message: m[3] };
}

export interface UpdateLogSummary {
  /** `✅ Update cycle completed` lines in the hour before `now`. */
  readonly cyclesLastHour: number;
  /** Lines containing `error` (any case) in the 24 hours before `now`, as the operators count them. */
  readonly errorsLast24h: number;
  readonly lastCycleAt: number | null;
  readonly lastError: LogLine | null;
}

/** What the operators' weekly grep finds, from the log's text at `now` (UTC ms). */
export function summariseUpdateLog(text: string, now: number): UpdateLogSummary {
  let cyclesLastHour = 0, errorsLast24h = 0;
  let lastCycleAt: number | null = null;
  let lastError: LogLine | null = null;
  for (const raw of text.split('\n')) {
    const line = parseLogLine(raw);
    if (!line || line.at > now) continue;
    if (line.message.includes(CYCLE_COMPLETED)) {
      if (line.at > now - 3_600_000) cyclesLastHour++;
      if (lastCycleAt === null || line.at > lastCycleAt) lastCycleAt = line.at;
    }
    if (/error/i.test(raw) && line.at > now - 86_400_000) {
      errorsLast24h++;
      if (!lastError || line.at >= lastError.at) lastError = line;
    }
  }
  return { cyclesLastHour, errorsLast24h, lastCycleAt, lastError };
}

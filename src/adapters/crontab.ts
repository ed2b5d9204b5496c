// The user's crontab, for `bmrs check`: is the real-time job's line installed?
import { execFile } from 'node:child_process';

/** `crontab -l` (no shell); null when there is no crontab or no crontab binary. */
export function readCrontab(): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('crontab', ['-l'], { timeout: 10_000 }, (error, stdout) => resolve(error ? null : stdout));
  });
}

/** Whether a line that is not a comment runs `bmrs update` (or `bmrs.js update`). */
export function hasUpdateLine(text: string): boolean {
  return text.split('\n').some((line) => !line.trim().startsWith('#') && /\bbmrs(\.js)?\s+update\b/.test(line));
}

// The real-time job's own log (default logs/realtime_updates.log), in the old line format
// (core/update-log.ts), every line also printed for cron's log. Lines are appended synchronously,
// one write each, so none is lost when the process is killed right after. Rotation by size keeps
// `keep` old files (.1 newest); it runs only under the update lock, so two runs never rotate at
// once, and a line is always appended whole to one file or the next.
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { formatLogLine, type LogLevel } from '../../core/update-log.js';
import { makeDirsSync } from '../../platform/dirs.js';

export const DEFAULT_LOG_MAX_BYTES = 5 * 1024 * 1024;
export const LOG_KEEP = 5;

export interface UpdateLog {
  readonly path: string;
  info(message: string): void;
  warn(message: string): void;
  /** The only level whose lines say `error`: the operators count them as failures. */
  error(message: string): void;
}

export interface UpdateLogOptions {
  readonly now: () => number;
  /** Where each line is also printed (stdout for cron's log; stderr under --json). */
  readonly echo: (line: string) => void;
  readonly maxBytes: number;
  /** Whether this run may rotate the file: only the holder of the update lock does. */
  readonly rotate: boolean;
  readonly keep?: number;
}

/** Opens (creates) the log for appending now, so that a log that cannot be written stops the run before anything else. */
export function openUpdateLog(path: string, o: UpdateLogOptions): UpdateLog {
  try {
    makeDirsSync(dirname(path));
    closeSync(openSync(path, 'a'));
  } catch (e) {
    throw new UsageError(`cannot write the update log ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      hint: 'point --log-file (or BMRS_UPDATE_LOG) at a writable file, e.g. logs/realtime_updates.log',
    });
  }
  const write = (level: LogLevel, message: string) => {
    const line = `${formatLogLine(o.now(), level, level === 'ERROR' ? message : withoutErrorWord(message))}\n`;
    if (o.rotate) rotateIfFull(path, Buffer.byteLength(line), o.maxBytes, o.keep ?? LOG_KEEP);
    appendFileSync(path, line);
    o.echo(line);
  };
  return {
    path,
    info: (m) => write('INFO', m),
    warn: (m) => write('WARNING', m),
    error: (m) => write('ERROR', m),
  };
}

/**
 * The operators' weekly check counts every line that says "error" as a failure: an INFO or WARNING
 * line must not say it, even where it quotes a message from elsewhere (a ping's "TypeError").
 */
export function withoutErrorWord(message: string): string {
  return message.replace(/error/gi, (w) => (w === 'ERROR' ? 'FAULT' : w[0] === 'E' ? 'Fault' : 'fault'));
}

/** Before a line that would take the file past `maxBytes`: path.(keep-1) -> path.keep, ..., path -> path.1. */
export function rotateIfFull(path: string, adding: number, maxBytes: number, keep: number): boolean {
  const size = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  if (size === 0 || size + adding <= maxBytes) return false;
  if (existsSync(`${path}.${keep}`)) unlinkSync(`${path}.${keep}`);
  for (let i = keep - 1; i >= 1; i--) if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
  renameSync(path, `${path}.1`);
  return true;
}

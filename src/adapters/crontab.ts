// The user's crontab, through the `crontab` program (`crontab -l` to read, `crontab -` to replace),
// and the text rules for the `bmrs update` line in it. `bmrs cron` installs and removes the line;
// `bmrs check` asks whether it is there.
import { execFile, spawn } from 'node:child_process';
import { UsageError } from '../core/errors.js';

/** The comment bmrs writes above its line, so that uninstall removes exactly what install added. */
export const CRON_MARKER = '# bmrs update: the real-time job every 5 minutes (bmrs cron install; bmrs cron uninstall --yes removes it)';

/** The current crontab's text, or null when the user has none. */
export function readCrontab(): Promise<string | null> {
  return new Promise((resolve, reject) => {
    execFile('crontab', ['-l'], { encoding: 'utf8' }, (e, stdout, stderr) => {
      if (!e) return resolve(stdout);
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return reject(noCrontab());
      // crontab -l exits 1 with "no crontab for <user>" when there is none.
      if (/no crontab/i.test(stderr)) return resolve(null);
      reject(new UsageError(`crontab -l failed: ${stderr.trim() || e.message}`, { hint: 'check that this user may use cron (cron.allow / cron.deny)' }));
    });
  });
}

/** Replaces the crontab with `text`. */
export function writeCrontab(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('crontab', ['-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => reject((e as NodeJS.ErrnoException).code === 'ENOENT' ? noCrontab() : e));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new UsageError(`crontab - refused the new crontab (exit ${code}): ${stderr.trim()}`, { hint: 'nothing was changed; check that this user may use cron' }));
    });
    child.stdin.end(text);
  });
}

const noCrontab = () => new UsageError('the crontab program is not installed (no crontab on PATH)', { hint: 'install cron (Debian: apt-get install cron), or add the line of crontab.example by hand' });

/** A line that runs `bmrs update` (or bin/bmrs.js update), not commented out. */
export function isUpdateLine(line: string): boolean {
  const t = line.trim();
  return t !== '' && !t.startsWith('#') && /(^|[\s/'"])bmrs(\.js)?['"]?\s+update(\s|$)/.test(t);
}

export function hasUpdateLine(text: string): boolean {
  return text.split('\n').some(isUpdateLine);
}

/** The crontab with our marker and line added at the end; the user's lines stay as they are. */
export function withUpdateLine(text: string | null, line: string): string {
  const base = text ?? '';
  return `${base}${base === '' || base.endsWith('\n') ? '' : '\n'}${CRON_MARKER}\n${line}\n`;
}

/**
 * The crontab without the `bmrs update` lines that `mine` picks (and the marker line just above
 * each), the lines removed, and the update lines left because they are not ours (another folder).
 */
export function withoutUpdateLines(text: string, mine: (line: string) => boolean = () => true): { text: string; removed: string[]; others: string[] } {
  const lines = text.split('\n');
  const removed: string[] = [];
  const others: string[] = [];
  const drop = new Set<number>();
  lines.forEach((l, i) => {
    if (!isUpdateLine(l)) return;
    if (!mine(l)) {
      others.push(l);
      return;
    }
    removed.push(l);
    drop.add(i);
    if (i > 0 && lines[i - 1].trim() === CRON_MARKER) drop.add(i - 1);
  });
  return { text: lines.filter((_, i) => !drop.has(i)).join('\n'), removed, others };
}

// `bmrs cron install | uninstall`: the 5-minute `bmrs update` line in the user's crontab. A dry run
// by default (prints what would change); --yes applies it through `crontab -`, after saving the
// current crontab to a dated backup file. Idempotent: never a second update line, never another
// line of the user's touched.
import { accessSync, constants, existsSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CRON_MARKER, hasUpdateLine, isUpdateLine, readCrontab, withoutUpdateLines, withUpdateLine, writeCrontab } from '../../adapters/crontab.js';
import { BMRS_BIN } from '../update/child.js';
import { shellWord } from '../update/report.js';
import { makeDirsSync } from '../../platform/dirs.js';
import { UsageError } from '../../core/errors.js';

export interface CronOptions {
  dir?: string;
  yes?: boolean;
  /** uninstall: every bmrs update line, not only the one of --dir. */
  all?: boolean;
}

/** cron runs a line through /bin/sh, and a bare % in it means a newline: quoted words, % escaped. */
const cronWord = (s: string) => shellWord(s).replace(/%/g, '\\%');

/** The line: absolute paths, run from the project folder (its .env and data/), output appended to logs/realtime_cron.log. */
export function cronLine(dir: string, node = process.execPath, bin = BMRS_BIN): string {
  const d = resolve(dir);
  return `*/5 * * * * cd ${cronWord(d)} && ${cronWord(node)} ${cronWord(bin)} update >> ${cronWord(join(d, 'logs', 'realtime_cron.log'))} 2>&1`;
}

export async function cronInstall(o: CronOptions, now = new Date()): Promise<number> {
  const dir = projectDir(o.dir);
  const line = cronLine(dir);
  let current: string | null;
  try {
    current = await readCrontab();
  } catch (e) {
    // A dry run still shows the line, for a scheduler other than cron or a crontab edited by hand.
    if (o.yes) throw e;
    say(`would add this line, but the crontab cannot be read here (${(e as Error).message}); add it with your scheduler:\n  ${CRON_MARKER}\n  ${line}`);
    return 0;
  }
  if (current !== null && hasUpdateLine(current)) {
    const existing = current.split('\n').filter(isUpdateLine);
    const same = existing.some((l) => l.trim() === line);
    say(same ? `already installed, nothing to do:\n  ${line}` : `the crontab already runs bmrs update; left as it is:\n  ${existing.join('\n  ')}\n(bmrs cron uninstall --yes removes it; then install again for this line:\n  ${line})`);
    return 0;
  }
  if (!o.yes) {
    say(`would add to the crontab${current === null ? ' (there is none yet)' : ', after its other lines'}:\n  ${CRON_MARKER}\n  ${line}\nrun again with --yes to install it${current === null ? '' : ' (the current crontab is saved to a dated backup file first)'}`);
    return 0;
  }
  makeDirsSync(join(dir, 'logs'));
  const backup = saveBackup(dir, current, now);
  await writeCrontab(withUpdateLine(current, line));
  say(`installed:\n  ${line}${backup ? `\nthe previous crontab is saved in ${backup}` : ''}`);
  return 0;
}

export async function cronUninstall(o: CronOptions, now = new Date()): Promise<number> {
  // Not checked further: the line of a folder since removed must still be removable.
  const dir = resolve(nonEmptyDir(o.dir));
  const current = await readCrontab();
  // Only this folder's line, unless --all: another checkout's job is not ours to remove.
  const mine = o.all ? () => true : (line: string) => line.includes(`cd ${cronWord(dir)} `);
  const { text, removed, others } = current === null ? { text: '', removed: [], others: [] } : withoutUpdateLines(current, mine);
  const left = others.length ? `\nleft as they are (another folder; --all removes them too):\n  ${others.join('\n  ')}` : '';
  if (removed.length === 0) {
    say(`no bmrs update line for ${dir} in the crontab: nothing to remove${left}`);
    return 0;
  }
  if (!o.yes) {
    say(`would remove from the crontab:\n  ${removed.join('\n  ')}\nrun again with --yes to remove it (the current crontab is saved to a dated backup file first)${left}`);
    return 0;
  }
  const backup = saveBackup(dir, current, now);
  await writeCrontab(text);
  say(`removed:\n  ${removed.join('\n  ')}\nthe previous crontab is saved in ${backup}${left}`);
  return 0;
}

const nonEmptyDir = (dir: string | undefined): string => {
  if (dir !== undefined && dir.trim() === '') throw new UsageError('--dir is empty', { hint: 'name the project folder, e.g. --dir /opt/bmrs (default: this folder)' });
  return dir ?? '.';
};

/**
 * The folder the line will `cd` into, checked now rather than by cron every 5 minutes: it must be an
 * existing folder, writable (logs/ for cron's output and the backup, data/ for the default store),
 * and its .env, when there is one, readable (every run loads it). The line's Node and bin/bmrs.js
 * are this very Node and this installation's, by absolute path, so they exist.
 */
function projectDir(given: string | undefined): string {
  const dir = resolve(nonEmptyDir(given));
  const hint = 'point --dir at the project folder the job runs in (its .env, data/ and logs/), e.g. --dir /opt/bmrs';
  const st = statSync(dir, { throwIfNoEntry: false });
  if (st === undefined) throw new UsageError(`--dir ${dir} does not exist`, { hint });
  if (!st.isDirectory()) throw new UsageError(`--dir ${dir} is not a folder`, { hint });
  const logs = join(dir, 'logs');
  const logsSt = statSync(logs, { throwIfNoEntry: false });
  if (logsSt !== undefined && !logsSt.isDirectory()) throw new UsageError(`${logs} is not a folder: cron's output goes to ${join(logs, 'realtime_cron.log')}`, { hint: 'move that file away, or choose another --dir' });
  for (const [path, why] of [[dir, 'the job writes logs/ and data/ there'], ...(logsSt ? [[logs, "cron's output is appended there"]] : [])] as const) {
    try {
      accessSync(path, constants.W_OK | constants.X_OK);
    } catch {
      throw new UsageError(`cannot write in ${path}: ${why}`, { hint: 'fix its permissions for the user whose crontab this is, or choose another --dir' });
    }
  }
  const env = join(dir, '.env');
  const envSt = statSync(env, { throwIfNoEntry: false });
  if (envSt !== undefined) {
    let readable = envSt.isFile();
    try {
      accessSync(env, constants.R_OK);
    } catch {
      readable = false;
    }
    if (!readable) throw new UsageError(`${env} cannot be read${envSt.isFile() ? '' : ' (it is not a file)'}: every run of the job loads it`, { hint: 'make it a readable file of settings, or remove it' });
  }
  return dir;
}

/**
 * logs/crontab.backup.YYYYMMDD-HHMMSS (local time) in the project folder, as the old runbook asked;
 * null when there was no crontab. Uninstalling the line of a folder since removed does not make
 * the folder again: the backup goes to the home folder instead.
 */
function saveBackup(dir: string, current: string | null, now: Date): string | null {
  if (current === null) return null;
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  const folder = existsSync(dir) ? join(dir, 'logs') : homedir();
  makeDirsSync(folder);
  // Two changes within a second each keep their own backup: -2, -3, ...
  for (let n = 1; ; n++) {
    const path = join(folder, `crontab.backup.${stamp}${n === 1 ? '' : `-${n}`}`);
    if (existsSync(path)) continue;
    writeFileSync(path, current, { flag: 'wx' });
    return path;
  }
}

const say = (text: string) => process.stdout.write(`${text}\n`);

// `bmrs cron install | uninstall` against a fake `crontab` on PATH (a shell script keeping the
// crontab in a file), so the user's real crontab is never touched.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBmrs } from '../support/cli.js';
import { tempDir, type TempDir } from '../support/pipeline.js';

const FAKE = `#!/bin/sh
f="$FAKE_CRONTAB_FILE"
case "$1" in
  -l) if [ -f "$f" ]; then cat "$f"; else echo "no crontab for tester" >&2; exit 1; fi ;;
  -) if [ -n "$FAKE_CRONTAB_REFUSE" ]; then cat > /dev/null; echo "crontab: errors in crontab file, can't install" >&2; exit 1; fi; cat > "$f" ;;
  *) echo "usage: crontab [-l | -]" >&2; exit 2 ;;
esac
`;

let tmp: TempDir;
let file: string;
beforeEach(async () => {
  tmp = await tempDir();
  file = join(tmp.dir, 'crontab.txt');
  writeFileSync(join(tmp.dir, 'crontab'), FAKE);
  chmodSync(join(tmp.dir, 'crontab'), 0o755);
  mkdirSync(join(tmp.dir, 'project'));
});
afterEach(() => tmp.cleanup());

const cron = (args: string[], env: Record<string, string> = {}) =>
  runBmrs(['cron', ...args, '--dir', join(tmp.dir, 'project')], { PATH: `${tmp.dir}:${process.env.PATH}`, FAKE_CRONTAB_FILE: file, ...env });
const backups = () => (existsSync(join(tmp.dir, 'project', 'logs')) ? readdirSync(join(tmp.dir, 'project', 'logs')).filter((f) => f.startsWith('crontab.backup.')) : []);
const USER_LINES = 'MAILTO=ops@example.com\n0 3 * * * /usr/local/bin/nightly\n';

describe('bmrs cron', () => {
  it('install is a dry run by default: prints the line, changes nothing', async () => {
    writeFileSync(file, USER_LINES);
    const r = await cron(['install']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^would add to the crontab, after its other lines:\n/);
    expect(r.stdout).toMatch(new RegExp(`\\*/5 \\* \\* \\* \\* cd ${tmp.dir}/project && ${process.execPath} /\\S+/bin/bmrs\\.js update >> ${tmp.dir}/project/logs/realtime_cron\\.log 2>&1`));
    expect(readFileSync(file, 'utf8')).toBe(USER_LINES);
    expect(backups()).toEqual([]);
  });

  it('install --yes adds the line once, keeps the other lines, saves a dated backup first', async () => {
    writeFileSync(file, USER_LINES);
    const r = await cron(['install', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith(USER_LINES)).toBe(true);
    expect(text.split('\n').filter((l) => l.includes(' update >> '))).toHaveLength(1);
    expect(backups()).toHaveLength(1);
    expect(backups()[0]).toMatch(/^crontab\.backup\.\d{8}-\d{6}$/);
    expect(readFileSync(join(tmp.dir, 'project', 'logs', backups()[0]), 'utf8')).toBe(USER_LINES);
    // Again: nothing changes, no duplicate, no new backup.
    const again = await cron(['install', '--apply']);
    expect(again.stdout).toMatch(/^already installed, nothing to do/);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(backups()).toHaveLength(1);
  });

  it('a crontab that already runs bmrs update another way is left alone', async () => {
    const own = `${USER_LINES}*/10 * * * * cd /srv && npx bmrs update --datasets MID\n`;
    writeFileSync(file, own);
    const r = await cron(['install', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/the crontab already runs bmrs update; left as it is/);
    expect(readFileSync(file, 'utf8')).toBe(own);
  });

  it('installs into an empty crontab (none yet) without a backup', async () => {
    const r = await cron(['install', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^# bmrs update: .*\n\*\/5 .* update >> .*\n$/);
    expect(backups()).toEqual([]);
    expect(existsSync(join(tmp.dir, 'project', 'logs'))).toBe(true);
  });

  it('uninstall removes only the update line and its marker, after a backup; a dry run first', async () => {
    writeFileSync(file, USER_LINES);
    await cron(['install', '--yes']);
    const dry = await cron(['uninstall']);
    expect(dry.stdout).toMatch(/^would remove from the crontab:\n {2}\*\/5 /);
    expect(readFileSync(file, 'utf8')).not.toBe(USER_LINES);
    const r = await cron(['uninstall', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(USER_LINES);
    expect(backups()).toHaveLength(2);
    expect((await cron(['uninstall', '--yes'])).stdout).toBe(`no bmrs update line for ${join(tmp.dir, 'project')} in the crontab: nothing to remove\n`);
  });

  it('install --uninstall is uninstall: a dry run, then --yes removes the line after a backup', async () => {
    writeFileSync(file, USER_LINES);
    await cron(['install', '--yes']);
    const dry = await cron(['install', '--uninstall']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^would remove from the crontab:\n {2}\*\/5 /);
    const r = await cron(['install', '--uninstall', '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^removed:\n/);
    expect(readFileSync(file, 'utf8')).toBe(USER_LINES);
    expect(backups()).toHaveLength(2);
  });

  it('the backup is saved before the change: a crontab that refuses the new text is left as it was, exit 2', async () => {
    writeFileSync(file, USER_LINES);
    const r = await cron(['install', '--yes'], { FAKE_CRONTAB_REFUSE: '1' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: crontab - refused the new crontab \(exit 1\): crontab: errors in crontab file, can't install\nhint: nothing was changed/);
    expect(readFileSync(file, 'utf8')).toBe(USER_LINES);
    expect(backups()).toHaveLength(1);
    expect(readFileSync(join(tmp.dir, 'project', 'logs', backups()[0]), 'utf8')).toBe(USER_LINES);
  });

  it("uninstall leaves another folder's bmrs update line alone unless --all", async () => {
    const other = '*/5 * * * * cd /opt/other && bmrs update --datasets FUELHH';
    writeFileSync(file, `${USER_LINES}${other}\n`);
    await cron(['install', '--yes']);
    const r = await cron(['uninstall', '--yes']);
    expect(r.stdout).toMatch(/left as they are \(another folder; --all removes them too\):\n {2}\*\/5 \* \* \* \* cd \/opt\/other/);
    expect(readFileSync(file, 'utf8')).toBe(`${USER_LINES}${other}\n`);
    const all = await cron(['uninstall', '--yes', '--all']);
    expect(all.code, all.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(USER_LINES);
  });

  it('uninstall --yes of a folder since removed takes its line out and saves the backup in the home folder, without making the folder again', async () => {
    writeFileSync(file, USER_LINES);
    expect((await cron(['install', '--yes'])).code).toBe(0);
    rmSync(join(tmp.dir, 'project'), { recursive: true });
    const home = join(tmp.dir, 'home');
    mkdirSync(home);
    const r = await cron(['uninstall', '--yes'], { HOME: home });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(USER_LINES);
    expect(existsSync(join(tmp.dir, 'project'))).toBe(false);
    const saved = readdirSync(home);
    expect(saved).toEqual([expect.stringMatching(/^crontab\.backup\.\d{8}-\d{6}$/)]);
    expect(r.stdout).toContain(`the previous crontab is saved in ${join(home, saved[0])}`);
    expect(readFileSync(join(home, saved[0]), 'utf8')).toMatch(/ update >> /);
  });

  it('install refuses an empty --dir, a folder that does not exist, a file: exit 2, nothing created or installed', async () => {
    writeFileSync(file, USER_LINES);
    writeFileSync(join(tmp.dir, 'a-file'), '');
    const env = { PATH: `${tmp.dir}:${process.env.PATH}`, FAKE_CRONTAB_FILE: file };
    const missing = join(tmp.dir, 'nonexist', 'x');
    const cases: [string, RegExp][] = [
      ['', /^error: --dir is empty\nhint: [^\n]+\n$/],
      ['  ', /^error: --dir is empty\nhint: [^\n]+\n$/],
      [missing, new RegExp(`^error: --dir ${missing} does not exist\nhint: [^\n]+\n$`)],
      [join(tmp.dir, 'a-file'), /^error: --dir \S+\/a-file is not a folder\nhint: [^\n]+\n$/],
    ];
    for (const [dir, message] of cases) {
      for (const yes of [['--yes'], []]) {
        const r = await runBmrs(['cron', 'install', '--dir', dir, ...yes], env);
        expect(r.code, `--dir '${dir}' ${yes}`).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(r.stdout).toBe('');
      }
    }
    expect((await runBmrs(['cron', 'uninstall', '--dir', '', '--yes'], env)).stderr).toMatch(/^error: --dir is empty\n/);
    expect(readFileSync(file, 'utf8')).toBe(USER_LINES);
    expect(existsSync(join(tmp.dir, 'nonexist'))).toBe(false);
    expect(readdirSync(tmp.dir).sort()).toEqual(['a-file', 'crontab', 'crontab.txt', 'project']);
  });

  it('install refuses a folder whose logs/ is a file or whose .env is a folder: the job would fail every 5 minutes', async () => {
    writeFileSync(file, USER_LINES);
    writeFileSync(join(tmp.dir, 'project', 'logs'), '');
    const logs = await cron(['install', '--yes']);
    expect(logs.code).toBe(2);
    expect(logs.stderr).toMatch(/^error: \S+\/project\/logs is not a folder: cron's output goes to /);
    const other = join(tmp.dir, 'other');
    mkdirSync(join(other, '.env'), { recursive: true });
    const env = await runBmrs(['cron', 'install', '--dir', other, '--yes'], { PATH: `${tmp.dir}:${process.env.PATH}`, FAKE_CRONTAB_FILE: file });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/^error: \S+\/other\/\.env cannot be read \(it is not a file\): every run of the job loads it\nhint: /);
    expect(readFileSync(file, 'utf8')).toBe(USER_LINES);
    expect(existsSync(join(other, 'logs'))).toBe(false);
  });

  it('no crontab program: the dry run still prints the line; --yes is one line and a hint, exit 2', async () => {
    const dry = await runBmrs(['cron', 'install'], { PATH: tmp.dir.replace(/$/, '/nothing-here') });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would add this line, but the crontab cannot be read here \(the crontab program is not installed/);
    expect(dry.stdout).toMatch(/\*\/5 \* \* \* \* cd .* update >> /);
    const r = await runBmrs(['cron', 'install', '--yes'], { PATH: tmp.dir.replace(/$/, '/nothing-here') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: the crontab program is not installed \(no crontab on PATH\)\nhint: /);
  });
});

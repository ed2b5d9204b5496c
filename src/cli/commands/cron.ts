import { Command, Option } from 'commander';
import type { CronOptions } from '../cron/run.js';

export function cronCommand(): Command {
  const cron = new Command('cron')
    .description('install or remove the 5-minute `bmrs update` line in your crontab (a dry run unless --yes)')
    .addHelpText('after', `
The line runs from the project folder (its .env, data/ and logs/), with absolute paths:
  */5 * * * * cd /opt/bmrs && /usr/bin/node /opt/bmrs/bin/bmrs.js update >> /opt/bmrs/logs/realtime_cron.log 2>&1

Examples:
  bmrs cron install                 print the line that would be added; change nothing
  bmrs cron install --yes           add it (once: a crontab that already runs bmrs update is left alone)
  bmrs cron uninstall --yes         remove it (bmrs cron install --uninstall --yes says the same)
Before any change the current crontab is saved to logs/crontab.backup.<YYYYMMDD-HHMMSS>
(uninstalling the line of a folder since removed: to ~/crontab.backup.<YYYYMMDD-HHMMSS>).`);
  cron
    .command('install')
    .description('add the bmrs update line to the crontab, keeping every other line')
    .option('--dir <path>', 'the project folder the line runs in: an existing, writable folder (default: this folder)')
    .option('-y, --yes', 'change the crontab (without it: only print what would change); --apply says the same')
    .option('--uninstall', 'remove the line instead: the same as `bmrs cron uninstall`')
    .addOption(new Option('--apply').hideHelp())
    .action(async (opts: CronOptions & { apply?: boolean; uninstall?: boolean }) => {
      const { cronInstall, cronUninstall } = await import('../cron/run.js');
      const o = { dir: opts.dir, yes: opts.yes === true || opts.apply === true };
      process.exitCode = await (opts.uninstall ? cronUninstall(o) : cronInstall(o));
    });
  cron
    .command('uninstall')
    .description("remove this folder's bmrs update line from the crontab, keeping every other line")
    .option('--dir <path>', 'the folder whose line goes, and where logs/ (for the backup) is (default: this folder)')
    .option('--all', 'remove every bmrs update line, whatever folder it runs in')
    .option('-y, --yes', 'change the crontab (without it: only print what would change); --apply says the same')
    .addOption(new Option('--apply').hideHelp())
    .action(async (opts: CronOptions & { apply?: boolean }) => {
      const { cronUninstall } = await import('../cron/run.js');
      process.exitCode = await cronUninstall({ ...opts, yes: opts.yes === true || opts.apply === true });
    });
  return cron;
}

// The single boundary between the tool and the shell: builds the program, runs it, and turns errors
// into exit codes. A known error prints one line plus its hint; anything else is a bug and prints its stack.
import { Command, CommanderError } from 'commander';
import { EXIT, isBmrsError } from '../core/errors.js';
import { backfillCommand } from './commands/backfill.js';
import { checkCommand } from './commands/check.js';
import { cronCommand } from './commands/cron.js';
import { datasetsCommand } from './commands/datasets.js';
import { dedupeAuditCommand } from './commands/dedupe-audit.js';
import { ingestCommand } from './commands/ingest.js';
import { queryCommand } from './commands/query.js';
import { updateCommand } from './commands/update.js';
import { style, writeJson } from './render.js';
import { exitOnSignals, exitWithParent } from './signals.js';
import { exitsWithParent } from '../config.js';
import { quietOnClosedStdout, stdoutWriteFailed } from './stdout.js';
import { VERSION } from '../version.js';

export function buildProgram(): Command {
  const program = new Command('bmrs')
    .description('Keep a warehouse of GB electricity market data from the Elexon BMRS Insights API complete, correct and fresh.')
    .version(VERSION)
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `
Examples:
  bmrs ingest --dataset FUELINST --from 2025-10-26 --to 2025-10-27   load one settlement day (50 periods)
  bmrs ingest --dataset FUELINST,FREQ --from 2025-10-27T12:00Z --to 2025-10-27T13:00Z
  bmrs backfill --dataset FUELINST,FUELHH --from 2016-01-01 --to 2026-01-01        resumable; --plan first
  bmrs query "SELECT fuelType, max(generation) FROM bmrs_fuelinst GROUP BY 1"
  bmrs update                                 the 5-minute real-time job (bmrs cron install adds it to cron)
  bmrs datasets --json
  bmrs check --api                       health check for a monitor: exit 0 healthy, 1 findings
  bmrs dedupe-audit --dataset FUELINST   duplicates and bad _hash_keys; --fix after a verified backup

Exit codes: 0 ok, 1 loaded but a settled day incomplete, 2 usage or configuration, 65 data failed
verification or API refused, 75 transient (retries exhausted, store held past the wait), 70 internal
error, 130/143 interrupted. See docs/exit-codes.md.
A reader that closes stdout early (| head) is not an error: output stops, the exit code is the run's own.
Colour only on a terminal; NO_COLOR=1 turns it off, FORCE_COLOR=1 forces it (FORCE_COLOR=0 off).`);
  program.addCommand(ingestCommand());
  program.addCommand(backfillCommand());
  program.addCommand(datasetsCommand());
  program.addCommand(queryCommand());
  program.addCommand(checkCommand());
  program.addCommand(updateCommand());
  program.addCommand(cronCommand());
  program.addCommand(dedupeAuditCommand());
  program.exitOverride();
  const override = (c: Command): void => void c.exitOverride().commands.forEach(override);
  program.commands.forEach(override);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  quietOnClosedStdout();
  exitOnSignals(argv[2] === 'ingest' || argv[2] === 'backfill');
  if (argv[2] === 'ingest' && exitsWithParent()) exitWithParent();
  // Only a flag, not an SQL argument that happens to read --json.
  const json = argv.slice(3).includes('--json');
  const stdoutUsed = watchStdout();
  try {
    await buildProgram().parseAsync(argv);
    // Output lost to a full disk outranks whatever the command itself decided.
    if (stdoutWriteFailed()) return EXIT.internal;
    return process.exitCode === undefined ? EXIT.ok : Number(process.exitCode);
  } catch (e) {
    const failure = describeFailure(e);
    // With --json a script reads stdout: it gets one report with the exit code whatever went wrong,
    // unless the command had already started writing its own (then the output is cut short).
    if (json && failure.exitCode !== EXIT.ok && !stdoutUsed()) {
      writeJson({ ok: false, exitCode: failure.exitCode, error: { name: failure.name, message: failure.message, hint: failure.hint } });
    }
    return failure.exitCode;
  }
}

interface Failure { exitCode: number; name: string; message: string; hint?: string }

/** Prints the error the way its kind deserves (one line and a hint, or a bug's stack) and says what it was. */
function describeFailure(e: unknown): Failure {
  if (e instanceof CommanderError) {
    // Help and version are not errors; commander has already printed its own one-line message.
    return { exitCode: e.exitCode === 0 ? EXIT.ok : EXIT.usage, name: 'UsageError', message: e.message.replace(/^error: /, '') };
  }
  if (isBmrsError(e)) {
    process.stderr.write(`${style.error('error:')} ${e.message}\n`);
    if (e.hint) process.stderr.write(`${style.dim(`hint: ${e.hint}`)}\n`);
    return { exitCode: e.exitCode, name: e.name, message: e.message, hint: e.hint };
  }
  process.stderr.write(`bmrs: internal error (a bug; please report it with this trace)\n${(e as Error)?.stack ?? String(e)}\n`);
  return { exitCode: EXIT.internal, name: 'InternalError', message: (e as Error)?.message ?? String(e) };
}

/** Whether anything has been written to stdout since the call. */
function watchStdout(): () => boolean {
  let used = false;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((...args: Parameters<typeof write>) => {
    used = true;
    return write(...args);
  }) as typeof process.stdout.write;
  return () => used;
}

// Ctrl-C and `kill`: stop at once with a one-line message. Nothing partial can have been stored:
// every window commits whole with its ledger entry or not at all, and an uncommitted one is
// discarded by the store. Cleanups registered with process.on('exit') (the store's scratch folder)
// run on the way out.
import { style } from './render.js';

const CODES: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

let resume: string | undefined;

/** The exact command that finishes an interrupted run (backfill: the ledger skips what is done). */
export function setResumeCommand(command: string): void {
  resume = command;
}

/** `loads`: whether the command writes windows (its message then says what became of them). */
export function exitOnSignals(loads: boolean): void {
  const what = loads
    ? '; each window is stored whole with its ledger entry or not at all, so nothing partial was stored; run the same command again to finish'
    : '';
  for (const signal of Object.keys(CODES) as (keyof typeof CODES)[]) {
    process.once(signal, () => {
      const how = loads && resume ? `: ${resume}` : '';
      process.stderr.write(`\n${style.warn('interrupted:')} ${signal}${what}${how}\n`);
      process.exit(CODES[signal]);
    });
  }
}

/**
 * For the ingest `bmrs update` runs as its child (BMRS_EXIT_WITH_PARENT): in a process group of its
 * own it outlives a parent killed with SIGKILL, and nothing would enforce its timeout then. Once the
 * parent is gone (this process is handed to init), it stops as SIGTERM would stop it.
 */
export function exitWithParent(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 500).unref();
}

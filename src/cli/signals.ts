// Ctrl-C and `kill`: stop at once with a one-line message. Nothing partial can have been stored:
// every window commits whole with its ledger entry or not at all, and an uncommitted one is
// discarded by the store. Cleanups registered with process.on('exit') (the store's scratch folder)
// run on the way out.
import { style } from './render.js';

const CODES: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

export function exitOnSignals(): void {
  for (const signal of Object.keys(CODES) as (keyof typeof CODES)[]) {
    process.once(signal, () => {
      process.stderr.write(
        `\n${style.warn('interrupted:')} ${signal}; windows already loaded are kept, the ones in flight were not stored (nothing partial); run the same command again to finish\n`,
      );
      process.exit(CODES[signal]);
    });
  }
}

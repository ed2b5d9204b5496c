// Writing large output to stdout: wait for 'drain' when the reader is slower than we are, and stop
// quietly when the reader has gone (`bmrs query ... | head`: EPIPE).
import type { Writable } from 'node:stream';
import { EXIT } from '../core/errors.js';

/** Writes `text`; resolves false once the reader has closed the pipe (write nothing more then). */
export type Write = (text: string) => Promise<boolean>;

export function writer(stream: Writable = process.stdout): Write {
  return async (text) => {
    if (gone(stream)) return false;
    if (!stream.write(text)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off('drain', done).off('close', done).off('error', done);
          resolve();
        };
        stream.on('drain', done).on('close', done).on('error', done);
      });
    }
    return !gone(stream);
  };
}

/** Streams that failed a write; process.stdout cannot be destroyed, so it is marked here. */
const failed = new WeakSet<Writable>();

/** After a write error (reported by quietOnClosedStdout): stop writing. */
function gone(stream: Writable): boolean {
  return failed.has(stream) || stream.destroyed || stream.writableEnded;
}

/**
 * A reader closing stdout early is how `| head` works, not a failure: without a listener Node would
 * throw EPIPE as an uncaught exception. Writes after that go nowhere; the run ends with its own exit
 * code (0 for a query or a dry run). Any other write error (a full disk) is reported once, exit 70,
 * and the writer stops (a file keeps failing at every write).
 */
export function quietOnClosedStdout(stream: Writable = process.stdout): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && !failed.has(stream)) {
      process.stderr.write(`error: cannot write to stdout: ${e.message}\n`);
      writeFailed = true;
      // For an error that arrives after main() has returned (its last write); main() checks
      // stdoutWriteFailed() for the earlier ones, which a command may have overwritten.
      process.exitCode = EXIT.internal;
    }
    failed.add(stream);
  });
}

let writeFailed = false;

/** True once a write to stdout failed for a reason other than the reader hanging up: exit 70. */
export function stdoutWriteFailed(): boolean {
  return writeFailed;
}

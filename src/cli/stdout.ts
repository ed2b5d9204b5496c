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

/** After a write error (reported by quietOnClosedStdout) the stream is destroyed: stop writing. */
function gone(stream: Writable): boolean {
  return stream.destroyed || stream.writableEnded;
}

/**
 * A reader closing stdout early is how `| head` works, not a failure: without a listener Node would
 * throw EPIPE as an uncaught exception. Writes after that go nowhere; the run ends with its own exit
 * code (0 for a query or a dry run). Other write errors (a full disk) are reported once.
 */
export function quietOnClosedStdout(stream: Writable = process.stdout): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') return;
    process.stderr.write(`error: cannot write to stdout: ${e.message}\n`);
    process.exitCode = EXIT.internal;
  });
}

// Writing answers: bodies arrive as Buffers of a few hundred KB and are written with backpressure,
// or cut mid-body (the truncate fault).
import type { ServerResponse } from 'node:http';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

/** Default cut point of a truncated body (or half the body when it is shorter). */
const TRUNCATE_DEFAULT = 64 * 1024;

export interface BodyOptions {
  /** Send this many bytes (default: 64 KiB, or half of a shorter body), then destroy the socket. */
  truncate?: { bytes?: number };
  onBytes(n: number): void;
}

function waitDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Streams a body; resolves when it is written, cut, or the client went away. */
export async function writeBody(res: ServerResponse, chunks: Iterable<Buffer>, opts: BodyOptions): Promise<void> {
  if (opts.truncate) return writeTruncated(res, chunks, opts.truncate.bytes, opts);
  let sinceYield = 0;
  for (const chunk of chunks) {
    if (res.destroyed) return;
    opts.onBytes(chunk.length);
    if (!res.write(chunk)) await waitDrain(res);
    // A client that never makes us wait: let other requests in now and then.
    else if (++sinceYield >= 8) {
      sinceYield = 0;
      await yieldToLoop();
    }
  }
  if (!res.destroyed) res.end();
}

async function writeTruncated(res: ServerResponse, chunks: Iterable<Buffer>, bytes: number | undefined, opts: BodyOptions): Promise<void> {
  const cut = bytes ?? TRUNCATE_DEFAULT;
  const held: Buffer[] = [];
  let size = 0;
  for (const chunk of chunks) {
    held.push(chunk);
    size += chunk.length;
    if (size >= cut) break;
  }
  const body = Buffer.concat(held);
  // Always cut strictly inside the body, so the answer is never accidentally complete.
  const at = Math.max(1, Math.min(size >= cut ? cut : (bytes ?? Math.floor(size / 2)), body.length - 1));
  const part = body.subarray(0, at);
  opts.onBytes(part.length);
  await new Promise<void>((resolve) => {
    res.write(part, () => {
      res.socket?.destroy();
      resolve();
    });
  });
}

/** A complete small answer (errors, admin). Returns the body's byte length. */
export function sendFixed(
  res: ServerResponse,
  status: number,
  contentType: string | undefined,
  body: string,
  headers: Record<string, string> = {},
): number {
  const h: Record<string, string> = { ...headers };
  if (contentType) h['Content-Type'] = contentType;
  res.writeHead(status, h);
  res.end(body);
  return Buffer.byteLength(body);
}

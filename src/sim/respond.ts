// Writing answers: bodies are built as text in chunks of a few hundred KB, written with
// backpressure, and optionally cut mid-body (the truncate fault).
import type { ServerResponse } from 'node:http';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

const CHUNK_CHARS = 256 * 1024;
/** Default cut point of a truncated body, and the cap on how much of it is held back. */
const TRUNCATE_DEFAULT = 64 * 1024;

export interface BodyOptions {
  /** Send this many bytes (default: half the body, at most 64 KiB), then destroy the socket. */
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

const gone = (res: ServerResponse): boolean => res.destroyed || res.writableEnded;

async function send(res: ServerResponse, text: string, opts: BodyOptions): Promise<boolean> {
  opts.onBytes(Buffer.byteLength(text));
  if (res.write(text)) return true;
  await waitDrain(res);
  return false;
}

/** Streams the parts of a body; resolves when it is written, cut, or the client went away. */
export async function writeBody(res: ServerResponse, parts: Iterable<string>, opts: BodyOptions): Promise<void> {
  const cut = opts.truncate ? (opts.truncate.bytes ?? TRUNCATE_DEFAULT) : Infinity;
  let chunk = '';
  let sinceYield = 0;
  for (const part of parts) {
    chunk += part;
    if (chunk.length < Math.min(CHUNK_CHARS, cut)) continue;
    if (cut !== Infinity) return cutAt(res, chunk, cut, opts);
    const waited = await send(res, chunk, opts);
    chunk = '';
    if (gone(res)) return;
    // A fast client never makes us wait: let other requests in now and then.
    if (!waited && ++sinceYield >= 8) {
      sinceYield = 0;
      await yieldToLoop();
    }
  }
  if (cut !== Infinity) return cutAt(res, chunk, opts.truncate?.bytes ?? Math.floor(chunk.length / 2), opts);
  if (chunk) opts.onBytes(Buffer.byteLength(chunk));
  res.end(chunk);
}

function cutAt(res: ServerResponse, text: string, at: number, opts: BodyOptions): Promise<void> {
  const part = text.slice(0, Math.max(1, Math.min(at, text.length - 1)));
  opts.onBytes(Buffer.byteLength(part));
  return new Promise((resolve) => {
    res.write(part, () => {
      res.socket?.destroy();
      resolve();
    });
  });
}

/** A complete small answer (errors, admin). */
export function sendFixed(res: ServerResponse, status: number, contentType: string | undefined, body: string, headers: Record<string, string> = {}): number {
  const h: Record<string, string> = { ...headers };
  if (contentType) h['Content-Type'] = contentType;
  res.writeHead(status, h);
  res.end(body);
  return Buffer.byteLength(body);
}

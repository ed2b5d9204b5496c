// A response body streamed to a file: hashed as it passes (SHA-256, as core/digest.ts bodyHash),
// with its first and last bytes kept for the cheap checks (decode.ts checkBodyFile) and the SQL
// transform's first row. A year of bodies then never sits in memory: held as strings while they
// waited for the transform, they were about a third of a backfill's peak RSS (docs/benchmarks.md).
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BodyFile } from '../core/ports.js';

const HEAD_BYTES = 64 * 1024;
const TAIL_BYTES = 64;

/** Writes `stream` to `file` (replacing what it held), answering the body's hash, ends and control bytes. */
export async function writeBody(stream: Readable, file: string, contentType: string): Promise<BodyFile> {
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headBytes = 0;
  let tail = Buffer.alloc(0);
  let controls = false;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      if (headBytes < HEAD_BYTES) {
        const part = chunk.subarray(0, HEAD_BYTES - headBytes);
        head.push(Buffer.from(part));
        headBytes += part.length;
      }
      tail = Buffer.concat([tail, chunk.subarray(Math.max(0, chunk.length - TAIL_BYTES))]);
      tail = tail.subarray(Math.max(0, tail.length - TAIL_BYTES));
      controls ||= chunk.includes(0x0c) || chunk.includes(0x0b);
      done(null, chunk);
    },
  });
  await pipeline(stream, tap, createWriteStream(file));
  return {
    file,
    contentType,
    hash: hash.digest('hex'),
    head: Buffer.concat(head).toString('utf8'),
    tail: tail.toString('utf8'),
    controls,
    text: () => readFile(file, 'utf8'),
    remove: () => rm(file, { force: true }),
  };
}

/** The whole of a (short) body as text: an error response's message. */
export async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

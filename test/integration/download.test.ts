// ApiClient.download: a 2xx body streams to a file (hashed on the way, its ends kept for the cheap
// checks), never held whole in memory; the retry rules are fetch's, and a download that fails in
// the end leaves no file behind.
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHttpClient } from '../../src/adapters/http.js';
import { findDataset } from '../../src/core/datasets.js';
import { checkBodyFile } from '../../src/core/decode.js';
import { bodyHash } from '../../src/core/digest.js';
import { ApiError, DataError, TransientError } from '../../src/core/errors.js';
import type { BodyFile } from '../../src/core/ports.js';

const RETRY = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5, budgetMs: 60_000 };
const FUELINST = findDataset('FUELINST')!;
const check = (b: BodyFile) => checkBodyFile(FUELINST, true, b);

/** A server answering each request with the next of `answers` (the last one repeats). */
let answers: { status: number; body: string; type?: string }[];
let requests: number;
let server: Server;
let base: string;
let dir: string;
beforeEach(async () => {
  requests = 0;
  server = createServer((_req, res) => {
    const a = answers[Math.min(requests++, answers.length - 1)];
    res.writeHead(a.status, { 'content-type': a.type ?? 'application/json' });
    // In pieces, as a real body arrives: the head and tail must survive chunk boundaries.
    const bytes = Buffer.from(a.body, 'utf8');
    for (let i = 0; i < bytes.length; i += 1000) res.write(bytes.subarray(i, i + 1000));
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  dir = await mkdtemp(join(tmpdir(), 'bmrs-download-'));
});
afterEach(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

const client = () => createHttpClient({ base, timeoutMs: 5_000, retry: RETRY, userAgent: 'bmrs-test' });
const row = (i: number) => `{"publishTime":"2025-01-01T00:0${i % 10}:00Z","fuelType":"CCGT","generation":${i},"note":"é ${'x'.repeat(50)}"}`;

it('writes the body to the file, with its SHA-256 as bodyHash gives for the text, its ends and no control bytes', async () => {
  const text = `[${Array.from({ length: 3000 }, (_, i) => row(i)).join(',')}]\n`;
  answers = [{ status: 200, body: text }];
  const file = join(dir, 'a.json');
  const b = await client().download!('/datasets/FUELINST/stream', [], file, check);
  expect(readFileSync(file, 'utf8')).toBe(text);
  expect(b.hash).toBe(bodyHash(text));
  expect(Buffer.byteLength(text)).toBeGreaterThan(128 * 1024);
  expect(Buffer.byteLength(b.head)).toBeLessThanOrEqual(64 * 1024);
  expect(text.startsWith(b.head.replace(/\uFFFD$/, ''))).toBe(true);
  expect(text.endsWith(b.tail)).toBe(true);
  expect(b.tail.trimEnd().endsWith(']')).toBe(true);
  expect(b.controls).toBe(false);
  expect(b.contentType).toBe('application/json');
  expect(await b.text()).toBe(text);
  await b.remove();
  expect(existsSync(file)).toBe(false);
  expect(requests).toBe(1);
});

it('a body cut short is fetched again, and the file holds the whole second answer', async () => {
  const whole = `[${row(1)},${row(2)}]`;
  answers = [{ status: 200, body: whole.slice(0, -20) }, { status: 200, body: whole }];
  const file = join(dir, 'b.json');
  const b = await client().download!('/datasets/FUELINST/stream', [], file, check);
  expect(requests).toBe(2);
  expect(readFileSync(file, 'utf8')).toBe(whole);
  expect(b.hash).toBe(bodyHash(whole));
});

it('an HTML page, a form feed between values and a byte order mark are all refused as the JS path refuses them', async () => {
  for (const body of ['<html>busy</html>', `[${row(1)},\f${row(2)}]`, `\uFEFF[${row(1)}]`]) {
    answers = [{ status: 200, body, type: body.startsWith('<') ? 'text/html' : 'application/json' }];
    requests = 0;
    const file = join(dir, 'c.json');
    const e = await client().download!('/datasets/FUELINST/stream', [], file, check).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransientError);
    expect(String((e as Error).message)).toMatch(/gave up after 4 attempts/);
    expect(requests).toBe(4);
    expect(existsSync(file)).toBe(false);
  }
});

it('a body of the wrong shape is final, and no file is left', async () => {
  answers = [{ status: 200, body: '{"data": 1}' }];
  const file = join(dir, 'd.json');
  const e = await client().download!('/datasets/FUELINST/stream', [], file, check).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(DataError);
  expect(requests).toBe(1);
  expect(existsSync(file)).toBe(false);
});

it('a 503 is retried and a 400 quotes the API, as fetch does', async () => {
  answers = [{ status: 503, body: 'busy' }, { status: 200, body: `[${row(3)}]` }];
  const ok = await client().download!('/datasets/FUELINST/stream', [], join(dir, 'e.json'), check);
  expect(requests).toBe(2);
  expect(await ok.text()).toBe(`[${row(3)}]`);

  answers = [{ status: 400, body: JSON.stringify({ title: 'One or more validation errors occurred.', errors: { from: ['The from field is required.'] } }) }];
  requests = 0;
  const file = join(dir, 'f.json');
  const e = await client().download!('/datasets/FUELINST/stream', [], file, check).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(ApiError);
  expect((e as Error).message).toContain('HTTP 400: The from field is required.');
  expect(existsSync(file)).toBe(false);
});

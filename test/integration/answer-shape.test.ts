// A body that parses as JSON but has the wrong shape is a wrong answer: a DataError (65) at once,
// not retried. Only bodies that are not JSON at all (cut off, an HTML page) stay transient.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataError, EXIT, TransientError } from '../../src/core/errors.js';
import { serve } from '../support/net.js';
import { days, FAST_RETRY, runPipeline, tempDir, type TempDir } from '../support/pipeline.js';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(() => tmp.cleanup());

/** A stub API answering every request with `body` (200, JSON); `requests` lists the paths asked. */
async function stub(body: string, type = 'application/json; charset=utf-8') {
  const requests: string[] = [];
  const { url } = await serve((req, res) => {
    requests.push(req.url!.split('?')[0]);
    res.writeHead(200, { 'content-type': type });
    res.end(body);
  });
  return { url, requests };
}

const load = (api: string, dataset: string) =>
  runPipeline({ api, db: tmp.db, datasets: [dataset], range: days('2025-10-27', '2025-10-28') });

describe('JSON of the wrong shape: a DataError at once', () => {
  it.each<[string, string, string, RegExp]>([
    ['a stream answering {"data":[...]}', 'FUELINST', '{"data":[{"fuelType":"WIND"}]}', /^FUELINST stream answered with JSON of the wrong shape: expected a JSON array, got an object with key data$/],
    ['a stream answering null', 'FUELINST', 'null', /^FUELINST stream answered with JSON of the wrong shape: expected a JSON array, got null$/],
    ['a stream row that is not an object', 'FUELINST', '[{"fuelType":"WIND"},42]', /^FUELINST stream: row 1 is a number, not a JSON object$/],
    ['an endpoint answering a bare array', 'INDO', '[]', /^INDO endpoint answered with JSON of the wrong shape: expected an object with a "data" array, got an array$/],
    ['an endpoint whose data is not an array', 'INDO', '{"data":{"rows":[]}}', /^INDO endpoint answered with JSON of the wrong shape: expected an object with a "data" array, got an object with key data$/],
  ])('%s', async (_name, dataset, body, message) => {
    const api = await stub(body);
    const [r] = await load(api.url, dataset);
    expect(r.failures).toHaveLength(1);
    const e = r.failures[0].error;
    expect(e).toBeInstanceOf(DataError);
    expect(e).not.toBeInstanceOf(TransientError);
    expect(e.exitCode).toBe(EXIT.data);
    expect(e.message).toMatch(message);
    expect(e.hint).toMatch(/changed the shape/);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]).toBe(dataset === 'FUELINST' ? '/datasets/FUELINST/stream' : '/datasets/INDO');
  });
});

describe('no JSON at all: transient, retried', () => {
  it.each([
    ['a cut-off stream', '[{"fuelType":"WIND","generation":1', 'application/json'],
    ['an HTML page', '<html><body>Service Unavailable</body></html>', 'text/html'],
  ])('%s', async (_name, body, type) => {
    const api = await stub(body, type);
    const [r] = await load(api.url, 'FUELINST');
    expect(r.failures[0].error).toBeInstanceOf(TransientError);
    expect(api.requests).toHaveLength(FAST_RETRY.attempts);
  });
});

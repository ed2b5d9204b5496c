// HTTP_PROXY / HTTPS_PROXY / NO_PROXY through createHttpClient, with a real local proxy (the `proxy`
// package): http:// targets as absolute-URI requests, https:// targets as CONNECT tunnels.
import { createServer } from 'node:http';
import { createProxy } from 'proxy';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/adapters/http.js';
import type { ProxyEnv } from '../../src/adapters/proxy.js';
import { NetworkError, UsageError } from '../../src/core/errors.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { closedPort, serveWith } from '../support/net.js';

const RETRY = { attempts: 2, baseDelayMs: 5, maxDelayMs: 50, budgetMs: 10_000 };
const PATH = '/datasets/FUELINST/stream';
const QUERY: [string, string][] = [['settlementDateFrom', '2025-10-27'], ['settlementDateTo', '2025-10-27']];
const decode = (body: string) => (JSON.parse(body) as unknown[]).length;

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 1, now: '2025-11-01T00:00:00Z' });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.requests.length = 0;
});

/** A proxy for this test, and what it was asked: `GET http://...` for a plain request, `CONNECT host:port` for a tunnel. */
async function startProxy(): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createProxy(createServer());
  server.prependListener('request', (req) => seen.push(`${req.method} ${req.url}`));
  server.prependListener('connect', (req) => seen.push(`CONNECT ${req.url}`));
  const { url } = await serveWith(server);
  return { url, seen };
}

const client = (base: string, proxy: ProxyEnv) => createHttpClient({ base, proxy, timeoutMs: 5_000, retry: RETRY, userAgent: 'bmrs-test' });

describe('an http:// base', () => {
  it('goes through HTTP_PROXY as an absolute-URI request, and the answer comes back', async () => {
    const proxy = await startProxy();
    const rows = await client(sim.url, { httpProxy: proxy.url }).fetch(PATH, QUERY, decode);
    expect(rows).toBe(5760);
    expect(proxy.seen).toEqual([`GET ${sim.url}${PATH}?settlementDateFrom=2025-10-27&settlementDateTo=2025-10-27`]);
    expect(sim.requests).toHaveLength(1);
  });

  it('ignores HTTPS_PROXY (that one is for https:// targets)', async () => {
    const proxy = await startProxy();
    await client(sim.url, { httpsProxy: proxy.url }).fetch(PATH, QUERY, decode);
    expect(proxy.seen).toEqual([]);
    expect(sim.requests).toHaveLength(1);
  });

  const port = () => new URL(sim.url).port;
  it.each([
    ['127.0.0.1', () => '127.0.0.1'],
    ['the host with its port', () => `127.0.0.1:${port()}`],
    ['a list with spaces and other hosts', () => 'example.com, 127.0.0.1 ,.internal'],
    ['*', () => '*'],
  ])('NO_PROXY %s bypasses the proxy', async (_name, noProxy) => {
    const proxy = await startProxy();
    const rows = await client(sim.url, { httpProxy: proxy.url, noProxy: noProxy() }).fetch(PATH, QUERY, decode);
    expect(rows).toBe(5760);
    expect(proxy.seen).toEqual([]);
    expect(sim.requests).toHaveLength(1);
  });

  it('NO_PROXY localhost bypasses it for http://localhost', async () => {
    const proxy = await startProxy();
    const base = sim.url.replace('127.0.0.1', 'localhost');
    await client(base, { httpProxy: proxy.url, noProxy: 'localhost' }).fetch(PATH, QUERY, decode);
    expect(proxy.seen).toEqual([]);
    expect(sim.requests).toHaveLength(1);
  });

  it('a NO_PROXY entry for another port or host does not bypass it', async () => {
    const proxy = await startProxy();
    await client(sim.url, { httpProxy: proxy.url, noProxy: `127.0.0.1:${(await closedPort())},localhost,0.0.1` }).fetch(PATH, QUERY, decode);
    expect(proxy.seen).toHaveLength(1);
  });

  it('a proxy that cannot be reached is a NetworkError naming the proxy and its variable', async () => {
    const port = await closedPort();
    const e = await client(sim.url, { httpProxy: `http://127.0.0.1:${port}` }).fetch(PATH, QUERY, decode).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NetworkError);
    expect((e as Error).message).toMatch(new RegExp(`^cannot reach the proxy 127\\.0\\.0\\.1:${port} \\(HTTP_PROXY\\) for 127\\.0\\.0\\.1:\\d+: .*ECONNREFUSED`));
    expect(sim.requests).toHaveLength(0);
  });

  it('a proxy value that is not a URL is a usage error', () => {
    expect(() => client(sim.url, { httpProxy: 'ftp://user:secret@proxy' })).toThrow(UsageError);
    expect(() => client(sim.url, { httpProxy: 'ftp://user:secret@proxy' })).toThrow(/HTTP_PROXY is not an http\(s\) proxy URL: ftp:\/\/\*\*\*@proxy$/);
  });
});

describe('an https:// base', () => {
  it('opens a CONNECT tunnel through HTTPS_PROXY (which resolves the host, not us); a refused tunnel is a NetworkError', async () => {
    const proxy = await startProxy();
    // The proxy cannot resolve this name and answers the CONNECT with 404, which the agent would
    // hand over as if the API had said it: it must not read as "the API refused /datasets/...".
    const api = client('https://bmrs-test.invalid/bmrs/api/v1', { httpsProxy: proxy.url });
    const e = await api.fetch(PATH, QUERY, decode).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NetworkError);
    expect((e as Error).message).toBe(
      `cannot reach bmrs-test.invalid through the proxy ${new URL(proxy.url).host} (HTTPS_PROXY): it refused the tunnel with HTTP 404; ` +
        'the base URL https://bmrs-test.invalid/bmrs/api/v1 comes from BMRS_API_BASE',
    );
    expect(proxy.seen).toEqual(['CONNECT bmrs-test.invalid:443', 'CONNECT bmrs-test.invalid:443']);
    // Found unreachable: the next fetch fails at once without asking the proxy again.
    await expect(api.fetch('/datasets/MID/stream', [], decode)).rejects.toBe(e);
    expect(proxy.seen).toHaveLength(2);
  });

  it('NO_PROXY with a parent domain bypasses the proxy (and the host itself then fails to resolve)', async () => {
    const proxy = await startProxy();
    const e = await client('https://api.bmrs-test.invalid', { httpsProxy: proxy.url, noProxy: 'bmrs-test.invalid' }).fetch(PATH, QUERY, decode).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NetworkError);
    expect((e as NetworkError).host).toBe('api.bmrs-test.invalid');
    expect(proxy.seen).toEqual([]);
  });
});

// A host that cannot be reached (no such name, nothing listening) is named as such, tried at most
// twice in all, and then fails every later request of the client at once with the same error.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/adapters/http.js';
import { EXIT, NetworkError, TransientError } from '../../src/core/errors.js';
import { countRequests, closedPort } from '../support/net.js';
import { days, runPipeline, tempDir, type TempDir } from '../support/pipeline.js';

/** The production policy's shape (6 attempts) with short delays: only the network rule can stop at 2. */
const RETRY = { attempts: 6, baseDelayMs: 5, maxDelayMs: 50, budgetMs: 60_000 };
const decode = (body: string) => body;

let counter: ReturnType<typeof countRequests>;
beforeEach(() => {
  counter = countRequests();
});
afterEach(() => counter.stop());

const targets: [string, () => Promise<{ base: string; host: string; codes: string[] }>][] = [
  ['an unresolvable host', async () => ({ base: 'http://bmrs-test.invalid/bmrs/api/v1', host: 'bmrs-test.invalid', codes: ['ENOTFOUND', 'EAI_AGAIN'] })],
  ['a closed port on 127.0.0.1', async () => {
    const port = await closedPort();
    return { base: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, codes: ['ECONNREFUSED'] };
  }],
];

describe.each(targets)('%s', (_name, target) => {
  it('createHttpClient: a NetworkError naming the host and the source, then no new attempt', async () => {
    const t = await target();
    const api = createHttpClient({ base: t.base, source: '--api-base', timeoutMs: 5_000, retry: RETRY, userAgent: 'bmrs-test' });
    const first = await api.fetch('/datasets/FUELINST/stream', [['from', '2025-10-01']], decode).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(NetworkError);
    expect(first).toBeInstanceOf(TransientError);
    const e = first as NetworkError;
    expect(e.exitCode).toBe(EXIT.transient);
    expect(t.codes).toContain(e.code);
    expect(e.host).toBe(t.host);
    expect(e.message).toContain(`cannot reach ${t.host}`);
    expect(e.message).toContain(`comes from --api-base`);
    expect(e.message).not.toMatch(/FUELINST|2025-10-01/);
    expect(e.hint).toMatch(/network.*proxy.*base URL \(--api-base\)/);
    const attemptsBefore = counter.hosts.length;
    expect(attemptsBefore).toBeGreaterThanOrEqual(1);
    expect(attemptsBefore).toBeLessThanOrEqual(2);

    // Every later fetch, whatever its path, fails at once with the very same error.
    for (const path of ['/datasets/MID/stream', '/datasets/FREQ', '/datasets/FUELINST/stream']) {
      await expect(api.fetch(path, [], decode)).rejects.toBe(first);
    }
    expect(counter.hosts.length).toBe(attemptsBefore);
  });

  it('the default source is BMRS_API_BASE', async () => {
    const t = await target();
    const api = createHttpClient({ base: t.base, timeoutMs: 5_000, retry: RETRY, userAgent: 'bmrs-test' });
    await expect(api.fetch('/datasets/FUELINST/stream', [], decode)).rejects.toThrow(/comes from BMRS_API_BASE$/);
  });

  describe('the ingest pipeline', () => {
    let tmp: TempDir;
    beforeEach(async () => {
      tmp = await tempDir();
    });
    afterEach(() => tmp.cleanup());

    it('30 days: every window fails with one NetworkError message, after 1-2 attempts in all', async () => {
      const t = await target();
      const [r] = await runPipeline({ api: t.base, db: tmp.db, datasets: ['FUELINST'], range: days('2025-10-01', '2025-10-31'), retry: RETRY });
      expect(r.windows).toBe(30);
      expect(r.inserted).toBe(0);
      expect(r.failures).toHaveLength(30);
      for (const f of r.failures) expect(f.error).toBeInstanceOf(NetworkError);
      expect(new Set(r.failures.map((f) => f.error.message)).size).toBe(1);
      expect(counter.hosts.length).toBeGreaterThanOrEqual(1);
      expect(counter.hosts.length).toBeLessThanOrEqual(2);
      expect(new Set(counter.hosts)).toEqual(new Set([t.host]));
    });
  });
});

it('a retry waits for an attempt already on the wire: two concurrent fetches make two attempts in all', async () => {
  // The first fetch fails and, while it backs off, a second fetch starts its first attempt. The
  // retry must not go out beside it: that attempt is the second try, and it condemns the host.
  const port = await closedPort();
  let second: Promise<unknown> | undefined;
  const api = createHttpClient({
    base: `http://127.0.0.1:${port}`, timeoutMs: 5_000, retry: RETRY, userAgent: 'bmrs-test',
    sleep: async () => {
      second ??= api.fetch('/b', [], decode).catch((e: unknown) => e);
    },
  });
  const first = await api.fetch('/a', [], decode).catch((e: unknown) => e);
  expect(first).toBeInstanceOf(NetworkError);
  expect(await second).toBe(first);
  expect(counter.hosts).toEqual([`127.0.0.1:${port}`, `127.0.0.1:${port}`]);
});

it('a retry policy of one attempt makes one network attempt', async () => {
  const port = await closedPort();
  const api = createHttpClient({ base: `http://127.0.0.1:${port}`, timeoutMs: 5_000, retry: { ...RETRY, attempts: 1 }, userAgent: 'bmrs-test' });
  await expect(api.fetch('/x', [], decode)).rejects.toBeInstanceOf(NetworkError);
  expect(counter.hosts).toEqual([`127.0.0.1:${port}`]);
});

// The Elexon API over got. Retries 429, 5xx, timeouts, resets and malformed 200 bodies with
// exponential backoff and full jitter, honours Retry-After, and never retries past a total budget:
// the old system turned every one of these into a silent gap. A 4xx other than 429 is terminal and
// quotes the API's own message; so is a JSON answer of the wrong shape (a DataError from decode).
// A host that cannot be reached at all is tried NETWORK_ATTEMPTS times in all across the client
// (plus any first attempts already in flight when the first one failed), then every fetch fails at
// once with the same NetworkError. Proxies: src/adapters/proxy.ts.
import { rm } from 'node:fs/promises';
import type { ClientRequest } from 'node:http';
import got, { RequestError, type Response } from 'got';
import { MalformedBodyError } from '../core/decode.js';
import { ApiError, type NetworkError, TransientError } from '../core/errors.js';
import type { ApiClient, BodyFile, ProxyEnv, RetryPolicy } from '../core/ports.js';
import { readText, writeBody } from './body-file.js';
import { NETWORK_ATTEMPTS, networkError, tunnelRefused } from './network.js';
import { proxyRoute } from './proxy.js';

export type { RetryPolicy };

export interface HttpOptions {
  readonly base: string;
  /** Where the base URL came from, named when its host cannot be reached. Default "BMRS_API_BASE". */
  readonly source?: string;
  /** HTTPS_PROXY, HTTP_PROXY, NO_PROXY as configured; none: direct connections. */
  readonly proxy?: ProxyEnv;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly userAgent: string;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

type Attempt<T> =
  | { ok: true; value: T }
  | { ok: false; reason: string; retryAfterMs?: number; terminal?: Error; unreachable?: NetworkError };

export function createHttpClient(opts: HttpOptions): ApiClient {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = opts.random ?? Math.random;
  const base = opts.base.replace(/\/+$/, '');
  const route = proxyRoute(base, opts.proxy);
  const destination = { base, source: opts.source ?? 'BMRS_API_BASE', proxy: route?.proxy };
  /** Set once the host is found unreachable: every later fetch fails with it at once. */
  let unreachable: NetworkError | undefined;
  /** Consecutive attempts of any fetch that could not reach the host. */
  let networkFailures = 0;
  const networkLimit = Math.min(NETWORK_ATTEMPTS, opts.retry.attempts);
  /** Attempts on the wire now: while the host is suspect, a retry waits for them to settle first. */
  const inFlight = new Set<Promise<unknown>>();
  /**
   * One rate budget for every window of the run: after a 429, no request of this client starts
   * before the wait the API asked for (or the backoff) is over, so one 429 slows every window.
   */
  let pausedUntil = 0;

  const request = { timeout: { request: opts.timeoutMs }, retry: { limit: 0 }, throwHttpErrors: false, agent: route?.agent, headers: { 'user-agent': opts.userAgent, accept: 'application/json' } } as const;

  /** What a response that is not a 2xx body means: retry it (429, 5xx), or fail with the API's message. */
  function refused<T>(url: string, status: number, headers: Record<string, string | string[] | undefined>, text: string): Attempt<T> {
    if (RETRY_STATUS.has(status)) return { ok: false, reason: `HTTP ${status}`, retryAfterMs: parseRetryAfter(headers['retry-after']) };
    return { ok: false, reason: `HTTP ${status}`, terminal: apiError(url, status, text) };
  }

  /** Runs one attempt: a malformed body and a host that cannot be reached become outcomes, not throws. */
  async function settle<T>(task: () => Promise<Attempt<T>>): Promise<Attempt<T>> {
    try {
      return await task();
    } catch (e) {
      if (e instanceof MalformedBodyError) return { ok: false, reason: e.message, terminal: e };
      if (e instanceof RequestError) return { ok: false, reason: describeRequestError(e), unreachable: networkError(e.code, destination, e) };
      throw e;
    }
  }

  /** A proxy that refused the tunnel (its CONNECT answer) makes the host unreachable. */
  function tunnel<T>(res: Response): Attempt<T> | undefined {
    const status = route?.refusedTunnel((res as unknown as { req?: ClientRequest }).req);
    return status === undefined ? undefined : { ok: false, reason: `proxy refused the tunnel: HTTP ${status}`, unreachable: tunnelRefused(status, { ...destination, proxy: route!.proxy }) };
  }

  const attempt = <T>(url: string, decode: (body: string, type: string) => T): Promise<Attempt<T>> =>
    settle(async () => {
      const res = await got(url, { ...request, responseType: 'text' });
      const refusedTunnel = tunnel<T>(res);
      if (refusedTunnel) return refusedTunnel;
      if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, value: decode(res.body, String(res.headers['content-type'] ?? '')) };
      return refused(url, res.statusCode, res.headers, res.body);
    });

  /** One attempt of `download`: a 2xx body streams to the file through the hash (body-file.ts). */
  const attemptDownload = (url: string, file: string, check: (b: BodyFile) => Promise<void>): Promise<Attempt<BodyFile>> =>
    settle(async () => {
      const stream = got.stream(url, request);
      const res = await new Promise<Response>((ok, fail) => {
        stream.once('response', ok);
        stream.once('error', fail);
      });
      const refusedTunnel = tunnel<BodyFile>(res);
      if (refusedTunnel) {
        stream.destroy();
        return refusedTunnel;
      }
      if (res.statusCode >= 200 && res.statusCode < 300) {
        const body = await writeBody(stream, file, String(res.headers['content-type'] ?? ''));
        await check(body);
        return { ok: true, value: body };
      }
      return refused(url, res.statusCode, res.headers, await readText(stream));
    });

  /** The retry loop of fetch and download around one kind of attempt. */
  async function retrying<T>(path: string, query: ReadonlyArray<readonly [string, string]>, once: (url: string) => Promise<Attempt<T>>): Promise<T> {
    const url = `${base}${path}?${new URLSearchParams(query as [string, string][]).toString()}`;
    const started = Date.now();
    let last = '';
    for (let n = 1; ; n++) {
      if (unreachable) throw unreachable;
      // A first attempt waits out a pause another window's 429 set; a retry waits below.
      const paused = n === 1 ? pausedUntil - Date.now() : 0;
      if (paused > 0) await sleep(paused);
      // After a network failure, one attempt at a time: an attempt already on the wire is as good
      // a retry as a new one, so wait for its outcome (it may condemn the host, or clear it).
      while (networkFailures > 0 && inFlight.size > 0) {
        await Promise.allSettled([...inFlight]);
        if (unreachable) throw unreachable;
      }
      // The count (and the verdict) is taken as the attempt settles, before anyone waiting on it resumes.
      const pending = once(url).then((r) => {
        networkFailures = !r.ok && r.unreachable ? networkFailures + 1 : 0;
        if (!r.ok && r.unreachable && networkFailures >= networkLimit) unreachable ??= r.unreachable;
        return r;
      });
      inFlight.add(pending);
      const r = await pending.finally(() => inFlight.delete(pending));
      if (r.ok) return r.value;
      last = r.reason;
      // A malformed body is retried (truncation, a proxy's error page) but reported as what it is.
      if (r.terminal && !(r.terminal instanceof MalformedBodyError)) throw r.terminal;
      const backoff = Math.min(opts.retry.maxDelayMs, opts.retry.baseDelayMs * 2 ** (n - 1)) * random();
      const elapsed = Date.now() - started;
      if (r.unreachable) {
        // Not the API failing: one short retry in all (a blip), then the whole client gives up.
        const wait = Math.min(backoff, opts.retry.baseDelayMs);
        if (unreachable || n >= opts.retry.attempts || elapsed + wait > opts.retry.budgetMs) {
          throw (unreachable ??= r.unreachable);
        }
        await sleep(wait);
        continue;
      }
      const wait = Math.max(backoff, r.retryAfterMs ?? 0);
      if (last === 'HTTP 429') pausedUntil = Math.max(pausedUntil, Date.now() + wait);
      const until = Math.max(wait, pausedUntil - Date.now());
      if (n < opts.retry.attempts && r.retryAfterMs !== undefined && elapsed + r.retryAfterMs > opts.retry.budgetMs) {
        throw retryAfterTooLong(path, last, r.retryAfterMs, elapsed, opts.retry.budgetMs);
      }
      if (n >= opts.retry.attempts || elapsed + wait > opts.retry.budgetMs) {
        // A body that stayed malformed (an HTML error page, a truncation) is still a failure to
        // get an answer, not a wrong answer: transient, like the other exhausted retries.
        throw new TransientError(`${path}: gave up after ${n} attempt${n === 1 ? '' : 's'} in ${((Date.now() - started) / 1000).toFixed(1)}s (last: ${last})`, {
          hint: 'the API is failing or rate limiting; nothing from this window was loaded, run again later',
        });
      }
      await sleep(until);
    }
  }

  return {
    base,
    fetch: (path, query, decode) => retrying(path, query, (url) => attempt(url, decode)),
    download: (path, query, file, check) =>
      retrying(path, query, (url) => attemptDownload(url, file, check)).catch(async (e: unknown) => {
        await rm(file, { force: true });
        throw e;
      }),
  };
}

/** The API asked for a pause longer than what is left of the budget: fail now rather than sleep. */
function retryAfterTooLong(path: string, status: string, waitMs: number, elapsedMs: number, budgetMs: number): TransientError {
  const secs = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;
  const wait = `${Math.ceil(waitMs / 1000)} s`;
  const limit = waitMs > budgetMs ? `the retry budget of ${secs(budgetMs)}` : `the ${secs(Math.max(0, budgetMs - elapsedMs))} left of the retry budget of ${secs(budgetMs)}`;
  return new TransientError(`${path}: ${status}, and the API asked us to wait ${wait} (Retry-After), more than ${limit}`, {
    hint: 'nothing from this window was loaded; run again after that wait (BMRS_RETRY_BUDGET_MS sets the budget)',
  });
}

function parseRetryAfter(v: string | string[] | undefined): number | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return undefined;
  if (/^\d+$/.test(s.trim())) return Number(s.trim()) * 1000;
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function describeRequestError(e: RequestError): string {
  if (e.code === 'ETIMEDOUT') return `timed out (${e.message})`;
  return `${e.code ?? e.name}: ${e.message}`;
}

/** A 4xx: quote the API's own message (ASP.NET ProblemDetails `errors`, or `title`). */
function apiError(url: string, status: number, body: string): ApiError {
  let message = body.trim() === '' ? '(empty body)' : body.slice(0, 300);
  try {
    const p = JSON.parse(body) as { title?: string; errors?: Record<string, string[]> };
    const details = p.errors ? Object.values(p.errors).flat() : [];
    message = details.length ? details.join('; ') : (p.title ?? message);
  } catch {
    /* not JSON: keep the text */
  }
  const path = new URL(url).pathname;
  return new ApiError(`the API refused ${path} with HTTP ${status}: ${message}`, status, {
    hint: status === 404 ? 'check BMRS_API_BASE and the dataset registry' : 'the request was invalid for this endpoint; this is a bmrs bug if it persists',
  });
}

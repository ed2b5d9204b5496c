// The interfaces the core needs from the outside world. Adapters implement them; tests pass real ones.
import type { Window } from './windows.js';

export interface Clock {
  /** UTC epoch milliseconds. */
  now(): number;
  /** UTC epoch microseconds, for `_ingested_utc`. */
  nowMicros(): bigint;
  /** A monotonic reading in milliseconds, for durations only. */
  monotonic(): number;
}

/** How the API client retries transient failures (read from the environment by src/config.ts). */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** No retry starts later than this after the first attempt. */
  readonly budgetMs: number;
}

/** Proxy settings as the environment gives them (read by src/config.ts; src/adapters/proxy.ts decides). */
export interface ProxyEnv {
  readonly httpProxy?: string;
  readonly httpsProxy?: string;
  readonly noProxy?: string;
}

/**
 * Fetches a response body. Retries transient failures itself, including a body `decode` cannot
 * parse (MalformedBodyError); a body of the wrong shape (DataError) is final.
 */
export interface ApiClient {
  readonly base: string;
  fetch<T>(path: string, query: ReadonlyArray<readonly [string, string]>, decode: (body: string, contentType: string) => T): Promise<T>;
}

/** Keeps raw response bodies so a table can be rebuilt offline. */
export interface Archive {
  save(window: Window, body: string): Promise<void>;
}

// The interfaces the core needs from the outside world. Adapters implement them; tests pass real ones.
import type { KeySet } from './digest.js';
import type { StagedRows, TableHandle } from './store.js';
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
  /**
   * Like fetch, but writes a 2xx body to `file` as it arrives (never held in memory whole) and
   * answers what a cheap check needs; `check` throws MalformedBodyError for a body to fetch again.
   * A download that fails removes the file. Optional: a client without it is asked with fetch.
   */
  download?(path: string, query: ReadonlyArray<readonly [string, string]>, file: string, check: (body: BodyFile) => Promise<void>): Promise<BodyFile>;
}

/** A response body written to a file by `ApiClient.download`. */
export interface BodyFile {
  readonly file: string;
  readonly contentType: string;
  /** SHA-256 (hex) of the body's bytes: bodyHash of its text (core/digest.ts) for a body in valid UTF-8. */
  readonly hash: string;
  /** The first bytes (up to 64 KiB) and last bytes (up to 64) as text. */
  readonly head: string;
  readonly tail: string;
  /** Whether a \f or \v byte occurs anywhere in the body. */
  readonly controls: boolean;
  /** The whole body as text, read from the file. */
  text(): Promise<string>;
  /** Removes the file (idempotent). */
  remove(): Promise<void>;
}

/** Keeps raw response bodies so a table can be rebuilt offline. */
export interface Archive {
  save(window: Window, body: string): Promise<void>;
}

/** One window's rows verified, sanitised and hashed outside the JS thread, staged for the store. */
export interface StagedWindow {
  readonly staged: StagedRows;
  readonly bounds: { readonly column: string; readonly min: string; readonly max: string } | null;
  readonly fetched: number;
  readonly outside: number;
  readonly repeated: number;
  readonly revisions: number;
  /** Distinct natural keys per settlement period of the kept rows, and the members of the day's set (completeness). */
  readonly periodKeys: ReadonlyMap<number, number> | null;
  readonly members: number;
  /** The kept rows' keys (core/digest.ts). */
  readonly keys: KeySet;
  /** Removes the staged file; call once the store has written it (or failed to). */
  dispose(): Promise<void>;
}

/**
 * Does a window's row work from its raw body (src/transform: DuckDB SQL). Answers `fallback` when
 * it cannot be exact for this body or table; the runner then takes the JS path, the reference.
 */
export interface WindowTransform {
  /** The body as text, or as a file (`download`) that the caller removes once the window is done. */
  prepare(window: Window, table: TableHandle, body: string | BodyFile, ingestedMicros: bigint): Promise<StagedWindow | { readonly fallback: string }>;
  /** A fresh path in the transform's scratch folder, for a body to download to (optional). */
  bodyFile?(): string;
  /** Times the transform had the allocators give their free memory back (src/sinks/duckdb-governor.ts). */
  memoryPurges?(): number;
  close(): Promise<void>;
}

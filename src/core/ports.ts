// The interfaces the core needs from the outside world. Adapters implement them; tests pass real ones.
import type { Column, DatasetSpec } from './datasets.js';
import type { Cell } from './rows.js';
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

/** Fetches a response body. Retries transient failures itself; `decode` failures count as transient too. */
export interface ApiClient {
  readonly base: string;
  fetch<T>(path: string, query: ReadonlyArray<readonly [string, string]>, decode: (body: string, contentType: string) => T): Promise<T>;
}

/** A row ready to store: its cells in the order of `Batch.columns`. */
export type StoredRow = readonly Cell[];

export interface Batch {
  readonly window: Window;
  /** The table's columns: content columns in registry order, then the eight metadata columns. */
  readonly columns: readonly Column[];
  /** Distinct by `_hash_key`. */
  readonly rows: readonly StoredRow[];
  /** Inclusive bounds of the batch's partition column (settlementDate or event time), for a bounded anti-join. */
  readonly bounds: { readonly column: string; readonly min: Cell; readonly max: Cell } | null;
}

export interface WriteResult {
  readonly inserted: number;
  /** Rows already stored with the same `_hash_key`. */
  readonly skipped: number;
}

/** A destination. Every write is atomic: a batch is stored whole or not at all. */
export interface Sink {
  readonly name: string;
  ensureTable(dataset: DatasetSpec): Promise<void>;
  write(batch: Batch): Promise<WriteResult>;
  close(): Promise<void>;
}

/** Keeps raw response bodies so a table can be rebuilt offline. */
export interface Archive {
  save(window: Window, body: string): Promise<void>;
}

// Public and shared types of the Elexon simulator.

interface FaultBase {
  /** How many matching requests the fault affects; omitted = every one until cleared. */
  count?: number;
  /** Substring of the request URL (path and query) the fault is limited to. */
  path?: string;
}

/** A fault switch. See docs/simulator.md for what each kind does. */
export type Fault = FaultBase &
  (
    | { kind: 'status'; status: number }
    | { kind: 'rate-limit'; retryAfter?: number }
    | { kind: 'delay'; ms: number }
    | { kind: 'hold'; after?: number }
    | { kind: 'truncate'; bytes?: number }
    | { kind: 'malformed' | 'html' | 'out-of-window' | 'extra-field' | 'type-drift' | 'ignore-window' }
  );

export type FaultKind = Fault['kind'];

export interface RequestLogEntry {
  method: string;
  /** Path without the query string, as sent. */
  path: string;
  /** Query parameters; a repeated key becomes an array (like node:querystring). */
  query: Record<string, string | string[]>;
  status: number;
  /** Body bytes written (for a truncated answer: the bytes sent before the socket was cut). */
  bytes: number;
  durationMs: number;
}

export interface SimulatorOptions {
  port?: number;
  host?: string;
  seed?: number;
  /** The simulator's clock: epoch ms or an ISO instant. Fixed, it does not advance. Default: real clock. */
  now?: number | string;
  /** Replay directory: DIR/<CODE>/*.json[.gz] instead of generated data. */
  dataDir?: string;
  faults?: Fault[];
  /** Called with each log entry as soon as its status is known (bytes and duration still growing). */
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface Simulator {
  /** Base URL to use as BMRS_API_BASE, e.g. http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  /** Live request log (admin requests excluded); the same array for the simulator's lifetime. */
  requests: RequestLogEntry[];
  /** Replaces the active faults; null clears them. Requests already held stay held until release(). */
  setFault(f: Fault | Fault[] | null): void;
  /**
   * Answers every request held by a `hold` fault (they go on as if never held) and clears the
   * `hold` faults, so later requests pass. Returns how many were held.
   */
  release(): number;
  /** How many requests a `hold` fault is holding now (a client that gave up is no longer held). */
  readonly held: number;
  /** Moves the simulator's clock (epoch ms or ISO instant); undefined returns to the real clock. */
  setNow(now: number | string | undefined): void;
  /** Stops the server; requests still held are let go and their sockets destroyed. */
  close(): Promise<void>;
}

/** Settlement date and period a row belongs to (the API's settlementDate/settlementPeriod). */
export interface SettlementRef {
  date: string;
  period: number;
}

/**
 * An inclusive request window. Event bounds filter on the dataset's event time; settlement bounds
 * compare (settlementDate, settlementPeriod) lexicographically; scanLo/scanHi bound the event times a
 * source must look at (a superset of the matching rows).
 */
export interface Window {
  eventLo?: number;
  eventHi?: number;
  sdLo?: SettlementRef;
  sdHi?: SettlementRef;
  periods?: ReadonlySet<number>;
  /** Row-field filters such as fuelType=WIND (any of the values). */
  filters: ReadonlyArray<{ field: string; values: readonly string[] }>;
  scanLo: number;
  scanHi: number;
}

/**
 * Receives rows as JSON text in API key order. A row is `head + tail`: rows of one instant share
 * their head (the same string), so a writer can encode it once per instant, not once per row.
 */
export interface RowOut {
  row(head: string, tail: string): void;
}

/** Where rows come from: generated or replayed. */
export interface RowSource {
  /**
   * Writes the rows in the window (and not after `now`) to `out`, newest first, yielding after each
   * event instant so the caller can flush. Field filters are the caller's job.
   */
  scan(w: Window, now: number, out: RowOut): Iterable<void>;
  /** Newest event time at or before now, for endpoints whose default is "the latest publication". */
  latest(now: number): number | undefined;
}

// One error tree for the whole tool. Each known error carries an exit code, whether trying again
// later may help, and a hint for the user. src/cli/main.ts prints known errors as one clear line
// (plus the hint) and re-throws anything else as a bug with its stack.

export const EXIT = Object.freeze({
  ok: 0,
  findings: 1,
  usage: 2,
  data: 65,
  internal: 70,
  transient: 75,
});

export abstract class BmrsError extends Error {
  abstract readonly exitCode: number;
  abstract readonly retryable: boolean;
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Bad input or configuration: a bad date, an unknown dataset, a missing credential. Exit 2. */
export class UsageError extends BmrsError {
  readonly exitCode = EXIT.usage;
  readonly retryable = false;
}

/** The data failed verification: malformed body, rows outside the window, a value that does not fit. Exit 65. */
export class DataError extends BmrsError {
  readonly exitCode = EXIT.data;
  readonly retryable = false;
}

/** The API refused the request (a 4xx such as a too-wide window): retrying the same request cannot help. Exit 65. */
export class ApiError extends BmrsError {
  readonly exitCode = EXIT.data;
  readonly retryable = false;
  constructor(
    message: string,
    readonly status: number,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** Worth trying again later: 429, 5xx, timeouts, resets after retries ran out; a lock held by another run. Exit 75. */
export class TransientError extends BmrsError {
  readonly exitCode = EXIT.transient;
  readonly retryable = true;
}

/**
 * The API's host (or the proxy) cannot be reached at all: its name does not resolve, or nothing
 * answers on its port. Exit 75. The message names the host and where its URL came from but no path
 * or window, so it is the same for every window of a run and can be printed once.
 */
export class NetworkError extends TransientError {
  constructor(
    message: string,
    readonly host: string,
    readonly code: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** Something that should not happen (a sink refusing a well-formed batch, a broken invariant). Exit 70. */
export class InternalError extends BmrsError {
  readonly exitCode = EXIT.internal;
  readonly retryable = false;
}

/** The store is held by another process (a writer, or readers while we want to write) past our bounded wait. Exit 75. */
export class StoreBusyError extends TransientError {}

/** An existing table whose columns we cannot write correctly; nothing was written. Exit 65. */
export class SchemaConflictError extends DataError {}

/** The store failed (disk full, I/O error, a driver error): the real message, exit 70. */
export class StoreFailure extends InternalError {}

/**
 * The store takes nothing more in this process (DuckDB refused a commit, src/sinks/duckdb-stop.ts):
 * the run stops, and the windows not done yet fail with it without asking the API. Exit 70.
 */
export class StoreStopped extends StoreFailure {}

export function isBmrsError(e: unknown): e is BmrsError {
  return e instanceof BmrsError;
}

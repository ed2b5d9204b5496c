// A host that cannot be reached at all (its name does not resolve, nothing listens, no route) is not
// the API failing: say so, name the host and where its URL came from, and let the client stop asking.
import { NetworkError } from '../core/errors.js';

const UNREACHABLE: Readonly<Record<string, string>> = {
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be looked up (no answer from DNS)',
  ECONNREFUSED: 'the connection was refused (nothing listens on that port)',
  EHOSTUNREACH: 'there is no route to the host',
  ENETUNREACH: 'the network is unreachable',
};

/** Attempts in all for a request whose host cannot be reached, whatever the retry policy allows. */
export const NETWORK_ATTEMPTS = 2;

export interface Destination {
  /** The base URL. */
  readonly base: string;
  /** Where the base URL came from: "BMRS_API_BASE", "--api-base". */
  readonly source: string;
}

/**
 * The NetworkError for an error code that means the host cannot be reached, else undefined. Its
 * message has no path or window in it: every request of the run gets the same one.
 */
export function networkError(code: string | undefined, to: Destination, cause: unknown): NetworkError | undefined {
  const what = code === undefined ? undefined : UNREACHABLE[code];
  if (what === undefined) return undefined;
  const base = new URL(to.base);
  return build(`cannot reach ${base.host}: ${what} (${code})`, base.host, code!, to, cause);
}

function build(message: string, host: string, code: string, to: Destination, cause: unknown): NetworkError {
  const base = new URL(to.base);
  const shown = `${base.origin}${base.pathname === '/' ? '' : base.pathname}`;
  return new NetworkError(`${message}; the base URL ${shown} comes from ${to.source}`, host, code, {
    cause,
    hint: `check the network connection, the proxy settings and the base URL (${to.source}); nothing was loaded from the windows that failed, run again when the host can be reached`,
  });
}

// A host that cannot be reached at all (its name does not resolve, nothing listens, no route) is not
// the API failing: say so, name the host and where its URL came from, and let the client stop asking.
import { NetworkError } from '../core/errors.js';
import type { ProxyChoice } from './proxy.js';

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
  readonly proxy?: ProxyChoice;
}

/**
 * The NetworkError for an error code that means the host cannot be reached, else undefined. Its
 * message has no path or window in it: every request of the run gets the same one.
 */
export function networkError(code: string | undefined, to: Destination, cause: unknown): NetworkError | undefined {
  const what = code === undefined ? undefined : UNREACHABLE[code];
  if (what === undefined) return undefined;
  const base = new URL(to.base);
  // Through a proxy, the proxy resolves the API's host: an unreachable host here is the proxy.
  const message = to.proxy
    ? `cannot reach the proxy ${to.proxy.url.host} (${to.proxy.variable}) for ${base.host}: ${what} (${code})`
    : `cannot reach ${base.host}: ${what} (${code})`;
  return build(message, to.proxy ? to.proxy.url.host : base.host, code!, to, cause);
}

/** The proxy answered the CONNECT for an https:// base with another status than 200. */
export function tunnelRefused(status: number, to: Destination & { proxy: ProxyChoice }): NetworkError {
  const base = new URL(to.base);
  const message = `cannot reach ${base.host} through the proxy ${to.proxy.url.host} (${to.proxy.variable}): it refused the tunnel with HTTP ${status}`;
  return build(message, base.host, `CONNECT ${status}`, to, undefined);
}

function build(message: string, host: string, code: string, to: Destination, cause: unknown): NetworkError {
  const base = new URL(to.base);
  const shown = `${base.origin}${base.pathname === '/' ? '' : base.pathname}`;
  return new NetworkError(`${message}; the base URL ${shown} comes from ${to.source}`, host, code, {
    cause,
    hint: `check the network connection, the proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) and the base URL (${to.source}); nothing was loaded from the windows that failed, run again when the host can be reached`,
  });
}

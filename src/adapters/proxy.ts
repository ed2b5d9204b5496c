// Proxy support for the HTTP client: HTTPS_PROXY, HTTP_PROXY and NO_PROXY (src/config.ts reads
// them). http:// targets go through the proxy as absolute-URI requests (http-proxy-agent), https://
// targets through a CONNECT tunnel (https-proxy-agent).
import type { ClientRequest } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';
import type { Agents } from 'got';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { UsageError } from '../core/errors.js';
import type { ProxyEnv } from '../core/ports.js';

/** The proxy variables as set (the lower-case form wins, as with curl); unset or empty is undefined. */
export type { ProxyEnv };

export interface ProxyChoice {
  readonly url: URL;
  /** The variable it came from, for messages. */
  readonly variable: 'HTTP_PROXY' | 'HTTPS_PROXY';
}

export interface ProxyRoute {
  readonly proxy: ProxyChoice;
  /** got's `agent` option. */
  readonly agent: Agents;
  /**
   * The status with which the proxy refused to open a tunnel for this request (https:// only). The
   * agent then hands the proxy's answer to the request as if the API had sent it.
   */
  refusedTunnel(req: ClientRequest | undefined): number | undefined;
}

/** How requests to `base` go out: through a proxy (its agent), or undefined for a direct connection. */
export function proxyRoute(base: string, env: ProxyEnv | undefined): ProxyRoute | undefined {
  const target = new URL(base);
  const proxy = env && proxyFor(target, env);
  if (!proxy) return undefined;
  const options = { keepAlive: true };
  if (target.protocol !== 'https:') return { proxy, agent: { http: new HttpProxyAgent(proxy.url, options) }, refusedTunnel: () => undefined };
  const agent = new HttpsProxyAgent(proxy.url, options);
  const refused = new WeakMap<ClientRequest, number>();
  agent.on('proxyConnect', (connect: { statusCode: number }, req: ClientRequest) => {
    if (connect.statusCode !== 200) refused.set(req, connect.statusCode);
  });
  return {
    proxy,
    // agent-base's Agent serves https requests (it tunnels, then starts TLS) though typed as http.Agent.
    agent: { https: agent as unknown as HttpsAgent },
    refusedTunnel: (req) => (req ? refused.get(req) : undefined),
  };
}

/** The proxy for requests to `target`: HTTPS_PROXY for https, HTTP_PROXY for http, unless NO_PROXY excludes the target. */
export function proxyFor(target: URL, env: ProxyEnv): ProxyChoice | undefined {
  const https = target.protocol === 'https:';
  const text = (https ? env.httpsProxy : env.httpProxy)?.trim();
  if (!text || bypasses(target, env.noProxy)) return undefined;
  const variable = https ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  let url: URL | undefined;
  try {
    url = new URL(text.includes('://') ? text : `http://${text}`);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new UsageError(`${variable} is not an http(s) proxy URL: ${text.replace(/\/\/[^@/]*@/, '//***@')}`, {
      hint: `for example ${variable}=http://proxy.example.com:3128, or unset it`,
    });
  }
  return { url, variable };
}

/**
 * NO_PROXY as curl reads it: host names separated by commas or spaces, each matching itself and every
 * host under it (`example.com` and `.example.com` both match `api.example.com`; a leading `*.` is
 * ignored too); an IP address matches only itself; `host:port` limits an entry to that port;
 * `*` alone turns the proxy off for every host. Case-insensitive.
 */
export function bypasses(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy?.trim()) return false;
  const host = bare(target.hostname);
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  return noProxy.split(/[\s,]+/).some((raw) => {
    const entry = splitPort(raw.trim().toLowerCase());
    if (!entry || (entry.port !== undefined && entry.port !== port)) return false;
    if (entry.host === '*') return true;
    const name = entry.host.replace(/^\*?\.*/, '');
    if (name === '') return false;
    if (isIP(host) || isIP(name)) return host === name;
    return host === name || host.endsWith(`.${name}`);
  });
}

/** `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address. */
function splitPort(entry: string): { host: string; port?: number } | undefined {
  if (entry === '') return undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (v6) return { host: v6[1], port: v6[2] === undefined ? undefined : Number(v6[2]) };
  if (isIP(entry) === 6) return { host: entry };
  const m = /^([^:]*)(?::(\d+))?$/.exec(entry);
  if (!m) return undefined;
  return { host: bare(m[1]), port: m[2] === undefined ? undefined : Number(m[2]) };
}

/** Lower case, without IPv6 brackets or a trailing dot. */
function bare(host: string): string {
  return host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

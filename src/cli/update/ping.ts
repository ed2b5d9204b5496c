// The optional monitoring ping, in the healthchecks.io convention: GET <url>/start when a cycle
// starts, <url> when it succeeded, <url>/fail when it failed. A ping never fails the cycle: it has a
// short timeout, and what went wrong is returned for a warning in the log.
export const PING_TIMEOUT_MS = 5_000;

export type PingKind = 'start' | 'success' | 'fail';

export function pingUrlOf(base: string, kind: PingKind): string {
  const url = base.replace(/\/+$/, '');
  return kind === 'success' ? url : `${url}/${kind}`;
}

/** Sends the ping; resolves null when it was answered with 2xx, else a short reason (never throws). */
export async function ping(base: string, kind: PingKind, timeoutMs = PING_TIMEOUT_MS): Promise<string | null> {
  try {
    const res = await fetch(pingUrlOf(base, kind), { signal: AbortSignal.timeout(timeoutMs), headers: { 'user-agent': 'bmrs-update' } });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok ? null : `HTTP ${res.status}`;
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
    // The cause's code (ECONNREFUSED, ENOTFOUND) says it in one word; fetch's own message is "fetch failed".
    return err.cause?.code ?? err.message;
  }
}

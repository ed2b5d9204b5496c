// One rate budget for every window of a run: after a 429 with Retry-After, no request of the same
// client starts before the wait is over, not only the retry of the window that got the 429.
import { expect, it } from 'vitest';
import { createHttpClient } from '../../src/adapters/http.js';
import { sleepRecorder, useSimulatorAndStore } from '../support/pipeline.js';

const ctx = useSimulatorAndStore({ now: '2025-11-01T00:00:00Z' });
const day = (d: string): [string, string][] => [['settlementDateFrom', d], ['settlementDateTo', d]];

it('a 429 for one window makes the next window wait too', async () => {
  const { waits, sleep } = sleepRecorder();
  const api = createHttpClient({
    base: ctx.sim.url,
    timeoutMs: 5_000,
    retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 50, budgetMs: 600_000 },
    userAgent: 'bmrs-test',
    sleep,
  });
  ctx.sim.setFault({ kind: 'rate-limit', retryAfter: 300, count: 1 });
  const rows = (body: string) => (JSON.parse(body) as unknown[]).length;
  expect(await api.fetch('/datasets/FUELINST/stream', day('2025-10-20'), rows)).toBe(5760);
  // The recorder does not pass time: the pause the API asked for (300 s) is still ahead, so the
  // next window's first request waits for it instead of going out at once.
  expect(await api.fetch('/datasets/FUELINST/stream', day('2025-10-21'), rows)).toBe(5760);
  expect(waits).toHaveLength(2);
  expect(waits[0]).toBe(300_000);
  expect(waits[1]).toBeGreaterThan(290_000);
  expect(ctx.sim.requests.map((r) => r.status)).toEqual([429, 200, 200]);
});

// The system clock, or a fixed instant (BMRS_NOW) for tests and reproducible runs.
import { performance } from 'node:perf_hooks';
import type { Clock } from '../core/ports.js';

export function systemClock(): Clock {
  return {
    now: () => Date.now(),
    nowMicros: () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)),
    monotonic: () => performance.now(),
  };
}

/** A clock stopped at `ms`; durations still advance so reports stay honest. */
export function fixedClock(ms: number): Clock {
  return { now: () => ms, nowMicros: () => BigInt(ms) * 1000n, monotonic: () => performance.now() };
}

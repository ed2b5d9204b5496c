// Deterministic noise as a pure function of time: a sum of seeded sines (smooth) and an integer hash
// (discrete choices). No sequential RNG, so a row's values never depend on how the window was asked.

/** mulberry32: only used to draw the fixed phases and weights of a noise channel from the seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOUR = 3_600_000;

/**
 * Smooth noise in [-1, 1] with components of the given periods (hours). Each channel of each seed
 * gets its own phases, so different series drift independently.
 */
export function smoothNoise(seed: number, channel: number, periodsHours: readonly number[]): (ms: number) => number {
  const r = rng(seed * 7919 + channel * 104729 + 17);
  const omegas = periodsHours.map((p) => (2 * Math.PI) / (p * HOUR));
  const phases = periodsHours.map(() => r() * 2 * Math.PI);
  const weights = periodsHours.map(() => 0.5 + r());
  const total = weights.reduce((a, b) => a + b, 0);
  const n = omegas.length;
  return (ms: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += weights[i] * Math.sin(omegas[i] * ms + phases[i]);
    return s / total;
  };
}

/** A hash of (seed, channel, ms) in [0, 1). */
export function hash01(seed: number, channel: number, ms: number): number {
  const sec = Math.floor(ms / 1000);
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(channel + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (sec >>> 0), 0x27d4eb2f);
  h = Math.imul(h ^ Math.floor(sec / 4294967296), 0x165667b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

const YEAR_MS = 365.2425 * 24 * HOUR;
const MID_JANUARY = Date.UTC(2000, 0, 15);

/** 1 in mid-January, -1 in mid-July. */
export function winterness(ms: number): number {
  return Math.cos((2 * Math.PI * (ms - MID_JANUARY)) / YEAR_MS);
}

/** Demand-like daily shape in [0, 1] of the local hour: trough around 04:00, peak around 17:30. */
export function dailyShape(localHour: number): number {
  const h = ((localHour % 24) + 24) % 24;
  const morning = Math.exp(-((h - 9) ** 2) / 18);
  const evening = Math.exp(-((h - 17.5) ** 2) / 8);
  const night = Math.exp(-((h - 4) ** 2) / 6);
  return Math.min(1, Math.max(0, 0.35 + 0.45 * morning + 0.6 * evening - 0.35 * night));
}

/** Solar-like shape in [0, 1] of the local hour, wider in summer. */
export function solarShape(localHour: number, ms: number): number {
  const half = 5 - 2 * winterness(ms);
  const x = (localHour - 13) / half;
  return Math.abs(x) >= 1 ? 0 : Math.cos((x * Math.PI) / 2) ** 2;
}

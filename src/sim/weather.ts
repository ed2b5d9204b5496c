// The shared physical picture behind the generated datasets: demand, wind and solar as smooth
// functions of time, and the fuel mix that follows from them.
import { dailyShape, smoothNoise, solarShape, winterness } from './noise.js';

/** FUELINST fuel types in API order (A..Z). */
export const FUEL_TYPES = [
  'BIOMASS', 'CCGT', 'COAL', 'INTELEC', 'INTEW', 'INTFR', 'INTGRNL', 'INTIFA2', 'INTIRL', 'INTNED',
  'INTNEM', 'INTNSL', 'INTVKL', 'NPSHYD', 'NUCLEAR', 'OCGT', 'OIL', 'OTHER', 'PS', 'WIND',
] as const;

const IDX = Object.fromEntries(FUEL_TYPES.map((f, i) => [f, i])) as Record<(typeof FUEL_TYPES)[number], number>;

/** Interconnector capacity (MW) and usual direction (positive: importing to GB). */
const INTERCONNECTORS: ReadonlyArray<[keyof typeof IDX, number, number]> = [
  ['INTELEC', 1000, 0.3], ['INTEW', 500, -0.2], ['INTFR', 2000, 0.4], ['INTGRNL', 500, 0.1],
  ['INTIFA2', 1000, 0.3], ['INTIRL', 500, -0.3], ['INTNED', 1000, 0.2], ['INTNEM', 1000, 0.2],
  ['INTNSL', 1400, 0.6], ['INTVKL', 1400, 0.3],
];

export interface Weather {
  readonly seed: number;
  /** GB transmission demand (MW) at an instant with its local hour of day. */
  demand(ms: number, localHour: number): number;
  /** Total metered wind (MW), drifting over hours and days. */
  wind(ms: number): number;
  /** Solar (MW). */
  solar(ms: number, localHour: number): number;
  /** Fills `out` with the 20 FUELINST generation values (integers, MW) in FUEL_TYPES order. */
  mix(ms: number, localHour: number, out: number[]): void;
  /** A smooth noise channel of this seed. */
  noise(channel: number, periodsHours: readonly number[]): (ms: number) => number;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

export function createWeather(seed: number): Weather {
  const noise = (channel: number, periods: readonly number[]) => smoothNoise(seed, channel, periods);
  const demandNoise = noise(1, [5, 17, 71]);
  const windNoise = noise(2, [131, 59, 23, 9]);
  const solarNoise = noise(3, [7, 29]);
  const nuclearNoise = noise(4, [1200, 500]);
  const biomassNoise = noise(5, [40, 150]);
  const hydroNoise = noise(6, [90, 300]);
  const otherNoise = noise(7, [20, 60]);
  const psNoise = noise(8, [11, 37]);
  const icNoise = INTERCONNECTORS.map((_, i) => noise(20 + i, [19 + i, 47 + 3 * i, 6 + i / 2]));

  const demand = (ms: number, h: number): number =>
    21000 + 3500 * (winterness(ms) + 1) + 14000 * dailyShape(h) + 1500 * demandNoise(ms);
  const wind = (ms: number): number => clamp(11000 + 9500 * windNoise(ms) + 2000 * winterness(ms), 250, 22000);
  const solar = (ms: number, h: number): number =>
    12000 * solarShape(h, ms) * (0.75 - 0.25 * winterness(ms)) * (0.7 + 0.3 * solarNoise(ms));

  function mix(ms: number, h: number, out: number[]): void {
    const d = demand(ms, h);
    const shape = dailyShape(h);
    const w = wind(ms);
    out.length = FUEL_TYPES.length;
    out.fill(0);
    out[IDX.WIND] = Math.round(w);
    out[IDX.NUCLEAR] = Math.round(4300 + 250 * nuclearNoise(ms));
    out[IDX.BIOMASS] = Math.round(clamp(1900 + 700 * biomassNoise(ms) + 400 * shape, 300, 3300));
    out[IDX.NPSHYD] = Math.round(clamp(380 + 250 * hydroNoise(ms) + 120 * winterness(ms), 40, 1100));
    out[IDX.OTHER] = Math.round(190 + 60 * otherNoise(ms));
    out[IDX.OCGT] = d > 41000 ? Math.round((d - 41000) * 0.08) : 0;
    // Pumped storage pumps (negative) at night and generates into the evening peak.
    out[IDX.PS] = Math.round(h < 6 ? -(950 + 600 * psNoise(ms)) : Math.max(0, (shape - 0.6) * 4500 + 250 * psNoise(ms)));
    // Interconnectors export (negative) when wind is high and import into the peak.
    for (let i = 0; i < INTERCONNECTORS.length; i++) {
      const [code, cap, bias] = INTERCONNECTORS[i];
      const x = clamp(bias + 0.6 * icNoise[i](ms) - 0.5 * (w / 22000 - 0.4) + 0.3 * (shape - 0.5), -1, 1);
      out[IDX[code]] = Math.round(cap * x);
    }
    let rest = 0;
    for (let i = 0; i < out.length; i++) rest += out[i];
    out[IDX.CCGT] = Math.round(clamp(d - rest, 1200, 28000));
  }

  return { seed, demand, wind, solar, mix, noise };
}

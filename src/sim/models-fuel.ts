// FUELINST (every 5 minutes) and FUELHH (every settlement period): 20 fuel types per instant.
import { HOUR_MS, MINUTE_MS, PERIOD_MS, toIsoZ } from '../core/calendar.js';
import type { Model, SettlementInfo } from './generate.js';
import type { RowOut } from './types.js';
import { FUEL_TYPES, type Weather } from './weather.js';

function fuelModel(code: string, intervalMs: number, w: Weather): Model {
  const values: number[] = [];
  const head = `{"dataset":"${code}","publishTime":"`;
  const suffixes = FUEL_TYPES.map((f) => `${f}","generation":`);
  return {
    // publishTime = startTime + interval; both lie on the interval grid.
    grid: { stepMs: intervalMs, offsetMs: 0 },
    lagMs: 0,
    refOffsetMs: intervalMs,
    render(t: number, ref: SettlementInfo | null, out: RowOut): void {
      if (!ref) return;
      const start = t - intervalMs;
      const prefix = `${head}${toIsoZ(t)}","startTime":"${toIsoZ(start)}","settlementDate":"${ref.date}","settlementPeriod":${ref.period},"fuelType":"`;
      // FUELHH is the period's average: sample the middle of the period.
      const at = start + intervalMs / 2;
      w.mix(at, (at - ref.dayStartMs) / HOUR_MS, values);
      for (let i = 0; i < suffixes.length; i++) out.row(prefix, `${suffixes[i]}${values[i]}}`);
    },
  };
}

export function fuelModels(w: Weather): Record<string, Model> {
  return { FUELINST: fuelModel('FUELINST', 5 * MINUTE_MS, w), FUELHH: fuelModel('FUELHH', PERIOD_MS, w) };
}

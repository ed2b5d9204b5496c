// Generated data: each dataset is a Model (an event-time grid plus a row renderer), served through
// one RowSource. Rows are rendered as JSON text directly; settlement fields are computed once per
// instant with a per-day cache, never per row, and never with luxon in the loop.
import { addDays, PERIOD_MS, settlementDateOf, settlementDayStart, DAY_MS } from '../core/calendar.js';
import { eventMatches, settlementMatches } from './query.js';
import type { RowOut, RowSource, Window } from './types.js';
import { fuelModels } from './models-fuel.js';
import { marketModels } from './models-market.js';
import { miscModels } from './models-misc.js';
import { createWeather } from './weather.js';

/** Settlement date and period of a row's reference instant, with the local day's start. */
export interface SettlementInfo {
  date: string;
  period: number;
  dayStartMs: number;
  /** The reference instant itself (e.g. a FUELINST startTime). */
  refMs: number;
}

export interface Model {
  /** Event instants on a UTC grid: offsetMs + k * stepMs. */
  readonly grid?: { readonly stepMs: number; readonly offsetMs: number };
  /** Or explicit event instants in [lo, hi], newest first. */
  instants?(lo: number, hi: number): number[];
  /** A row exists once its event time + lagMs is not after the simulator's now. */
  readonly lagMs: number;
  /** Rows belong to the settlement period containing eventMs - refOffsetMs; null when they carry none. */
  readonly refOffsetMs: number | null;
  /** Pushes the rows of one event instant, in the API's order (natural key ascending). */
  render(eventMs: number, ref: SettlementInfo | null, out: RowOut): void;
}

export type ModelSet = Readonly<Record<string, Model>>;

export function createModels(seed: number): ModelSet {
  const weather = createWeather(seed);
  return { ...fuelModels(weather), ...marketModels(weather), ...miscModels(weather) };
}

/** Settlement date/period lookups with a one-day cache: instants are visited in order. */
export class SettlementClock {
  private start = NaN;
  private end = NaN;
  private date = '';

  of(ms: number): SettlementInfo {
    if (!(ms >= this.start && ms < this.end)) {
      this.date = settlementDateOf(ms);
      this.start = settlementDayStart(this.date);
      this.end = settlementDayStart(addDays(this.date, 1));
    }
    return { date: this.date, period: Math.floor((ms - this.start) / PERIOD_MS) + 1, dayStartMs: this.start, refMs: ms };
  }
}

function* gridInstants(step: number, offset: number, lo: number, hi: number): Generator<number> {
  for (let t = Math.floor((hi - offset) / step) * step + offset; t >= lo; t -= step) yield t;
}

export class GeneratedSource implements RowSource {
  constructor(private readonly model: Model) {}

  private instants(lo: number, hi: number): Iterable<number> {
    const m = this.model;
    if (m.grid) return gridInstants(m.grid.stepMs, m.grid.offsetMs, lo, hi);
    return m.instants ? m.instants(lo, hi) : [];
  }

  *scan(w: Window, now: number, out: RowOut): Generator<void> {
    const m = this.model;
    const hi = Math.min(w.scanHi, now - m.lagMs);
    const lo = w.scanLo;
    if (!(hi >= lo)) return;
    const clock = new SettlementClock();
    for (const t of this.instants(lo, hi)) {
      if (!eventMatches(w, t)) continue;
      let ref: SettlementInfo | null = null;
      if (m.refOffsetMs !== null) {
        ref = clock.of(t - m.refOffsetMs);
        if (!settlementMatches(w, ref.date, ref.period)) continue;
      }
      m.render(t, ref, out);
      yield;
    }
  }

  latest(now: number): number | undefined {
    const m = this.model;
    const hi = now - m.lagMs;
    if (m.grid) return Math.floor((hi - m.grid.offsetMs) / m.grid.stepMs) * m.grid.stepMs + m.grid.offsetMs;
    return m.instants?.(hi - 40 * DAY_MS, hi)[0];
  }
}

// FREQ (every 15 s), INDO/ITSDO (per period), TEMP (daily), WINDFOR (hourly forecasts published
// every 3 hours) and WIND_SOLAR_GEN (per period, three PSR types).
import { DateTime } from 'luxon';
import { addDays, HOUR_MS, LONDON, PERIOD_MS, settlementDateOf, toIsoZ } from '../core/calendar.js';
import * as fmt from './format.js';
import type { Model, SettlementInfo } from './generate.js';
import { hash01, winterness } from './noise.js';
import type { Weather } from './weather.js';

const PER_PERIOD = { stepMs: PERIOD_MS, offsetMs: 0 } as const;
const hourOf = (ref: SettlementInfo): number => (ref.refMs - ref.dayStartMs) / HOUR_MS;

function freq(w: Weather): Model {
  const drift = w.noise(200, [0.9, 0.31, 0.05, 0.013]);
  return {
    grid: { stepMs: 15_000, offsetMs: 0 },
    lagMs: 0,
    refOffsetMs: null,
    render(t, _ref, out) {
      const f = 50 + 0.07 * drift(t) + 0.012 * (hash01(w.seed, 201, t) - 0.5);
      out.row('', `{"dataset":"FREQ","measurementTime":"${toIsoZ(t)}","frequency":${fmt.float(f, 3)}}`);
    },
  };
}

function demandOutturn(code: string, w: Weather, transmission: boolean): Model {
  const extra = w.noise(transmission ? 211 : 210, [9, 31]);
  return {
    // Published when the period ends: publishTime = startTime + 30 min.
    grid: PER_PERIOD,
    lagMs: 0,
    refOffsetMs: PERIOD_MS,
    render(t, ref, out) {
      if (!ref) return;
      const start = t - PERIOD_MS;
      const national = 0.93 * w.demand(start + PERIOD_MS / 2, hourOf(ref) + 0.25) - 400 * extra(t);
      const demand = transmission ? national + 1400 + 500 * extra(t) : national;
      out.row('', 
        `{"dataset":"${code}","publishTime":"${toIsoZ(t)}","startTime":"${toIsoZ(start)}",` +
          `"settlementDate":"${ref.date}","settlementPeriod":${ref.period},"demand":${fmt.int(demand)}}`,
      );
    },
  };
}

/** 17:00 London time on a local date (published "from 5pm each day"). */
const publishAt = new Map<string, number>();
function tempPublish(date: string): number {
  let ms = publishAt.get(date);
  if (ms === undefined) {
    ms = DateTime.fromISO(`${date}T17:00:00`, { zone: LONDON }).toMillis();
    publishAt.set(date, ms);
  }
  return ms;
}

function temp(w: Weather): Model {
  const weather = w.noise(220, [60, 170, 400]);
  return {
    instants(lo, hi) {
      const out: number[] = [];
      const first = settlementDateOf(lo);
      for (let d = settlementDateOf(hi); d >= first; d = addDays(d, -1)) {
        const t = tempPublish(d);
        if (t >= lo && t <= hi) out.push(t);
      }
      return out;
    },
    lagMs: 0,
    refOffsetMs: null,
    render(t, _ref, out) {
      const date = settlementDateOf(t);
      const celsius = 10.5 - 6 * winterness(t) + 3 * weather(t);
      out.row('', `{"dataset":"TEMP","measurementDate":"${date}","publishTime":"${toIsoZ(t)}","temperature":${fmt.float(celsius, 2)}}`);
    },
  };
}

function windfor(w: Weather): Model {
  const error = w.noise(230, [5, 17]);
  return {
    grid: { stepMs: 3 * HOUR_MS, offsetMs: PERIOD_MS },
    lagMs: 0,
    refOffsetMs: null,
    render(t, _ref, out) {
      const pub = toIsoZ(t);
      const first = Math.ceil((t + 1) / HOUR_MS) * HOUR_MS;
      for (let k = 0; k < 48; k++) {
        const start = first + k * HOUR_MS;
        const g = w.wind(start) * (1.12 + (0.02 + k / 400) * error(start + t / 7));
        out.row('', `{"dataset":"WINDFOR","publishTime":"${pub}","startTime":"${toIsoZ(start)}","generation":${fmt.int(g)}}`);
      }
    },
  };
}

function windSolar(w: Weather): Model {
  return {
    // B1630 for a period is published about an hour after it starts.
    grid: PER_PERIOD,
    lagMs: HOUR_MS,
    refOffsetMs: 0,
    render(t, ref, out) {
      if (!ref) return;
      const head = `{"publishTime":"${toIsoZ(t + HOUR_MS)}","businessType":"`;
      const tail = `,"startTime":"${toIsoZ(t)}","settlementDate":"${ref.date}","settlementPeriod":${ref.period}}`;
      const wind = w.wind(t + PERIOD_MS / 2);
      const solar = w.solar(t + PERIOD_MS / 2, hourOf(ref) + 0.25);
      out.row('', `${head}Solar generation","psrType":"Solar","quantity":${fmt.float(solar, 3)}${tail}`);
      out.row('', `${head}Wind generation","psrType":"Wind Offshore","quantity":${fmt.float(wind * 0.62, 3)}${tail}`);
      out.row('', `${head}Wind generation","psrType":"Wind Onshore","quantity":${fmt.float(wind * 0.38 + 150, 3)}${tail}`);
    },
  };
}

export function miscModels(w: Weather): Record<string, Model> {
  return {
    FREQ: freq(w),
    INDO: demandOutturn('INDO', w, false),
    ITSDO: demandOutturn('ITSDO', w, true),
    TEMP: temp(w),
    WINDFOR: windfor(w),
    WIND_SOLAR_GEN: windSolar(w),
  };
}

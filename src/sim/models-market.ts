// Market datasets per settlement period: MID (two providers), BOD and BOALF (a few BM units),
// NETBSAD (one row) and DISBSAD (one to three actions).
import { HOUR_MS, MINUTE_MS, PERIOD_MS, toIsoZ } from '../core/calendar.js';
import * as fmt from './format.js';
import type { Model, SettlementInfo } from './generate.js';
import { dailyShape, hash01 } from './noise.js';
import type { Weather } from './weather.js';

const PER_PERIOD = { stepMs: PERIOD_MS, offsetMs: 0 } as const;
const hourOf = (ref: SettlementInfo): number => (ref.refMs - ref.dayStartMs) / HOUR_MS;

/** BM units in bmUnit order (A..Z), with capacity (MW) and price level (GBP/MWh). */
const UNITS: ReadonlyArray<{ bm: string; ng: string; cap: number; price: number }> = [
  { bm: 'T_ABRBO-1', ng: 'ABRBO-1', cap: 100, price: 35 },
  { bm: 'T_CRUA-1', ng: 'CRUA-1', cap: 110, price: 95 },
  { bm: 'T_DRAXX-1', ng: 'DRAXX-1', cap: 645, price: 120 },
  { bm: 'T_PEMB-11', ng: 'PEMB-11', cap: 460, price: 105 },
];

function mid(w: Weather): Model {
  const priceNoise = w.noise(30, [13, 61]);
  const volumeNoise = w.noise(31, [7, 23]);
  return {
    grid: PER_PERIOD,
    lagMs: PERIOD_MS,
    refOffsetMs: 0,
    render(t, ref, out) {
      if (!ref) return;
      const h = hourOf(ref);
      const price = 40 + 65 * dailyShape(h) + 20 * priceNoise(t) - 30 * (w.wind(t) / 22000);
      const volume = 700 + 1600 * dailyShape(h) + 300 * volumeNoise(t);
      const head = `{"dataset":"MID","startTime":"${toIsoZ(t)}","dataProvider":"`;
      const tail = `","settlementDate":"${ref.date}","settlementPeriod":${ref.period},"price":`;
      out.row('', `${head}APXMIDP${tail}${fmt.float(price, 2)},"volume":${fmt.float(volume, 2)}}`);
      // N2EX mostly reports 0.0 / 0.0, as in the captured sample.
      const n2ex = hash01(w.seed, 32, t) < 0.1;
      const nPrice = n2ex ? price + 2 * (hash01(w.seed, 33, t) - 0.5) : 0;
      const nVolume = n2ex ? 40 + 200 * hash01(w.seed, 34, t) : 0;
      out.row('', `${head}N2EXMIDP${tail}${fmt.float(nPrice, 2)},"volume":${fmt.float(nVolume, 2)}}`);
    },
  };
}

function bod(w: Weather): Model {
  const pairs = [-2, -1, 1, 2];
  return {
    grid: PER_PERIOD,
    lagMs: 0,
    refOffsetMs: 0,
    render(t, ref, out) {
      if (!ref) return;
      const from = toIsoZ(t);
      const to = toIsoZ(t + PERIOD_MS);
      const shift = 10 * dailyShape(hourOf(ref));
      UNITS.forEach((u, ui) => {
        for (const p of pairs) {
          const level = Math.round((p * u.cap) / 4 + hash01(w.seed, 40 + ui, t) * 4);
          const offer = u.price + shift + 8 * p + 3 * hash01(w.seed, 50 + ui, t);
          const bid = offer - 6 - 4 * Math.abs(p);
          out.row('', 
            `{"dataset":"BOD","settlementDate":"${ref.date}","settlementPeriod":${ref.period},"timeFrom":"${from}",` +
              `"levelFrom":${level},"timeTo":"${to}","levelTo":${level},"pairId":${p},"offer":${fmt.float(offer, 2)},` +
              `"bid":${fmt.float(bid, 2)},"nationalGridBmUnit":"${u.ng}","bmUnit":"${u.bm}"}`,
          );
        }
      });
    },
  };
}

function boalf(w: Weather): Model {
  return {
    // One set of acceptances per period, timeFrom 10 minutes into it; acceptanceTime 5 minutes before.
    grid: { stepMs: PERIOD_MS, offsetMs: 10 * MINUTE_MS },
    lagMs: 0,
    refOffsetMs: 0,
    render(t, ref, out) {
      if (!ref) return;
      const index = Math.floor(t / PERIOD_MS);
      UNITS.forEach((u, ui) => {
        if (ui > 0 && hash01(w.seed, 60 + ui, t) < 0.5) return;
        const levelFrom = Math.round(u.cap * (0.3 + 0.4 * hash01(w.seed, 70 + ui, t)));
        const levelTo = Math.round(levelFrom * (0.6 + 0.3 * hash01(w.seed, 80 + ui, t)));
        const so = hash01(w.seed, 90 + ui, t) < 0.3;
        out.row('', 
          `{"dataset":"BOALF","settlementDate":"${ref.date}","settlementPeriodFrom":${ref.period},` +
            `"settlementPeriodTo":${ref.period},"timeFrom":"${toIsoZ(t)}","timeTo":"${toIsoZ(t + 15 * MINUTE_MS)}",` +
            `"levelFrom":${levelFrom},"levelTo":${levelTo},"acceptanceNumber":${(index % 10_000_000) * 4 + ui},` +
            `"acceptanceTime":"${toIsoZ(t - 5 * MINUTE_MS)}","deemedBoFlag":false,"soFlag":${so},"amendmentFlag":"ORI",` +
            `"storFlag":false,"rrFlag":false,"nationalGridBmUnit":"${u.ng}","bmUnit":"${u.bm}"}`,
        );
      });
    },
  };
}

function netbsad(w: Weather): Model {
  return {
    grid: PER_PERIOD,
    lagMs: PERIOD_MS,
    refOffsetMs: 0,
    render(t, ref, out) {
      if (!ref) return;
      const active = hash01(w.seed, 100, t) < 0.3;
      const v = (ch: number, scale: number): string => fmt.float(active ? scale * hash01(w.seed, ch, t) : 0, 2);
      out.row('', 
        `{"dataset":"NETBSAD","settlementDate":"${ref.date}","settlementPeriod":${ref.period},` +
          `"netBuyPriceCostAdjustmentEnergy":${v(101, 5000)},"netBuyPriceVolumeAdjustmentEnergy":${v(102, 60)},` +
          `"netBuyPriceVolumeAdjustmentSystem":${v(103, 40)},"buyPricePriceAdjustment":0.0,` +
          `"netSellPriceCostAdjustmentEnergy":${v(104, -3000)},"netSellPriceVolumeAdjustmentEnergy":${v(105, -50)},` +
          `"netSellPriceVolumeAdjustmentSystem":${v(106, -30)},"sellPricePriceAdjustment":0.0}`,
      );
    },
  };
}

const PARTIES: ReadonlyArray<[string, string]> = [
  ['ElectroRoute Energy Trading Limited', 'ING-ELTR1'],
  ['National Grid Electricity System Operator', 'TRADE-SO'],
  ['Statkraft Markets GmbH', 'ING-STKR1'],
];

function disbsad(w: Weather): Model {
  return {
    grid: PER_PERIOD,
    lagMs: PERIOD_MS,
    refOffsetMs: 0,
    render(t, ref, out) {
      if (!ref) return;
      const n = 1 + Math.floor(hash01(w.seed, 110, t) * 3);
      const base = Math.floor(t / PERIOD_MS) * 3;
      for (let k = 0; k < n; k++) {
        const [party, asset] = PARTIES[(k + Math.floor(hash01(w.seed, 111, t) * 3)) % 3];
        const volume = (hash01(w.seed, 112 + k, t) - 0.4) * 200;
        const cost = volume * (60 + 80 * hash01(w.seed, 120 + k, t));
        out.row('', 
          `{"dataset":"DISBSAD","settlementDate":"${ref.date}","settlementPeriod":${ref.period},"id":${base + k},` +
            `"cost":${fmt.float(cost, 2)},"volume":${fmt.float(volume, 3)},"soFlag":true,"storFlag":false,` +
            `"partyId":"${party}","assetId":"${asset}","isTendered":${k % 2 === 0},"service":"Energy"}`,
        );
      }
    },
  };
}

export function marketModels(w: Weather): Record<string, Model> {
  return { MID: mid(w), BOD: bod(w), BOALF: boalf(w), NETBSAD: netbsad(w), DISBSAD: disbsad(w) };
}

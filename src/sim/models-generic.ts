// Rows for any registry dataset without a hand-written model, from its generated description: the
// registry's rate (a batch every N minutes, one row per member of its set column) and nested rows,
// and the row fields as the simulator reads them from the OpenAPI document (types, date or
// date-time). Values are plausible, not realistic: times follow the event instant, settlement
// fields its settlement period, numbers a seeded hash, strings a small pool per field.
// Rows are published PUBLISH_DELAY_MS after the time they describe: where the endpoint filters on
// publish time (read from the document's parameters, not the registry), the publish time is the
// instant and the other times lie before it; elsewhere publishTime lies after the instant. So a
// registry that names the wrong event time sees rows outside its window near the window's ends.
import { DAY_MS, HOUR_MS, MINUTE_MS, PERIOD_MS, toIsoZ } from '../core/calendar.js';
import type { DatasetSpec } from '../core/datasets.js';
import * as fmt from './format.js';
import type { Model, SettlementInfo } from './generate.js';
import { hash01 } from './noise.js';
import type { Endpoint, FieldShape } from './openapi.js';

/** How long after the time it describes a generic row is published. */
export const PUBLISH_DELAY_MS = HOUR_MS;

const POOLS: Readonly<Record<string, readonly string[]>> = {
  bmUnit: ['T_ABRBO-1', 'T_CRUA-1', 'T_DRAXX-1', 'T_PEMB-11'],
  nationalGridBmUnit: ['ABRBO-1', 'CRUA-1', 'DRAXX-1', 'PEMB-11'],
  fuelType: ['CCGT', 'NUCLEAR', 'WIND', 'BIOMASS'],
  psrType: ['Biomass', 'Fossil Gas', 'Nuclear', 'Solar', 'Wind Offshore', 'Wind Onshore'],
  boundary: ['N', 'B1', 'B2', 'B3'],
  flowDirection: ['Up', 'Down'],
  region: ['North', 'South', 'Midlands'],
  biddingZone: ['10YGB----------A'],
  tradingUnitName: ['TU_ALPHA', 'TU_BRAVO', 'TU_CHARLIE'],
  settlementRunType: ['II', 'SF', 'R1'],
  businessType: ['Production', 'Consumption'],
  warningType: ['SYSTEM WARNINGS', 'ELECTRICITY MARGIN NOTICE'],
  amendmentFlag: ['ORI'],
};

const END_NAMES = /(^timeTo$|endTime$|EndTime$|^effectiveTo$)/;
const ID_NAMES = /(id$|^mrid$|identification$|^documentId$|^bidId$)/i;

export function genericModel(spec: DatasetSpec, endpoint: Endpoint | undefined, seed: number): Model | undefined {
  const rate = spec.rate;
  if (!rate) return undefined;
  const fields = endpoint?.fields ?? [];
  // The instant is the publish time when the endpoint filters on it; then what the row describes came earlier.
  const byPublish = endpoint?.publishWindow === true;
  const timeOf = (name: string, t: number): number => {
    if (name === 'publishTime') return byPublish ? t : t + PUBLISH_DELAY_MS;
    const described = byPublish ? t - PUBLISH_DELAY_MS : t;
    return END_NAMES.test(name) ? described + PERIOD_MS : described;
  };
  const stepMs = rate.everyMinutes * MINUTE_MS;
  const nested = spec.nested?.field;
  const setColumn = rate.setColumn;
  // Daily batches at 12:00 UTC: inside exactly one settlement day, whatever the clock change.
  const offsetMs = stepMs >= DAY_MS ? 12 * HOUR_MS : 0;
  const value = (f: FieldShape, t: number, ref: SettlementInfo, k: number, channel: number): string => {
    if (f.name === 'dataset') return fmt.str(spec.code);
    if (f.type === 'array') return `[${f.items ? obj(f.items, t, ref, k, channel * 31) : ''}]`;
    if (f.type === 'integer') return String(integer(f.name, t, ref, k, seed, channel));
    if (f.type === 'number') return fmt.float(1000 * hash01(seed, channel, t + k * 1000) - 100, 3);
    if (f.type === 'boolean') return String(hash01(seed, channel, t + k * 1000) < 0.5);
    if (f.format === 'date') return fmt.str(ref.date);
    if (f.format === 'date-time') return fmt.str(toIsoZ(timeOf(f.name, t)));
    const pool = POOLS[f.name];
    if (pool) return fmt.str(pool[k % pool.length]);
    if (ID_NAMES.test(f.name)) return fmt.str(`${f.name.toUpperCase()}-${ref.date}-${ref.period}-${k + 1}`);
    return fmt.str(`${f.name} ${k + 1}`);
  };
  const obj = (fs: readonly FieldShape[], t: number, ref: SettlementInfo, k: number, channel: number): string =>
    `{${fs.map((f, i) => `${fmt.str(f.name)}:${value(f, t, ref, k, channel + i)}`).join(',')}}`;
  return {
    grid: { stepMs, offsetMs },
    lagMs: 0,
    refOffsetMs: byPublish ? PUBLISH_DELAY_MS : 0,
    render(t, ref, out) {
      if (!ref) return;
      if (nested) {
        // One row per instant holding the set as its nested array.
        const inner = fields.find((f) => f.name === nested)?.items ?? [];
        const outer = fields.map((f, i) =>
          f.name === nested
            ? `${fmt.str(f.name)}:[${Array.from({ length: rate.rows }, (_, k) => obj(inner, t, ref, k, 100)).join(',')}]`
            : `${fmt.str(f.name)}:${value(f, t, ref, 0, i)}`,
        );
        out.row('', `{${outer.join(',')}}`);
        return;
      }
      for (let k = 0; k < rate.rows; k++) out.row('', obj(fields, t, ref, setColumn ? k : 0, 1));
    },
  };
}

function integer(name: string, t: number, ref: SettlementInfo, k: number, seed: number, channel: number): number {
  if (/settlementPeriod/i.test(name)) return ref.period;
  const d = new Date(t);
  if (/year/i.test(name)) return d.getUTCFullYear();
  if (/month/i.test(name)) return d.getUTCMonth() + 1;
  if (/week/i.test(name)) return Math.floor((t - Date.UTC(d.getUTCFullYear(), 0, 1)) / (7 * DAY_MS)) + 1;
  if (/revision|sequence|serial/i.test(name)) return 1;
  return Math.round(1000 * hash01(seed, channel, t + k * 1000));
}

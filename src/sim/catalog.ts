// Simulator-only facts about each registry dataset: the endpoint's default window when none of its
// own window parameters is given, and the row filters its endpoint takes. Everything else (paths,
// parameters, columns, limits) comes from the registry in src/core/datasets.ts.
import { DATASETS, type DatasetSpec } from '../core/datasets.js';
import { DAY_MS } from '../core/calendar.js';

export type DefaultWindow = { readonly spanMs: number } | { readonly latest: true };

export interface SimDataset {
  readonly spec: DatasetSpec;
  readonly defaultWindow: DefaultWindow;
  /** Query parameter -> row field, e.g. fuelType -> fuelType (repeatable, any of the values). */
  readonly filters: Readonly<Record<string, string>>;
}

const DEFAULTS: Readonly<Record<string, DefaultWindow>> = {
  TEMP: { spanMs: 31 * DAY_MS }, // "Default output will be the last 31 days."
  WINDFOR: { latest: true }, // "otherwise this will retrieve the latest published forecast"
};

const FILTERS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  FUELINST: { fuelType: 'fuelType' },
  FUELHH: { fuelType: 'fuelType' },
  MID: { dataProviders: 'dataProvider' },
  BOD: { bmUnit: 'bmUnit' },
  BOALF: { bmUnit: 'bmUnit' },
};

export const SIM_DATASETS: readonly SimDataset[] = DATASETS.map((spec) => ({
  spec,
  defaultWindow: DEFAULTS[spec.code] ?? { spanMs: DAY_MS },
  filters: FILTERS[spec.code] ?? {},
}));

interface Route {
  readonly ds: SimDataset;
  readonly stream: boolean;
}

const ROUTES = new Map<string, Route>();
for (const ds of SIM_DATASETS) {
  ROUTES.set(ds.spec.path.toLowerCase(), { ds, stream: false });
  if (ds.spec.stream) ROUTES.set(`${ds.spec.path}/stream`.toLowerCase(), { ds, stream: true });
}

/** The dataset endpoint a request path names; the real API matches paths case-insensitively. */
export function routeOf(pathname: string): Route | undefined {
  let p = pathname.toLowerCase();
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return ROUTES.get(p);
}

export function simDataset(code: string): SimDataset | undefined {
  return SIM_DATASETS.find((d) => d.spec.code === code);
}

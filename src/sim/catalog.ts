// The simulator's routes: every registry dataset (its rows: columns, rate, nested rows) served at
// the endpoints the OpenAPI document describes, with the window semantics the simulator reads from
// the document itself (openapi.ts), not from the client's registry.
import { DATASETS, type DatasetSpec } from '../core/datasets.js';
import { DAY_MS } from '../core/calendar.js';
import { endpoints, type Endpoint } from './openapi.js';

export type DefaultWindow = { readonly spanMs: number } | { readonly latest: true };

export interface SimDataset {
  readonly spec: DatasetSpec;
  readonly defaultWindow: DefaultWindow;
}

export interface Route {
  readonly ds: SimDataset;
  readonly stream: boolean;
  readonly endpoint: Endpoint;
  /** Query parameter -> row field it filters on (string fields only), e.g. dataProviders -> dataProvider. */
  readonly filters: Readonly<Record<string, string>>;
  /** Values of the path's {parameters}. */
  readonly pathValues: Readonly<Record<string, string>>;
}

// Defaults when no window parameter is given, from the endpoints' descriptions.
const DEFAULTS: Readonly<Record<string, DefaultWindow>> = {
  TEMP: { spanMs: 31 * DAY_MS }, // "Default output will be the last 31 days."
  WINDFOR: { latest: true }, // "otherwise this will retrieve the latest published forecast"
};

export const SIM_DATASETS: readonly SimDataset[] = DATASETS.map((spec) => ({ spec, defaultWindow: DEFAULTS[spec.code] ?? { spanMs: DAY_MS } }));

interface Template {
  readonly re: RegExp;
  readonly names: string[];
  readonly ds: SimDataset;
  readonly endpoint: Endpoint;
  readonly filters: Record<string, string>;
}

const TEMPLATES: Template[] = [];
for (const ds of SIM_DATASETS) {
  for (const path of [ds.spec.path, `${ds.spec.path}/stream`]) {
    const endpoint = endpoints().get(path);
    if (!endpoint) continue;
    const names: string[] = [];
    const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, n: string) => {
      names.push(n);
      return '([^/]+)';
    });
    TEMPLATES.push({ re: new RegExp(`^${source}$`, 'i'), names, ds, endpoint, filters: filtersOf(endpoint) });
  }
}

/** Query parameters that name a string row field (or its plural), such as fuelType, bmUnit, dataProviders. */
function filtersOf(e: Endpoint): Record<string, string> {
  const out: Record<string, string> = {};
  const fields = new Map(e.fields.filter((f) => f.type === 'string' && !f.format).map((f) => [f.name.toLowerCase(), f.name]));
  for (const p of e.params) {
    const field = fields.get(p.toLowerCase()) ?? fields.get(p.toLowerCase().replace(/s$/, ''));
    if (field && !/^settlement|^format$/i.test(p)) out[p] = field;
  }
  return out;
}

/** The endpoint a request path names; the real API matches paths case-insensitively. */
export function routeOf(pathname: string): Route | undefined {
  let p = pathname;
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  for (const t of TEMPLATES) {
    const m = t.re.exec(p);
    if (!m) continue;
    const pathValues = Object.fromEntries(t.names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
    return { ds: t.ds, stream: t.endpoint.stream, endpoint: t.endpoint, filters: t.filters, pathValues };
  }
  return undefined;
}

export function simDataset(code: string): SimDataset | undefined {
  return SIM_DATASETS.find((d) => d.spec.code === code);
}

// The simulator's own reading of the OpenAPI document (spec/openapi-insights-2026-08.json): which
// parameters each endpoint takes, which are required, its documented maximum range, whether it
// offers CSV, and the format of each row field. It shares nothing with the client's registry
// derivation (src/core/registry), so a wrong fact there shows up as a wrong request here.
import { readFileSync } from 'node:fs';

interface Param { name: string; in: string; required?: boolean; description?: string }
interface Schema { $ref?: string; type?: string; format?: string; properties?: Record<string, Schema>; items?: Schema }
interface Op { description?: string; parameters?: Param[]; responses: Record<string, { content?: Record<string, { schema?: Schema }> }> }
interface Doc { paths: Record<string, { get?: Op }>; components: { schemas: Record<string, Schema> } }

/** How a request selects its rows, read from the parameter names alone. */
export type EndpointMode =
  | { kind: 'time'; from: string; to: string; dates?: { from: string; to: string } }
  | { kind: 'fromTo'; periods?: { from: string; to: string } }
  | { kind: 'dates'; from: string; to: string }
  | { kind: 'dateRange'; dateFrom: string; periodFrom: string; dateTo: string; periodTo: string }
  | { kind: 'point'; date: string; period: string }
  | { kind: 'path'; param: string };

/** A row field's JSON shape: its type and format, and for an array of objects, the element's fields. */
export interface FieldShape { name: string; type: string; format?: string; items?: FieldShape[] }

export interface Endpoint {
  /** The document's path, e.g. /datasets/FREQ/stream or /balancing/settlement/system-prices/{settlementDate}. */
  path: string;
  stream: boolean;
  mode: EndpointMode;
  /** Parameter names the endpoint requires (query only). */
  required: string[];
  /** Every query parameter name. */
  params: string[];
  /** Whether the window is a publish-time window: publishDateTimeFrom/To, or from/to described as "publish time". */
  publishWindow: boolean;
  /** The range limit: stated in the description (non-stream only), else seen in a captured 400 (CAPTURED_LIMITS). */
  maxMinutes: number | null;
  /** Whether the limit holds on the stream endpoint too (a captured limit: the capture does not say which endpoint answered). */
  limitOnStream: boolean;
  /** Whether the document lists text/csv among the 200 answer's content types. */
  csv: boolean;
  fields: FieldShape[];
}

/**
 * Range limits the document does not state but a captured 400 shows, by non-stream path, in the
 * capture's words: test/fixtures/elexon/ERROR400_gridflow_REMIT-range_2026-05-08.json.
 */
export const CAPTURED_LIMITS: Readonly<Record<string, string>> = {
  '/datasets/REMIT': 'The date range between PublishDateTimeFrom and PublishDateTimeTo inclusive must not exceed 1 day',
};

export const SPEC_URL = new URL('../../spec/openapi-insights-2026-08.json', import.meta.url);

let cached: Map<string, Endpoint> | undefined;

/** Every GET endpoint of the document by path. */
export function endpoints(): Map<string, Endpoint> {
  cached ??= readEndpoints(JSON.parse(readFileSync(SPEC_URL, 'utf8')) as Doc);
  return cached;
}

function readEndpoints(doc: Doc): Map<string, Endpoint> {
  const ref = (s: Schema | undefined): Schema => (s?.$ref ? doc.components.schemas[s.$ref.split('/').pop() ?? ''] ?? {} : (s ?? {}));
  const shape = (name: string, s0: Schema): FieldShape => {
    const s = ref(s0);
    const items = s.type === 'array' ? ref(s.items) : undefined;
    return { name, type: s.type ?? 'string', format: s.format, items: items?.properties ? Object.entries(items.properties).map(([n, x]) => shape(n, x)) : undefined };
  };
  const out = new Map<string, Endpoint>();
  for (const [path, item] of Object.entries(doc.paths)) {
    const op = item.get;
    if (!op) continue;
    const content = op.responses['200']?.content ?? {};
    const body = ref(content['application/json']?.schema);
    const row = ref(body.type === 'array' ? body.items : body.properties?.data?.items);
    const query = (op.parameters ?? []).filter((p) => p.in === 'query');
    const mode = modeOf(path, query.map((p) => p.name));
    if (!mode) continue;
    out.set(path, {
      path,
      stream: path.endsWith('/stream'),
      mode,
      required: query.filter((p) => p.required).map((p) => p.name),
      params: query.map((p) => p.name),
      publishWindow: query.some((p) => p.name === 'publishDateTimeFrom' || (p.name === 'from' && /publish time/i.test(p.description ?? ''))),
      maxMinutes: statedLimit(op.description ?? '') ?? capturedLimit(path),
      limitOnStream: capturedLimit(path) !== null,
      csv: 'text/csv' in content,
      fields: Object.entries(row.properties ?? {}).map(([n, s]) => shape(n, s)),
    });
  }
  return out;
}

function modeOf(path: string, names: string[]): EndpointMode | undefined {
  const has = (n: string): boolean => names.includes(n);
  const param = /\{(\w+)\}/.exec(path)?.[1];
  if (param) return { kind: 'path', param };
  for (const p of ['publishDateTime', 'measurementDateTime', 'submissionDateTime']) {
    if (has(`${p}From`)) {
      const dates = has('settlementDateFrom') ? { from: 'settlementDateFrom', to: 'settlementDateTo' } : undefined;
      return { kind: 'time', from: `${p}From`, to: `${p}To`, dates };
    }
  }
  if (has('from') && has('to')) return { kind: 'fromTo', periods: has('settlementPeriodFrom') ? { from: 'settlementPeriodFrom', to: 'settlementPeriodTo' } : undefined };
  if (has('settlementDateFrom') && has('settlementPeriodFrom')) {
    return { kind: 'dateRange', dateFrom: 'settlementDateFrom', periodFrom: 'settlementPeriodFrom', dateTo: 'settlementDateTo', periodTo: 'settlementPeriodTo' };
  }
  if (has('settlementDateFrom')) return { kind: 'dates', from: 'settlementDateFrom', to: 'settlementDateTo' };
  if (has('settlementDate') && has('settlementPeriod')) return { kind: 'point', date: 'settlementDate', period: 'settlementPeriod' };
  return undefined;
}

/** The limit a captured 400 shows for a path or its /stream twin, in minutes. */
function capturedLimit(path: string): number | null {
  const text = CAPTURED_LIMITS[path.replace(/\/stream$/, '')];
  const m = text ? /must not exceed (\d+) (days?|hours?)$/.exec(text) : null;
  return m ? Number(m[1]) * (/^day/.test(m[2]) ? 24 * 60 : 60) : null;
}

/** "maximum data output range of 7 days", "maximum range of 2 years (731 days)", "maximum limit of 24 hours". */
export function statedLimit(text: string): number | null {
  const m = /maximum\s+(?:data output range|range|limit|date range)\s+of\s+(?:\d+\s+years?\s+\()?(\d+)\s+(days?|hours?)/i.exec(text);
  // "supports up to 12 months range per request" (RZDF, RZDR): counted as 365 days, never more than a year.
  const months = /up to (\d+) months range/i.exec(text);
  if (!m) return months ? Math.floor((Number(months[1]) * 365) / 12) * 24 * 60 : null;
  return Number(m[1]) * (/^day/i.test(m[2]) ? 24 * 60 : 60);
}

// Derives the dataset registry from the OpenAPI document plus the reviewed overrides: pure, no I/O.
// scripts/gen-registry.mjs writes the result to generated.ts; test/unit/registry.test.ts fails when
// the checked-in file and a fresh derivation disagree.
import type { Column, ColumnType, DatasetSpec, WindowFamily } from '../datasets.js';
import { tableName } from '../datasets.js';
import type { Override } from './override.js';

export interface OpenApiDoc {
  readonly paths: Readonly<Record<string, { readonly get?: Operation }>>;
  readonly components: { readonly schemas: Readonly<Record<string, Schema>> };
}
interface Operation {
  readonly summary?: string;
  readonly description?: string;
  readonly parameters?: readonly { readonly name: string; readonly in: string; readonly required?: boolean; readonly description?: string }[];
  readonly responses: Readonly<Record<string, { readonly content?: Readonly<Record<string, { readonly schema?: Schema }>> }>>;
}
interface Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly format?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly items?: Schema;
}

/** Every `/datasets/{CODE}` path of the document (not its /stream twin, not the metadata route). */
export function datasetPaths(doc: OpenApiDoc): string[] {
  return Object.keys(doc.paths).filter((p) => /^\/datasets\/[A-Za-z0-9_]+$/.test(p));
}

export function deref(doc: OpenApiDoc, s: Schema | undefined): Schema | undefined {
  return s?.$ref ? doc.components.schemas[s.$ref.split('/').pop() ?? ''] : s;
}

/** The row schema of an endpoint's 200 answer (bare array or `{data:[...]}`) and its envelope keys. */
export function rowSchema(doc: OpenApiDoc, path: string): { row: Schema; envelopeKeys: string[] } {
  const op = doc.paths[path]?.get;
  const body = deref(doc, op?.responses['200']?.content?.['application/json']?.schema);
  if (!body) throw new Error(`${path}: no JSON 200 response in the document`);
  if (body.type === 'array') return { row: deref(doc, body.items) ?? {}, envelopeKeys: [] };
  const data = body.properties?.data;
  return { row: deref(doc, data?.items) ?? {}, envelopeKeys: Object.keys(body.properties ?? {}) };
}

/** An OpenAPI field's column type; dates are TIMESTAMP outside the locked tables (docs/compatibility.md §1). */
export function columnType(s: Schema): ColumnType {
  if (s.type === 'integer') return 'INTEGER';
  if (s.type === 'number') return 'FLOAT';
  if (s.type === 'boolean') return 'BOOLEAN';
  if (s.type === 'string' && (s.format === 'date-time' || s.format === 'date')) return 'TIMESTAMP';
  return 'STRING'; // strings, enums, and arrays (kept as their JSON text)
}

/** Fields of a row the document types as arrays (not the nested one). */
export function arrayFields(doc: OpenApiDoc, row: Schema, nested?: string): string[] {
  return Object.entries(row.properties ?? {}).filter(([n, s]) => n !== nested && deref(doc, s)?.type === 'array').map(([n]) => n);
}

/** Row columns in document order; a nested array's element fields replace the array field. */
export function columnsOf(doc: OpenApiDoc, row: Schema, nested?: string): Column[] {
  const out: Column[] = [];
  for (const [name, raw] of Object.entries(row.properties ?? {})) {
    const s = deref(doc, raw) ?? {};
    if (name === nested) {
      for (const [inner, r] of Object.entries(deref(doc, s.items)?.properties ?? {})) out.push({ name: inner, type: columnType(deref(doc, r) ?? {}) });
    } else out.push({ name, type: columnType(s) });
  }
  return out;
}

/** "maximum data output range of 1 day", "maximum range of 2 years (731 days)", "maximum limit of 24 hours". */
export function documentedMaxMinutes(text: string): number | null {
  const m = /maximum (?:data output range|range|limit|date range) of (?:\d+ years? \()?(\d+) (day|hour)s?/i.exec(text);
  // RZDF, RZDR: "supports up to 12 months range per request", taken as 365 days (never more than a year).
  const months = /up to (\d+) months range/i.exec(text);
  if (!m) return months ? Math.floor((Number(months[1]) * 365) / 12) * 1440 : null;
  return Number(m[1]) * (m[2].toLowerCase() === 'day' ? 1440 : 60);
}

export interface WindowFacts {
  readonly family: WindowFamily;
  readonly params: { readonly from: string; readonly to: string };
  readonly settlementQuery?: DatasetSpec['settlementQuery'];
}

/** The window family and parameter names, read from an endpoint's parameters alone. */
export function windowFacts(path: string, names: readonly string[]): WindowFacts {
  const has = (n: string): boolean => names.includes(n);
  const dates = has('settlementDateFrom') && has('settlementDateTo') ? { from: 'settlementDateFrom', to: 'settlementDateTo' } : undefined;
  const pathParam = /\{(\w+)\}/.exec(path)?.[1];
  if (pathParam) return { family: 'settlementDay', params: { from: pathParam, to: pathParam }, settlementQuery: { pathParam } };
  for (const [prefix, family] of [['publishDateTime', 'publish'], ['measurementDateTime', 'measurement'], ['submissionDateTime', 'submission']] as const) {
    if (has(`${prefix}From`) && has(`${prefix}To`)) {
      const params = { from: `${prefix}From`, to: `${prefix}To` };
      return dates && has('settlementPeriod') ? { family, params, settlementQuery: { dateParams: dates } } : { family, params };
    }
  }
  if (has('from') && has('to')) {
    const periods = has('settlementPeriodFrom') && has('settlementPeriodTo');
    const params = { from: 'from', to: 'to' };
    return periods ? { family: 'fromTo', params, settlementQuery: { periodParams: { from: 'settlementPeriodFrom', to: 'settlementPeriodTo' } } } : { family: 'fromTo', params };
  }
  if (dates && has('settlementPeriodFrom') && has('settlementPeriodTo')) {
    const rangeParams = { dateFrom: dates.from, periodFrom: 'settlementPeriodFrom', dateTo: dates.to, periodTo: 'settlementPeriodTo' };
    return { family: 'settlement', params: dates, settlementQuery: { rangeParams } };
  }
  if (dates) return { family: 'settlement', params: dates, settlementQuery: { dateParams: dates } };
  throw new Error(`${path}: no window parameters the registry knows (${names.join(', ')})`);
}

const DEFAULT_EVENT: Partial<Record<WindowFamily, string>> = { publish: 'publishTime', measurement: 'measurementTime', submission: 'submissionDateTime' };

export function deriveRegistry(doc: OpenApiDoc, overrides: Readonly<Record<string, Override>>): DatasetSpec[] {
  const out: DatasetSpec[] = [];
  const seen = new Set<string>();
  const entries: [string, string, Override][] = datasetPaths(doc).map((p) => [p.slice('/datasets/'.length), p, overrides[p.slice('/datasets/'.length)]]);
  for (const [code, o] of Object.entries(overrides)) if (o.route) entries.push([code, o.route, o]);
  for (const [code, path, o] of entries) {
    if (!o) throw new Error(`${code}: no record in src/core/registry/overrides.ts (every dataset needs one)`);
    seen.add(code);
    out.push(deriveOne(doc, code, path, o));
  }
  const stray = Object.keys(overrides).filter((c) => !seen.has(c));
  if (stray.length) throw new Error(`overrides for datasets the document does not have: ${stray.join(', ')}`);
  return out;
}

function deriveOne(doc: OpenApiDoc, code: string, path: string, o: Override): DatasetSpec {
  const op = doc.paths[path]?.get;
  if (!op) throw new Error(`${code}: ${path} is not in the document`);
  const streamOp = doc.paths[`${path}/stream`]?.get;
  const queryOp = streamOp ?? op;
  const names0 = (queryOp.parameters ?? []).map((p) => p.name);
  // byInstant: the settlement-period parameters are left out, so from/to stay instants.
  const win = windowFacts(path, o.byInstant ? names0.filter((n) => !/^settlementPeriod(From|To)$/.test(n)) : names0);
  const { row, envelopeKeys } = rowSchema(doc, path);
  const columns = columnsOf(doc, row, o.nested).map((c) => ({ name: c.name, type: o.types?.[c.name] ?? c.type }));
  const names = new Set(columns.map((c) => c.name));
  const filtersOn = /filters by (\w+)/i.exec(op.description ?? '')?.[1];
  const eventField = o.eventTime ?? (filtersOn && names.has(filtersOn) ? filtersOn : DEFAULT_EVENT[win.family]);
  if (!eventField) throw new Error(`${code}: the document does not say which time ${path} filters on; add eventTime to its override`);
  for (const k of [...o.key, ...(eventField === 'settlementPeriod' ? [] : [eventField]), ...(o.set ? [o.set[0]] : [])]) {
    if (!names.has(k)) throw new Error(`${code}: override names ${k}, not a field of ${path}`);
  }
  const rows = o.set ? o.set[1] : (o.rows ?? 1);
  const spec: DatasetSpec = {
    code,
    title: o.title ?? (op.summary ?? code).trim(),
    path,
    stream: streamOp !== undefined,
    envelope: envelopeKeys.includes('metadata') ? 'metadata' : 'data',
    family: win.family,
    params: win.params,
    ...(win.settlementQuery ? { settlementQuery: win.settlementQuery } : {}),
    maxWindowMinutes: o.maxWindow ?? documentedMaxMinutes(op.description ?? ''),
    ...(o.maxWindow !== undefined ? { limitOnStream: true as const } : {}),
    windowUnit: 'day',
    eventTime: eventField === 'settlementPeriod' ? { settlementPeriod: true } : { field: eventField },
    ...(o.publishLag !== undefined ? { publishLagMinutes: o.publishLag } : {}),
    ...(o.publishNear ? { publishNearSettlement: true as const } : {}),
    naturalKey: o.key,
    ...(o.lag !== undefined ? { cadence: cadenceOf(o, rows) } : {}),
    columns,
    table: o.table ?? tableName(code),
    kind: o.route ? 'route' : 'dataset',
    group: o.group,
    ...(arrayFields(doc, row, o.nested).length ? { jsonColumns: arrayFields(doc, row, o.nested) } : {}),
    ...(o.nested ? { nested: { field: o.nested } } : {}),
    ...(o.every !== undefined ? { rate: { everyMinutes: o.every, rows, ...(o.set ? { setColumn: o.set[0] } : {}) } } : {}),
    ...(o.pub ? { published: o.pub === 'event' ? ('event-driven' as const) : ('assumed' as const) } : {}),
    ...(o.stale !== undefined ? { staleAfterMinutes: o.stale } : {}),
  };
  return spec;
}

function cadenceOf(o: Override, rows: number): NonNullable<DatasetSpec['cadence']> {
  const perPeriod = o.every !== undefined && o.every < 30 ? 30 / o.every : 1;
  return o.set
    ? { rowsPerPeriod: perPeriod, setColumn: o.set[0], lagMinutes: o.lag ?? 0 }
    : { rowsPerPeriod: perPeriod * rows, lagMinutes: o.lag ?? 0 };
}



/** The text of src/core/registry/generated.ts for a derived registry. */
export function renderRegistryModule(specs: readonly DatasetSpec[]): string {
  const body = specs.map((s) => `  ${JSON.stringify(s)},`).join('\n');
  return (
    '// Generated by scripts/gen-registry.mjs from spec/openapi-insights-2026-08.json and overrides.ts:\n' +
    '// do not edit; change the overrides (or the document) and run `npm run registry`.\n' +
    "import type { DatasetSpec } from '../datasets.js';\n\n" +
    `export const GENERATED: readonly DatasetSpec[] = [\n${body}\n];\n`
  );
}

// The registry against the OpenAPI document in spec/, read here on its own (not through
// src/core/registry/derive.ts): every /datasets endpoint is there, and each entry's path, stream,
// parameters and columns are the document's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATASETS, findDataset, tableName } from '../../src/core/datasets.js';

type Schema = { $ref?: string; type?: string; format?: string; properties?: Record<string, Schema>; items?: Schema };
type Op = { parameters?: { name: string; in: string }[]; responses: Record<string, { content?: Record<string, { schema?: Schema }> }> };
const doc = JSON.parse(readFileSync(new URL('../../spec/openapi-insights-2026-08.json', import.meta.url), 'utf8')) as {
  paths: Record<string, { get?: Op }>;
  components: { schemas: Record<string, Schema> };
};
const ref = (s: Schema | undefined): Schema => (s?.$ref ? doc.components.schemas[s.$ref.split('/').pop()!] : (s ?? {}));
const LOCKED = new Set(['FUELINST', 'FUELHH']);

function expectedType(code: string, f: Schema): string {
  if (f.type === 'integer') return 'INTEGER';
  if (f.type === 'number') return 'FLOAT';
  if (f.type === 'boolean') return 'BOOLEAN';
  if (f.format === 'date-time') return LOCKED.has(code) ? 'DATETIME' : 'TIMESTAMP';
  if (f.format === 'date') return LOCKED.has(code) ? 'DATE' : 'TIMESTAMP';
  return 'STRING';
}

/** Row fields of a path's JSON answer, a nested array's element fields in place of the array. */
function fields(path: string, nested?: string): [string, Schema][] {
  const body = ref(doc.paths[path].get!.responses['200'].content!['application/json'].schema);
  const row = ref(body.type === 'array' ? body.items : body.properties!.data.items);
  return Object.entries(row.properties!).flatMap(([name, s]) =>
    name === nested ? Object.entries(ref(ref(s).items).properties!) : [[name, ref(s)] as [string, Schema]],
  );
}

const datasetPaths = Object.keys(doc.paths).filter((p) => /^\/datasets\/[^/]+$/.test(p) && p !== '/datasets/metadata');

describe('dataset registry against the OpenAPI document', () => {
  it('has every /datasets/{CODE} endpoint (82, 75 with a stream) and the four extra routes', () => {
    const paths = DATASETS.filter((d) => d.kind === 'dataset').map((d) => d.path);
    expect(paths.sort()).toEqual(datasetPaths.filter((p) => doc.paths[p].get).sort());
    expect(paths).toHaveLength(82);
    expect(DATASETS.filter((d) => d.kind === 'dataset' && d.stream)).toHaveLength(75);
    expect(DATASETS.filter((d) => d.kind === 'route').map((d) => d.code).sort()).toEqual(['COSTS', 'DEMAND_OUTTURN', 'GEN_PER_TYPE', 'WIND_SOLAR_GEN']);
  });

  it.each(DATASETS.map((d) => [d.code, d] as const))('%s: path, stream, parameters and columns', (code, d) => {
    expect(doc.paths[d.path]?.get, `${d.path} is not in the document`).toBeDefined();
    expect(d.stream).toBe(doc.paths[`${d.path}/stream`]?.get !== undefined);
    if (d.kind === 'dataset') expect(d.path).toBe(`/datasets/${code}`);
    const f = fields(d.path, d.nested?.field);
    expect(d.columns.map((c) => c.name)).toEqual(f.map(([n]) => n));
    expect(d.columns.map((c) => c.type)).toEqual(f.map(([, s]) => expectedType(code, s)));
    // The parameters bmrs sends are those of the endpoint it calls (the stream when there is one).
    const called = doc.paths[d.stream ? `${d.path}/stream` : d.path].get!;
    const names = (called.parameters ?? []).map((p) => p.name);
    const sq = d.settlementQuery;
    if (sq && 'pathParam' in sq) {
      expect(d.path).toContain(`{${sq.pathParam}}`);
      expect(called.parameters?.find((p) => p.name === sq.pathParam)?.in).toBe('path');
    } else expect(names).toEqual(expect.arrayContaining([d.params.from, d.params.to]));
    if (sq && 'dateParams' in sq) expect(names).toEqual(expect.arrayContaining([sq.dateParams.from, sq.dateParams.to]));
    if (sq && 'periodParams' in sq) expect(names).toEqual(expect.arrayContaining([sq.periodParams.from, sq.periodParams.to]));
    if (sq && 'rangeParams' in sq) expect(names).toEqual(expect.arrayContaining(Object.values(sq.rangeParams)));
    const envelope = ref(doc.paths[d.path].get!.responses['200'].content!['application/json'].schema);
    expect(d.envelope === 'metadata').toBe('metadata' in (envelope.properties ?? {}));
    for (const k of d.naturalKey) expect(d.columns.map((c) => c.name)).toContain(k);
    if ('field' in d.eventTime) expect(d.columns.map((c) => c.name)).toContain(d.eventTime.field);
    if (d.rate?.setColumn) expect(d.columns.map((c) => c.name)).toContain(d.rate.setColumn);
  });

  it('keeps the windows the document states: FREQ 24 h, NDF 1 day, AGPT 4 days, wind-and-solar 7 days; none for BOD, BOALF, MID', () => {
    const max = (code: string) => findDataset(code)!.maxWindowMinutes;
    expect([max('FREQ'), max('NDF'), max('AGPT'), max('WIND_SOLAR_GEN'), max('INDOD')]).toEqual([1440, 1440, 5760, 10080, 731 * 1440]);
    expect([max('BOD'), max('BOALF'), max('MID'), max('TEMP')]).toEqual([null, null, null, null]);
  });

  it('names tables bmrs_<code lower-cased, non-alphanumerics as _>, system prices bmrs_costs', () => {
    expect(findDataset('FUELINST')!.table).toBe('bmrs_fuelinst');
    expect(findDataset('COSTS')!.table).toBe('bmrs_costs');
    expect(tableName('WIND_SOLAR_GEN')).toBe('bmrs_wind_solar_gen');
    expect(tableName('B1610-X')).toBe('bmrs_b1610_x');
    expect(new Set(DATASETS.map((d) => d.table)).size).toBe(DATASETS.length);
  });

  it('FUELINST has the locked 7 content columns of the production table', () => {
    expect(findDataset('fuelinst')!.columns).toEqual([
      { name: 'dataset', type: 'STRING' }, { name: 'publishTime', type: 'DATETIME' }, { name: 'startTime', type: 'DATETIME' },
      { name: 'settlementDate', type: 'DATE' }, { name: 'settlementPeriod', type: 'INTEGER' }, { name: 'fuelType', type: 'STRING' },
      { name: 'generation', type: 'INTEGER' },
    ]);
  });
});

// The registry is data derived from the OpenAPI document; this checks it still agrees with the
// slice of that document kept in test/fixtures (regenerate with scripts/openapi-slice.mjs).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATASETS, findDataset, tableName } from '../../src/core/datasets.js';

interface Slice {
  endpoints: Record<string, { stream: boolean; params: string[]; envelopeKeys: string[]; fields: { name: string; type: string; format: string | null }[] }>;
}
const slice = JSON.parse(readFileSync(new URL('../fixtures/openapi-registry-slice.json', import.meta.url), 'utf8')) as Slice;

const LOCKED = new Set(['FUELINST', 'FUELHH']);

function expectedType(code: string, f: { type: string; format: string | null }): string {
  if (f.type === 'integer') return 'INTEGER';
  if (f.type === 'number') return 'FLOAT';
  if (f.type === 'boolean') return 'BOOLEAN';
  if (f.format === 'date-time') return LOCKED.has(code) ? 'DATETIME' : 'TIMESTAMP';
  if (f.format === 'date') return LOCKED.has(code) ? 'DATE' : 'TIMESTAMP';
  return 'STRING';
}

describe('dataset registry', () => {
  it.each(DATASETS.map((d) => [d.code, d] as const))('%s agrees with the OpenAPI document', (code, d) => {
    const ep = slice.endpoints[d.path];
    expect(ep, `no endpoint ${d.path} in the OpenAPI slice`).toBeDefined();
    expect(d.stream).toBe(ep.stream);
    expect(d.columns.map((c) => c.name)).toEqual(ep.fields.map((f) => f.name));
    expect(d.columns.map((c) => c.type)).toEqual(ep.fields.map((f) => expectedType(code, f)));
    expect(ep.params).toContain(d.params.from);
    expect(ep.params).toContain(d.params.to);
    const sq = d.settlementQuery;
    if (sq && 'dateParams' in sq) expect(ep.params).toEqual(expect.arrayContaining([sq.dateParams.from, sq.dateParams.to]));
    if (sq && 'periodParams' in sq) expect(ep.params).toEqual(expect.arrayContaining([sq.periodParams.from, sq.periodParams.to]));
    expect(d.envelope === 'metadata').toBe(ep.envelopeKeys.includes('metadata'));
    for (const k of d.naturalKey) expect(d.columns.map((c) => c.name)).toContain(k);
    if ('field' in d.eventTime) expect(d.columns.map((c) => c.name)).toContain(d.eventTime.field);
  });

  it('names tables bmrs_<code lower-cased, non-alphanumerics as _>', () => {
    expect(findDataset('FUELINST')!.table).toBe('bmrs_fuelinst');
    expect(tableName('WIND_SOLAR_GEN')).toBe('bmrs_wind_solar_gen');
    expect(tableName('B1610-X')).toBe('bmrs_b1610_x');
  });

  it('FUELINST has the locked 7 content columns of the production table', () => {
    expect(findDataset('fuelinst')!.columns).toEqual([
      { name: 'dataset', type: 'STRING' }, { name: 'publishTime', type: 'DATETIME' }, { name: 'startTime', type: 'DATETIME' },
      { name: 'settlementDate', type: 'DATE' }, { name: 'settlementPeriod', type: 'INTEGER' }, { name: 'fuelType', type: 'STRING' },
      { name: 'generation', type: 'INTEGER' },
    ]);
  });
});

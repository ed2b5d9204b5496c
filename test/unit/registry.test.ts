// The checked-in registry (src/core/registry/generated.ts) is what scripts/gen-registry.mjs derives
// from spec/openapi-insights-2026-08.json and the overrides: regenerate with `npm run registry`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { statedLimit } from '../../src/sim/openapi.js';
import { columnsOf, deriveRegistry, documentedMaxMinutes, renderRegistryModule, windowFacts, type OpenApiDoc } from '../../src/core/registry/derive.js';
import { withDatasetsTable } from '../../src/core/registry/docs-table.js';
import { GENERATED } from '../../src/core/registry/generated.js';
import { findDataset } from '../../src/core/datasets.js';
import { OVERRIDES } from '../../src/core/registry/overrides.js';

const doc = JSON.parse(readFileSync(new URL('../../spec/openapi-insights-2026-08.json', import.meta.url), 'utf8')) as OpenApiDoc;
const generatedText = readFileSync(new URL('../../src/core/registry/generated.ts', import.meta.url), 'utf8');

describe('generated registry', () => {
  it('is exactly what the document and the overrides derive', () => {
    const derived = deriveRegistry(doc, OVERRIDES);
    expect(GENERATED).toEqual(derived);
    expect(generatedText).toBe(renderRegistryModule(derived));
  });

  it('docs/datasets.md holds the table the registry renders, a row per dataset', () => {
    const page = readFileSync(new URL('../../docs/datasets.md', import.meta.url), 'utf8');
    expect(page).toBe(withDatasetsTable(page, GENERATED));
    for (const d of GENERATED) expect(page).toContain(`| ${d.code} | ${d.group} |`);
  });

  it('fails when the document and the checked-in registry disagree (a renamed field)', () => {
    const changed = structuredClone(doc) as OpenApiDoc & { components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
    const name = 'Insights.Api.Models.Responses.Balancing.Settlement.SystemPriceResponse';
    const props = changed.components.schemas[name].properties!;
    changed.components.schemas[name].properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k === 'systemSellPrice' ? 'sellPrice' : k, v]));
    expect(deriveRegistry(changed, OVERRIDES)).not.toEqual(GENERATED);
  });

  it('refuses a dataset with no override record, and an override for a dataset the document lacks', () => {
    const { FREQ: _gone, ...missing } = OVERRIDES;
    expect(() => deriveRegistry(doc, missing)).toThrow(/FREQ: no record/);
    expect(() => deriveRegistry(doc, { ...OVERRIDES, NOPE: { group: 'realtime', key: ['x'] } })).toThrow(/NOPE/);
    expect(() => deriveRegistry(doc, { ...OVERRIDES, MID: { ...OVERRIDES.MID, key: ['startTime', 'provider'] } })).toThrow(/provider, not a field/);
  });

  it('reads window families from parameter names', () => {
    expect(windowFacts('/x', ['publishDateTimeFrom', 'publishDateTimeTo', 'settlementDateFrom', 'settlementDateTo', 'settlementPeriod']).settlementQuery).toEqual({
      dateParams: { from: 'settlementDateFrom', to: 'settlementDateTo' },
    });
    expect(windowFacts('/x', ['from', 'to']).family).toBe('fromTo');
    expect(windowFacts('/x', ['from', 'to']).settlementQuery).toBeUndefined();
    expect(windowFacts('/x', ['submissionDateTimeFrom', 'submissionDateTimeTo']).family).toBe('submission');
    expect(windowFacts('/p/{settlementDate}', ['settlementDate']).family).toBe('settlementDay');
    expect(windowFacts('/x', ['settlementDateFrom', 'settlementPeriodFrom', 'settlementDateTo', 'settlementPeriodTo']).family).toBe('settlement');
    expect(() => windowFacts('/x', ['format'])).toThrow(/no window parameters/);
  });

  it('reads documented maximum ranges', () => {
    expect(documentedMaxMinutes('This API endpoint provides a maximum data output range of 1 day.')).toBe(1440);
    expect(documentedMaxMinutes('This API endpoint has a maximum range of 2 years (731 days).')).toBe(731 * 1440);
    expect(documentedMaxMinutes('A maximum limit of 24 hours is applied')).toBe(1440);
    expect(documentedMaxMinutes('The maximum power export level of a BM Unit')).toBeNull();
    // RZDF, RZDR: "up to 12 months", never more than 365 days; the simulator reads the same.
    expect(documentedMaxMinutes('This API endpoint supports up to 12 months range per request.')).toBe(365 * 1440);
    expect(statedLimit('This API endpoint supports up to 12 months range per request.')).toBe(365 * 1440);
    expect([findDataset('RZDF')!.maxWindowMinutes, findDataset('RZDR')!.maxWindowMinutes]).toEqual([365 * 1440, 365 * 1440]);
  });

  it('flattens a nested array into its element fields', () => {
    const row = { properties: { startTime: { type: 'string', format: 'date-time' }, data: { type: 'array', items: { properties: { psrType: { type: 'string' }, quantity: { type: 'number' } } } } } };
    expect(columnsOf(doc, row, 'data').map((c) => `${c.name}:${c.type}`)).toEqual(['startTime:TIMESTAMP', 'psrType:STRING', 'quantity:FLOAT']);
    expect(columnsOf(doc, row).map((c) => c.name)).toEqual(['startTime', 'data']);
  });
});

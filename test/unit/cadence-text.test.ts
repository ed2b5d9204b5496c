// What `bmrs datasets` shows as a dataset's cadence: the published one, never the simulator's rate
// for an event-driven dataset, and a regular rate nobody verified marked as assumed.
import { describe, expect, it } from 'vitest';
import { cadenceText } from '../../src/cli/commands/datasets.js';
import { findDataset } from '../../src/core/datasets.js';
import { renderDatasetsTable } from '../../src/core/registry/docs-table.js';

const text = (code: string) => cadenceText(findDataset(code)!);

describe('published cadence', () => {
  it('a rate a source states is shown as it is', () => {
    expect(text('FUELINST')).toBe('5 min x 20 fuelType');
    expect(text('FREQ')).toBe('15 s');
  });
  it('event-driven datasets show no simulator rate', () => {
    for (const code of ['PN', 'CDN', 'SYSWARN', 'DCI', 'SIL', 'BOD']) expect(text(code), code).toBe('event-driven');
    expect(findDataset('PN')!.rate).toBeDefined(); // the simulator still has its rate
  });
  it('an unverified regular rate is marked assumed', () => {
    expect(text('IGCA')).toBe('daily x 2 psrType (assumed)');
    expect(text('NDF')).toBe('30 min (assumed)');
  });
  it('docs/datasets.md says the same, with the stale threshold or that staleness is not judged', () => {
    const row = (code: string) => renderDatasetsTable([findDataset(code)!]).split('\n')[2];
    expect(row('PN')).toContain('| event-driven; stale after 1 d |');
    expect(row('CDN')).toContain('| event-driven; staleness not judged |');
    expect(row('YAFM')).toContain('(assumed); stale after 400 d |');
  });
});

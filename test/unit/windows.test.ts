import { describe, expect, it } from 'vitest';
import { DATASETS, findDataset } from '../../src/core/datasets.js';
import { planWindows, windowUrl } from '../../src/core/windows.js';
import { InternalError } from '../../src/core/errors.js';

const ds = (code: string) => findDataset(code)!;
const z = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();

describe('planWindows: days', () => {
  it('FUELINST asks the stream for each settlement day by its settlement-date parameters', () => {
    const ws = planWindows(ds('FUELINST'), { kind: 'days', from: '2025-10-26', to: '2025-10-28' });
    expect(ws).toHaveLength(2);
    expect(ws[0].path).toBe('/datasets/FUELINST/stream');
    expect(ws[0].query).toEqual([['settlementDateFrom', '2025-10-26'], ['settlementDateTo', '2025-10-26']]);
    expect(iso(ws[0].from)).toBe('2025-10-25T23:00:00.000Z');
    expect(iso(ws[0].to)).toBe('2025-10-27T00:00:00.000Z');
    expect(ws[0].accept).toEqual({ by: 'settlementDate', from: '2025-10-26', to: '2025-10-26' });
    expect(ws[1].from).toBe(ws[0].to);
    expect(windowUrl('http://x/api/', ws[1])).toBe('http://x/api/datasets/FUELINST/stream?settlementDateFrom=2025-10-27&settlementDateTo=2025-10-27');
  });

  it('from/to datasets switch to settlement dates with period bounds', () => {
    const [w] = planWindows(ds('MID'), { kind: 'days', from: '2025-07-16', to: '2025-07-17' });
    expect(w.query).toEqual([['from', '2025-07-16T00:00:00Z'], ['to', '2025-07-16T00:00:00Z'], ['settlementPeriodFrom', '1'], ['settlementPeriodTo', '50']]);
    expect(w.accept.by).toBe('settlementDate');
  });

  it('publish-time datasets with a settlement date cover late publications and keep only that day', () => {
    const [w] = planWindows(ds('INDO'), { kind: 'days', from: '2025-07-16', to: '2025-07-17' });
    expect(w.path).toBe('/datasets/INDO');
    expect(w.query).toEqual([['publishDateTimeFrom', '2025-07-15T23:00:00Z'], ['publishDateTimeTo', '2025-07-17T01:00:00Z']]);
    expect(w.keep).toEqual({ by: 'settlementDate', from: '2025-07-16', to: '2025-07-16' });
  });

  it('datasets without a settlement date use local-midnight bounds on their event time', () => {
    const [w] = planWindows(ds('FREQ'), { kind: 'days', from: '2025-10-26', to: '2025-10-27' });
    expect(w.query).toEqual([['measurementDateTimeFrom', '2025-10-25T23:00:00Z'], ['measurementDateTimeTo', '2025-10-27T00:00:00Z']]);
    expect(w.keep).toEqual({ by: 'eventTime', before: z('2025-10-27T00:00:00Z') });
  });

  it('every registry dataset plans the clock-change days within its endpoint limit', () => {
    for (const d of DATASETS) {
      expect(() => planWindows(d, { kind: 'days', from: '2025-03-30', to: '2025-04-01' })).not.toThrow();
      expect(() => planWindows(d, { kind: 'days', from: '2025-10-26', to: '2025-10-27' })).not.toThrow();
    }
  });

  it('refuses a plan wider than a non-stream endpoint allows (FREQ without its stream: 24 h, and 2025-10-26 has 25)', () => {
    const freqWithoutStream = { ...ds('FREQ'), stream: false };
    expect(() => planWindows(freqWithoutStream, { kind: 'days', from: '2025-10-27', to: '2025-10-28' })).not.toThrow();
    expect(() => planWindows(freqWithoutStream, { kind: 'days', from: '2025-10-26', to: '2025-10-27' })).toThrow(InternalError);
  });
});

describe('planWindows: instants', () => {
  it('cuts at UTC day boundaries, half-open, sharing boundary instants', () => {
    const ws = planWindows(ds('FUELINST'), { kind: 'instants', from: z('2025-10-26T22:00:00Z'), to: z('2025-10-28T01:00:00Z') });
    expect(ws.map((w) => [iso(w.from), iso(w.to)])).toEqual([
      ['2025-10-26T22:00:00.000Z', '2025-10-27T00:00:00.000Z'],
      ['2025-10-27T00:00:00.000Z', '2025-10-28T00:00:00.000Z'],
      ['2025-10-28T00:00:00.000Z', '2025-10-28T01:00:00.000Z'],
    ]);
    expect(ws[0].query).toEqual([['publishDateTimeFrom', '2025-10-26T22:00:00Z'], ['publishDateTimeTo', '2025-10-27T00:00:00Z']]);
    expect(ws[0].keep).toEqual({ by: 'eventTime', before: z('2025-10-27T00:00:00Z') });
    expect(ws[0].accept).toEqual({ by: 'eventTime', from: z('2025-10-26T22:00:00Z'), to: z('2025-10-27T00:00:00Z') });
  });

  it('a short real-time window is one request', () => {
    const ws = planWindows(ds('FUELINST'), { kind: 'instants', from: z('2025-10-27T12:00:00Z'), to: z('2025-10-27T12:20:00Z') });
    expect(ws).toHaveLength(1);
  });

  it('endpoints without a stream use the data endpoint', () => {
    const ws = planWindows(ds('TEMP'), { kind: 'instants', from: z('2025-10-27T00:00:00Z'), to: z('2025-10-28T00:00:00Z') });
    expect(ws[0].path).toBe('/datasets/TEMP');
  });
});

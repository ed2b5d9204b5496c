import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { parseDatasets, parseRange } from '../../src/core/range.js';

const now = Date.parse('2025-10-29T11:35:45Z');

describe('parseRange', () => {
  it('dates select settlement days, --to exclusive', () => {
    expect(parseRange('2025-10-27', '2025-10-28', now)).toEqual({ kind: 'days', from: '2025-10-27', to: '2025-10-28' });
  });
  it('defaults to today minus two days .. today, like the old script', () => {
    expect(parseRange(undefined, undefined, now)).toEqual({ kind: 'days', from: '2025-10-27', to: '2025-10-29' });
  });
  it('instants select a half-open window', () => {
    expect(parseRange('2025-10-27T12:00:00Z', '2025-10-27T14:00:00+01:00', now)).toEqual({
      kind: 'instants', from: Date.parse('2025-10-27T12:00:00Z'), to: Date.parse('2025-10-27T13:00:00Z'),
    });
  });
  it('an instant may have a space instead of the T, as SQL prints it', () => {
    expect(parseRange('2025-10-27 12:00:00Z', '2025-10-27 14:00+01:00', now)).toEqual({
      kind: 'instants', from: Date.parse('2025-10-27T12:00:00Z'), to: Date.parse('2025-10-27T13:00:00Z'),
    });
    expect(parseRange('2025-10-27 12:00:00.5Z', '2025-10-27T13:00:00Z', now)).toMatchObject({ from: Date.parse('2025-10-27T12:00:00.500Z') });
  });
  it.each([
    ['2025-10-27 12:00:00', '2025-10-28T00:00:00Z', /--from 2025-10-27 12:00:00 is not a date or an ISO instant/],
    ['2025-10-27  12:00:00Z', '2025-10-28T00:00:00Z', /not a date or an ISO instant/],
    ['2025-10-27T12:00:00Z', '2025-10-28 ', /--to 2025-10-28  is not a date or an ISO instant/],
    ['2025-10-27 12:00:00Z', '2025-10-28', /both be dates or both be instants/],
  ])('a space still needs a time and a zone: refuses --from %j --to %j', (from, to, msg) => {
    expect(() => parseRange(from, to, now)).toThrow(UsageError);
    expect(() => parseRange(from, to, now)).toThrow(msg);
  });
  it.each([
    ['2025-10-28', '2025-10-27', /not before/],
    ['2025-10-27', '2025-10-27', /not before/],
    ['2025-02-30', '2025-03-01', /not a date/],
    ['27/10/2025', '2025-10-28', /not a date/],
    ['2025-10-27T12:00:00', '2025-10-28T00:00:00Z', /not a date or an ISO instant/],
    ['2025-10-27', '2025-10-28T00:00:00Z', /both be dates or both be instants/],
  ])('refuses --from %s --to %s', (from, to, msg) => {
    expect(() => parseRange(from, to, now)).toThrow(UsageError);
    expect(() => parseRange(from, to, now)).toThrow(msg);
  });
});

describe('parseDatasets', () => {
  it('accepts comma lists, repeats and lower case, in the order the user gave them', () => {
    expect(parseDatasets(['mid,FUELINST', 'FUELINST']).map((d) => d.code)).toEqual(['MID', 'FUELINST']);
  });
  it('names the unknown dataset and lists the known ones', () => {
    expect(() => parseDatasets(['FUELINST', 'NOPE'])).toThrow(/unknown dataset: NOPE/);
  });
  it('refuses an empty selection', () => {
    expect(() => parseDatasets([])).toThrow(UsageError);
  });
});

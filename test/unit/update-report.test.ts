import { describe, expect, it } from 'vitest';
import { findDataset } from '../../src/core/datasets.js';
import { planUpdateWindow } from '../../src/core/update-plan.js';
import { backfillCommand, capLine, duration, shellWord } from '../../src/cli/update/report.js';

const FUELINST = findDataset('FUELINST')!;
const at = (hhmm: string, day = '01') => Date.parse(`2025-11-${day}T${hhmm}:00Z`);
const capped = planUpdateWindow(FUELINST, at('11:55'), at('12:00', '04'), { minutesBack: 15, overlapMinutes: 10, maxCatchUpMinutes: 24 * 60 });

describe('the backfill command past the cap', () => {
  it('loads exactly what the cap left out, [wanted, from)', () => {
    expect(capped.capped).toBe(true);
    expect(backfillCommand(capped, {})).toBe('bmrs backfill --dataset FUELINST --from 2025-11-01T11:45:00Z --to 2025-11-03T12:00:00Z');
  });

  it('carries the store, sink and API flags the update was given, quoted for the shell', () => {
    expect(backfillCommand(capped, { db: '/srv/my data/bmrs.duckdb', sink: 'duckdb', apiBase: 'http://127.0.0.1:8080' })).toBe(
      "bmrs backfill --dataset FUELINST --from 2025-11-01T11:45:00Z --to 2025-11-03T12:00:00Z --db '/srv/my data/bmrs.duckdb' --sink duckdb --api-base http://127.0.0.1:8080",
    );
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
  });

  it('says the cap was hit, how far behind, and the command', () => {
    const line = capLine(capped, 24, backfillCommand(capped, {}));
    expect(line).toBe(
      'FUELINST: last row 2025-11-01 11:55 UTC, 72 h 15 min to catch up, more than the cap of 24 h: loading the last 24 h only; ' +
        'to load the rest run: bmrs backfill --dataset FUELINST --from 2025-11-01T11:45:00Z --to 2025-11-03T12:00:00Z',
    );
    expect(line).not.toMatch(/error/i);
    expect([duration(45), duration(180), duration(195)]).toEqual(['45 min', '3 h', '3 h 15 min']);
  });
});

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { get, rows } from './helpers.js';

const SAMPLES = join(import.meta.dirname, '../fixtures/elexon');
const FUELINST_SAMPLE = join(SAMPLES, 'FUELINST_reutils_2024-02-12_stream.json');
const MID_SAMPLE = join(SAMPLES, 'MID_gridflow-vault_2026-05-06_excerpt.json');

let dir: string;
let sim: Simulator;
const sampleText = readFileSync(FUELINST_SAMPLE, 'utf8').trim();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'elexon-sim-replay-'));
  mkdirSync(join(dir, 'FUELINST'));
  mkdirSync(join(dir, 'MID'));
  copyFileSync(FUELINST_SAMPLE, join(dir, 'FUELINST', 'a.json'));
  // The same rows again, gzipped: replay must de-duplicate them.
  writeFileSync(join(dir, 'FUELINST', 'b.json.gz'), gzipSync(readFileSync(FUELINST_SAMPLE)));
  // An envelope body with one earlier instant.
  const earlier = (JSON.parse(sampleText) as Array<Record<string, unknown>>).slice(0, 2).map((r) => ({
    ...r,
    publishTime: '2024-02-12T17:45:00Z',
    startTime: '2024-02-12T17:40:00Z',
  }));
  writeFileSync(join(dir, 'FUELINST', 'c.json'), JSON.stringify({ metadata: { datasets: ['FUELINST'] }, data: earlier }));
  copyFileSync(MID_SAMPLE, join(dir, 'MID', 'excerpt.json'));
  sim = await startSimulator({ dataDir: dir, now: '2026-06-01T00:00:00Z' });
});

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('replay', () => {
  it('returns the 19 rows of the real stream sample for its publish window, byte for byte', async () => {
    const a = await get(sim, '/datasets/FUELINST/stream?publishDateTimeFrom=2024-02-12T17:50:00Z&publishDateTimeTo=2024-02-12T17:50:00Z');
    expect(a.status).toBe(200);
    const got = JSON.parse(a.text) as unknown[];
    expect(got).toHaveLength(19);
    expect(got).toEqual(JSON.parse(sampleText));
    expect(a.text).toBe(sampleText);
  });

  it('returns the same rows for a settlement-date query, in the envelope on the non-stream path', async () => {
    const a = await get(sim, '/datasets/FUELINST?settlementDateFrom=2024-02-12&settlementDateTo=2024-02-12&settlementPeriod=36');
    expect(a.text).toBe(`{"data":${sampleText.slice(0, -1)},${earlierRows()}]}`);
  });

  it('serves rows of every file, newest first, and filters by window', async () => {
    const all = await rows(sim, '/datasets/FUELINST/stream?publishDateTimeFrom=2024-02-12T00:00:00Z&publishDateTimeTo=2024-02-13T00:00:00Z');
    expect(all).toHaveLength(21);
    expect(all.at(-1)?.publishTime).toBe('2024-02-12T17:45:00Z');
    const none = await rows(sim, '/datasets/FUELINST/stream?publishDateTimeFrom=2024-02-12T17:51:00Z&publishDateTimeTo=2024-02-13T00:00:00Z');
    expect(none).toEqual([]);
    expect((await get(sim, '/datasets/FREQ?measurementDateTimeFrom=2024-02-12T00:00:00Z&measurementDateTimeTo=2024-02-12T01:00:00Z')).text).toBe('{"data":[]}');
  });

  it('keeps a replayed row text as it was, 0.0 included', async () => {
    const a = await get(sim, '/datasets/MID?from=2026-05-06T03:00:00Z&to=2026-05-06T03:00:00Z');
    const file = readFileSync(MID_SAMPLE, 'utf8');
    const n2ex = /\{[^{}]*"N2EXMIDP"[^{}]*\}/.exec(file)?.[0];
    expect(n2ex).toContain('"price": 0.0');
    expect(a.text).toContain(n2ex);
    const data = (JSON.parse(a.text) as { data: Array<Record<string, unknown>> }).data;
    expect(data.map((r) => r.dataProvider)).toEqual(['APXMIDP', 'N2EXMIDP']);
  });

  it('fails to start on a file that is not a response body', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'elexon-sim-bad-'));
    try {
      mkdirSync(join(bad, 'FUELINST'));
      writeFileSync(join(bad, 'FUELINST', 'x.json'), '{"rows":');
      await expect(startSimulator({ dataDir: bad })).rejects.toThrow(/x\.json/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});

function earlierRows(): string {
  return (JSON.parse(sampleText) as Array<Record<string, unknown>>)
    .slice(0, 2)
    .map((r) => JSON.stringify({ ...r, publishTime: '2024-02-12T17:45:00Z', startTime: '2024-02-12T17:40:00Z' }))
    .join(',');
}

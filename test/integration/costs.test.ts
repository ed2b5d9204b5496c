// The captured system-prices CSV (test/fixtures/elexon/SYSTEMPRICES_*.csv), replayed as the JSON
// the endpoint answers with through the simulator's replay mode, lands in bmrs_costs with exactly
// its values: every field of every row, numbers to the last digit a DOUBLE holds.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { days, query, runPipeline, tempDir, type TempDir } from '../support/pipeline.js';

const CSV = new URL('../fixtures/elexon/SYSTEMPRICES_elexon-energy_2025-02-05to06.csv', import.meta.url);
let sim: Simulator;
let tmp: TempDir;
let header: string[];
let lines: string[][];

const camel = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** A CSV cell as the JSON value the API sends: numbers verbatim, True/False, empty as null. */
function jsonText(v: string): string {
  if (v === '') return 'null';
  if (v === 'True' || v === 'False') return v.toLowerCase();
  if (/^-?\d+(\.\d+)?$/.test(v)) return v;
  return JSON.stringify(v);
}

beforeAll(async () => {
  tmp = await tempDir();
  const [head, ...rest] = (await readFile(CSV, 'utf8')).trim().split('\n');
  header = head.split(',');
  lines = rest.map((l) => l.split(','));
  const rows = lines.map((cells) => `{${cells.map((v, i) => `${JSON.stringify(camel(header[i]))}:${jsonText(v)}`).join(',')}}`);
  await mkdir(join(tmp.dir, 'replay', 'COSTS'), { recursive: true });
  await writeFile(join(tmp.dir, 'replay', 'COSTS', 'system-prices.json'), `{"metadata":{"datasets":["DISEBSP"]},"data":[${rows.join(',')}]}`);
  sim = await startSimulator({ port: 0, now: '2025-11-01T00:00:00Z', dataDir: join(tmp.dir, 'replay') });
});
afterAll(async () => {
  await sim?.close();
  await tmp?.cleanup();
});

describe('system prices into bmrs_costs', () => {
  it('stores every captured row with exactly its values, one request per settlement day', async () => {
    expect(lines).toHaveLength(47);
    const [r] = await runPipeline({ api: sim.url, db: tmp.db, datasets: ['COSTS'], range: days('2025-02-05', '2025-02-07') });
    expect(r.failures).toEqual([]);
    expect(r.inserted).toBe(47);
    expect(sim.requests.map((q) => q.path)).toEqual(['/balancing/settlement/system-prices/2025-02-05', '/balancing/settlement/system-prices/2025-02-06']);
    // The sample is a slice of two days: both are reported short of periods, not hidden.
    expect(r.incomplete.map((g) => [g.date, g.missingPeriods.length])).toEqual([['2025-02-05', 32], ['2025-02-06', 17]]);

    const cols = header.map(camel);
    const stored = await query(
      tmp.db,
      `SELECT ${cols.map((c) => (/Time$|Date$/.test(c) ? `strftime(${c}, '${c === 'settlementDate' ? '%Y-%m-%d' : '%Y-%m-%dT%H:%M:%SZ'}') AS ${c}` : c)).join(', ')}
       FROM bmrs_costs ORDER BY settlementDate, settlementPeriod`,
    );
    expect(stored).toHaveLength(47);
    stored.forEach((row, i) => {
      const expected = Object.fromEntries(
        lines[i].map((v, j) => {
          const c = cols[j];
          if (v === '') return [c, null];
          if (v === 'True' || v === 'False') return [c, v === 'True'];
          if (c === 'settlementPeriod') return [c, Number(v)];
          return [c, /^-?\d+\.\d+$/.test(v) ? Number(v) : v];
        }),
      );
      const got = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));
      expect(got, `row ${i} (${lines[i][0]} period ${lines[i][1]})`).toEqual(expected);
    });
  });
});

// The SQL transform against the JS path, the reference: the same windows go through both into two
// DuckDB files, and the outcomes and the tables (every column, hash and metadata included) must be
// identical. Bodies the SQL cannot reproduce exactly must be declined (the JS path then loads them),
// never loaded differently.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/adapters/clock.js';
import { createHttpClient } from '../../src/adapters/http.js';
import { findDataset, type Column, type DatasetSpec } from '../../src/core/datasets.js';
import type { ApiClient, WindowTransform } from '../../src/core/ports.js';
import { runWindows, type WindowOutcome } from '../../src/core/runner.js';
import { planWindows, type Range, type Window } from '../../src/core/windows.js';
import { openDuckDbStore } from '../../src/sinks/duckdb.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { duckDbTransform } from '../../src/transform/duckdb-transform.js';
import { fastKeys, sqlIneligible } from '../../src/transform/sql.js';
import { FAST_RETRY, tempDir, type TempDir } from '../support/pipeline.js';

const NOW = Date.parse('2026-01-10T00:00:00Z');
const FUELINST = findDataset('FUELINST')!;

interface Run {
  readonly outcomes: unknown[];
  readonly paths: string[];
  /** The mode of each statement the SQL transform ran (sql.ts: fast, general). */
  readonly modes: string[];
  readonly db: string;
}

/** The transform, recording for each window whether SQL did the work or why it declined. */
function recording(inner: WindowTransform): WindowTransform & { paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    async prepare(...args) {
      const r = await inner.prepare(...args);
      paths.push('fallback' in r ? `js: ${r.fallback}` : 'sql');
      return r;
    },
    bodyFile: () => inner.bodyFile!(),
    close: () => inner.close(),
  };
}

/** What a window's outcome says, without timings. */
function facts(o: WindowOutcome) {
  return {
    window: o.window.from,
    status: o.status,
    fetched: o.fetched,
    outside: o.outside,
    inserted: o.inserted,
    skipped: o.skipped,
    revisions: o.revisions,
    unknownFields: o.unknownFields,
    gaps: o.gaps ?? null,
    error: o.error ? `${o.error.exitCode} ${o.error.message}` : null,
  };
}

async function runBoth(dir: TempDir, api: ApiClient, windows: readonly Window[]): Promise<{ js: Run; sql: Run }> {
  const out: Record<string, Run> = {};
  for (const mode of ['js', 'sql']) {
    const db = join(dir.dir, `${mode}-${Math.random().toString(36).slice(2)}.duckdb`);
    const store = await openDuckDbStore(db);
    const modes: string[] = [];
    const transform = mode === 'sql' ? recording(duckDbTransform({ batchSize: 3, onBatch: (m) => modes.push(m) })) : undefined;
    try {
      const outcomes = await runWindows({ api, store, clock: fixedClock(NOW), runId: 'run', transform }, windows, 3);
      out[mode] = { outcomes: outcomes.map(facts), paths: transform?.paths ?? [], modes, db };
    } finally {
      await store.close();
      await transform?.close();
    }
  }
  return { js: out.js, sql: out.sql };
}

/** Rows of `table` in one file and not in the other, both ways, and the counts. */
async function tableDifference(a: string, b: string, table: string): Promise<{ onlyA: number; onlyB: number; rowsA: number; rowsB: number }> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    await c.run(`ATTACH '${a}' AS a (READ_ONLY); ATTACH '${b}' AS b (READ_ONLY)`);
    const exists = (await c.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE database_name = 'a' AND table_name = '${table}'`)).getRows()[0][0];
    if (Number(exists) === 0) return { onlyA: 0, onlyB: 0, rowsA: 0, rowsB: 0 };
    const one = async (sql: string) => Number((await c.runAndReadAll(sql)).getRows()[0][0]);
    return {
      onlyA: await one(`SELECT count(*) FROM (SELECT * FROM a.${table} EXCEPT ALL SELECT * FROM b.${table})`),
      onlyB: await one(`SELECT count(*) FROM (SELECT * FROM b.${table} EXCEPT ALL SELECT * FROM a.${table})`),
      rowsA: await one(`SELECT count(*) FROM a.${table}`),
      rowsB: await one(`SELECT count(*) FROM b.${table}`),
    };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

async function expectSame(dir: TempDir, api: ApiClient, windows: readonly Window[], table: string) {
  const { js, sql } = await runBoth(dir, api, windows);
  expect(sql.outcomes).toEqual(js.outcomes);
  const diff = await tableDifference(js.db, sql.db, table);
  expect(diff.onlyA).toBe(0);
  expect(diff.onlyB).toBe(0);
  expect(diff.rowsB).toBe(diff.rowsA);
  return { js, sql, rows: diff.rowsA };
}

/** Loads `windows` into a fresh DuckDB file `db` through `transform`, and closes both. */
async function loadOnce(db: string, api: ApiClient, windows: readonly Window[], transform: WindowTransform): Promise<void> {
  const store = await openDuckDbStore(db);
  try {
    await runWindows({ api, store, clock: fixedClock(NOW), runId: 'r', transform }, windows, 1);
  } finally {
    await store.close();
    await transform.close();
  }
}

/** The rows of `sql` on the DuckDB file `db`, opened read-only. */
async function readRows(db: string, sql: string): Promise<unknown[][]> {
  const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const c = await inst.connect();
  try {
    return (await c.runAndReadAll(sql)).getRows();
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

/** An API that answers every request with the body made for its window. */
function fakeApi(windows: readonly Window[], bodyOf: (w: Window, i: number) => string): ApiClient {
  const bodies = new Map(windows.map((w, i) => [new URLSearchParams(w.query as [string, string][]).toString(), bodyOf(w, i)]));
  return {
    base: 'http://fake',
    async fetch(_path, query, decode) {
      const body = bodies.get(new URLSearchParams(query as [string, string][]).toString());
      if (body === undefined) throw new Error('no body for this query');
      return decode(body, 'application/json');
    },
  };
}

describe('SQL transform = JS path, on the simulator', () => {
  let sim: Simulator;
  let dir: TempDir;
  let api: ApiClient;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, now: NOW });
    dir = await tempDir();
    api = createHttpClient({ base: sim.url, timeoutMs: 10_000, retry: FAST_RETRY, userAgent: 'bmrs-test' });
  });
  afterAll(async () => {
    await sim.close();
    await dir.cleanup();
  });

  const days = (from: string, to: string): Range => ({ kind: 'days', from, to });

  it.each([
    ['FUELINST', days('2025-03-29', '2025-04-01'), 5_760 * 2 + 5_520],
    ['FUELINST', days('2025-10-25', '2025-10-28'), 5_760 * 2 + 6_000],
    ['FUELHH', days('2025-10-25', '2025-10-28'), 48 * 20 * 2 + 50 * 20],
  ])('%s %o across a clock change: every window by SQL, tables identical', async (code, range, rows) => {
    const windows = planWindows(findDataset(code)!, range);
    const r = await expectSame(dir, api, windows, findDataset(code)!.table);
    expect(r.sql.paths).toEqual(windows.map(() => 'sql'));
    expect(r.sql.modes.length).toBeGreaterThan(0);
    expect(r.sql.modes.every((m) => m === 'fast')).toBe(true);
    expect(r.rows).toBe(rows);
  });

  it('instant windows (boundary rows kept once, rows of the neighbour counted outside)', async () => {
    const d = FUELINST;
    const windows = planWindows(d, { kind: 'instants', from: Date.parse('2025-10-26T00:00:00Z'), to: Date.parse('2025-10-26T03:00:00Z') });
    const r = await expectSame(dir, api, windows, d.table);
    expect(r.sql.paths.every((p) => p === 'sql')).toBe(true);
    expect(r.rows).toBe(36 * 20);
  });

  it('a day whose periods are missing is incomplete the same way (gaps from SQL counts)', async () => {
    const d = FUELINST;
    const windows = planWindows(d, days('2025-10-20', '2025-10-21'));
    // Half of the day's rows, as an API that stopped early would send them.
    const full = JSON.parse(await api.fetch(windows[0].path, windows[0].query, (b) => b)) as { settlementPeriod: number }[];
    const half = fakeApi(windows, () => JSON.stringify(full.filter((row) => row.settlementPeriod <= 24)));
    const r = await expectSame(dir, half, windows, d.table);
    expect(r.sql.paths).toEqual(['sql']);
    expect((r.sql.outcomes[0] as { status: string }).status).toBe('incomplete');
  });
});

const row = (over: Record<string, unknown> = {}, drop: string[] = []) => {
  const base: Record<string, unknown> = {
    dataset: 'FUELINST',
    publishTime: '2025-06-01T00:05:00Z',
    startTime: '2025-06-01T00:00:00Z',
    settlementDate: '2025-06-01',
    settlementPeriod: 3,
    fuelType: 'CCGT',
    generation: 1234,
  };
  for (const k of drop) delete base[k];
  return { ...base, ...over };
};

describe('SQL transform = JS path, on bodies that test each rule', () => {
  let dir: TempDir;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => dir.cleanup());

  const windows = planWindows(FUELINST, { kind: 'days', from: '2025-06-01', to: '2025-06-02' });
  const body = (rows: unknown[]) => fakeApi(windows, () => JSON.stringify(rows));
  const raw = (text: string) => fakeApi(windows, () => text);

  // [label, body, whether SQL may do it]
  const cases: [string, ApiClient, boolean][] = [
    ['canonical rows, negative and zero integers', body([row(), row({ fuelType: 'PS', generation: -300 }), row({ fuelType: 'WIND', generation: 0 })]), true],
    ['a quote and a backslash in a string', body([row({ fuelType: 'A"B\\C' })]), false],
    ['printable ASCII punctuation', body([row({ fuelType: "x y'z{}[]:,;~!@#$%^&*()" })]), true],
    ['non-ASCII text', body([row({ fuelType: 'café' })]), false],
    ['a control character', body([row({ fuelType: 'a\tb' })]), false],
    ['an integer sent as a string', body([row({ generation: '1234' })]), false],
    ['an integral float in an INTEGER column', raw(`[${JSON.stringify(row()).replace('1234', '1234.0')}]`), false],
    ['an exponent in an INTEGER column', raw(`[${JSON.stringify(row()).replace('1234', '1e3')}]`), false],
    ['an integer past 2^53 (lossless)', raw(`[${JSON.stringify(row()).replace('1234', '9007199254740993')}]`), true],
    ['an integer past INT64', raw(`[${JSON.stringify(row()).replace('1234', '9223372036854775808')}]`), false],
    ['-0', raw(`[${JSON.stringify(row()).replace('1234', '-0')}]`), true],
    ['a time with an offset', body([row({ publishTime: '2025-06-01T01:05:00+01:00' })]), false],
    ['a time with fractional seconds', body([row({ publishTime: '2025-06-01T00:05:00.250Z' })]), false],
    ['a time without a zone', body([row({ publishTime: '2025-06-01T00:05:00' })]), false],
    ['an impossible date', body([row({ settlementDate: '2025-02-30' })]), false],
    ['a null field', body([row({ generation: null })]), true],
    ['a missing field', body([row({}, ['generation'])]), true],
    ['keys in another order', body([Object.fromEntries(Object.entries(row()).reverse())]), true],
    ['an unknown field', body([row({ extra: 1 })]), false],
    ['a null natural key', body([row({ fuelType: null })]), false],
    ['a row of another day', body([row(), row({ settlementDate: '2025-06-02', startTime: '2025-06-01T23:00:00Z', settlementPeriod: 1 })]), false],
    ['a period that does not match its startTime', body([row({ settlementPeriod: 4 })]), false],
    ['period 49 on a 48-period day', body([row({ settlementPeriod: 49, startTime: '2025-06-01T23:00:00Z' })]), false],
    ['a publishTime days away', body([row({ publishTime: '2025-06-09T00:00:00Z' })]), false],
    ['another dataset in the dataset field', body([row({ dataset: 'FUELHH' })]), false],
    ['the same row twice', body([row(), row()]), false],
    ['a revision (same natural key, other generation)', body([row(), row({ generation: 999 })]), true],
    ['an empty answer', body([]), true],
    ['not an array of objects', raw('[1, 2]'), false],
    ['truncated', raw(JSON.stringify([row(), row({ fuelType: 'WIND' })]).slice(0, -20)), false],
  ];

  it.each(cases)('%s', async (_label, api, sqlMayDoIt) => {
    const r = await expectSame(dir, api, windows, FUELINST.table);
    if (sqlMayDoIt) expect(r.sql.paths).toEqual(['sql']);
    else expect(r.sql.paths.every((p) => p.startsWith('js: '))).toBe(true);
  });

  // The fast mode proves a row's keys without listing them (sql.ts): a body it cannot prove is read
  // again in the general mode, which loads it or hands it to the JS path; never loaded otherwise.
  const second = (text: string) => raw(`[${JSON.stringify(row())},${text}]`);
  const wind = (over: Record<string, unknown> = {}, drop: string[] = []) => row({ fuelType: 'WIND', ...over }, drop);
  // [label, body, who does it in the end: 'fast', 'general' (SQL, after the fast mode declined) or 'js']
  const modeCases: [string, ApiClient, 'fast' | 'general' | 'js'][] = [
    ['canonical rows in one key order', body([row(), wind(), row({ fuelType: 'PS' })]), 'fast'],
    ['every row in the same unusual order', body([Object.fromEntries(Object.entries(row()).reverse()), Object.fromEntries(Object.entries(wind()).reverse())]), 'fast'],
    ['a later row in another key order', second(JSON.stringify(Object.fromEntries(Object.entries(wind()).reverse()))), 'general'],
    ['a later row missing a key', body([row(), wind({}, ['generation'])]), 'general'],
    ['a later row with a null value', body([row(), wind({ generation: null })]), 'fast'],
    ['a later row with an unknown key', body([row(), wind({ extra: 1 })]), 'js'],
    ['a later row with an unknown key where a known one is missing', body([row(), wind({ generatioX: 12345 }, ['generation'])]), 'js'],
    ['a later row hiding a key in an unknown nested object', second(JSON.stringify(wind({ zz: { a: 1, generation: 5 } }, ['generation']))), 'js'],
    ['whitespace between the tokens of a later row (the fast mode reads rows as the API writes them)', second(JSON.stringify(wind(), null, 1)), 'general'],
    ['a key repeated in a later row', second(JSON.stringify(wind()).replace('"generation":1234', '"generation":1234,"generation":99')), 'js'],
  ];

  // Adversarial bodies: every one must end the same way by both paths (review of the fast mode).
  const later = (edit: (text: string) => string) => second(edit(JSON.stringify(wind())));
  const odd: [string, ApiClient, 'fast' | 'general' | 'js'][] = [
    ['a trailing comma in a later row (DuckDB reads it, JSON.parse does not)', later((t) => t.replace(/}$/, ',}')), 'js'],
    ['a trailing comma in the first row', raw(`[${JSON.stringify(row()).replace(/}$/, ',}')}]`), 'js'],
    ['a byte order mark before the body (DuckDB skips it, JSON.parse does not)', raw(`\ufeff${JSON.stringify([row(), wind()])}`), 'js'],
    ['a no-break space after the body', raw(`${JSON.stringify([row(), wind()])}\u00a0`), 'js'],
    ['a line separator after the body', raw(`${JSON.stringify([row(), wind()])}\u2028`), 'js'],
    ['a byte order mark after the body', raw(`${JSON.stringify([row(), wind()])}\ufeff`), 'js'],
    ['a NUL after the body', raw(`${JSON.stringify([row(), wind()])}\u0000`), 'js'],
    ['a no-break space between rows', raw(`[${JSON.stringify(row())},\u00a0${JSON.stringify(wind())}]`), 'js'],
    ['a trailing comma after whitespace in a later row', later((t) => t.replace(/}$/, ' ,\n }')), 'js'],
    ['a form feed between rows (DuckDB skips it, JSON.parse does not)', raw(`[${JSON.stringify(row())},\f${JSON.stringify(wind())}]`), 'js'],
    ['a vertical tab after the body', raw(`${JSON.stringify([row(), wind()])}\v`), 'js'],
    ['NaN in an INTEGER column', later((t) => t.replace('1234', 'NaN')), 'js'],
    ['Infinity in an INTEGER column', later((t) => t.replace('1234', 'Infinity')), 'js'],
    ['a \\u escape of a letter in a string', later((t) => t.replace('"WIND"', '"WIN\\u0044"')), 'general'],
    ['an escaped slash in a string', later((t) => t.replace('"WIND"', '"W\\/D"')), 'general'],
    ['an escaped quote written \\u0022', later((t) => t.replace('"WIND"', '"W\\u0022D"')), 'js'],
    ['a key spelled with a \\u escape', later((t) => t.replace('"generation"', '"gener\\u0061tion"')), 'general'],
    ['a key given twice, once spelled with an escape', later((t) => t.replace('"generation":1234', '"generation":1234,"gener\\u0061tion":99')), 'js'],
    ['a key differing only in case, in place of the key', later((t) => t.replace('"generation"', '"Generation"')), 'js'],
    ['a key differing only in case, beside the key', later((t) => t.replace('"generation":1234', '"generation":1234,"Generation":1234')), 'js'],
    ['a key with LIKE wildcards in place of one', later((t) => t.replace('"fuelType"', '"fuel_ype"')), 'js'],
    ['a later row that is null', raw(`[${JSON.stringify(row())},null]`), 'js'],
    ['a later row that is an empty object', raw(`[${JSON.stringify(row())},{}]`), 'js'],
    ['a later row that is an array', raw(`[${JSON.stringify(row())},[1]]`), 'js'],
    ['an empty string', body([row(), wind({ fuelType: '' })]), 'fast'],
    ['a string of separators and a fake key', body([row(), wind({ fuelType: ',generation:1}{' })]), 'fast'],
    ['-0 in a later row (written again as 0)', later((t) => t.replace('1234', '-0')), 'general'],
    ['1.0 in a later row', later((t) => t.replace('1234', '1.0')), 'js'],
    ['1e2 in a later row', later((t) => t.replace('1234', '1e2')), 'js'],
    ['INT64 max and min', raw(`[${JSON.stringify(row()).replace('1234', '9223372036854775807')},${JSON.stringify(wind()).replace('1234', '-9223372036854775808')}]`), 'fast'],
    ['one below INT64 min', later((t) => t.replace('1234', '-9223372036854775809')), 'js'],
    ['past UINT64', later((t) => t.replace('1234', '18446744073709551616')), 'js'],
    ['true in an INTEGER column', body([row(), wind({ generation: true })]), 'js'],
    ['an object in an INTEGER column', body([row(), wind({ generation: { generation: 1 } })]), 'js'],
    ['an array in a STRING column', body([row(), wind({ fuelType: ['WIND'] })]), 'js'],
    ['a number in a STRING column', body([row(), wind({ fuelType: 7 })]), 'js'],
    ['every value null in a later row', body([row(), Object.fromEntries(Object.keys(row()).map((k) => [k, null]))]), 'js'],
    ['a lowercase t in a time', body([row(), wind({ publishTime: '2025-06-01t00:05:00Z' })]), 'js'],
    ['a space for the T in a time', body([row(), wind({ publishTime: '2025-06-01 00:05:00Z' })]), 'js'],
    ['a time with +00:00', body([row(), wind({ publishTime: '2025-06-01T00:05:00+00:00' })]), 'js'],
    ['a date with a time', body([row(), wind({ settlementDate: '2025-06-01T00:00:00Z' })]), 'js'],
    ['24:00:00', body([row(), wind({ publishTime: '2025-06-01T24:00:00Z' })]), 'js'],
    ['a leap second', body([row(), wind({ publishTime: '2025-06-01T00:05:60Z' })]), 'js'],
    ['whitespace around the body and between rows', raw(` \n[ ${JSON.stringify(row())} ,\n${JSON.stringify(wind())} ]\n `), 'general'],
    ['a line feed after the body', raw(`${JSON.stringify([row(), wind()])}\n`), 'general'],
    ['a key with a NUL escape in place of the key', later((t) => t.replace('"generation"', '"generation\\u0000"')), 'js'],
    ['a key with a NUL escape beside the key', later((t) => t.replace('"generation":1234', '"generation":1234,"generation\\u0000":1')), 'js'],
    ['a key with a trailing space', later((t) => t.replace('"generation"', '"generation "')), 'js'],
    ['an unknown key __proto__', later((t) => t.replace('"generation":1234', '"generation":1234,"__proto__":{}')), 'js'],
    ['whitespace inside the first row only', raw(`[${JSON.stringify(row(), null, 1)},${JSON.stringify(wind())}]`), 'general'],
    // The fast mode cuts a stream body into rows at each `},{` (sql.ts, rowsSql): a cut inside a string.
    ['a string holding the cut `},{`', body([row(), wind({ fuelType: 'A},{B' }), row({ fuelType: 'PS' })]), 'general'],
    ['a string holding a whole fake row between cuts (its quotes escaped)', body([row(), wind({ fuelType: `x},${JSON.stringify(row({ fuelType: 'PS' }))},{"y` })]), 'js'],
    ['a string holding `}]` in the last row', body([row(), wind({ fuelType: 'W}]' })]), 'fast'],
    ['a string holding `[{` in the first row', body([row({ fuelType: '[{x' }), wind()]), 'fast'],
  ];

  it.each(odd)('adversarial: %s', async (_label, api, by) => {
    const r = await expectSame(dir, api, windows, FUELINST.table);
    if (by === 'js') return expect(r.sql.paths.every((p) => p.startsWith('js: '))).toBe(true);
    expect(r.sql.paths).toEqual(['sql']);
    expect(r.sql.modes).toEqual(by === 'fast' ? ['fast'] : ['fast', 'general']);
  });

  it.each(modeCases)('fast mode: %s', async (_label, api, by) => {
    const r = await expectSame(dir, api, windows, FUELINST.table);
    if (by === 'js') return expect(r.sql.paths.every((p) => p.startsWith('js: '))).toBe(true);
    expect(r.sql.paths).toEqual(['sql']);
    expect(r.sql.modes).toEqual(by === 'fast' ? ['fast'] : ['fast', 'general']);
  });

  it('a publishTime days away loads by both paths where the registry does not ask for the check', async () => {
    const { publishNearSettlement: _near, ...rest } = FUELINST;
    const loose: DatasetSpec = { ...rest, table: 'bmrs_fuelinst_loose' };
    const ws = planWindows(loose, { kind: 'days', from: '2025-06-01', to: '2025-06-02' });
    const api = fakeApi(ws, () => JSON.stringify([row({ publishTime: '2025-06-09T00:00:00Z' })]));
    const r = await expectSame(dir, api, ws, loose.table);
    expect(r.sql.paths).toEqual(['sql']);
    expect(r.rows).toBe(1);
  });

  // The non-stream endpoint's envelope (FOU2T14D, NOU2T14D... take it): DuckDB reads the rows out of it
  // re-serialised, so what it accepts around and inside them must be checked on the envelope.
  const enveloped: DatasetSpec = { ...FUELINST, stream: false, table: 'bmrs_fuelinst_envelope' };
  const envWindows = planWindows(enveloped, { kind: 'days', from: '2025-06-01', to: '2025-06-02' });
  const env = (text: string) => fakeApi(envWindows, () => text);
  const two = `${JSON.stringify(row())},${JSON.stringify(wind())}`;
  const envelopes: [string, ApiClient, 'fast' | 'sql' | 'js'][] = [
    ['rows in an envelope', env(`{"data":[${two}]}`), 'fast'],
    ['metadata before the rows', env(`{"metadata":{"datasets":["FUELINST"]},"data":[${two}]}`), 'fast'],
    ['whitespace in the rows of an envelope', env(JSON.stringify({ data: [row(), wind()] }, null, 2)), 'sql'],
    ['an empty data array', env('{"data":[]}'), 'sql'],
    ['a trailing comma in a row of an envelope', env(`{"data":[${two.replace(/}$/, ',}')}]}`), 'js'],
    ['a trailing comma in the data array', env(`{"data":[${two},]}`), 'js'],
    ['a trailing comma in the metadata', env(`{"metadata":{"a":1,},"data":[${two}]}`), 'js'],
    ['NaN in the metadata', env(`{"metadata":{"a":NaN},"data":[${two}]}`), 'js'],
    ['two envelopes one after the other', env(`{"data":[${JSON.stringify(row())}]} {"data":[${JSON.stringify(wind())}]}`), 'js'],
    ['the data key twice', env(`{"data":[${JSON.stringify(row())}],"data":[${JSON.stringify(wind())}]}`), 'js'],
    ['no data key', env(`{"dat":[${two}]}`), 'js'],
    ['data null', env('{"data":null}'), 'js'],
    ['data an object', env(`{"data":${JSON.stringify(row())}}`), 'js'],
    ['a null row in the data', env(`{"data":[${JSON.stringify(row())},null]}`), 'js'],
    ['a key repeated in a row of an envelope', env(`{"data":[${two.replace('"generation":1234', '"generation":1234,"generation":99')}]}`), 'js'],
    ['a key spelled with an escape in a row of an envelope', env(`{"data":[${two.replace('"generation"', '"gener\\u0061tion"')}]}`), 'fast'],
    ['a key given twice, once with an escape, in a row of an envelope', env(`{"data":[${two.replace('"generation":1234', '"generation":1234,"gener\\u0061tion":99')}]}`), 'js'],
    ['a byte order mark before the envelope', env(`\ufeff{"data":[${two}]}`), 'js'],
  ];

  it.each(envelopes)('envelope: %s', async (_label, api, by) => {
    const r = await expectSame(dir, api, envWindows, enveloped.table);
    if (by === 'js') return expect(r.sql.paths.every((p) => p.startsWith('js: '))).toBe(true);
    expect(r.sql.paths).toEqual(['sql']);
    if (by === 'fast') expect(r.sql.modes).toEqual(['fast']);
  });

  // FOU2T14D: an envelope, TIMESTAMP times (hashed with +00:00) and a BOOLEAN (hashed from its JSON text).
  const FOU = findDataset('FOU2T14D')!;
  const fouWindows = planWindows(FOU, { kind: 'days', from: '2025-06-01', to: '2025-06-02' });
  const fou = (over: Record<string, unknown> = {}) => ({
    dataset: 'FOU2T14D', fuelType: 'WIND', publishTime: '2025-06-01T12:00:00Z', systemZone: 'N', forecastDate: '2025-06-05T00:00:00Z',
    forecastDateTimezone: 'Europe/London', outputUsable: 900, biddingZone: '10YGB----------A', interconnectorName: 'IFA', interconnector: false, ...over,
  });
  const fouBody = (rows: unknown[]) => fakeApi(fouWindows, () => JSON.stringify({ data: rows }));
  const fous: [string, ApiClient, 'fast' | 'js'][] = [
    ['booleans and null in a BOOLEAN column', fouBody([fou(), fou({ fuelType: 'CCGT', interconnector: true }), fou({ fuelType: 'PS', interconnector: null })]), 'fast'],
    ['a boolean sent as a string', fouBody([fou(), fou({ fuelType: 'CCGT', interconnector: 'true' })]), 'js'],
    ['a boolean sent as 1', fouBody([fou(), fou({ fuelType: 'CCGT', interconnector: 1 })]), 'js'],
    ['a forecastDate with a five-digit year', fouBody([fou(), fou({ fuelType: 'CCGT', forecastDate: '10000-06-05T00:00:00Z' })]), 'js'],
    ['a forecastDate at midnight sent as a date', fouBody([fou(), fou({ fuelType: 'CCGT', forecastDate: '2025-06-05' })]), 'js'],
  ];

  it.each(fous)('FOU2T14D: %s', async (_label, api, by) => {
    const r = await expectSame(dir, api, fouWindows, FOU.table);
    if (by === 'js') return expect(r.sql.paths.every((p) => p.startsWith('js: '))).toBe(true);
    expect(r.sql.paths).toEqual(['sql']);
    expect(r.sql.modes).toEqual(['fast']);
    expect(r.rows).toBeGreaterThan(0);
  });

  it('a five-digit year in a time no check bounds: DuckDB reads it, the JS path refuses it', async () => {
    const { publishNearSettlement: _near, ...rest } = FUELINST;
    const loose: DatasetSpec = { ...rest, table: 'bmrs_fuelinst_loose' };
    const ws = planWindows(loose, { kind: 'days', from: '2025-06-01', to: '2025-06-02' });
    const api = fakeApi(ws, () => JSON.stringify([row(), row({ fuelType: 'WIND', publishTime: '10000-06-09T00:00:00Z' })]));
    const r = await expectSame(dir, api, ws, loose.table);
    expect(r.sql.paths.every((p) => p.startsWith('js: '))).toBe(true);
  });

  it('a batch of windows where one is odd: the others stay fast, the odd one alone is read again', async () => {
    const ws = planWindows(FUELINST, { kind: 'days', from: '2025-06-01', to: '2025-06-07' });
    const day = (w: Window) => new Date(w.to - 1).toISOString().slice(0, 10);
    const rowsOf = (w: Window) => {
      const d = day(w);
      return [row({ settlementDate: d, startTime: `${d}T00:00:00Z`, publishTime: `${d}T00:05:00Z` }), wind({ settlementDate: d, startTime: `${d}T00:00:00Z`, publishTime: `${d}T00:05:00Z` })];
    };
    const api = fakeApi(ws, (w, i) => {
      const [a, b] = rowsOf(w).map((x) => JSON.stringify(x));
      if (i === 1) return `[${a},${JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(b) as object).reverse()))}]`; // another key order: general
      if (i === 3) return `[${a},${b.replace('"generation":1234,', '')}]`; // a key missing: the fast statement fails
      if (i === 4) return `[${a},${b.replace('"generation":1234', '"generation":1234,"extra":1')}]`; // an unknown key: JS
      return `[${a},${b}]`;
    });
    const r = await expectSame(dir, api, ws, FUELINST.table);
    expect(ws).toHaveLength(6);
    expect(r.sql.paths.filter((p) => p === 'sql')).toHaveLength(5);
    expect(r.sql.paths.filter((p) => p.startsWith('js: '))).toHaveLength(1);
    expect(r.sql.modes).toContain('general');
    expect(r.rows).toBe(12);
  });

  it('windows of one batch in different key orders stay fast, and a window the fast mode cannot take is read apart', async () => {
    const ws = planWindows(FUELINST, { kind: 'days', from: '2025-06-01', to: '2025-06-07' });
    const api = fakeApi(ws, (w, i) => {
      const d = new Date(w.to - 1).toISOString().slice(0, 10);
      const at = { settlementDate: d, startTime: `${d}T00:00:00Z`, publishTime: `${d}T00:05:00Z` };
      const rows = [row(at), wind(at)];
      if (i === 2) return JSON.stringify([row(at, ['generation']), wind(at)]); // no fast keys: the general mode from the start
      return JSON.stringify(i % 2 === 1 ? rows.map((x) => Object.fromEntries(Object.entries(x).reverse())) : rows);
    });
    const r = await expectSame(dir, api, ws, FUELINST.table);
    expect(r.sql.paths).toEqual(ws.map(() => 'sql'));
    expect(r.sql.modes.filter((m) => m === 'general')).toHaveLength(1);
    expect(r.rows).toBe(12);
  });

  it('a staged file holds only what varies by row: what is one value in every kept row goes beside it as constants, and the store fills every row with them', async () => {
    const ws = planWindows(FUELINST, { kind: 'days', from: '2025-06-01', to: '2025-06-05' });
    const reversed = (x: object) => Object.fromEntries(Object.entries(x).reverse());
    const api = fakeApi(ws, (w, i) => {
      const d = new Date(w.to - 1).toISOString().slice(0, 10);
      const at = { settlementDate: d, startTime: `${d}T00:00:00Z`, publishTime: `${d}T00:05:00Z` };
      const bodies = [
        [row(at), wind(at)], // the fast mode, every value present
        [row(at, ['generation']), wind({ ...at, dataset: null })], // the general mode (the first row lacks a column), a dataset missing
        [row(at), wind({ ...at, generation: null })], // the fast mode, a value null
        [reversed(row(at)), wind(at)], // the general mode (the second row's keys in another order), every value present
      ];
      return JSON.stringify(bodies[i]);
    });
    const inner = duckDbTransform();
    const seen: { from: number; columns: string[]; constants: Record<string, string> }[] = [];
    const reader = await DuckDBInstance.create(':memory:');
    const rc = await reader.connect();
    const transform: WindowTransform = {
      ...inner,
      async prepare(...args) {
        const r = await inner.prepare(...args);
        if ('fallback' in r) throw new Error(r.fallback);
        const described = await rc.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${r.staged.path}')`);
        seen.push({ from: args[0].from, columns: described.getRowObjects().map((x) => String(x.column_name)).sort(), constants: { ...r.staged.constants } });
        return r;
      },
    };
    const db = join(dir.dir, 'constants.duckdb');
    try {
      await loadOnce(db, api, ws, transform);
    } finally {
      rc.closeSync();
      reader.closeSync();
    }
    const data = FUELINST.columns.map((c) => c.name).filter((n) => n !== 'dataset');
    const meta = ['_dataset', '_window_from_utc', '_window_to_utc', '_ingested_utc', '_source_api'];
    const all = "['dataset', 'publishTime', 'startTime', 'settlementDate', 'settlementPeriod', 'fuelType', 'generation']";
    const back = "['generation', 'fuelType', 'settlementPeriod', 'settlementDate', 'startTime', 'publishTime', 'dataset']";
    const less = (name: string) => all.replace(`, '${name}'`, '').replace(`'${name}', `, '');
    // Windows may be prepared in either order.
    seen.sort((a, b) => a.from - b.from);
    expect(seen).toHaveLength(4);
    // In the file: what is not a constant.
    expect(seen.map((x) => x.columns)).toEqual([
      [...data, '_hash_key'],
      [...data, 'dataset', '_hash_key', '_hash_source_cols', '_source_columns'],
      [...data, '_hash_key', '_hash_source_cols'],
      [...data, '_hash_key', '_source_columns'],
    ].map((x) => x.sort()));
    expect(seen.map((x) => Object.keys(x.constants).sort())).toEqual([
      [...meta, 'dataset', '_source_columns', '_hash_source_cols'],
      [...meta],
      [...meta, 'dataset', '_source_columns'],
      [...meta, 'dataset', '_hash_source_cols'],
    ].map((x) => x.sort()));
    expect(seen[0].constants).toEqual({
      dataset: 'FUELINST',
      _dataset: 'FUELINST',
      _window_from_utc: '2025-05-31T23:00:00+00:00',
      _window_to_utc: '2025-06-01T23:00:00+00:00',
      _ingested_utc: expect.stringMatching(/^2026-01-10T00:00:00/),
      _source_api: 'BMRS',
      _source_columns: all,
      _hash_source_cols: all,
    });
    const stored = await readRows(
      db,
      `SELECT settlementDate::VARCHAR AS day, fuelType, dataset, _dataset, _window_from_utc, _window_to_utc, _source_api, _source_columns, _hash_source_cols FROM ${FUELINST.table} ORDER BY 1, 2`,
    );
    // _dataset, _window_from_utc, _window_to_utc, _source_api of each settlement day's window.
    const edges = ['2025-05-31', '2025-06-01', '2025-06-02', '2025-06-03', '2025-06-04'].map((d) => `${d}T23:00:00+00:00`);
    const [d1, d2, d3, d4] = [0, 1, 2, 3].map((i) => ['FUELINST', edges[i], edges[i + 1], 'BMRS']);
    expect(stored).toEqual([
      ['2025-06-01', 'CCGT', 'FUELINST', ...d1, all, all],
      ['2025-06-01', 'WIND', 'FUELINST', ...d1, all, all],
      ['2025-06-02', 'CCGT', 'FUELINST', ...d2, less('generation'), less('generation')],
      ['2025-06-02', 'WIND', null, ...d2, all, less('dataset')],
      ['2025-06-03', 'CCGT', 'FUELINST', ...d3, all, all],
      ['2025-06-03', 'WIND', 'FUELINST', ...d3, all, less('generation')],
      ['2025-06-04', 'CCGT', 'FUELINST', ...d4, back, all],
      ['2025-06-04', 'WIND', 'FUELINST', ...d4, all, all],
    ]);
  });

  it('the 19 rows of the real 2024-02-12 body get the production hashes by SQL', async () => {
    const text = readFileSync(join(import.meta.dirname, '../fixtures/elexon/FUELINST_reutils_2024-02-12_stream.json'), 'utf8');
    const ws = planWindows(FUELINST, { kind: 'days', from: '2024-02-12', to: '2024-02-13' });
    const api = fakeApi(ws, () => text);
    const transform = recording(duckDbTransform());
    const db = join(dir.dir, 'real.duckdb');
    await loadOnce(db, api, ws, transform);
    expect(transform.paths).toEqual(['sql']);
    const got = await readRows(db, `SELECT fuelType, _hash_key FROM ${FUELINST.table} ORDER BY fuelType`);
    expect(got).toContainEqual(['BIOMASS', 'd0a3676970ee09e4ceae3cc7e1e0ec98']);
    expect(got).toContainEqual(['PS', '834377f660471eed7ab3e3fa721c3f7c']);
    expect(got).toContainEqual(['WIND', '68412341c24cb514e81a49b376696c9e']);
    expect(got).toHaveLength(19);
  });
});

describe('which tables the SQL path takes', () => {
  const handle = (d: DatasetSpec, columns: readonly Column[] = d.columns) => ({ name: d.table, spec: { ...d, columns }, columns, created: false });
  it('FUELINST and FUELHH; not a dataset with FLOAT columns (Python float repr is not SQL text)', () => {
    expect(sqlIneligible(handle(FUELINST))).toBeNull();
    expect(sqlIneligible(handle(findDataset('FUELHH')!))).toBeNull();
    expect(sqlIneligible(handle(findDataset('MID')!))).not.toBeNull();
    expect(sqlIneligible(handle(FUELINST, [...FUELINST.columns, { name: 'price', type: 'FLOAT' }]))).toMatch(/price is FLOAT/);
  });
  it('not an existing table whose settlementDate is a TIMESTAMP', () => {
    const cols = FUELINST.columns.map((c) => (c.name === 'settlementDate' ? { ...c, type: 'TIMESTAMP' as const } : c));
    expect(sqlIneligible(handle(FUELINST, cols))).toMatch(/settlementDate/);
  });
});

describe('the fast mode key order (fastKeys)', () => {
  const table = { name: FUELINST.table, spec: FUELINST, columns: FUELINST.columns, created: false };
  const names = FUELINST.columns.map((c) => c.name);
  const first = JSON.stringify(row());
  it('is the first row\'s keys in a stream, an envelope and an envelope with metadata', () => {
    expect(fastKeys(table, `[${first},${first}]`, true)).toEqual(names);
    expect(fastKeys(table, `{"data":[${first}]}`, false)).toEqual(names);
    expect(fastKeys(table, `{"metadata":{"datasets":["FUELINST"]},"data":[${JSON.stringify(Object.fromEntries(Object.entries(row()).reverse()))}]}`, false)).toEqual([...names].reverse());
  });
  it('is null without a row, or when the first row lacks a column or has another key', () => {
    expect(fastKeys(table, '[]', true)).toBeNull();
    expect(fastKeys(table, '{"data":[]}', false)).toBeNull();
    expect(fastKeys(table, `[${JSON.stringify(row({}, ['generation']))}]`, true)).toBeNull();
    expect(fastKeys(table, `[${JSON.stringify(row({ extra: 1 }))}]`, true)).toBeNull();
    expect(fastKeys(table, '[{"dataset":"FUELINST","fuelType":"A}B"}]', true)).toBeNull();
  });
});

// --archive (and --data-dir, in the old script's layout) keeps every raw response; the simulator's
// replay mode serves either folder, so a table can be rebuilt offline with the same rows and the same
// _hash_keys.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ArchiveLayout } from '../../src/adapters/archive.js';
import { fixedClock } from '../../src/adapters/clock.js';
import { createHttpClient } from '../../src/adapters/http.js';
import { findDataset } from '../../src/core/datasets.js';
import { InternalError } from '../../src/core/errors.js';
import type { WindowTransform } from '../../src/core/ports.js';
import { runWindows } from '../../src/core/runner.js';
import { planWindows } from '../../src/core/windows.js';
import { startSimulator } from '../../src/sim/index.js';
import { openDuckDbStore } from '../../src/sinks/duckdb.js';
import { duckDbTransform } from '../../src/transform/duckdb-transform.js';
import { days, FAST_RETRY, query, runPipeline, tempDir } from '../support/pipeline.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(() => tmp.cleanup());

it.each<[ArchiveLayout, RegExp]>([
  ['bmrs', /^\d{8}T\d{6}Z_\d{8}T\d{6}Z\.json\.gz$/],
  ['fetch-script', /^\d{4}-\d{2}-\d{2}_\d{6}\.json$/],
])('rebuilds a table from the archive (%s layout) through the simulator replay mode', async (archiveLayout, name) => {
  const archive = join(tmp.dir, 'raw');
  const live = await startSimulator({ port: 0, seed: 11, now: '2025-11-01T00:00:00Z' });
  try {
    const [r] = await runPipeline({ api: live.url, db: tmp.db, datasets: ['FUELINST', 'MID'], range: days('2025-10-26', '2025-10-28'), archive, archiveLayout });
    expect(r.inserted).toBe(6000 + 5760);
  } finally {
    await live.close();
  }
  for (const code of ['FUELINST', 'MID']) {
    const files = readdirSync(join(archive, code));
    expect(files).toHaveLength(2);
    for (const file of files) expect(file).toMatch(name);
  }

  const replay = await startSimulator({ port: 0, dataDir: archive, now: '2025-11-01T00:00:00Z' });
  const rebuilt = join(tmp.dir, 'rebuilt.duckdb');
  try {
    const reports = await runPipeline({ api: replay.url, db: rebuilt, datasets: ['FUELINST', 'MID'], range: days('2025-10-26', '2025-10-28') });
    expect(reports.map((x) => x.failures)).toEqual([[], []]);
  } finally {
    await replay.close();
  }
  for (const table of ['bmrs_fuelinst', 'bmrs_mid']) {
    const sql = `SELECT _hash_key FROM ${table} ORDER BY 1`;
    const original = await query(tmp.db, sql);
    expect(original.length).toBeGreaterThan(0);
    expect(await query(rebuilt, sql)).toEqual(original);
  }
});

it('a window whose archive fails is a failed window, and its staged rows are let go at once', async () => {
  const sim = await startSimulator({ port: 0, now: '2025-11-01T00:00:00Z' });
  const store = await openDuckDbStore(tmp.db);
  const staged: string[] = [];
  const inner = duckDbTransform();
  const transform: WindowTransform = {
    async prepare(...args) {
      const r = await inner.prepare(...args);
      if (!('fallback' in r)) staged.push(r.staged.path);
      return r;
    },
    bodyFile: () => inner.bodyFile!(),
    close: () => inner.close(),
  };
  const archive = {
    async save() {
      throw new InternalError('archive failed: disk full (injected)');
    },
  };
  try {
    const api = createHttpClient({ base: sim.url, timeoutMs: 5_000, retry: FAST_RETRY, userAgent: 'bmrs-test' });
    const windows = planWindows(findDataset('FUELINST')!, days('2025-10-20', '2025-10-22'));
    const outcomes = await runWindows({ api, store, clock: fixedClock(Date.parse('2025-11-01T00:00:00Z')), runId: 'r', transform, archive }, windows, 2);
    expect(outcomes.map((o) => [o.status, o.inserted, o.error?.message])).toEqual(windows.map(() => ['failed', 0, 'archive failed: disk full (injected)']));
    // Before the run's end (the transform still open): no staged file is left behind.
    expect(staged).toHaveLength(2);
    for (const path of staged) expect(existsSync(path)).toBe(false);
    expect(await store.countRows('bmrs_fuelinst')).toBe(0);
  } finally {
    await store.close();
    await transform.close();
    await sim.close();
  }
});

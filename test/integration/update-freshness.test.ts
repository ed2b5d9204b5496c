// `bmrs update` in this process, with its real child ingest against a simulator of its own, and the
// store's opening wrapped: the read for freshness after a failed ingest fails, as a store held or
// broken at that moment would. That must not hide the ingest's own failure code. (End to end, the
// moment between the child's exit and the parent's read cannot be caught without a race.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoreBusyError } from '../../src/core/errors.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { tempDir, type TempDir } from '../support/pipeline.js';

const opens = vi.hoisted(() => ({ count: 0, failFrom: Infinity }));
vi.mock('../../src/cli/open-store.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/cli/open-store.js')>();
  return {
    ...real,
    openConfiguredStore: async (...args: Parameters<typeof real.openConfiguredStore>) => {
      if (++opens.count >= opens.failFrom) throw new StoreBusyError(`the store ${args[0].duckdbPath} is in use by a writer (a test); waited 0.0 s`);
      return real.openConfiguredStore(...args);
    },
  };
});
const { runUpdate } = await import('../../src/cli/update/run.js');

let sim: Simulator;
let tmp: TempDir;
let logFile: string;
beforeEach(async () => {
  sim = await startSimulator({ port: 0, now: '2025-11-01T12:00:00Z' });
  tmp = await tempDir();
  logFile = join(tmp.dir, 'logs', 'realtime_updates.log');
  opens.count = 0;
  opens.failFrom = Infinity;
  vi.stubEnv('BMRS_API_BASE', sim.url);
  vi.stubEnv('BMRS_NOW', '2025-11-01T12:00:00Z');
  vi.stubEnv('BMRS_DUCKDB_PATH', tmp.db);
  vi.stubEnv('BMRS_RETRY_BASE_MS', '5');
  vi.stubEnv('BMRS_RETRY_ATTEMPTS', '2');
  vi.stubEnv('NO_COLOR', '1');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await sim.close();
  await tmp.cleanup();
});

/** One cycle in this process: its exit code and its --json report (stdout). */
async function cycle(datasets: string) {
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const code = await runUpdate({ datasets, logFile, json: true });
  vi.restoreAllMocks();
  return { code, report: JSON.parse(stdout) };
}

describe('bmrs update: freshness after a failed ingest', () => {
  it('a store that cannot be read for freshness after a failed ingest does not hide the ingest failure (exit 65)', async () => {
    sim.setFault({ kind: 'status', status: 400, path: 'MID' });
    // The first opening plans the windows; the second, for freshness after the child, fails.
    opens.failFrom = 2;
    const r = await cycle('FUELINST,MID');
    expect(r.code).toBe(65);
    expect(r.report).toMatchObject({ ok: false, exitCode: 65, ingest: { exitCode: 65 }, freshness: null });
    expect(r.report.freshnessNotChecked).toMatch(/in use by a writer/);
    expect(r.report.ingest.report.datasets.find((d: { dataset: string }) => d.dataset === 'FUELINST')).toMatchObject({ inserted: 60 });
    const lines = readFileSync(logFile, 'utf8').trim().split('\n');
    expect(lines.filter((l) => /error/i.test(l))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/ - ERROR - ❌ Update cycle failed: bmrs ingest exited 65: MID .*; freshness not checked: the store .* is in use by a writer/);
  });
});

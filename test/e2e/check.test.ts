// `bmrs check` end to end: the compiled CLI against DuckDB stores built through the simulator, each
// test with its own simulator and store. Every test asserts the exit code and the JSON.
import { writeFileSync, chmodSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSession } from '../../src/sinks/duckdb-open.js';
import { formatLogLine } from '../../src/core/update-log.js';
import { check, load, scalar, sql, useCheckContext } from '../support/check.js';
import { makeStore } from '../support/cli.js';

const NOW = '2025-10-28T12:00:00Z';
const ctx = useCheckContext(NOW);
const fuelinst = () => load(ctx, ['FUELINST'], '2025-10-22', '2025-10-29', NOW);
const kinds = (json: { findings: { kind: string }[] }) => json.findings.map((f) => f.kind);

describe('bmrs check', () => {
  it('healthy: a week loaded, today in progress: exit 0, no findings', async () => {
    await fuelinst();
    const r = await check(ctx, ['--json'], { BMRS_NOW: NOW });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ ok: true, exitCode: 0, range: { from: '2025-10-22', to: '2025-10-28' }, findings: [], api: null });
    const [f] = r.json.datasets;
    expect(f).toMatchObject({
      dataset: 'FUELINST',
      rows: 37_680,
      freshness: { settlementDate: '2025-10-28', settlementPeriod: 24, ageMinutes: 0, thresholdMinutes: 30, stale: false, ingestLagMinutes: 0 },
      duplicates: { groups: 0, extraRows: 0 },
      ledger: { windows: 7, problems: [], missing: { windows: 0, spans: [] } },
    });
    expect(f.coverage.map((d: { state: string }) => d.state)).toEqual([...Array(6).fill('complete'), 'in-progress']);
    expect(f.coverage[4]).toMatchObject({ date: '2025-10-26', periods: 50, members: 20, expectedRows: 6000, observedRows: 6000, missingPeriods: [] });
    expect(f.coverage[6].strip).toBe(`${'█'.repeat(24)}${'·'.repeat(24)}`);
    const text = await check(ctx, [], { BMRS_NOW: NOW });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/2025-10-26 50 █{50} +6,000\/6,000  complete/);
    expect(text.stdout).toMatch(/2025-10-28 48 █{24}·{24} +2,880\/5,760  in progress/);
    expect(text.stdout).toContain('✓ healthy: no findings');
    expect(text.stdout).not.toContain('\x1b[');
    // Not a terminal (a pipe, as under cron) and no NO_COLOR: still no colour.
    const piped = await check(ctx, ['--from', '2025-10-26', '--to', '2025-10-26'], { BMRS_NOW: NOW, NO_COLOR: undefined });
    expect(piped.stdout).toMatch(/2025-10-26 50 █{50} /);
    expect(piped.stdout).not.toContain('\x1b[');
    const coloured = await check(ctx, ['--dataset', 'FUELINST', '--from', '2025-10-26', '--to', '2025-10-26'], { BMRS_NOW: NOW, NO_COLOR: undefined, FORCE_COLOR: '1' });
    expect(coloured.stdout).toContain('\x1b[32m█');
  });

  it('stale: the same store an hour later (fixed clock moved forward): exit 1', async () => {
    await fuelinst();
    const r = await check(ctx, ['--json'], { BMRS_NOW: '2025-10-28T13:00:00Z' });
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ ok: false, exitCode: 1, datasets: [{ freshness: { ageMinutes: 60, stale: true } }] });
    expect(r.json.findings).toEqual([
      { kind: 'stale', dataset: 'FUELINST', message: expect.stringMatching(/^FUELINST: stale, the latest row \(2025-10-28T12:00:00Z, settlement 2025-10-28 period 24\) is 60 min old, more than 30 min$/) },
    ]);
    // Today is still in progress: its unpublished periods are no gap.
    expect(r.json.datasets[0].coverage[6].state).toBe('in-progress');
    const relaxed = await check(ctx, ['--json', '--max-age-minutes', '90'], { BMRS_NOW: '2025-10-28T13:00:00Z' });
    expect(relaxed.code).toBe(0);
    // Per dataset: FUELINST=90 relaxes FUELINST; a threshold for another dataset does not.
    const perDataset = await check(ctx, ['--json', '--max-age-minutes', 'FUELINST=90'], { BMRS_NOW: '2025-10-28T13:00:00Z' });
    expect(perDataset).toMatchObject({ code: 0, json: { datasets: [{ freshness: { thresholdMinutes: 90, stale: false } }] } });
    const other = await check(ctx, ['--json', '--max-age-minutes', '90', '--max-age-minutes', 'fuelinst=45'], { BMRS_NOW: '2025-10-28T13:00:00Z' });
    expect(other).toMatchObject({ code: 1, json: { datasets: [{ freshness: { thresholdMinutes: 45, stale: true } }] } });
    const unknown = await check(ctx, ['--max-age-minutes', 'NOPE=3'], { BMRS_NOW: '2025-10-28T13:00:00Z' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: --max-age-minutes: unknown dataset NOPE\nhint: /);
    const warned = await check(ctx, ['--json', '--warn-only'], { BMRS_NOW: '2025-10-28T13:00:00Z' });
    expect(warned).toMatchObject({ code: 0, json: { ok: false, exitCode: 0 } });
  });

  it('weekly, monthly, yearly and event-driven datasets a week after an ingest: not stale (exit 0); a daily one is', async () => {
    const slow = ['YAFM', 'CCM', 'FEIB', 'IGCA', 'MATL', 'YATL', 'WATL', 'CDN', 'SYSWARN', 'DCI'];
    await load(ctx, [...slow, 'AGPT'], '2025-10-26', '2025-10-29', NOW);
    const later = { BMRS_NOW: '2025-11-04T12:00:00Z' };
    const r = await check(ctx, ['--json', '--dataset', slow.join(',')], later);
    expect(r.json.findings).toEqual([]);
    expect(r.code).toBe(0);
    const byCode = Object.fromEntries(r.json.datasets.map((d: { dataset: string; freshness: unknown }) => [d.dataset, d.freshness]));
    expect(byCode.CDN).toMatchObject({ hasRows: true, thresholdMinutes: null, stale: false });
    expect(byCode.YAFM).toMatchObject({ thresholdMinutes: 400 * 1440, stale: false });
    expect(byCode.WATL).toMatchObject({ thresholdMinutes: 8 * 1440, stale: false });
    const text = await check(ctx, ['--dataset', 'CDN'], later);
    expect(text.stdout).toContain('not judged');
    // The daily AGPT of the same ingest is a week old: judged, and stale.
    const daily = await check(ctx, ['--json', '--dataset', [...slow, 'AGPT'].join(',')], later);
    expect(daily.code).toBe(1);
    expect(daily.json.findings.map((f: { kind: string; dataset: string }) => `${f.kind} ${f.dataset}`)).toEqual(['stale AGPT']);
  });

  it('a missing hour: periods listed, strip marked, exit 1', async () => {
    await fuelinst();
    await sql(ctx.tmp.db, `DELETE FROM bmrs_fuelinst WHERE settlementDate = DATE '2025-10-27' AND settlementPeriod IN (21, 22)`);
    const r = await check(ctx, ['--json'], { BMRS_NOW: NOW });
    expect(r.code).toBe(1);
    expect(r.json.findings).toEqual([{ kind: 'gaps', dataset: 'FUELINST', date: '2025-10-27', message: 'FUELINST settlement day 2025-10-27: periods 21-22 missing (2 of 48)' }]);
    expect(r.json.datasets[0].coverage[5]).toMatchObject({ date: '2025-10-27', state: 'gaps', expectedRows: 5760, observedRows: 5520, missingPeriods: [21, 22] });
    const text = await check(ctx, ['--dataset', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-27'], { BMRS_NOW: NOW });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/2025-10-27 48 █{20}××█{26} +5,520\/5,760  periods 21-22 missing \(2 of 48\)/);
  });

  it('a missing clock-change period: SP49 and SP50 of the 50-period day', async () => {
    await fuelinst();
    await sql(ctx.tmp.db, `DELETE FROM bmrs_fuelinst WHERE settlementDate = DATE '2025-10-26' AND settlementPeriod >= 49`);
    const r = await check(ctx, ['--json', '--from', '2025-10-26', '--to', '2025-10-26'], { BMRS_NOW: NOW });
    expect(r.code).toBe(1);
    expect(r.json.findings.map((f: { message: string }) => f.message)).toEqual(['FUELINST settlement day 2025-10-26: periods 49-50 missing (2 of 50)']);
    const [day] = r.json.datasets[0].coverage;
    expect(day).toMatchObject({ periods: 50, missingPeriods: [49, 50], expectedRows: 6000, observedRows: 5760 });
    expect(day.strip).toBe(`${'█'.repeat(48)}××`);
    // The latest row is still taken from the latest row itself, not from max(settlementPeriod).
    expect(r.json.datasets[0].freshness).toMatchObject({ settlementDate: '2025-10-28', settlementPeriod: 24 });
  });

  it("SP49 and SP50 of the 50-period day stored on the next day (a loader that assumes 48 periods): extra periods there, a gap where they belong, exit 1", async () => {
    await fuelinst();
    await sql(ctx.tmp.db, `UPDATE bmrs_fuelinst SET settlementDate = DATE '2025-10-27' WHERE settlementDate = DATE '2025-10-26' AND settlementPeriod >= 49`);
    const r = await check(ctx, ['--json', '--from', '2025-10-26', '--to', '2025-10-27'], { BMRS_NOW: NOW });
    expect(r.code).toBe(1);
    expect(r.json.findings).toEqual([
      { kind: 'gaps', dataset: 'FUELINST', date: '2025-10-26', message: 'FUELINST settlement day 2025-10-26: periods 49-50 missing (2 of 50)' },
      { kind: 'extra-periods', dataset: 'FUELINST', date: '2025-10-27', message: 'FUELINST settlement day 2025-10-27: 240 rows in periods 49-50, which this 48-period day does not have' },
    ]);
    expect(r.json.datasets[0].coverage[1]).toMatchObject({ periods: 48, extraPeriods: [{ period: 49, rows: 120 }, { period: 50, rows: 120 }] });
    const text = await check(ctx, ['--from', '2025-10-26', '--to', '2025-10-27'], { BMRS_NOW: NOW });
    expect(text.stdout).toContain('✗ FUELINST settlement day 2025-10-27: 240 rows in periods 49-50, which this 48-period day does not have');
    expect(text.stdout).toMatch(/2025-10-27 48 █{48} +6,000\/5,760  complete; and rows in periods 49-50 the day does not have/);
  });

  it('duplicates injected by SQL: counted by _hash_key, exit 1', async () => {
    await fuelinst();
    await sql(ctx.tmp.db, `INSERT INTO bmrs_fuelinst SELECT * FROM bmrs_fuelinst WHERE settlementDate = DATE '2025-10-27' AND settlementPeriod = 1`);
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(37_800);
    const r = await check(ctx, ['--json'], { BMRS_NOW: NOW });
    expect(r.code).toBe(1);
    expect(r.json.datasets[0].duplicates).toMatchObject({ groups: 120, extraRows: 120, nullKeys: 0 });
    expect(r.json.datasets[0].duplicates.worst).toHaveLength(3);
    expect(r.json.findings).toEqual([{ kind: 'duplicates', dataset: 'FUELINST', message: 'FUELINST: 120 duplicate rows (120 _hash_keys stored more than once)' }]);
    // Duplicates add rows, not natural keys: coverage is unchanged.
    expect(r.json.datasets[0].coverage[5]).toMatchObject({ state: 'complete', observedRows: 5760, storedRows: 5880 });
  });

  it('an empty store: exit 1 with one finding; --dataset names what has no rows', async () => {
    await makeStore(ctx.tmp.db, []);
    const r = await check(ctx, ['--json'], { BMRS_NOW: NOW });
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ ok: false, exitCode: 1, datasets: [], findings: [{ kind: 'empty-store', message: `the store ${ctx.tmp.db} holds no dataset table` }] });
    const named = await check(ctx, ['--json', '--dataset', 'FUELINST'], { BMRS_NOW: NOW });
    expect(named.code).toBe(1);
    expect(named.json.datasets[0]).toMatchObject({ rows: null, freshness: { hasRows: false, stale: true } });
    expect(named.json.findings[0]).toEqual({ kind: 'stale', dataset: 'FUELINST', message: 'FUELINST: no rows (no table bmrs_fuelinst)' });
    expect(kinds(named.json)).toContain('gaps');
  });

  it('a failed window in the ledger is a finding until a later load covers it', async () => {
    await load(ctx, ['FUELINST'], '2025-10-22', '2025-10-27', NOW);
    await load(ctx, ['FUELINST'], '2025-10-28', '2025-10-29', NOW);
    ctx.sim.setFault({ kind: 'type-drift' });
    const failed = await runFailingLoad();
    expect(failed).toBe(1);
    const r = await check(ctx, ['--json'], { BMRS_NOW: NOW });
    expect(r.code).toBe(1);
    expect(r.json.findings).toEqual([
      { kind: 'gaps', dataset: 'FUELINST', date: '2025-10-27', message: 'FUELINST settlement day 2025-10-27: periods 1-48 missing (48 of 48)' },
      { kind: 'ledger-failed', dataset: 'FUELINST', message: expect.stringMatching(/^FUELINST: 1 failed window in the ledger \(last \[2025-10-27T00:00:00Z, 2025-10-28T00:00:00Z\): .*generation/) },
    ]);
    ctx.sim.setFault(null);
    await load(ctx, ['FUELINST'], '2025-10-27', '2025-10-28', NOW);
    expect((await check(ctx, ['--json'], { BMRS_NOW: NOW })).json.findings).toEqual([]);
  });

  it('a day never loaded is a missing ledger window: reported, a finding only through coverage', async () => {
    await load(ctx, ['FUELINST', 'FREQ'], '2025-10-22', '2025-10-26', NOW);
    await load(ctx, ['FUELINST', 'FREQ'], '2025-10-27', '2025-10-29', NOW);
    const r = await check(ctx, ['--json'], { BMRS_NOW: NOW });
    expect(r.code).toBe(1);
    const byCode = Object.fromEntries(r.json.datasets.map((d: { dataset: string; ledger: unknown }) => [d.dataset, d.ledger]));
    const missing = { windows: 1, spans: [{ from: '2025-10-25T23:00:00Z', to: '2025-10-27T00:00:00Z' }] };
    expect(byCode.FUELINST).toMatchObject({ problems: [], missing });
    expect(byCode.FREQ).toMatchObject({ problems: [], missing });
    // FREQ has no cadence: nothing says its day is short; the ledger is what shows it was never asked for.
    expect(r.json.findings).toEqual([{ kind: 'gaps', dataset: 'FUELINST', date: '2025-10-26', message: 'FUELINST settlement day 2025-10-26: periods 1-50 missing (50 of 50)' }]);
    const text = await check(ctx, ['--dataset', 'FREQ'], { BMRS_NOW: NOW });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('ledger: 6 windows, no failed or incomplete windows, 1 window missing from the ledger [2025-10-25T23:00:00Z, 2025-10-27T00:00:00Z)');
  });

  it('usage mistakes exit 2 with one line and a hint; a missing store too', async () => {
    await fuelinst();
    const bad = await check(ctx, ['--from', '2025-13-01'], { BMRS_NOW: NOW });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --from 2025-13-01 is not a date\nhint: /);
    expect((await check(ctx, ['--from', '2025-10-28', '--to', '2025-10-27'], { BMRS_NOW: NOW })).code).toBe(2);
    expect((await check(ctx, ['--max-age-minutes', 'soon'], { BMRS_NOW: NOW })).code).toBe(2);
    expect((await check(ctx, ['--dataset', 'NOPE'], { BMRS_NOW: NOW })).code).toBe(2);
    // --html naming the store would overwrite it with a page.
    const overwrite = await check(ctx, ['--html', ctx.tmp.db], { BMRS_NOW: NOW });
    expect(overwrite.code).toBe(2);
    expect(overwrite.stderr).toMatch(/^error: --html .* is the store itself\nhint: /);
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(37_680);
    const missing = await check(ctx, ['--json'], { BMRS_NOW: NOW, BMRS_DUCKDB_PATH: join(ctx.tmp.dir, 'none.duckdb') });
    expect(missing.code).toBe(2);
    expect(missing.json).toMatchObject({ ok: false, exitCode: 2, error: { name: 'UsageError', message: expect.stringContaining('there is no store at') } });
  });

  it('exits 75 when a writer holds the store past the wait', async () => {
    await fuelinst();
    const holder = await openSession(ctx.tmp.db, 'write', { waitMs: 0 });
    try {
      const r = await check(ctx, ['--json'], { BMRS_NOW: NOW, BMRS_STORE_WAIT_SECONDS: '1' });
      expect(r.code).toBe(75);
      expect(r.json).toMatchObject({ ok: false, exitCode: 75, error: { name: 'StoreBusyError' } });
    } finally {
      await holder.close();
    }
  });

  describe('--api', () => {
    it('asks FUELINST, WIND_SOLAR_GEN and MID for a recent window and verifies it', async () => {
      await fuelinst();
      const r = await check(ctx, ['--json', '--api'], { BMRS_NOW: NOW });
      expect(r.code).toBe(0);
      expect(r.json.api).toEqual(
        ['FUELINST', 'WIND_SOLAR_GEN', 'MID'].map((dataset) => ({
          dataset,
          window: { from: '2025-10-28T10:00:00Z', to: '2025-10-28T12:00:00Z' },
          reachable: true,
          ok: true,
          latencyMs: expect.any(Number),
          rows: expect.any(Number),
          windowHonoured: true,
          error: null,
        })),
      );
      expect(r.json.api[0].rows).toBe(500);
    });

    it('an API that ignores the window is a finding (exit 1); --dataset picks what is probed', async () => {
      await fuelinst();
      ctx.sim.setFault({ kind: 'ignore-window' });
      const r = await check(ctx, ['--json', '--api', '--dataset', 'FUELINST'], { BMRS_NOW: NOW });
      expect(r.code).toBe(1);
      expect(r.json.api).toHaveLength(1);
      expect(r.json.api[0]).toMatchObject({ dataset: 'FUELINST', ok: false, reachable: true, windowHonoured: false });
      expect(kinds(r.json)).toEqual(['api-window']);
    });

    it('an API with no recent rows (it stopped publishing) is a finding for the real-time datasets', async () => {
      await fuelinst();
      // Eight hours after the simulator's clock: it has nothing for the last two hours.
      const later = { BMRS_NOW: '2025-10-28T20:00:00Z' };
      const r = await check(ctx, ['--json', '--api', '--dataset', 'FUELINST,AGPT', '--from', '2025-10-27', '--to', '2025-10-27'], later);
      expect(r.code).toBe(1);
      expect(r.json.api.map((p: { dataset: string; ok: boolean; rows: number; windowHonoured: boolean | null }) => [p.dataset, p.ok, p.rows, p.windowHonoured])).toEqual([
        ['FUELINST', true, 0, null],
        ['AGPT', true, 0, null],
      ]);
      expect(r.json.findings).toEqual([
        { kind: 'api-empty', dataset: 'FUELINST', message: 'API FUELINST [2025-10-28T18:00:00Z, 2025-10-28T20:00:00Z): no rows; the API has published nothing for the last 120 minutes' },
      ]);
      const text = await check(ctx, ['--api', '--dataset', 'FUELINST', '--from', '2025-10-27', '--to', '2025-10-27'], later);
      expect(text.stdout).toMatch(/^  FUELINST +✗ empty  \d+ ms  0 rows  \[2025-10-28T18:00:00Z, 2025-10-28T20:00:00Z\)$/m);
    });

    it('an API that cannot be reached exits 75', async () => {
      await fuelinst();
      const r = await check(ctx, ['--json', '--api'], { BMRS_NOW: NOW, BMRS_API_BASE: 'http://bmrs-test.invalid' });
      expect(r.code).toBe(75);
      expect(r.json).toMatchObject({ exitCode: 75, api: [{ reachable: false, ok: false, rows: null, error: { name: 'NetworkError', exitCode: 75 } }, {}, {}] });
      expect(kinds(r.json)).toEqual(['api-unreachable', 'api-unreachable', 'api-unreachable']);
    });
  });

  describe('operations', () => {
    /** A `crontab` on PATH that prints `lines`, as `crontab -l` would. */
    function fakeCrontab(lines: string): string {
      const bin = join(ctx.tmp.dir, 'bin');
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, 'crontab'), `#!/bin/sh\ncat <<'END'\n${lines}\nEND\n`);
      chmodSync(join(bin, 'crontab'), 0o755);
      return `${bin}:${process.env.PATH ?? ''}`;
    }

    it('judges the real-time job only where its log exists', async () => {
      await fuelinst();
      const log = join(ctx.tmp.dir, 'realtime_updates.log');
      const at = (iso: string) => Date.parse(iso);
      writeFileSync(log, [
        formatLogLine(at('2025-10-28T11:50:00Z'), 'INFO', '✅ Update cycle completed'),
        formatLogLine(at('2025-10-28T11:55:00Z'), 'INFO', '✅ Update cycle completed'),
        '',
      ].join('\n'));
      const PATH = fakeCrontab('*/5 * * * * cd /srv/bmrs && npx bmrs update >> logs/cron.log 2>&1');
      const r = await check(ctx, ['--json'], { BMRS_NOW: NOW, BMRS_UPDATE_LOG: log, PATH });
      expect(r.code).toBe(0);
      expect(r.json.operations).toMatchObject({ updateLog: { path: log, exists: true, summary: { cyclesLastHour: 2, errorsLast24h: 0 } }, cronInstalled: true, disk: { freeBytes: expect.any(Number) } });

      writeFileSync(log, `${formatLogLine(at('2025-10-28T09:00:00Z'), 'ERROR', 'FUELINST: cannot reach the API')}\n`);
      const broken = await check(ctx, ['--json'], { BMRS_NOW: NOW, BMRS_UPDATE_LOG: log, PATH: fakeCrontab('# */5 * * * * bmrs update') });
      expect(broken.code).toBe(1);
      expect(kinds(broken.json)).toEqual(['no-update-cycles', 'update-errors', 'cron-missing']);

      // Rotated a minute ago (cli/update/log.ts): the cycles and the error in log.1 still count.
      writeFileSync(`${log}.1`, [
        formatLogLine(at('2025-10-28T03:00:00Z'), 'ERROR', 'MID: HTTP 503'),
        formatLogLine(at('2025-10-28T11:50:00Z'), 'INFO', '✅ Update cycle completed'),
        formatLogLine(at('2025-10-28T11:55:00Z'), 'INFO', '✅ Update cycle completed'),
        '',
      ].join('\n'));
      writeFileSync(log, `${formatLogLine(at('2025-10-28T11:59:00Z'), 'INFO', 'Starting update cycle')}\n`);
      const rotated = await check(ctx, ['--json'], { BMRS_NOW: NOW, BMRS_UPDATE_LOG: log, PATH: fakeCrontab('*/5 * * * * bmrs update') });
      expect(rotated.json.operations.updateLog.summary).toMatchObject({ cyclesLastHour: 2, errorsLast24h: 1 });
      expect(kinds(rotated.json)).toEqual(['update-errors']);

      // A log path that names a folder: a usage mistake, one line and exit 2.
      const folder = await check(ctx, ['--json'], { BMRS_NOW: NOW, BMRS_UPDATE_LOG: ctx.tmp.dir, PATH });
      expect(folder).toMatchObject({ code: 2, json: { exitCode: 2, error: { name: 'UsageError', message: `cannot read the update log ${ctx.tmp.dir}: EISDIR` } } });

      // No crontab program (a systemd timer, a container): the line cannot be told, not judged.
      const nodeOnly = join(ctx.tmp.dir, 'node-only');
      mkdirSync(nodeOnly, { recursive: true });
      symlinkSync(process.execPath, join(nodeOnly, 'node'));
      const noCron = await check(ctx, ['--json'], { BMRS_NOW: NOW, BMRS_UPDATE_LOG: log, PATH: nodeOnly });
      expect(noCron.json.operations.cronInstalled).toBeNull();
      expect(kinds(noCron.json)).toEqual(['update-errors']);
      const noCronText = await check(ctx, [], { BMRS_NOW: NOW, BMRS_UPDATE_LOG: log, PATH: nodeOnly, NO_COLOR: '1' });
      expect(noCronText.stdout).toContain('cron line (bmrs update) unknown (no crontab program');

      // No log: a store filled by backfills alone is healthy without a cron line.
      const none = await check(ctx, ['--json'], { BMRS_NOW: NOW, PATH: fakeCrontab('') });
      expect(none.code).toBe(0);
      expect(none.json.operations).toMatchObject({ updateLog: { exists: false, summary: null }, cronInstalled: false });
    });
  });

  async function runFailingLoad(): Promise<number> {
    const { runPipeline, days } = await import('../support/pipeline.js');
    const [r] = await runPipeline({ api: ctx.sim.url, db: ctx.tmp.db, datasets: ['FUELINST'], range: days('2025-10-27', '2025-10-28'), now: NOW });
    return r.failures.length;
  }
});

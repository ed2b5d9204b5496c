// `bmrs dedupe-audit` end to end: the compiled CLI against DuckDB stores loaded through the
// simulator, with duplicates and bad keys injected by SQL in the shapes production has. Each test
// has its own simulator and store.
import { createHash } from 'node:crypto';
import { copyFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { hashRow } from '../../src/core/hash.js';
import { openSession } from '../../src/sinks/duckdb-open.js';
import { load, scalar, sql, useCheckContext, type CheckContext } from '../support/check.js';
import { BIN, dedupe, dump, fuelRows, FUELINST, insertRows, runNode } from '../support/dedupe.js';

const NOW = '2025-10-28T12:00:00Z';
const ctx = useCheckContext(NOW);
const ENV = { BMRS_NOW: NOW };
const BACKUP = 'bmrs_fuelinst__backup_20251028T120000Z';
const LOADED = 6000 + 5760; // 2025-10-26 (50 periods) and 2025-10-27, 20 fuels x 6 readings per period
const twoDays = () => load(ctx, ['FUELINST'], '2025-10-26', '2025-10-28', NOW);
const copy = (where: string, set: string) =>
  `INSERT INTO bmrs_fuelinst SELECT * REPLACE (${set}) FROM bmrs_fuelinst WHERE settlementDate = DATE '2025-10-27' AND ${where}`;
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** Every shape at once; returns the counts the audit must find. */
async function injectEverything(c: CheckContext) {
  await sql(
    c.tmp.db,
    // loaded twice, the second time later: 120 groups, 120 extra rows
    copy('settlementPeriod = 1', `'2025-10-28T13:00:00+00:00' AS _ingested_utc`),
    // three times: once later, once earlier than the first load
    `${copy('settlementPeriod = 2', `'2025-10-28T14:00:00+00:00' AS _ingested_utc`)}
     UNION ALL ${copy('settlementPeriod = 2', `'2025-10-01T00:00:00+00:00' AS _ingested_utc`).replace(/^INSERT INTO bmrs_fuelinst /, '')}`,
    // across windows: the same rows from an overlapping window
    copy('settlementPeriod = 3', `'2025-10-26T12:00:00+00:00' AS _window_from_utc, '2025-10-27T12:00:00+00:00' AS _window_to_utc`),
    // rows without a key, and keys that are not 32 lower-case hex digits
    copy(`settlementPeriod = 10 AND fuelType IN ('CCGT', 'WIND') AND startTime = TIMESTAMP '2025-10-27 04:30:00'`, 'NULL AS _hash_key'),
    copy(`settlementPeriod = 10 AND fuelType IN ('CCGT', 'WIND', 'NUCLEAR') AND startTime = TIMESTAMP '2025-10-27 04:35:00'`, 'NULL AS _hash_key'),
    copy(`settlementPeriod = 11 AND fuelType IN ('CCGT', 'WIND') AND startTime = TIMESTAMP '2025-10-27 05:00:00'`, 'upper(_hash_key) AS _hash_key'),
  );
  // revisions: three readings published again with another value (keys computed as bmrs does)
  const revised = (await fuelRows(c.tmp.db, `settlementDate = DATE '2025-10-27' AND settlementPeriod = 20 AND fuelType IN ('BIOMASS', 'CCGT', 'COAL') AND minute(startTime) % 30 = 0`))
    .map((r) => ({ ...r, generation: Number(r.generation) + 7, _ingested_utc: '2025-10-28T12:30:00+00:00' }))
    .map((r) => ({ ...r, _hash_key: hashRow(FUELINST.columns, r) }));
  // the old system's key for a row with a null fuelType: hashed as "None"
  const [base] = await fuelRows(c.tmp.db, `settlementDate = DATE '2025-10-27' AND settlementPeriod = 30 AND fuelType = 'WIND' AND minute(startTime) % 30 = 0`);
  const oldStyle = { ...base, fuelType: null, _hash_key: hashRow(FUELINST.columns, { ...base, fuelType: 'None' }) };
  // another writer: a key from some other text
  const [other] = await fuelRows(c.tmp.db, `settlementDate = DATE '2025-10-27' AND settlementPeriod = 31 AND fuelType = 'NUCLEAR' AND minute(startTime) % 30 = 0`);
  const foreign = { ...other, generation: Number(other.generation) + 1, _hash_key: md5('not the canonical text') };
  await insertRows(c.tmp.db, [...revised, oldStyle, foreign]);
  return { oldStyle, foreign, rows: LOADED + 120 + 240 + 120 + 5 + 2 + 3 + 2, groups: 360, extraRows: 480, nullKeys: 5, malformed: 2, revisions: 3 + 1 };
}

describe('bmrs dedupe-audit', () => {
  it('counts every shape exactly, explains each key that does not match, and exits 1', async () => {
    await twoDays();
    const want = await injectEverything(ctx);
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(want.rows);
    const r = await dedupe(ctx, ['--json', '--sample', '20000'], ENV);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const [t] = r.json.tables;
    expect(t).toMatchObject({
      dataset: 'FUELINST',
      rows: want.rows,
      duplicates: { groups: want.groups, extraRows: want.extraRows, nullKeys: want.nullKeys },
      keys: { malformedKeys: want.malformed, revisions: { keys: want.revisions, extraVersions: want.revisions } },
      hashes: { checked: want.rows - want.nullKeys - want.malformed, mismatched: 2, byKind: { 'old-string-nulls': 1, 'time-zone-suffix': 0, unexplained: 1 }, textNulls: 0 },
      hashedAll: true,
    });
    expect(t.duplicates.worst[0]).toMatchObject({ count: 3, firstIngested: '2025-10-01T00:00:00+00:00', lastIngested: '2025-10-28T14:00:00+00:00' });
    expect(t.keys.malformedExamples).toHaveLength(2);
    expect(t.keys.malformedExamples[0]).toMatch(/^[0-9A-F]{32}$/);
    const [oldEx, foreignEx] = t.hashes.examples;
    expect(oldEx).toMatchObject({ kind: 'old-string-nulls', detail: `the old system's string nulls: fuelType hashed as "None"`, storedKey: want.oldStyle._hash_key, row: { fuelType: null } });
    expect(oldEx.recomputedKey).toBe(hashRow(FUELINST.columns, { ...want.oldStyle, fuelType: null }));
    expect(foreignEx).toMatchObject({ kind: 'unexplained', detail: 'another writer or a format drift', storedKey: want.foreign._hash_key, recomputedKey: hashRow(FUELINST.columns, want.foreign) });
    expect(r.json.findings.map((f: { kind: string }) => f.kind)).toEqual(['duplicates', 'null-keys', 'malformed-keys', 'key-mismatch']);
    expect(r.json.fixes).toEqual([]);

    const text = await dedupe(ctx, ['--dataset', 'FUELINST', '--sample', '20000'], ENV);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('duplicates      480 extra rows in 360 groups (same _hash_key)');
    expect(text.stdout).toMatch(/ {10}3 {2}[0-9a-f]{32} {2}2025-10-01T00:00:00\+00:00 → 2025-10-28T14:00:00\+00:00/);
    expect(text.stdout).toContain('revisions       4 natural keys with 4 later versions');
    expect(text.stdout).toContain(`1 row: the old system's string nulls: fuelType hashed as "None"`);
    expect(text.stdout).toContain('1 row: another writer or a format drift');
    expect(text.stdout).toContain(`stored ${want.foreign._hash_key}  recomputed ${hashRow(FUELINST.columns, want.foreign)}`);
    expect(text.stdout).toContain('hint: bmrs dedupe-audit --dry-run');
    // read-only: nothing changed
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(want.rows);
  });

  it('--fix keeps one row per key (the latest ingest) after a verified backup; --restore brings the table back row for row', async () => {
    await twoDays();
    const want = await injectEverything(ctx);
    const before = await dump(ctx.tmp.db);

    const dry = await dedupe(ctx, ['--dry-run', '--json'], ENV);
    expect(dry.code).toBe(1);
    expect(dry.json.fixes).toEqual([expect.objectContaining({ backup: BACKUP, removeCopies: 480, removeNullKeys: 0, rowsBefore: want.rows, rowsAfter: want.rows - 480, result: null })]);
    // Larger than the default sample (10,000 rows): the keys of a sample are hashed again, and the report says so.
    expect(dry.json.tables[0].hashedAll).toBe(false);
    expect(dry.json.tables[0].hashes.checked).toBeLessThanOrEqual(10_000);
    const dryText = await dedupe(ctx, ['--dry-run', '--drop-null-keys'], ENV);
    expect(dryText.stdout).toMatch(/key recomputed {2}.* of a sample of [\d,]+ rows/);
    expect(dryText.stdout).toContain(`bmrs_fuelinst: would back up 12,252 rows to ${BACKUP}, remove 480 extra copies and 5 rows without a _hash_key`);
    expect(await dump(ctx.tmp.db)).toEqual(before);

    const fix = await dedupe(ctx, ['--fix', '--json'], ENV);
    // NULL, malformed and mismatching keys are still there: exit 1, the duplicates are gone
    expect(fix.code).toBe(1);
    expect(fix.stderr).toContain(`undo with: bmrs dedupe-audit --restore ${BACKUP}`);
    expect(fix.json.fixes[0]).toMatchObject({ backup: BACKUP, restoreCommand: `bmrs dedupe-audit --restore ${BACKUP}`, result: { before: want.rows, backupRows: want.rows, after: want.rows - 480, removed: 480 } });
    expect(fix.json.findings.map((f: { kind: string }) => f.kind)).toEqual(['null-keys', 'malformed-keys', 'key-mismatch']);
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst')).toBe(want.rows - 480);
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) - count(DISTINCT _hash_key) FROM bmrs_fuelinst WHERE _hash_key IS NOT NULL')).toBe(0);
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) FROM bmrs_fuelinst WHERE _hash_key IS NULL')).toBe(5);
    // the latest ingest of each group is the one kept
    expect(await scalar(ctx.tmp.db, `SELECT count(*) FROM bmrs_fuelinst WHERE settlementDate = DATE '2025-10-27' AND settlementPeriod = 1 AND _ingested_utc <> '2025-10-28T13:00:00+00:00'`)).toBe(0);
    expect(await scalar(ctx.tmp.db, `SELECT count(*) FROM bmrs_fuelinst WHERE settlementDate = DATE '2025-10-27' AND settlementPeriod = 2 AND _ingested_utc <> '2025-10-28T14:00:00+00:00'`)).toBe(0);
    // every distinct key of the backup is still there; the backup is the table as it was
    expect(await scalar(ctx.tmp.db, `SELECT count(*) FROM (SELECT DISTINCT _hash_key FROM ${BACKUP} EXCEPT SELECT DISTINCT _hash_key FROM bmrs_fuelinst)`)).toBe(0);
    expect(await dump(ctx.tmp.db, BACKUP)).toEqual(before);
    const again = await dedupe(ctx, ['--json'], ENV);
    expect(again.json.tables[0].duplicates).toMatchObject({ groups: 0, extraRows: 0, nullKeys: 5 });

    const restored = await dedupe(ctx, ['--restore', BACKUP], ENV);
    expect(restored).toMatchObject({ code: 0, stderr: '' });
    expect(restored.stdout).toBe(`restored bmrs_fuelinst from ${BACKUP}: 12,252 rows (it held 11,772); the backup is kept\n`);
    expect(await dump(ctx.tmp.db)).toEqual(before);
  });

  it('a malformed key shared by unrelated rows (the text None) is a bad key, not a duplicate: --fix still runs and keeps them; one reading under two keys is no revision', async () => {
    await twoDays();
    await sql(ctx.tmp.db, copy('settlementPeriod = 5', `'None' AS _hash_key`), copy('settlementPeriod = 6', `'2025-10-28T13:00:00+00:00' AS _ingested_utc`));
    const [reading] = await fuelRows(ctx.tmp.db, `settlementDate = DATE '2025-10-27' AND settlementPeriod = 7 AND fuelType = 'WIND' AND minute(startTime) = 0`);
    await insertRows(ctx.tmp.db, [{ ...reading, _hash_key: md5('another writer, same reading') }]);
    const audit = await dedupe(ctx, ['--json', '--sample', '20000'], ENV);
    expect(audit.code).toBe(1);
    expect(audit.json.tables[0]).toMatchObject({
      duplicates: { groups: 120, extraRows: 120, conflicts: 0, nullKeys: 0 },
      keys: { malformedKeys: 120, malformedExamples: ['None'], revisions: { keys: 0, extraVersions: 0 } },
      hashes: { mismatched: 1, byKind: { unexplained: 1 } },
    });
    expect(audit.json.findings.map((f: { kind: string }) => f.kind)).toEqual(['duplicates', 'malformed-keys', 'key-mismatch']);
    const text = await dedupe(ctx, ['--sample', '20000'], ENV);
    expect(text.stdout).toContain('malformed keys  120 rows, e.g. "None"');
    expect(text.stdout).toContain('key recomputed  1 row of all 11,881 rows with a key does not match');
    const fix = await dedupe(ctx, ['--fix', '--json', '--drop-null-keys'], ENV);
    expect(fix.code, fix.stderr).toBe(1);
    expect(fix.json.fixes[0].result).toMatchObject({ removed: 120, after: LOADED + 120 + 1 });
    expect(fix.json.findings.map((f: { kind: string }) => f.kind)).toEqual(['malformed-keys', 'key-mismatch']);
    expect(await scalar(ctx.tmp.db, `SELECT count(*) FROM bmrs_fuelinst WHERE _hash_key = 'None'`)).toBe(120);
  });

  it('--restore refuses (65, nothing changed) when rows were loaded after the backup; --force restores anyway', async () => {
    await twoDays();
    await sql(ctx.tmp.db, copy('settlementPeriod = 1', `'2025-10-28T13:00:00+00:00' AS _ingested_utc`));
    expect((await dedupe(ctx, ['--fix'], ENV)).code).toBe(0);
    // A day loaded after the fix: its rows are not in the backup.
    await load(ctx, ['FUELINST'], '2025-10-25', '2025-10-26', NOW);
    const now = await dump(ctx.tmp.db);
    const refused = await dedupe(ctx, ['--restore', BACKUP], ENV);
    expect(refused.code).toBe(65);
    expect(refused.stderr).toMatch(/^error: restore refused, nothing changed: bmrs_fuelinst holds 5760 rows whose _hash_key is not in bmrs_fuelinst__backup_20251028T120000Z .*\nhint: .*--force/);
    expect(await dump(ctx.tmp.db)).toEqual(now);
    const forced = await dedupe(ctx, ['--restore', BACKUP, '--force'], ENV);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await dump(ctx.tmp.db)).toEqual(await dump(ctx.tmp.db, BACKUP));
  });

  it('--restore refuses (65, nothing changed) a row without a _hash_key added after the backup; --force restores anyway', async () => {
    await twoDays();
    await sql(ctx.tmp.db, copy('settlementPeriod = 1', `'2025-10-28T13:00:00+00:00' AS _ingested_utc`));
    expect((await dedupe(ctx, ['--fix'], ENV)).code).toBe(0);
    await sql(ctx.tmp.db, copy(`settlementPeriod = 12 AND fuelType = 'WIND' AND minute(startTime) % 30 = 0`, `NULL AS _hash_key, '2025-10-28T13:00:00+00:00' AS _ingested_utc`));
    const now = await dump(ctx.tmp.db);
    const refused = await dedupe(ctx, ['--restore', BACKUP], ENV);
    expect(refused.code).toBe(65);
    expect(refused.stderr).toMatch(/^error: restore refused, nothing changed: bmrs_fuelinst holds 1 row without a _hash_key that is not in bmrs_fuelinst__backup_20251028T120000Z .*\nhint: .*--force/);
    expect(await dump(ctx.tmp.db)).toEqual(now);
    const forced = await dedupe(ctx, ['--restore', BACKUP, '--force'], ENV);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await dump(ctx.tmp.db)).toEqual(await dump(ctx.tmp.db, BACKUP));
  });

  it('only duplicates: --fix exits 0 and prints the undo; --drop-null-keys removes rows without a key', async () => {
    await twoDays();
    await sql(ctx.tmp.db, copy('settlementPeriod <= 4', `'2025-10-28T13:00:00+00:00' AS _ingested_utc`), copy('settlementPeriod = 5', 'NULL AS _hash_key'));
    const fix = await dedupe(ctx, ['--fix', '--drop-null-keys'], ENV);
    expect(fix.code).toBe(0);
    expect(fix.stdout).toContain('bmrs_fuelinst: removed 600 rows (12,360 → 11,760), kept the latest _ingested_utc of each _hash_key');
    expect(fix.stdout).toContain('✓ row count 11760 = 12360 - 480 extra copies - 120 rows without a key');
    expect(fix.stdout).toContain('✓ every one of the 11760 distinct _hash_keys still present');
    expect(fix.stdout).toContain(`undo: bmrs dedupe-audit --restore ${BACKUP}`);
    expect(fix.stdout).toContain('✓ fixed: no duplicates or bad keys left');
    const clean = await dedupe(ctx, ['--sample', '20000'], ENV);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('✓ clean: no duplicates or bad keys');
    expect(clean.stdout).toContain('key recomputed  matches for all 11,760 rows with a key');
    // a second fix has nothing to do and makes no backup
    const nothing = await dedupe(ctx, ['--fix', '--json'], { BMRS_NOW: '2025-10-28T13:00:00Z' });
    expect(nothing.json).toMatchObject({ exitCode: 0, fixes: [] });
    expect(await scalar(ctx.tmp.db, `SELECT count(*) FROM information_schema.tables WHERE table_name LIKE '%__backup_%'`)).toBe(1);
  });

  it('the printed undo names the same store (--db quoted for the shell, --sink), and runs as printed', async () => {
    await twoDays();
    await sql(ctx.tmp.db, copy('settlementPeriod = 1', `'2025-10-28T13:00:00+00:00' AS _ingested_utc`));
    const spaced = `${ctx.tmp.dir}/it's my store.duckdb`;
    await copyFile(ctx.tmp.db, spaced);
    const fix = await dedupe(ctx, ['--fix', '--json', '--db', spaced, '--sink', 'duckdb'], { ...ENV, BMRS_DUCKDB_PATH: undefined });
    expect(fix.code, fix.stderr).toBe(0);
    const undo = `bmrs dedupe-audit --db '${ctx.tmp.dir}/it'\\''s my store.duckdb' --sink duckdb --restore ${BACKUP}`;
    expect(fix.json.fixes[0].restoreCommand).toBe(undo);
    expect(fix.stderr).toContain(`undo with: ${undo}`);
    const restored = await runNode(ctx, ['-e', `require('node:child_process').execFileSync('sh', ['-c', process.argv[1]], { stdio: 'inherit' })`, undo.replace(/^bmrs /, `"${process.execPath}" "${BIN}" `)], { ...ENV, BMRS_DUCKDB_PATH: undefined });
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`restored bmrs_fuelinst from ${BACKUP}`);
    expect(await dump(spaced)).toEqual(await dump(ctx.tmp.db));
  });

  it('--from/--to audit and fix only those settlement days; the rest keeps its duplicates', async () => {
    await twoDays();
    await sql(ctx.tmp.db, `INSERT INTO bmrs_fuelinst SELECT * FROM bmrs_fuelinst WHERE settlementPeriod = 7`);
    const part = await dedupe(ctx, ['--json', '--from', '2025-10-27', '--to', '2025-10-27'], ENV);
    expect(part.json.tables[0].duplicates).toMatchObject({ extraRows: 120 });
    expect(part.json.tables[0].range).toEqual({ column: 'settlementDate', from: '2025-10-27', to: '2025-10-27' });
    expect(part.json.tables[0]).toMatchObject({ rows: LOADED + 240, rowsInRange: 5760 + 120 });
    const partText = await dedupe(ctx, ['--from', '2025-10-27', '--to', '2025-10-27'], ENV);
    expect(partText.stdout).toContain('FUELINST  bmrs_fuelinst  12,000 rows, 5,880 in the range');
    const fix = await dedupe(ctx, ['--fix', '--json', '--from', '2025-10-27', '--to', '2025-10-27'], ENV);
    expect(fix.code).toBe(0);
    expect(fix.json.fixes[0].result).toMatchObject({ removed: 120, backupRows: LOADED + 240 });
    expect(await scalar(ctx.tmp.db, 'SELECT count(*) - count(DISTINCT _hash_key) FROM bmrs_fuelinst')).toBe(120);
    expect(await scalar(ctx.tmp.db, `SELECT count(*) - count(DISTINCT _hash_key) FROM bmrs_fuelinst WHERE settlementDate = DATE '2025-10-26'`)).toBe(120);
    const whole = await dedupe(ctx, ['--json'], ENV);
    expect(whole.code).toBe(1);
  });

  it('a key shared by rows of different content: named by the audit, refused by --fix (65), nothing changed', async () => {
    await twoDays();
    await sql(ctx.tmp.db, copy(`settlementPeriod = 8 AND fuelType = 'WIND' AND minute(startTime) % 30 = 0`, 'generation + 1 AS generation'), copy('settlementPeriod = 9', `'2025-10-28T13:00:00+00:00' AS _ingested_utc`));
    const before = await dump(ctx.tmp.db);
    const audit = await dedupe(ctx, ['--json'], ENV);
    expect(audit.json.tables[0].duplicates).toMatchObject({ groups: 120, extraRows: 120, conflicts: 1 });
    expect(audit.json.findings.map((f: { kind: string }) => f.kind)).toContain('key-conflicts');
    const fix = await dedupe(ctx, ['--fix'], ENV);
    expect(fix.code).toBe(65);
    expect(fix.stderr).toMatch(/^error: repair refused, nothing changed: 1 _hash_key is shared by rows of different content \(in bmrs_fuelinst\)\nhint: .*bmrs query "SELECT \* FROM bmrs_fuelinst WHERE/);
    // The dry run says the same, instead of promising a fix that --fix refuses.
    const dry = await dedupe(ctx, ['--dry-run'], ENV);
    expect(dry.code).toBe(65);
    expect(dry.stderr).toMatch(/^error: repair refused, nothing changed: 1 _hash_key is shared/);
    expect(await dump(ctx.tmp.db)).toEqual(before);
  });

  it('rows of different content under their original keys are counted once, as key conflicts (no copies, no revisions), and the hint does not offer --fix', async () => {
    await twoDays();
    await sql(ctx.tmp.db, `INSERT INTO bmrs_fuelinst SELECT * REPLACE (generation + 5 AS generation) FROM (SELECT * FROM bmrs_fuelinst WHERE settlementDate = DATE '2025-10-27' AND settlementPeriod = 12 ORDER BY _hash_key LIMIT 2)`);
    const audit = await dedupe(ctx, ['--json', '--sample', '20000'], ENV);
    expect(audit.code).toBe(1);
    expect(audit.json.tables[0]).toMatchObject({ duplicates: { groups: 0, extraRows: 0, conflicts: 2, worst: [] }, keys: { revisions: { keys: 0, extraVersions: 0 } } });
    // The key recomputation names which rows' keys do not match their content: the changed ones.
    expect(audit.json.findings.map((f: { kind: string }) => f.kind)).toEqual(['key-conflicts', 'key-mismatch']);
    expect(audit.json.tables[0].hashes).toMatchObject({ mismatched: 2 });
    const text = await dedupe(ctx, [], ENV);
    expect(text.stdout).toMatch(/duplicates {6}none\n/);
    expect(text.stdout).toContain('2 _hash_keys shared by rows of different content: not copies, --fix refuses them');
    expect(text.stdout).toMatch(/revisions {7}none\n/);
    expect(text.stdout).toContain('hint: --fix refuses while rows of different content share a _hash_key; bmrs query "SELECT * FROM bmrs_fuelinst WHERE');
    expect(text.stdout).not.toContain('--fix makes it');
    // With copies as well, the hint still names the conflicts: --fix would refuse.
    await sql(ctx.tmp.db, copy('settlementPeriod = 1', `'2025-10-28T13:00:00+00:00' AS _ingested_utc`));
    const both = await dedupe(ctx, [], ENV);
    expect(both.stdout).toContain('duplicates      120 extra rows in 120 groups');
    expect(both.stdout).toContain('hint: --fix refuses while rows of different content share a _hash_key');
    expect(both.stdout).not.toContain('--fix makes it');
  });

  it('SIGKILL between the steps of --fix leaves the table as it was and no backup; a re-run succeeds', async () => {
    await twoDays();
    await sql(ctx.tmp.db, copy('settlementPeriod <= 2', `'2025-10-28T13:00:00+00:00' AS _ingested_utc`));
    const before = await dump(ctx.tmp.db);
    const killer = new URL('../support/dedupe-killed-between.mjs', import.meta.url).pathname;
    for (const step of ['backup', 'rewrite', 'verify']) {
      const r = await runNode(ctx, [killer, step, '--fix'], ENV);
      expect(r.code).toBe(137);
      expect(await dump(ctx.tmp.db)).toEqual(before);
      expect(await scalar(ctx.tmp.db, `SELECT count(*) FROM information_schema.tables WHERE table_name = '${BACKUP}'`)).toBe(0);
    }
    const rerun = await dedupe(ctx, ['--fix', '--json'], ENV);
    expect(rerun.code).toBe(0);
    expect(rerun.json.fixes[0].result).toMatchObject({ removed: 240, after: LOADED });
  });

  it('usage mistakes exit 2 with one line and a hint; a held store exits 75', async () => {
    await twoDays();
    const cases: [string[], RegExp][] = [
      [['--from', '2025-13-01'], /^error: --from 2025-13-01 is not a date\nhint: /],
      [['--from', '2025-10-28', '--to', '2025-10-27'], /^error: --from 2025-10-28 is after --to 2025-10-27\n/],
      [['--drop-null-keys'], /^error: --drop-null-keys goes with --fix \(or --dry-run\)\nhint: /],
      [['--restore', BACKUP, '--fix'], /^error: --restore is given alone .* not with --fix\nhint: /],
      [['--restore', ''], /^error: --restore is empty: it names the backup to put back\nhint: /],
      [['--restore', 'bmrs_fuelinst'], /^error: bmrs_fuelinst is not the name of a dedupe-audit backup\nhint: /],
      [['--restore', BACKUP], /^error: there is no backup table bmrs_fuelinst__backup_20251028T120000Z\nhint: /],
      [['--dataset', 'NOPE'], /^error: unknown dataset: NOPE\nhint: /],
      [['--worst', 'x'], /option '--worst <n>' argument 'x' is invalid/],
    ];
    for (const [args, message] of cases) {
      const r = await dedupe(ctx, args, ENV);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(message);
    }
    const missing = await dedupe(ctx, ['--json'], { ...ENV, BMRS_DUCKDB_PATH: `${ctx.tmp.dir}/none.duckdb` });
    expect(missing.json).toMatchObject({ ok: false, exitCode: 2, error: { name: 'UsageError', message: `there is no store at ${ctx.tmp.dir}/none.duckdb` } });
    const help = await dedupe(ctx, ['--help'], ENV);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('bmrs dedupe-audit --restore bmrs_fuelinst__backup_20251028T120000Z');

    const held = await openSession(ctx.tmp.db, 'write', { waitMs: 0 });
    try {
      const busy = await dedupe(ctx, ['--fix', '--json'], { ...ENV, BMRS_STORE_WAIT_SECONDS: '0' });
      expect(busy.code).toBe(75);
      expect(busy.json).toMatchObject({ ok: false, exitCode: 75, error: { name: 'StoreBusyError' } });
    } finally {
      await held.close();
    }
  });
});

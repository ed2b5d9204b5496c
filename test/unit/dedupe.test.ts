// The pure half of dedupe-audit: key shapes, the backup's name, the old system's string nulls, the
// explanation of a key that does not match its row, the findings and the exit code.
import { describe, expect, it } from 'vitest';
import type { Column } from '../../src/core/datasets.js';
import { findDataset } from '../../src/core/datasets.js';
import {
  auditExitCode,
  auditFindings,
  backupName,
  checkKeys,
  explainMismatch,
  isWellFormedKey,
  oldSystemRow,
  rangeColumn,
  rowRange,
  tableOfBackup,
  type TableAudit,
} from '../../src/core/dedupe.js';
import { hashRow, renderHashText } from '../../src/core/hash.js';
import type { Row } from '../../src/core/rows.js';

const FUELINST = findDataset('FUELINST')!;
const fuel: Row = {
  dataset: 'FUELINST', publishTime: '2024-02-12 17:50:00', startTime: '2024-02-12 17:45:00', settlementDate: '2024-02-12',
  settlementPeriod: 36, fuelType: 'BIOMASS', generation: 2249,
};
// A table with two nullable strings and a float, as the old system's other datasets had.
const NOTES: Column[] = [
  { name: 'dataset', type: 'STRING' }, { name: 'note', type: 'STRING' }, { name: 'unit', type: 'STRING' }, { name: 'value', type: 'FLOAT' },
];

describe('keys and backups', () => {
  it('a well-formed key is 32 lower-case hex digits', () => {
    expect(isWellFormedKey('d0a3676970ee09e4ceae3cc7e1e0ec98')).toBe(true);
    for (const bad of ['D0A3676970EE09E4CEAE3CC7E1E0EC98', 'd0a3676970ee09e4ceae3cc7e1e0ec9', 'd0a3676970ee09e4ceae3cc7e1e0ec98 ', 'None', '', null, 5]) {
      expect(isWellFormedKey(bad as string)).toBe(false);
    }
  });

  it('names a backup from the clock and reads the table back out of the name', () => {
    const name = backupName('bmrs_fuelinst', Date.parse('2025-10-28T12:00:00.750Z'));
    expect(name).toBe('bmrs_fuelinst__backup_20251028T120000Z');
    expect(tableOfBackup(name)).toBe('bmrs_fuelinst');
    expect(tableOfBackup('bmrs_wind_solar_gen__backup_20260101T000000Z')).toBe('bmrs_wind_solar_gen');
    for (const other of ['bmrs_fuelinst', 'bmrs_fuelinst__backup_2025', 'bmrs_fuelinst_backup_20251028T120000Z']) expect(tableOfBackup(other)).toBeNull();
  });

  it('a range applies to settlementDate, else the event time', () => {
    expect(rangeColumn(FUELINST)).toBe('settlementDate');
    expect(rangeColumn(findDataset('FREQ')!)).toBe('measurementTime');
    expect(rowRange(FUELINST, undefined, undefined)).toBeUndefined();
    expect(rowRange(FUELINST, '2025-01-01', undefined)).toEqual({ column: 'settlementDate', from: '2025-01-01', to: '9999-12-31' });
  });
});

describe("the old system's string nulls (docs/compatibility.md section 2)", () => {
  it('renders a null string as "None" or "nan" and a null float as NaN, as json.dumps wrote them', () => {
    const row: Row = { dataset: 'X', note: null, unit: null, value: null };
    expect(renderHashText(NOTES, oldSystemRow(NOTES, row, ['None'], false))).toBe('{"dataset": "X", "note": "None", "unit": "None"}');
    expect(renderHashText(NOTES, oldSystemRow(NOTES, row, ['None', 'nan'], true))).toBe('{"dataset": "X", "note": "None", "unit": "nan", "value": NaN}');
    // bmrs leaves every null out
    expect(renderHashText(NOTES, row)).toBe('{"dataset": "X"}');
    // cells that hold a value are untouched
    expect(oldSystemRow(NOTES, { ...row, note: 'ok', value: 1.5 }, ['nan'], true)).toEqual({ dataset: 'X', note: 'ok', unit: 'nan', value: 1.5 });
  });

  it('explains a key made with None for a null fuelType', () => {
    const row = { ...fuel, fuelType: null };
    const stored = hashRow(FUELINST.columns, { ...fuel, fuelType: 'None' });
    const m = explainMismatch(FUELINST.columns, row, stored, hashRow(FUELINST.columns, row));
    expect(m).toMatchObject({ kind: 'old-string-nulls', detail: `the old system's string nulls: fuelType hashed as "None"`, storedKey: stored });
  });

  it('finds the mix of None and nan, and NaN floats', () => {
    const row: Row = { dataset: 'X', note: null, unit: null, value: null };
    const stored = hashRow(NOTES, { dataset: 'X', note: 'nan', unit: 'None', value: Number.NaN });
    expect(explainMismatch(NOTES, row, stored, hashRow(NOTES, row)).detail).toBe(`the old system's string nulls: note hashed as "nan", unit hashed as "None", null floats hashed as NaN`);
  });

  it('tells a time-zone-suffix drift and an unexplained key apart', () => {
    const asTimestamp = FUELINST.columns.map((c) => (c.type === 'DATETIME' ? { ...c, type: 'TIMESTAMP' as const } : c));
    const drift = explainMismatch(FUELINST.columns, fuel, hashRow(asTimestamp, fuel), hashRow(FUELINST.columns, fuel));
    expect(drift).toMatchObject({ kind: 'time-zone-suffix', detail: 'a format drift: times hashed with +00:00' });
    const other = explainMismatch(FUELINST.columns, fuel, 'ffffffffffffffffffffffffffffffff', hashRow(FUELINST.columns, fuel));
    expect(other).toMatchObject({ kind: 'unexplained', detail: 'another writer or a format drift' });
  });
});

describe('checkKeys', () => {
  it('counts matches, mismatches by kind with one example each, None text, and skips NULL and malformed keys', () => {
    const ok = { ...fuel, _hash_key: hashRow(FUELINST.columns, fuel) };
    const none = { ...fuel, fuelType: null, _hash_key: hashRow(FUELINST.columns, { ...fuel, fuelType: 'None' }) };
    const stranger = { ...fuel, generation: 1, _hash_key: '0123456789abcdef0123456789abcdef' };
    const text = { ...fuel, fuelType: 'nan', _hash_key: hashRow(FUELINST.columns, { ...fuel, fuelType: 'nan' }) };
    const rows = [ok, none, none, stranger, text, { ...fuel, _hash_key: null }, { ...fuel, _hash_key: 'BAD' }];
    const k = checkKeys(FUELINST.columns, rows);
    expect(k).toMatchObject({ checked: 5, mismatched: 3, byKind: { 'old-string-nulls': 2, 'time-zone-suffix': 0, unexplained: 1 }, textNulls: 1 });
    expect(k.examples.map((e) => e.kind)).toEqual(['old-string-nulls', 'unexplained']);
  });
});

describe('findings and the exit code', () => {
  const audit = (over: Partial<TableAudit> = {}): TableAudit => ({
    dataset: 'FUELINST', table: 'bmrs_fuelinst', rows: 10, range: null, hashedAll: true,
    duplicates: { groups: 0, extraRows: 0, nullKeys: 0, worst: [] },
    keys: { malformedKeys: 0, malformedExamples: [], revisions: { keys: 3, extraVersions: 4, worst: [] } },
    hashes: { checked: 10, mismatched: 0, byKind: { 'old-string-nulls': 0, 'time-zone-suffix': 0, unexplained: 0 }, examples: [], textNulls: 2 },
    ...over,
  });

  it('revisions and None text alone are clean: exit 0', () => {
    expect(auditFindings(audit())).toEqual([]);
    expect(auditExitCode([])).toBe(0);
  });

  it('duplicates, NULL keys, malformed keys and mismatches are findings: exit 1', () => {
    const f = auditFindings(audit({
      duplicates: { groups: 2, extraRows: 3, nullKeys: 1, worst: [] },
      keys: { malformedKeys: 1, malformedExamples: ['X'], revisions: { keys: 0, extraVersions: 0, worst: [] } },
      hashes: { checked: 9, mismatched: 1, byKind: { 'old-string-nulls': 1, 'time-zone-suffix': 0, unexplained: 0 }, examples: [], textNulls: 0 },
    }));
    expect(f.map((x) => x.message)).toEqual([
      'FUELINST: 3 duplicate rows (2 _hash_keys stored more than once)',
      'FUELINST: 1 row without a _hash_key',
      'FUELINST: 1 row with a malformed _hash_key (not 32 lower-case hex digits)',
      "FUELINST: 1 row whose _hash_key does not match its content (1 the old system's None/nan string nulls) among 9 checked",
    ]);
    expect(auditExitCode(f)).toBe(1);
  });

  it('a key shared by rows of different content is its own finding', () => {
    const f = auditFindings(audit({ duplicates: { groups: 1, extraRows: 1, nullKeys: 0, conflicts: 1, worst: [] } }));
    expect(f.map((x) => x.message)).toEqual(['FUELINST: 1 duplicate row (1 _hash_key stored more than once)', 'FUELINST: 1 _hash_key shared by rows of different content (not copies: --fix refuses them)']);
  });
});

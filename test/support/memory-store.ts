// An in-memory implementation of the store port that fails on command (the way dlt's dummy
// destination does): the Nth write, its commit, the gap after its rows and before its ledger
// entries, or a write held open until the test lets it go. The contract suite runs against it too.
import { conflictError, restoreRefused } from '../../src/core/dedupe.js';
import { DataError, StoreFailure, UsageError } from '../../src/core/errors.js';
import type { ColumnType, DatasetSpec } from '../../src/core/datasets.js';
import type { Row } from '../../src/core/rows.js';
import type { LedgerEntry, RowRange, Store, StoreCapabilities, WindowWrite, WriteResult } from '../../src/core/store.js';
import { resolveTable, tableColumns, type ActualColumn } from '../../src/core/table.js';

export interface MemoryFaults {
  /** The Nth write call (1-based) fails before it stores anything. */
  failWrite?: number;
  /** The Nth write call stores everything, then its commit fails (a transactional store rolls back). */
  failCommit?: number;
  /** The Nth write call fails after its rows are stored and before any ledger entry (no transactions). */
  failAfterRows?: number;
  /** Fails a write call with the error it returns (the group's windows are all in `group`). */
  failIf?: (group: readonly WindowWrite[], call: number) => Error | undefined;
  /** Awaited at the start of every write call: a slow store, released by the test. */
  beforeWrite?: (call: number) => Promise<void>;
  /** A repair fails after this step (its backup made, its rewrite done, or its checks passed), before it commits. */
  failRepairAfter?: 'backup' | 'rewrite' | 'verify';
  /** A restore fails after putting the rows back, before it commits. */
  failRestore?: boolean;
}

interface Table { actual: ActualColumn[]; rows: Row[] }

export interface MemoryStore extends Store {
  readonly tables: Map<string, Table>;
  readonly stats: { writeCalls: number; inFlight: number; maxInFlight: number; groupSizes: number[] };
  /** Creates a table with the given columns (our type names), as another writer would have. */
  createTable(name: string, columns: readonly { name: string; type: ColumnType | null; storeType?: string }[]): void;
  /** Appends rows as they are, bypassing de-duplication (the old system's duplicates). */
  insertRaw(table: string, rows: readonly Row[]): void;
}

const key = (e: { dataset: string; from: number; to: number }) => `${e.dataset}|${e.from}|${e.to}`;
/** Whether a row's range column falls on the range's days (cells are 'YYYY-MM-DD[ HH:MM:SS]' in UTC). */
const inRange = (r: Row, range: RowRange | undefined) => {
  if (range === undefined) return true;
  const day = r[range.column] === null || r[range.column] === undefined ? null : String(r[range.column]).slice(0, 10);
  return day !== null && day >= range.from && day <= range.to;
};
const WELL_FORMED = /^[0-9a-f]{32}$/;
/** A row's content columns (names not starting with `_`), as text. */
const content = (r: Row) => JSON.stringify(Object.entries(r).filter(([k]) => !k.startsWith('_')), (_k, v) => (typeof v === 'bigint' ? String(v) : v));
const clone = <T>(m: Map<string, T>, f: (v: T) => T) => new Map([...m].map(([k, v]) => [k, f(v)]));

export function createMemoryStore(opts: { capabilities?: Partial<StoreCapabilities>; faults?: MemoryFaults } = {}): MemoryStore {
  const capabilities: StoreCapabilities = { parallelWrites: false, preferredRowsPerWrite: 250_000, transactions: true, readsStaged: false, ...opts.capabilities };
  const faults = opts.faults ?? {};
  let tables = new Map<string, Table>();
  let ledger = new Map<string, LedgerEntry>();
  const stats = { writeCalls: 0, inFlight: 0, maxInFlight: 0, groupSizes: [] as number[] };
  const table = (name: string) => {
    const t = tables.get(name);
    if (!t) throw new StoreFailure(`no table ${name}`);
    return t;
  };

  function applyRows(t: Table, w: WindowWrite): WriteResult {
    const have = new Set(t.rows.map((r) => r._hash_key));
    let inserted = 0;
    for (const cells of w.rows) {
      const row: Row = Object.fromEntries(w.columns.map((c, i) => [c.name, cells[i]]));
      if (have.has(row._hash_key)) continue;
      have.add(row._hash_key);
      t.rows.push(row);
      inserted++;
    }
    return { inserted, skipped: w.rows.length - inserted };
  }

  function applyLedger(w: WindowWrite, r: WriteResult): void {
    const old = ledger.get(key(w.key));
    const rec = w.ledger;
    if (old && (rec.status === 'failed' || rec.status === 'empty') && (old.status === 'loaded' || old.status === 'incomplete')) {
      const error = { errorCode: rec.error?.exitCode ?? null, errorMessage: rec.error?.message ?? null };
      ledger.set(key(w.key), { ...old, ...error, attempts: old.attempts + 1, runId: rec.runId, updatedAt: rec.at });
      return;
    }
    ledger.set(key(w.key), {
      ...w.key,
      status: rec.status,
      fetched: rec.fetched,
      inserted: r.inserted,
      skipped: r.skipped + (rec.alreadyStored ?? 0),
      attempts: (old?.attempts ?? 0) + 1,
      errorCode: rec.error?.exitCode ?? null,
      errorMessage: rec.error?.message ?? null,
      detail: rec.detail ?? null,
      runId: rec.runId,
      firstAt: old?.firstAt ?? rec.at,
      updatedAt: rec.at,
      digest: rec.digest ?? null,
    });
  }

  // Copies (every row of the key the same content) apart from conflicts (rows that differ under one key).
  const duplicatesOf = (name: string, worst: number, range?: RowRange) => {
    const groups = new Map<string, Row[]>();
    let nullKeys = 0;
    for (const r of table(name).rows) {
      if (!inRange(r, range)) continue;
      if (r._hash_key === null) nullKeys++;
      else if (WELL_FORMED.test(String(r._hash_key))) groups.set(String(r._hash_key), [...(groups.get(String(r._hash_key)) ?? []), r]);
    }
    const dups = [...groups].filter(([, rs]) => rs.length > 1);
    const conflicted = dups.filter(([, rs]) => new Set(rs.map(content)).size > 1);
    const copies = dups.filter(([, rs]) => new Set(rs.map(content)).size === 1);
    const ingested = (rs: Row[]) => rs.map((r) => String(r._ingested_utc)).sort();
    return {
      groups: copies.length,
      extraRows: copies.reduce((n, [, rs]) => n + rs.length - 1, 0),
      nullKeys,
      conflicts: conflicted.length,
      conflictRows: conflicted.reduce((n, [, rs]) => n + rs.length - 1, 0),
      worst: copies
        .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
        .slice(0, worst)
        .map(([hashKey, rs]) => ({ hashKey, count: rs.length, firstIngested: ingested(rs)[0], lastIngested: ingested(rs).at(-1)! })),
    };
  };
  const store: MemoryStore = {
    name: 'memory',
    location: 'memory',
    capabilities,
    get tables() {
      return tables;
    },
    stats,
    createTable(name, columns) {
      tables.set(name, { actual: columns.map((c) => ({ name: c.name, type: c.type, storeType: c.storeType ?? String(c.type) })), rows: [] });
    },
    insertRaw(name, rows) {
      table(name).rows.push(...rows.map((r) => ({ ...r })));
    },
    async openTable(d: DatasetSpec) {
      const created = !tables.has(d.table);
      if (created) store.createTable(d.table, tableColumns(d));
      return resolveTable(d, d.table, table(d.table).actual, created);
    },
    async describeTable(d: DatasetSpec) {
      const t = tables.get(d.table);
      return t ? resolveTable(d, d.table, t.actual, false) : null;
    },
    async write(group) {
      const call = ++stats.writeCalls;
      stats.groupSizes.push(group.length);
      stats.maxInFlight = Math.max(stats.maxInFlight, ++stats.inFlight);
      try {
        await faults.beforeWrite?.(call);
        if (faults.failWrite === call) throw new StoreFailure(`write ${call} failed (injected)`);
        const injected = faults.failIf?.(group, call);
        if (injected) throw injected;
        // A transaction works on copies and swaps them in at commit; without one, rows land as they go.
        const before = { tables, ledger };
        if (capabilities.transactions) {
          tables = clone(tables, (t) => ({ actual: t.actual, rows: [...t.rows] }));
          ledger = new Map(ledger);
        }
        try {
          const results = group.map((w) => applyRows(table(w.table), w));
          if (faults.failAfterRows === call) throw new StoreFailure(`write ${call} failed after its rows (injected)`);
          group.forEach((w, i) => applyLedger(w, results[i]));
          if (faults.failCommit === call) throw new StoreFailure(`commit of write ${call} failed (injected)`);
          return results;
        } catch (e) {
          if (capabilities.transactions) ({ tables, ledger } = before);
          throw e;
        }
      } finally {
        stats.inFlight--;
      }
    },
    async ledger(q = {}) {
      return [...ledger.values()]
        .filter((e) => (q.dataset === undefined || e.dataset === q.dataset) && (q.to === undefined || e.from < q.to) && (q.from === undefined || e.to > q.from))
        .sort((a, b) => (a.dataset < b.dataset ? -1 : a.dataset > b.dataset ? 1 : a.from - b.from));
    },
    async countRows(name) {
      return tables.get(name)?.rows.length ?? null;
    },
    async latestRow(d) {
      const rows = tables.get(d.table)?.rows ?? [];
      const sortKey = (r: Row) => ('field' in d.eventTime ? String(r[d.eventTime.field] ?? '') : `${String(r.settlementDate ?? '')}|${String(r.settlementPeriod ?? 0).padStart(2, '0')}`);
      return rows.reduce<Row | null>((best, r) => (best === null || sortKey(r) > sortKey(best) ? r : best), null);
    },
    async periodCounts(d, from, to) {
      const counts = new Map<string, { rows: number; keys: Set<string> }>();
      for (const r of tables.get(d.table)?.rows ?? []) {
        const date = String(r.settlementDate).slice(0, 10);
        if (date < from || date > to) continue;
        const k = `${date}|${String(r.settlementPeriod)}`;
        const c = counts.get(k) ?? { rows: 0, keys: new Set<string>() };
        c.rows++;
        c.keys.add(d.naturalKey.map((n) => String(r[n])).join('\u0000'));
        counts.set(k, c);
      }
      return [...counts]
        .map(([k, c]) => ({ date: k.split('|')[0], period: Number(k.split('|')[1]), rows: c.rows, keys: c.keys.size }))
        .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.period - b.period));
    },
    async coverageCounts(d, from, to) {
      const periods = await this.periodCounts(d, from, to);
      const column = d.cadence?.setColumn;
      if (!column) return { periods, members: [] };
      const days = new Map<string, Set<string>>();
      for (const r of tables.get(d.table)?.rows ?? []) {
        const date = String(r.settlementDate).slice(0, 10);
        if (date < from || date > to || r[column] === null) continue;
        days.set(date, (days.get(date) ?? new Set()).add(String(r[column])));
      }
      return { periods, members: [...days].map(([date, set]) => ({ date, members: set.size })).sort((a, b) => (a.date < b.date ? -1 : 1)) };
    },
    async meanSeries(d, from, to, q) {
      const sums = new Map<string, { point: { date: string; period: number | null; group: string }; sum: number; n: number }>();
      for (const r of tables.get(d.table)?.rows ?? []) {
        const date = String(r.settlementDate).slice(0, 10);
        if (date < from || date > to || r[q.value] === null) continue;
        const point = { date, period: q.perDay ? null : Number(r.settlementPeriod), group: String(r[q.by]) };
        const k = `${date}|${point.period}|${point.group}`;
        const s = sums.get(k) ?? { point, sum: 0, n: 0 };
        s.sum += Number(r[q.value]);
        s.n++;
        sums.set(k, s);
      }
      return [...sums.values()]
        .map((s) => ({ ...s.point, value: s.sum / s.n }))
        .sort((a, b) => a.date.localeCompare(b.date) || (a.period ?? 0) - (b.period ?? 0) || a.group.localeCompare(b.group));
    },
    // Every key stored more than once, copies and conflicts alike (the content is not read), as DuckDB's and BigQuery's one pass.
    async duplicateCount(name) {
      const { worst: _worst, conflicts, groups, extraRows, nullKeys, conflictRows } = await duplicatesOf(name, 0);
      return { groups: groups + conflicts, extraRows: extraRows + conflictRows, nullKeys };
    },
    async duplicates(name, worst, range) {
      const { conflictRows: _rows, ...report } = await duplicatesOf(name, worst, range);
      return report;
    },
    async keyAudit(d, worst, range) {
      const rows = table(d.table).rows.filter((r) => inRange(r, range));
      const malformed = rows.filter((r) => r._hash_key !== null && !WELL_FORMED.test(String(r._hash_key))).map((r) => String(r._hash_key));
      // A version is a key's content; a key whose rows differ (a conflict) is one version of its own.
      const versions = new Map<string, { naturalKey: Record<string, string | null>; hashes: Set<string>; contents: Map<string, Set<string>> }>();
      for (const r of rows) {
        if (r._hash_key === null || !WELL_FORMED.test(String(r._hash_key)) || d.naturalKey.some((k) => r[k] === null)) continue;
        const naturalKey = Object.fromEntries(d.naturalKey.map((k) => [k, r[k] === null ? null : String(r[k])]));
        const k = JSON.stringify(naturalKey);
        const v = versions.get(k) ?? { naturalKey, hashes: new Set<string>(), contents: new Map<string, Set<string>>() };
        v.hashes.add(String(r._hash_key));
        v.contents.set(String(r._hash_key), (v.contents.get(String(r._hash_key)) ?? new Set<string>()).add(content(r)));
        versions.set(k, v);
      }
      const count = (v: { contents: Map<string, Set<string>> }) => {
        const agreed = [...v.contents.values()].filter((c) => c.size === 1).map((c) => [...c][0]);
        return new Set(agreed).size + [...v.contents.values()].filter((c) => c.size > 1).length;
      };
      const revised = [...versions].map(([k, v]) => [k, { ...v, n: count(v) }] as const).filter(([, v]) => v.n > 1);
      return {
        rows: rows.length,
        malformedKeys: malformed.length,
        malformedExamples: [...new Set(malformed)].sort().slice(0, worst),
        revisions: {
          keys: revised.length,
          extraVersions: revised.reduce((n, [, v]) => n + v.n - 1, 0),
          worst: revised
            .sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1))
            .slice(0, worst)
            .map(([, v]) => ({ naturalKey: v.naturalKey, versions: v.n, hashKeys: [...v.hashes].sort() })),
        },
      };
    },
    async sampleRows(name, limit, range) {
      return table(name).rows.filter((r) => inRange(r, range)).slice(0, limit).map((r) => ({ ...r }));
    },
    // Works on a copy of the tables and swaps it in at the end, as a transaction would commit.
    async repair(name, req) {
      const t = table(name);
      if (tables.has(req.backup)) throw new UsageError(`the backup table ${req.backup} already exists`);
      const { conflicts } = await store.duplicates(name, 0, req.range);
      if (conflicts) throw conflictError(conflicts);
      const next = clone(tables, (x) => ({ actual: x.actual, rows: [...x.rows] }));
      next.set(req.backup, { actual: t.actual, rows: t.rows.map((r) => ({ ...r })) });
      if (faults.failRepairAfter === 'backup') throw new StoreFailure('repair failed after its backup (injected)');
      const latest = new Map<string, Row>();
      const kept: Row[] = [];
      const outside: Row[] = [];
      for (const r of t.rows) {
        if (!inRange(r, req.range)) outside.push(r);
        else if (r._hash_key === null) {
          if (!req.dropNullKeys) kept.push(r);
        } else if (!WELL_FORMED.test(String(r._hash_key))) kept.push(r);
        else if (!latest.has(String(r._hash_key)) || String(r._ingested_utc) > String(latest.get(String(r._hash_key))!._ingested_utc)) latest.set(String(r._hash_key), r);
      }
      const before = t.rows.length;
      const rows = [...outside, ...latest.values(), ...kept];
      next.set(name, { actual: t.actual, rows });
      if (faults.failRepairAfter === 'rewrite') throw new StoreFailure('repair failed after its rewrite (injected)');
      const distinctKeys = new Set(t.rows.filter((r) => r._hash_key !== null).map((r) => r._hash_key)).size;
      if (faults.failRepairAfter === 'verify') throw new StoreFailure('repair failed after its checks (injected)');
      tables = next;
      return { backup: req.backup, before, backupRows: before, after: rows.length, removed: before - rows.length, distinctKeys, checks: ['memory'] };
    },
    async restore(name, backup, opts) {
      const b = tables.get(backup);
      if (!b) throw new UsageError(`there is no backup table ${backup}`);
      const before = table(name).rows.length;
      const kept = new Set(b.rows.map((r) => r._hash_key));
      const newer = table(name).rows.filter((r) => r._hash_key !== null && r._hash_key !== undefined && !kept.has(r._hash_key)).length;
      // Rows without a key, compared as whole rows, each copy counted.
      const whole = (r: Row) => JSON.stringify(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)), (_k, v) => (typeof v === 'bigint' ? String(v) : v));
      const inBackup = new Map<string, number>();
      for (const r of b.rows) if (r._hash_key === null || r._hash_key === undefined) inBackup.set(whole(r), (inBackup.get(whole(r)) ?? 0) + 1);
      let keyless = 0;
      for (const r of table(name).rows) {
        if (r._hash_key !== null && r._hash_key !== undefined) continue;
        const left = inBackup.get(whole(r)) ?? 0;
        if (left > 0) inBackup.set(whole(r), left - 1);
        else keyless++;
      }
      if (newer + keyless > 0 && opts?.force !== true) throw restoreRefused(name, backup, newer, keyless);
      if (faults.failRestore) throw new StoreFailure('restore failed before its commit (injected)');
      tables = clone(tables, (x) => x);
      tables.set(name, { actual: table(name).actual, rows: b.rows.map((r) => ({ ...r })) });
      return { table: name, backup, before, rows: b.rows.length };
    },
    async close() {},
  };
  return store;
}

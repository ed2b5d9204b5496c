// The process's DuckDB engines (src/sinks/duckdb-engine.ts): each store session's file is attached
// to the store's engine, and the SQL transform stages its rows on an engine of its own, with its own
// memory limit and spill folder. A store sees only its own file's tables, and a session let go
// (DETACH) leaves the file to another process at once.
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { findDataset } from '../../src/core/datasets.js';
import { StoreFailure } from '../../src/core/errors.js';
import { acquireEngine, engineProfile, transformRoom, type Engine } from '../../src/sinks/duckdb-engine.js';
import { fileSessions } from '../../src/sinks/duckdb-hold.js';
import { openSession } from '../../src/sinks/duckdb-open.js';
import { openDuckDbStore } from '../../src/sinks/duckdb.js';
import { tempDir, type TempDir } from '../support/pipeline.js';

let tmp: TempDir;
/** The store's engine, held through each test: sessions come and go on one instance. */
let engine: Engine;
beforeEach(async () => {
  tmp = await tempDir();
  engine = await acquireEngine();
});
afterEach(async () => {
  engine.release();
  await tmp.cleanup();
});

/** Whether another process can open the file for writing now. */
function otherProcessCanWrite(db: string): string {
  const script = `require('@duckdb/node-api').DuckDBInstance.create(${JSON.stringify(db)}).then(() => console.log('opened'), (e) => console.log(e.message.split('\\n')[0]))`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' }).stdout.trim();
}

/** The rows of `sql` in a session of its own. */
async function rowsIn(db: string, mode: 'read' | 'write', sql: string): Promise<unknown[][]> {
  const s = await openSession(db, mode, { waitMs: 0 });
  try {
    return (await s.connection.runAndReadAll(sql)).getRows();
  } finally {
    await s.close();
  }
}

it("the transform's engine is not the store's: a pool, a limit and a spill folder of its own", async () => {
  const transform = await acquireEngine('transform');
  try {
    expect(transform.instance).not.toBe(engine.instance);
    const settings = async (e: Engine) => {
      const c = await e.instance.connect();
      try {
        const [[limit, spill]] = (await c.runAndReadAll("SELECT current_setting('memory_limit'), current_setting('temp_directory')")).getRows();
        return { limit, spill: String(spill).split('/').at(-1) };
      } finally {
        c.closeSync();
      }
    };
    // DuckDB shows a limit in MiB (1000-based MB set, 1024-based shown).
    expect(await settings(engine)).toEqual({ limit: '38.1 MiB', spill: 'spill-store' });
    expect(await settings(transform)).toEqual({ limit: '45.7 MiB', spill: 'spill-transform' });
  } finally {
    transform.release();
  }
});

it("the transform's limit: 64 MB for a general-mode batch or one run again, 48 MB otherwise; a change that fails is tried again", async () => {
  const limit = async (e: Engine) => {
    const c = await e.instance.connect();
    try {
      return (await c.runAndReadAll("SELECT current_setting('memory_limit')")).getRows()[0][0];
    } finally {
      c.closeSync();
    }
  };
  const ran: string[] = [];
  // No transform engine: nothing to set.
  await transformRoom(async (q) => void ran.push(q), true);
  expect(ran).toEqual([]);
  const transform = await acquireEngine('transform');
  const c = await transform.instance.connect();
  const run = async (q: string) => {
    ran.push(q);
    await c.run(q);
  };
  try {
    await transformRoom(run, false);
    expect(ran).toEqual([]); // already 48 MB
    await transformRoom(run, true);
    expect(await limit(transform)).toBe('61.0 MiB');
    await transformRoom(run, true);
    expect(ran).toHaveLength(1);
    await transformRoom(async () => Promise.reject(new Error('pinned')), false);
    expect(await limit(transform)).toBe('61.0 MiB');
    await transformRoom(run, true); // unknown after the failure: set again
    expect(ran).toHaveLength(2);
    await transformRoom(run, false);
    expect(await limit(transform)).toBe('45.7 MiB');
  } finally {
    c.closeSync();
    transform.release();
  }
  // A new instance starts at the fast mode's limit.
  const again = await acquireEngine('transform');
  try {
    expect(await limit(again)).toBe('45.7 MiB');
  } finally {
    again.release();
  }
});

it("a store lists and describes only its own file's tables, not those of the engine's memory database", async () => {
  const c = await engine.instance.connect();
  const store = await openDuckDbStore(tmp.db, { waitMs: 0 });
  try {
    await c.run('CREATE TABLE memory.main.fuelinst (x INTEGER)');
    await c.run('CREATE TABLE memory.main.stage_1 (x INTEGER)');
    const d = findDataset('FUELINST')!;
    expect(await store.describeTable(d)).toBeNull();
    await store.openTable(d);
    expect(await store.listTables!()).toEqual(expect.arrayContaining([d.table]));
    expect(await store.listTables!()).not.toContain('stage_1');
    const described = await store.describeTable(d);
    expect(described?.columns.map((col) => col.name)).toContain('_hash_key');
    // The store's session wrote its file, not the engine's memory: memory.main.fuelinst is untouched.
    expect((await c.runAndReadAll('SELECT count(*) FROM duckdb_columns() WHERE database_name = \'memory\' AND table_name = \'fuelinst\'')).getRows()[0][0]).toBe(1n);
  } finally {
    await store.close();
    c.closeSync();
  }
});

it('a session holds the file while open and lets go of it at close, while the engine stays open', async () => {
  const s = await openSession(tmp.db, 'write', { waitMs: 0 });
  await s.connection.run('CREATE TABLE t AS SELECT 1 AS x');
  expect(otherProcessCanWrite(tmp.db)).toMatch(/Conflicting lock is held/);
  await s.close();
  expect(otherProcessCanWrite(tmp.db)).toBe('opened');
  // And it comes back: attached again, the table is there.
  expect(await rowsIn(tmp.db, 'read', 'SELECT x FROM t')).toEqual([[1]]);
});

it('a session closed inside an aborted transaction still lets go of the file, and the next session opens it', async () => {
  const s = await openSession(tmp.db, 'write', { waitMs: 0 });
  await s.connection.run('CREATE TABLE t AS SELECT 1 AS x');
  await s.connection.run('BEGIN TRANSACTION');
  await s.connection.run('INSERT INTO t VALUES (2)');
  await expect(s.connection.run('INSERT INTO missing VALUES (1)')).rejects.toThrow();
  await s.close();
  expect(otherProcessCanWrite(tmp.db)).toBe('opened');
  // The aborted transaction's row is not there.
  expect(await rowsIn(tmp.db, 'write', 'SELECT x FROM t ORDER BY x')).toEqual([[1]]);
});

it('a write task that fails in the driver lets go of the file at once (a fresh attach next time), not after the idle wait', async () => {
  const sessions = fileSessions(tmp.db, { waitMs: 0 });
  await sessions.use('write', (c) => c.run('CREATE TABLE t AS SELECT 1 AS x'));
  // Held between tasks (the write session is kept for the next group).
  expect(otherProcessCanWrite(tmp.db)).toMatch(/Conflicting lock is held/);
  await expect(
    sessions.use('write', async () => {
      throw new StoreFailure('the store failed: Out of Memory Error (injected)');
    }),
  ).rejects.toThrow(/injected/);
  expect(otherProcessCanWrite(tmp.db)).toBe('opened');
  expect(await sessions.use('write', async (c) => (await c.runAndReadAll('SELECT x FROM t')).getRows())).toEqual([[1]]);
  await sessions.release();
});

it("the store's writes checkpoint without a vacuum; whole-table work (a repair, a backup) vacuums again", async () => {
  const setting = async () => {
    const c = await engine.instance.connect();
    try {
      return Number((await c.runAndReadAll("SELECT current_setting('max_vacuum_tasks')")).getRows()[0][0]);
    } finally {
      c.closeSync();
    }
  };
  const c = await engine.instance.connect();
  const ran: string[] = [];
  const run = async (q: string) => {
    ran.push(q);
    await c.run(q);
  };
  try {
    expect(await setting()).toBe(100); // DuckDB's default on a fresh engine
    await engineProfile(run, 'write');
    expect(await setting()).toBe(0);
    await engineProfile(run, 'write');
    expect(ran).toHaveLength(3); // set once
    await engineProfile(run, 'whole');
    expect(await setting()).toBe(100);
    expect(ran.at(-1)).toBe('RESET max_vacuum_tasks');
  } finally {
    c.closeSync();
  }
  // A real write group leaves the engine without a vacuum.
  const store = await openDuckDbStore(tmp.db, { waitMs: 0 });
  try {
    const d = findDataset('FUELINST')!;
    const table = await store.openTable(d);
    await store.write([{ table: table.name, key: { dataset: d.code, from: 0, to: 1 }, columns: table.columns, rows: [], bounds: null, ledger: { status: 'empty', fetched: 0, runId: 'test', at: 0 } }]);
    expect(await setting()).toBe(0);
  } finally {
    await store.close();
  }
});

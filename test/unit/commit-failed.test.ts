// A COMMIT that DuckDB refuses (src/sinks/duckdb-stop.ts, CommitFailed): DuckDB 1.5 does not always
// undo such a commit cleanly in memory, so the engine stops. Not run again, no ROLLBACK, and no
// session of any store opens afterwards in this process. (A file of its own: the stop is for the
// whole process.) test/e2e/commit-refused.test.ts has the real failure end to end.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { EXIT } from '../../src/core/errors.js';
import { heavyTask } from '../../src/sinks/duckdb-engine.js';
import { CommitFailed, enginePoisoned } from '../../src/sinks/duckdb-stop.js';
import { inTransaction, openSession } from '../../src/sinks/duckdb-open.js';
import { tempDir } from '../support/pipeline.js';

it('a refused commit is not retried or rolled back, stops the engines, and no store opens after it', async () => {
  const ran: string[] = [];
  const c = {
    async run(sql: string) {
      ran.push(sql);
      if (sql === 'COMMIT') throw new Error('TransactionContext Error: Failed to commit: could not allocate block of size 256.0 KiB (60.4 MiB/61.0 MiB used)');
    },
  } as unknown as Parameters<typeof inTransaction>[0];
  expect(enginePoisoned()).toBeUndefined();
  let tries = 0;
  const e = await heavyTask('store', () => inTransaction(c, async () => ++tries)).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(CommitFailed);
  expect((e as CommitFailed).exitCode).toBe(EXIT.internal);
  expect((e as Error).message).toMatch(/failed to commit a write to the store: TransactionContext Error: Failed to commit: could not allocate block/);
  expect(tries).toBe(1);
  expect(ran).toEqual(['BEGIN TRANSACTION', 'COMMIT']);
  expect(enginePoisoned()).toBe(e);

  const tmp = await tempDir();
  try {
    const db = join(tmp.dir, 'other.duckdb');
    await expect(openSession(db, 'write', { waitMs: 0 })).rejects.toBe(e);
    await expect(openSession(db, 'read', { waitMs: 0 })).rejects.toBe(e);
    expect(existsSync(db)).toBe(false);
  } finally {
    await tmp.cleanup();
  }
});

it('a statement outside a transaction whose own commit DuckDB refuses stops the engines too', async () => {
  const { failing } = await import('../../src/sinks/duckdb-open.js');
  const refused = failing('/tmp/x.duckdb', Promise.reject(new Error('TransactionContext Error: Failed to commit: failed to pin block of size 256.0 KiB')));
  await expect(refused).rejects.toBe(enginePoisoned());
  // Any other driver failure is the step's own (70, nothing stored), as before.
  const other = await failing('/tmp/x.duckdb', Promise.reject(new Error('IO Error: disk full'))).catch((e: unknown) => e);
  expect(other).not.toBeInstanceOf(CommitFailed);
  expect((other as Error).message).toBe('the store /tmp/x.duckdb failed: IO Error: disk full');
});

it("once stopped, no staging statement, commit, checkpoint or setting of the transform's limit runs on the engines", async () => {
  const { solo, statement, transformRoom } = await import('../../src/sinks/duckdb-engine.js');
  let ran = 0;
  await expect(statement(async () => ++ran)).rejects.toBe(enginePoisoned());
  await expect(solo(async () => ++ran)).rejects.toBe(enginePoisoned());
  await expect(transformRoom(async () => ++ran, true)).rejects.toBe(enginePoisoned());
  expect(ran).toBe(0);
});

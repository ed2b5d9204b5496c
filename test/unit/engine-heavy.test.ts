// heavyTask (src/sinks/duckdb-engine.ts): transform batches and write groups run side by side; one
// that runs out of its engine's memory limit is run once more alone, after those running and before
// any that comes later, and any other failure is its caller's. Commits run one at a time (solo), beside
// the transform's staging statements (each on an engine of its own), and one that fails is never
// run again.
import { expect, it } from 'vitest';
import { heavyTask, solo, statement } from '../../src/sinks/duckdb-engine.js';

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
};

it('runs tasks side by side', async () => {
  const log: string[] = [];
  const a = gate();
  const first = heavyTask('store', async () => {
    log.push('a start');
    await a.opened;
    log.push('a end');
  });
  const second = heavyTask('store', async () => {
    log.push('b');
  });
  await second;
  expect(log).toEqual(['a start', 'b']);
  a.open();
  await first;
});

it('a task out of memory runs again alone: after the running ones, before later ones', async () => {
  const log: string[] = [];
  const slow = gate();
  let tries = 0;
  const running = heavyTask('store', async () => {
    log.push('batch start');
    await slow.opened;
    log.push('batch end');
  });
  const write = heavyTask('store', async () => {
    tries++;
    log.push(`write try ${tries}`);
    if (tries === 1) throw new Error('Out of Memory Error: could not allocate block of size 16.0 KiB (61.0 MiB/61.0 MiB used)');
    return 'written';
  });
  await new Promise((r) => setTimeout(r, 0));
  const later = heavyTask('store', async () => {
    log.push('later');
  });
  await new Promise((r) => setTimeout(r, 0));
  expect(log).toEqual(['batch start', 'write try 1']);
  slow.open();
  expect(await write).toBe('written');
  await Promise.all([running, later]);
  expect(log).toEqual(['batch start', 'write try 1', 'batch end', 'write try 2', 'later']);
});

it('another failure is not retried', async () => {
  let tries = 0;
  const e = await heavyTask('store', async () => {
    tries++;
    throw new Error('Constraint Error: something else');
  }).catch((x: unknown) => x);
  expect((e as Error).message).toMatch(/Constraint/);
  expect(tries).toBe(1);
  // And the next task runs.
  expect(await heavyTask('store', async () => 1)).toBe(1);
});

it('DuckDB saying the pool is full is retried, and the task is told it runs again', async () => {
  const tries: boolean[] = [];
  const r = await heavyTask('store', async (again) => {
    tries.push(again);
    if (tries.length === 1) throw new Error('Out of Memory Error: failed to allocate data of size 32.0 KiB (61.0 MiB/61.0 MiB used)');
    return tries.length;
  });
  expect(r).toBe(2);
  expect(tries).toEqual([false, true]);
});

it("a task out of its engine's memory runs again without waiting for the other engine's tasks", async () => {
  const write = gate();
  const log: string[] = [];
  const writing = heavyTask('store', async () => {
    log.push('write start');
    await write.opened;
    log.push('write end');
  });
  const batch = await heavyTask('transform', async (again) => {
    log.push(`batch again=${again}`);
    if (!again) throw new Error('Out of Memory Error: failed to allocate data of size 16.0 MiB (29.8 MiB/45.7 MiB used)');
    return 'staged';
  });
  expect(batch).toBe('staged');
  expect(log).toEqual(['write start', 'batch again=false', 'batch again=true']);
  write.open();
  await writing;
});

it.each([
  'TransactionContext Error: Failed to commit: failed to pin block of size 256.0 KiB (60.8 MiB/61.0 MiB used)',
  'TransactionContext Error: Failed to commit: could not allocate block of size 256.0 KiB (60.4 MiB/61.0 MiB used)',
])('a commit that ran out of memory is never run again: %s', async (message) => {
  let tries = 0;
  const e = await heavyTask('store', async () => {
    tries++;
    throw new Error(message);
  }).catch((x: unknown) => x);
  expect((e as Error).message).toBe(message);
  expect(tries).toBe(1);
});

it('a commit (solo) does not wait for a staging statement of the transform', async () => {
  const log: string[] = [];
  const stage = gate();
  const running = statement(async () => {
    log.push('stage start');
    await stage.opened;
    log.push('stage end');
  });
  await solo(async () => void log.push('commit'));
  expect(log).toEqual(['stage start', 'commit']);
  stage.open();
  await running;
});

it('solo steps run one at a time, in turn', async () => {
  const log: string[] = [];
  const step = (name: string) =>
    solo(async () => {
      log.push(`${name} start`);
      await new Promise((r) => setTimeout(r, 0));
      log.push(`${name} end`);
    });
  await Promise.all([step('commit'), step('checkpoint')]);
  expect(log).toEqual(['commit start', 'commit end', 'checkpoint start', 'checkpoint end']);
});

it('a commit that held but whose checkpoint failed is done: no rollback, no retry, and the connection is spent', async () => {
  const { inTransaction, isSpent } = await import('../../src/sinks/duckdb-open.js');
  const ran: string[] = [];
  const c = {
    async run(sql: string) {
      ran.push(sql);
      if (sql === 'COMMIT') throw new Error('TransactionContext Error: Transaction COMMIT succeeded and is durable, but the autocheckpoint failed. Detach and reattach the database to recover. Out of Memory Error: could not allocate block');
    },
  } as unknown as Parameters<typeof inTransaction>[0];
  let tries = 0;
  const out = await heavyTask('store', () => inTransaction(c, async () => ++tries));
  expect(out).toBe(1);
  expect(tries).toBe(1);
  expect(ran).toEqual(['BEGIN TRANSACTION', 'COMMIT']);
  expect(isSpent(c)).toBe(true);
});

it('a setting the engine cannot take now (the limit lowered under pinned buffers) does not fail the task, and is tried again next time', async () => {
  const { acquireEngine, engineProfile } = await import('../../src/sinks/duckdb-engine.js');
  const engine = await acquireEngine();
  try {
    const ran: string[] = [];
    let refuse = true;
    const run = async (sql: string) => {
      ran.push(sql);
      if (refuse && sql.startsWith('SET memory_limit')) throw new Error('Out of Memory Error: Failed to change memory limit');
    };
    await engineProfile(run, 'whole');
    refuse = false;
    await engineProfile(run, 'whole');
    await engineProfile(run, 'whole');
    expect(ran).toEqual(['SET threads = 2', "SET memory_limit = '96MB'", 'SET threads = 2', "SET memory_limit = '96MB'", 'RESET max_vacuum_tasks']);
  } finally {
    engine.release();
  }
});

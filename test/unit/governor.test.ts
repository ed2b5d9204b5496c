// The memory governor's logic (src/sinks/duckdb-governor.ts): a purge only above the target, at most
// every minGapMs, backing off while purges free little, never failing the caller, none after stop.
// Driven tick by tick with a fake clock, RSS and purge (the real purge: test/integration/governor.test.ts).
import { expect, it } from 'vitest';
import { createGovernor } from '../../src/sinks/duckdb-governor.js';

const MIB = 1024 * 1024;

function fixture(opts: { freed?: number; fail?: boolean } = {}) {
  const state = { rss: 100 * MIB, t: 0, calls: 0, freed: opts.freed ?? 40 * MIB, fail: opts.fail ?? false };
  const g = createGovernor({
    targetBytes: 200 * MIB,
    rss: () => state.rss,
    now: () => state.t,
    minGapMs: 100,
    worthBytes: 8 * MIB,
    maxBackoffMs: 800,
    purge: async () => {
      state.calls++;
      if (state.fail) throw new Error('pool busy');
      state.rss -= state.freed;
    },
  });
  return { g, state };
}

it('purges only when the RSS is above the target', async () => {
  const { g, state } = fixture();
  state.rss = 200 * MIB;
  await g.tick();
  expect(state.calls).toBe(0);
  state.rss = 201 * MIB;
  await g.tick();
  expect(state.calls).toBe(1);
  expect(g.purges).toBe(1);
  expect(state.rss).toBe(161 * MIB);
});

it('waits at least minGapMs between purges', async () => {
  const { g, state } = fixture();
  state.rss = 250 * MIB;
  await g.tick();
  state.rss = 250 * MIB;
  state.t = 99;
  await g.tick();
  expect(state.calls).toBe(1);
  state.t = 100;
  await g.tick();
  expect(state.calls).toBe(2);
});

it('backs off while purges free little (the live memory is over the target), up to maxBackoffMs', async () => {
  const { g, state } = fixture({ freed: MIB });
  state.rss = 300 * MIB;
  const times: number[] = [];
  for (state.t = 0; state.t <= 3000; state.t += 10) {
    const before = state.calls;
    await g.tick();
    if (state.calls > before) times.push(state.t);
  }
  // Gaps after each purge: 200, 400, 800, then capped at 800.
  expect(times.slice(0, 6)).toEqual([0, 200, 600, 1400, 2200, 3000]);
});

it('a purge that frees enough brings the gap back to minGapMs', async () => {
  const { g, state } = fixture({ freed: MIB });
  state.rss = 300 * MIB;
  await g.tick(); // t 0: gap now 200
  state.t = 200;
  await g.tick(); // gap now 400
  state.freed = 50 * MIB;
  state.t = 600;
  await g.tick(); // freed 50 MiB: gap back to 100
  state.rss = 300 * MIB;
  state.t = 700;
  await g.tick();
  expect(state.calls).toBe(4);
});

it('a failing purge never reaches the caller; it is tried again later', async () => {
  const { g, state } = fixture({ fail: true });
  state.rss = 300 * MIB;
  await expect(g.tick()).resolves.toBeUndefined();
  expect(g.purges).toBe(0);
  state.fail = false;
  state.t = 100;
  await g.tick();
  expect(state.calls).toBe(1); // backed off: 200 ms after the failure
  state.t = 200;
  await g.tick();
  expect(g.purges).toBe(1);
});

it('one purge at a time; none after stop, which waits for the one running', async () => {
  let release!: () => void;
  let calls = 0;
  const g = createGovernor({
    targetBytes: 0,
    rss: () => MIB,
    now: () => 1_000,
    purge: () => {
      calls++;
      return new Promise<void>((r) => (release = r));
    },
  });
  const first = g.tick();
  const second = g.tick();
  expect(calls).toBe(1);
  let stopped = false;
  const stopping = g.stop().then(() => (stopped = true));
  await Promise.resolve();
  expect(stopped).toBe(false);
  release();
  await Promise.all([first, second, stopping]);
  expect(stopped).toBe(true);
  expect(g.purges).toBe(1);
  await g.tick();
  expect(calls).toBe(1);
});

it('an RSS that cannot be read (EMFILE on /proc) means no purge this time, and no error', async () => {
  let calls = 0;
  const g = createGovernor({
    targetBytes: 0,
    rss: () => {
      throw new Error('EMFILE: too many open files');
    },
    purge: async () => void calls++,
  });
  await expect(g.tick()).resolves.toBeUndefined();
  expect(calls).toBe(0);
});

it('backs off from a gap of 0 too (at least 1 ms, doubling)', async () => {
  let t = 0;
  let calls = 0;
  const g = createGovernor({ targetBytes: 0, rss: () => MIB, now: () => t, minGapMs: 0, purge: async () => void calls++ });
  await g.tick(); // frees nothing: the gap becomes 2 ms
  await g.tick();
  expect(calls).toBe(1);
  t = 2;
  await g.tick();
  expect(calls).toBe(2);
});

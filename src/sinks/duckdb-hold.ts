// The write session of a DuckDB store, kept open between write groups while nobody else wants the
// file: opening and closing it per group costs tens of milliseconds and a checkpoint each time
// (docs/benchmarks.md, bench:store). The session is let go after a group as soon as another
// process announces that it waits (duckdb-open.ts, waitNote), after IDLE_MS without a write, and at
// close, so a cron run or a query gets in between a backfill's groups.
import type { DuckDBConnection } from '@duckdb/node-api';
import { openSession, someoneWaits, type OpenOptions, type Session } from './duckdb-open.js';

const IDLE_MS = 1_000;

export interface HeldSession {
  /** Runs `task` on the write session, opening it (and waiting for the file) when needed. */
  use<T>(task: (c: DuckDBConnection) => Promise<T>): Promise<T>;
  /** The open session, if any, for reads that should not open the file a second time. */
  current(): DuckDBConnection | undefined;
  release(): void;
}

/** After letting go for a waiter, how long to leave it the file before opening it again. */
const GIVE_WAY_MS = 2_000;

export function holdSession(path: string, open: OpenOptions): HeldSession {
  const sleep = open.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let session: Session | undefined;
  let idle: NodeJS.Timeout | undefined;
  let busy = Promise.resolve();
  let gaveWay = false;

  /** The waiter removes its note once it has the file; until then (or a while), do not race it. */
  const giveWay = async () => {
    for (const until = Date.now() + GIVE_WAY_MS; gaveWay && someoneWaits(path) && Date.now() < until; ) await sleep(50);
    gaveWay = false;
  };

  const release = () => {
    if (idle) clearTimeout(idle);
    idle = undefined;
    session?.close();
    session = undefined;
  };

  return {
    use<T>(task: (c: DuckDBConnection) => Promise<T>): Promise<T> {
      // One task at a time on the one connection, in the order asked.
      const run = busy.then(async () => {
        if (idle) clearTimeout(idle);
        if (!session) {
          await giveWay();
          session = await openSession(path, 'write', open);
        }
        try {
          return await task(session.connection);
        } finally {
          if (someoneWaits(path)) {
            release();
            gaveWay = true;
          } else idle = setTimeout(release, IDLE_MS).unref();
        }
      });
      busy = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
    current: () => session?.connection,
    release,
  };
}

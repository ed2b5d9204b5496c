// Bounded concurrency for the window runner: a pool of tasks over a list, and slots for requests.

/**
 * Maps items with at most `limit` tasks in flight; results keep the input order. After a task
 * throws, no new task starts and the error is re-thrown once the tasks in flight have settled,
 * so nothing is still writing when the caller closes the store.
 */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        results[i] = await fn(items[i]);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed) throw failed.error;
  return results;
}

export type Slots = <T>(task: () => Promise<T>) => Promise<T>;

/** Runs at most `n` tasks at once; the others wait in order. */
export function slots(n: number): Slots {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active < n) active++;
    else await new Promise<void>((resume) => waiting.push(resume));
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, if any.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

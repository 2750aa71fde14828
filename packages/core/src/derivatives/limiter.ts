/** A counting semaphore: at most `limit` tasks run at once, the rest wait in FIFO order. */
export function createLimiter(limit: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** Share one in-flight promise per key: concurrent callers for the same key get the same result. */
export function createSingleFlight<T>() {
  const inflight = new Map<string, Promise<T>>();
  return function once(key: string, task: () => Promise<T>): Promise<T> {
    const existing = inflight.get(key);
    if (existing) return existing;
    const promise = task().finally(() => inflight.delete(key));
    inflight.set(key, promise);
    return promise;
  };
}

/**
 * Caches the promise of one read for the life of a hook. A failed read is
 * forgotten, so a caller that handles the error can try again.
 */
export function once<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= read().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/** {@link once}, keyed: one cached read per key. */
export function onceBy<K, T>(read: (key: K) => Promise<T>): (key: K) => Promise<T> {
  const cache = new Map<K, () => Promise<T>>();
  return (key) => {
    let get = cache.get(key);
    if (get === undefined) {
      get = once(() => read(key));
      cache.set(key, get);
    }
    return get();
  };
}

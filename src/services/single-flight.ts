/**
 * At most one run of `work` per key at a time: callers that arrive while it runs share its result. Fifty readers
 * opening the same cold timeline cause one rebuild.
 */
export function createSingleFlight<K, T>() {
  const running = new Map<K, Promise<T>>();
  return {
    run(key: K, work: () => Promise<T>): Promise<T> {
      let flight = running.get(key);
      if (!flight) {
        flight = work().finally(() => running.delete(key));
        running.set(key, flight);
      }
      return flight;
    },
  };
}

import { RateLimited } from '../domain/errors.js';
import type { AccountService } from '../services/accounts.js';

/**
 * The streams this process holds open, by account: at most `perAccount` at once for one account (a client opens a
 * stream or two; more is a leak or an abuse), and each closed as soon as its session is revoked, here or elsewhere.
 * The cap is per process: behind a load balancer an account may hold it on each `api` process. Anonymous streams
 * (public timelines, where the server allows them without a token) are counted by address instead, under the same cap.
 */
export function openStreams(accounts: Pick<AccountService, 'watchSession'>, perAccount: number) {
  const counts = new Map<bigint | string, number>();
  return {
    /**
     * Registers a stream of `owner` (an account, or an address for anonymous streams) on `token`'s session; `close`
     * ends it when the session does. Refused with 429 over the cap. The returned function is called once the stream
     * has closed, however it closed.
     */
    open(owner: bigint | string, token: string | null, close: () => void): () => void {
      const count = counts.get(owner) ?? 0;
      if (count >= perAccount) {
        throw new RateLimited(5, `at most ${perAccount} open streams per account; close one first`);
      }
      counts.set(owner, count + 1);
      const unwatch = token === null ? () => undefined : accounts.watchSession(token, close);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        unwatch();
        const left = (counts.get(owner) ?? 1) - 1;
        if (left > 0) counts.set(owner, left);
        else counts.delete(owner);
      };
    },
    /** Streams open now, for metrics and tests. */
    count: (): number => [...counts.values()].reduce((sum, n) => sum + n, 0),
  };
}

export type OpenStreams = ReturnType<typeof openStreams>;

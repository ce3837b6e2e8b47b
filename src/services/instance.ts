import type { AccountStore } from '../ports/account-store.js';
import type { Clock } from '../ports/clock.js';

export interface InstanceSettings {
  title: string;
  description: string;
  contactEmail: string;
  /** Starling's own version. */
  version: string;
}

/** How long the account and post totals are reused: clients ask for the instance at every start. */
const TOTALS_TTL_MS = 60_000;

/** What the server says about itself (instance and NodeInfo documents), with totals counted at most once a minute. */
export function createInstanceService(
  accounts: Pick<AccountStore, 'totals'>,
  clock: Clock,
  settings: InstanceSettings,
) {
  let totals: { at: number; value: Promise<{ accounts: number; tweets: number }> } | undefined;
  return {
    async facts() {
      if (!totals || clock.now() - totals.at >= TOTALS_TTL_MS) {
        const value = accounts.totals();
        totals = { at: clock.now(), value };
        value.catch(() => {
          if (totals?.value === value) totals = undefined;
        });
      }
      const { accounts: count, tweets } = await totals.value;
      return { ...settings, stats: { accounts: count, statuses: tweets } };
    },
  };
}

export type InstanceService = ReturnType<typeof createInstanceService>;

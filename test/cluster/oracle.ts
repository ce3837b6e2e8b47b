import type { Account, ClusterClient } from './client.js';

/**
 * Random traffic through the load balancer — posts, deletes, follows, unfollows, home reads and searches, with one
 * account whose followers go up and down across the celebrity threshold — and what it was told: which writes were
 * acknowledged, and when each failure happened.
 */
export interface Op {
  kind: 'post' | 'delete' | 'follow' | 'unfollow' | 'home' | 'search';
  started: number;
  failed: boolean;
  server: string | null;
}

export interface World {
  accounts: Account[];
  /** Followed by a changing share of the others, so it crosses the celebrity threshold both ways. */
  celebrity: Account;
  /** Acknowledged posts by author id, and those of them whose delete was acknowledged. */
  posts: Map<string, string[]>;
  deleted: Set<string>;
  following: Map<string, Set<string>>;
  ops: Op[];
}

/** A small seeded generator, so a failing run can be replayed with its seed. */
export function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T };
}

export async function createWorld(client: ClusterClient, tag: string, size: number): Promise<World> {
  const accounts: Account[] = [];
  for (let i = 0; i < size; i++) {
    const made = await client.signUp(`${tag}${i}`);
    if (!made.value) throw new Error(`sign-up failed with ${made.status}`);
    accounts.push(made.value);
  }
  const [celebrity] = accounts;
  if (!celebrity) throw new Error('no accounts');
  return {
    accounts,
    celebrity,
    posts: new Map(),
    deleted: new Set(),
    following: new Map(accounts.map((a) => [a.id, new Set()])),
    ops: [],
  };
}

/** `count` random operations, `concurrency` at a time. */
export async function traffic(
  client: ClusterClient,
  world: World,
  rng: ReturnType<typeof random>,
  count: number,
  concurrency = 4,
): Promise<void> {
  let left = count;
  const one = async (): Promise<void> => {
    const who = rng.pick(world.accounts);
    const roll = rng.next();
    const started = Date.now();
    const record = (kind: Op['kind'], outcome: { failed: boolean; server: string | null }) =>
      world.ops.push({ kind, started, failed: outcome.failed, server: outcome.server });
    const follows = world.following.get(who.id) as Set<string>;
    if (roll < 0.4) {
      const posted = await client.post(who, `post ${world.ops.length} by ${who.handle}`);
      if (posted.value) world.posts.set(who.id, [...(world.posts.get(who.id) ?? []), posted.value]);
      record('post', posted);
    } else if (roll < 0.47) {
      const mine = (world.posts.get(who.id) ?? []).filter((id) => !world.deleted.has(id));
      if (mine.length === 0) return;
      const id = rng.pick(mine);
      const deleted = await client.delete(who, id);
      if (deleted.ok) world.deleted.add(id);
      record('delete', deleted);
    } else if (roll < 0.62) {
      // Half the follows go to the celebrity, half the unfollows leave it: its count wanders across the threshold.
      const whom = rng.next() < 0.5 ? world.celebrity : rng.pick(world.accounts);
      if (whom.id === who.id) return;
      const followed = await client.follow(who, whom);
      if (followed.ok) follows.add(whom.id);
      record('follow', followed);
    } else if (roll < 0.72) {
      const followed = [...follows];
      if (followed.length === 0) return;
      const whomId =
        rng.next() < 0.5 && follows.has(world.celebrity.id) ? world.celebrity.id : rng.pick(followed);
      const whom = world.accounts.find((a) => a.id === whomId) as Account;
      const unfollowed = await client.unfollow(who, whom);
      if (unfollowed.ok) follows.delete(whom.id);
      record('unfollow', unfollowed);
    } else if (roll < 0.95) {
      record('home', await client.home(who, 50));
    } else {
      record('search', await client.search(`by ${who.handle}`));
    }
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left > 0) {
        left -= 1;
        await one();
      }
    }),
  );
}

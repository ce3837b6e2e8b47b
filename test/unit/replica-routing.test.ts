import { describe, expect, it } from 'vitest';
import {
  createReplicaRouting,
  parseLsn,
  type WalPositions,
} from '../../src/adapters/postgres/replica-routing.js';
import { parseClusterNodes } from '../../src/adapters/redis/redis-topology.js';
import type { SqlClient } from '../../src/adapters/sql/sql-client.js';

/** A database that answers every query with its own name, and can be made to fail. */
function fakeDatabase(name: string) {
  const state = { failing: false, asked: 0 };
  const client: SqlClient = {
    async query<Row>() {
      state.asked += 1;
      if (state.failing) throw new Error(`${name} is gone`);
      return [{ from: name }] as Row[];
    },
    exec: async () => undefined,
    transaction: (work) => work(client),
    listen: async () => async () => undefined,
    close: async () => undefined,
  };
  return Object.assign(state, { client });
}

/** WAL positions the test moves: where the primary's log ends, and what the replica has replayed. */
function positions() {
  const state = { primary: 100n, replayed: 100n, down: false, probes: 0, gate: Promise.resolve() };
  const wal: WalPositions = {
    async primary() {
      state.probes += 1;
      // The position is read when the probe starts; the answer may arrive later.
      const position = state.primary;
      await state.gate;
      return position;
    },
    async replica() {
      if (state.down) throw new Error('connection refused');
      return { replayed: state.replayed, lagSeconds: 0 };
    },
  };
  return Object.assign(state, { wal });
}

function setUp(maxWaitMs = 50) {
  const primary = fakeDatabase('primary');
  const replica = fakeDatabase('replica');
  const wal = positions();
  const seen: string[] = [];
  const routing = createReplicaRouting({
    primary: primary.client,
    replica: replica.client,
    positions: wal.wal,
    maxWaitMs,
    observe: (target, reason) => seen.push(`${target}:${reason}`),
  });
  const read = async () =>
    ((await routing.reads.query<{ from: string }>('SELECT 1'))[0] as { from: string }).from;
  return { primary, replica, wal, routing, read, seen };
}

describe('reads on a PostgreSQL replica', () => {
  it('go to the replica once it has replayed what the primary had when the read was asked', async () => {
    const { wal, read, routing } = setUp(5_000);
    expect(await read()).toBe('replica');
    // Something was committed after the replica's position: the read waits until the replica has replayed it.
    wal.primary = 200n;
    wal.replayed = 150n;
    const reading = read();
    wal.replayed = 200n;
    expect(await reading).toBe('replica');
    await routing.close();
  });

  it('go to the primary when the replica is further behind than a read may wait', async () => {
    const { wal, read, seen, routing } = setUp(10);
    wal.primary = 200n;
    wal.replayed = 199n;
    expect(await read()).toBe('primary');
    expect(seen).toEqual(['primary:behind']);
    await routing.close();
  });

  it('never use a primary position read before the read was asked', async () => {
    const { wal, read, routing } = setUp(10);
    // A read asked while a probe of the primary is under way must not be satisfied by that probe's older answer.
    let release: () => void = () => {};
    wal.gate = new Promise<void>((resolve) => (release = resolve));
    const first = read();
    wal.primary = 300n; // committed after the first probe began, before the second read is asked
    const second = read();
    wal.gate = Promise.resolve();
    release();
    expect(await first).toBe('replica');
    expect(await second).toBe('primary'); // the replica is at 100, the primary was at 300 when the second read asked
    expect(wal.probes).toBe(2);
    await routing.close();
  });

  it('go to the primary when the replica is down or fails a query, and say so', async () => {
    const { wal, replica, read, seen, routing } = setUp();
    wal.down = true;
    expect(await read()).toBe('primary');
    expect(routing.status().up).toBe(false);
    // Once marked down, reads do not wait on it at all.
    const asked = replica.asked;
    expect(await read()).toBe('primary');
    expect(replica.asked).toBe(asked);
    expect(seen).toEqual(['primary:down', 'primary:down']);
    await routing.close();

    const other = setUp();
    other.replica.failing = true;
    expect(await other.read()).toBe('primary');
    expect(other.seen).toEqual(['primary:failed']);
    await other.routing.close();
  });
});

describe('WAL positions and cluster topology', () => {
  it('orders LSNs like the log', () => {
    expect(parseLsn('0/16B3748')).toBe(0x16b3748n);
    expect(parseLsn('1/0') > parseLsn('0/FFFFFFFF')).toBe(true);
  });

  it('reads primaries, missing replicas and failed nodes from CLUSTER NODES', () => {
    const text = [
      'a 127.0.0.1:7101@17101 master,fail - 0 0 1 disconnected',
      'b 127.0.0.1:7102@17102 myself,master - 0 0 2 connected 5461-10922',
      'c 127.0.0.1:7103@17103 master - 0 0 3 connected 10923-16383',
      'd 127.0.0.1:7104@17104 slave c 0 0 3 connected',
      'e 127.0.0.1:7105@17105 master - 0 0 7 connected 0-5460',
      'f 127.0.0.1:7106@17106 slave b 0 0 2 connected',
    ].join('\n');
    expect(parseClusterNodes(text)).toEqual({
      primaries: ['b', 'c', 'e'],
      withoutReplica: 1,
      failedNodes: 1,
    });
  });
});
